"""HTML text for the parts of pages written in Python rather than by the template engine (long
tables: the ranking's rows, the entry grid)."""

from html import escape


def escaped(value) -> str:
    """What `{{ value }}` writes, as `conditional_escape` does, without its lazy-string wrapper
    (which costs more than the escaping itself, once per cell of a long table): text marked safe as
    it is, anything else as text with &, <, >, " and ' escaped."""
    if value.__class__ is str:
        return escape(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))
