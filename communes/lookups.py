"""`field__among=ids`: the field is one of a list of whole numbers (ids), sent to PostgreSQL as one
array parameter (`= ANY(%s)`, which its planner treats as the IN list it stands for, index probes
included) rather than one parameter per id: Django prepares each parameter of an IN list in Python,
about half a millisecond for a province's 168 communes, and a page of a province reads its communes'
counts, populations and targets that way several times. Elsewhere (SQLite) it is the IN list."""

from django.core.exceptions import EmptyResultSet
from django.db.models import Lookup


class Among(Lookup):
    lookup_name = "among"
    prepare_rhs = False

    def get_prep_lookup(self):
        return [value if value.__class__ is int else _id(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet  # as an empty IN list: no row, and no query sent
        lhs, params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*params, self.rhs]
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", [*params, *self.rhs]


def _id(value) -> int:
    """An id, or a model instance's."""
    return int(value.pk if hasattr(value, "_meta") else value)
