"""The body rows of the ranking table (`reports.tables.CoverageRankingTable`), written in Python
rather than cell by cell by django-tables2's template.

The stock template costs about 0,05 ms a cell whatever the cell holds: for each one django-tables2
inspects the render method's signature (`inspect.signature`), rebuilds the cell's attributes
(`BoundColumn.attrs`) and the template resolves a dozen lookups. The largest province's ranking has
168 rows × 13 columns: that alone exceeded the page's 60 ms (docs/benchmarks.md). Here each
column's attributes and render method are looked up once per table; each cell is still the table's
own `render_<column>` applied to the accessor's value (the column's default when the value is
empty), escaped as `{{ cell }}` is, in the stock template's markup less its indentation. Only what
the ranking uses is supported: no per-record cell attributes, link columns or model records.
tests/reports/test_table_rows.py compares both outputs.
"""

import inspect

from django import template
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django_tables2.utils import Accessor

register = template.Library()


class _Column:
    def __init__(self, bound) -> None:
        attrs = {**(bound._table.attrs or {}), **(bound.column.attrs or {})}
        cell = attrs.get("td", attrs.get("cell", {}))
        if any(callable(value) for value in cell.values()) or bound.link or bound.localize is not None:
            raise ValueError(f"column {bound.name!r}: per-record attributes, links or localize need the stock template")
        self.bound, self.accessor = bound, Accessor(bound.accessor)
        self.td = bound.attrs["td"].as_html()
        parameters = inspect.signature(bound.render).parameters.values()
        self.takes_any = any(p.kind is p.VAR_KEYWORD for p in parameters)
        self.wanted = tuple(p.name for p in parameters if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL))

    def content(self, row):
        """What django-tables2's `BoundRow.get_cell` gives for a record that is not a model."""
        try:
            value = self.accessor.resolve(row.record)
        except Exception:  # no such attribute on this record: the column's default, as tables2 does
            value = None
        if value in self.bound.column.empty_values:
            return self.bound.default
        arguments = {
            "value": value,
            "record": row.record,
            "column": self.bound.column,
            "bound_column": self.bound,
            "bound_row": row,
            "table": row.table,
        }
        if self.takes_any:
            return self.bound.render(**arguments)
        if any(name not in arguments for name in self.wanted):
            return None
        return self.bound.render(**{name: arguments[name] for name in self.wanted})


def _html(content, context) -> str:
    """`{{ cell }}`: a string (what the ranking's cells are) is only escaped, as the template would."""
    if isinstance(content, str) and context.autoescape:
        return conditional_escape(content)
    return render_value_in_context(content, context)


@register.simple_tag(takes_context=True)
def table_rows(context, table) -> str:
    columns = [_Column(bound) for bound in table.columns]
    rows = []
    for row in table.paginated_rows:
        cells = "".join(f"<td {c.td}>{_html(c.content(row), context)}</td>" for c in columns)
        rows.append(format_html("<tr {}>", row.attrs.as_html()) + mark_safe(f"{cells}</tr>"))
    return mark_safe("\n".join(rows))
