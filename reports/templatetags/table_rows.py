"""The body rows of the ranking table (`reports.tables.CoverageRankingTable`), written in Python
rather than cell by cell by django-tables2's template.

The stock template costs about 0,05 ms a cell whatever the cell holds: for each one django-tables2
inspects the render method's signature (`inspect.signature`), rebuilds the cell's attributes
(`BoundColumn.attrs`) and the template resolves a dozen lookups. The largest province's ranking has
168 rows × 13 columns: that alone exceeded the page's 60 ms (docs/benchmarks.md). Here each
column's attributes and render method are looked up once per table; each cell is still the table's
own `render_<column>` applied to the accessor's value (the column's default when the value is
empty), escaped as `{{ cell }}` is, and each row's attributes its `row_attrs`, in the stock
template's markup less its indentation. Only what the ranking uses is supported: no per-record cell
attributes, link columns, nested row attributes or model records.
tests/reports/test_table_rows.py compares both outputs.
"""

import inspect
from functools import lru_cache
from html import escape

from django import template
from django.conf import settings
from django.template.base import render_value_in_context
from django.utils.safestring import SafeData, mark_safe
from django_tables2.utils import Accessor, AttributeDict

from reports.formatting import separators_fixed
from reports.markup import escaped

register = template.Library()


class _Call:
    """django-tables2's `call_with_appropriate` with the function's signature looked up once:
    called with what it asks for among `available`, or not at all (None) when it asks for more."""

    def __init__(self, function) -> None:
        self.function = function
        underlying = getattr(function, "__func__", None)  # a method of this request's table
        if underlying is None:
            self.takes_any, self.wanted = _parameters(function, bound=False)
        else:
            self.takes_any, self.wanted = _parameters(underlying, bound=True)

    def __call__(self, available: dict):
        if self.takes_any:
            return self.function(**available)
        if any(name not in available for name in self.wanted):
            return None
        return self.function(**{name: available[name] for name in self.wanted})


@lru_cache(maxsize=1024)
def _parameters(function, *, bound: bool) -> tuple[bool, tuple[str, ...]]:
    """Whether the function takes any keyword, and the parameters it names (less `self` when it is
    called bound): worked out once per function (a table's methods, its row attributes' lambdas),
    not once per table."""
    parameters = list(inspect.signature(function).parameters.values())[1 if bound else 0 :]
    takes_any = any(p.kind is p.VAR_KEYWORD for p in parameters)
    return takes_any, tuple(p.name for p in parameters if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL))


_VALUE, _BOTH, _RECORD = frozenset({"value"}), frozenset({"value", "record"}), frozenset({"record"})


class _Column:
    def __init__(self, bound) -> None:
        attrs = {**(bound._table.attrs or {}), **(bound.column.attrs or {})}
        cell = attrs.get("td", attrs.get("cell", {}))
        if any(callable(value) for value in cell.values()) or bound.link or bound.localize is not None:
            raise ValueError(f"column {bound.name!r}: per-record attributes, links or localize need the stock template")
        self.bound, self.accessor, self.render = bound, Accessor(bound.accessor), _Call(bound.render)
        self.bits, self.empty, self.default = self.accessor.bits, bound.column.empty_values, bound.default
        self.default_empty = tuple(self.empty) == (None, "")
        self.open = f"<td {bound.attrs['td'].as_html()}>"
        self.attribute = self.bits[0] if len(self.bits) == 1 else None
        # The render methods of the ranking take the value, the record or both: called directly.
        wanted = None if self.render.takes_any else frozenset(self.render.wanted)
        asks = wanted if wanted is not None and wanted <= {"value", "record"} else None
        # The shared sets themselves, so that a cell asks which by identity.
        self.asks = next((known for known in (_VALUE, _BOTH, _RECORD) if known == asks), asks)
        self.function = self.render.function
        # The ranking's columns but the document's: one attribute, the default empty values and a
        # render method taking the value, the record or both, written by `plain_html` without the
        # general path's questions.
        self.plain = self.attribute is not None and self.default_empty and self.asks in (_VALUE, _BOTH, _RECORD)

    def _is_empty(self, value) -> bool:
        # tables2's `value in empty_values`; with its default (None, "") a Decimal is not compared
        # with "" (which checks it against the numbers ABCs on every cell).
        if self.default_empty:
            return value is None or (value.__class__ is str and value == "")
        return value in self.empty

    def value(self, record):
        """`Accessor.resolve`: attribute by attribute along the path for records that are not
        indexable (the ranking's rows, their targets and documents); tables2's own lookup else."""
        current = record
        for bit in self.bits:
            if hasattr(type(current), "__getitem__"):  # a dict, list or model-like record
                return self.accessor.resolve(record)
            current = getattr(current, bit)
            if callable(current):
                if getattr(current, "alters_data", False):
                    raise ValueError(f"refusing to call {bit!r}: it alters data")
                if not getattr(current, "do_not_call_in_templates", False):
                    current = current()
            if current is None:
                break
        return current

    def content(self, row):
        """What django-tables2's `BoundRow.get_cell` gives for a record that is not a model."""
        record = row.record
        if self.attribute is not None and not hasattr(type(record), "__getitem__"):
            value = self._attribute_of(record)  # every column of the ranking but the document's
        else:
            try:
                value = self.value(record)
            except Exception:  # no such attribute on this record: the column's default, as tables2 does
                value = None
        if self._is_empty(value):
            return self.default
        if self.asks is not None:
            return self._rendered(value, record)
        return self.render(
            {
                "value": value,
                "record": record,
                "column": self.bound.column,
                "bound_column": self.bound,
                "bound_row": row,
                "table": row.table,
            }
        )

    def _attribute_of(self, record):
        """The one attribute the column reads of a plain record; None when it has none."""
        try:
            value = getattr(record, self.attribute)
            return self.value(record) if callable(value) else value
        except Exception:  # the column's default, as tables2 gives for a missing attribute
            return None

    def _rendered(self, value, record):
        """The render method called with what it asks for (`asks`: the value, the record, both or nothing)."""
        asks = self.asks
        if asks is _VALUE:
            return self.function(value=value)
        if asks is _BOTH:
            return self.function(value=value, record=record)
        return self.function(record=record) if asks else self.function()

    def html(self, row, context) -> str:
        """`<td …>{{ cell }}</td>`."""
        return f"{self.open}{_html(self.content(row), context)}</td>"

    def plain_html(self, record, context) -> str:
        """`html` for a column that is `plain`, of a record that is not indexable: what `content`
        does on that path, without its questions about the column."""
        value = self._attribute_of(record)
        empty = value is None or (value.__class__ is str and value == "")
        content = self.default if empty else self._rendered(value, record)
        return f"{self.open}{_html(content, context)}</td>"


class _RowAttributes:
    """What django-tables2's `BoundRow.attrs` gives (the table's `row_attrs`, computed for the
    record, and the row's even/odd class), with each callable's signature looked up once."""

    def __init__(self, table) -> None:
        if any(isinstance(value, dict) for value in table.row_attrs.values()):
            raise ValueError("nested row attributes need the stock template")
        self.attrs = [
            (key, _of_record(value, table) if callable(value) else None, value)
            for key, value in table.row_attrs.items()
        ]

    def html(self, row) -> str:
        record = row.record
        attrs = {key: of_record(record) if of_record else value for key, of_record, value in self.attrs}
        parity = row.get_even_odd_css_class()
        attrs["class"] = f"{attrs['class']} {parity}" if attrs.get("class") else parity
        # AttributeDict.as_html's output (format_html_join of key="value", None left out), without
        # a format_html per attribute.
        return " ".join(
            f'{escaped(key)}="{escaped(value)}"'
            for key, value in attrs.items()
            if value is not None and key not in AttributeDict.blacklist
        )


def _of_record(function, table):
    """A row attribute's function as a function of the record: called directly when it asks for
    the record alone (the ranking's), through `_Call` with the table beside it otherwise."""
    call = _Call(function)
    if not call.takes_any and call.wanted == ("record",):
        return lambda record: function(record=record)
    return lambda record: call({"table": table, "record": record})


def _html(content, context) -> str:
    """`{{ cell }}`: a string (what the ranking's cells are) is only escaped, as the template would
    (conditional_escape without its lazy-string wrapper); a whole number (the rank) is its digits,
    as `localize` writes it without thousand separators."""
    if context.autoescape:
        if content.__class__ is str:
            return escape(content)
        if isinstance(content, SafeData):
            return content.__html__()
        if isinstance(content, str):
            return escape(content)
    if content.__class__ is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(content)
    return render_value_in_context(content, context)


@register.simple_tag(takes_context=True)
def table_rows(context, table) -> str:
    columns = [_Column(bound) for bound in table.columns]
    row_attributes = _RowAttributes(table)
    rows = []
    with separators_fixed():
        for row in table.paginated_rows:
            record = row.record
            if hasattr(type(record), "__getitem__"):  # a dict, list or model-like record
                cells = "".join([column.html(row, context) for column in columns])
            else:
                cells = "".join(
                    [
                        column.plain_html(record, context) if column.plain else column.html(row, context)
                        for column in columns
                    ]
                )
            rows.append(f"<tr {row_attributes.html(row)}>{cells}</tr>")
    return mark_safe("\n".join(rows))
