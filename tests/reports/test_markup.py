"""`escaped` writes what `{{ value }}` writes, for the parts of pages written in Python."""

import pytest
from django.template import Context, Template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from reports.markup import escaped

VALUES = [
    "Xã \"A\" & <B> 'C'",
    mark_safe("<strong>86,06%</strong>"),
    gettext_lazy("Đúng hướng & <chưa>"),
    46106,
    None,
]


@pytest.mark.parametrize("value", VALUES)
def test_escaped_is_what_the_template_writes(value):
    assert escaped(value) == Template("{{ value }}").render(Context({"value": value}))


def test_text_is_escaped_quotes_included_and_safe_text_kept():
    assert escaped("a\"b'c<d>&") == "a&quot;b&#x27;c&lt;d&gt;&amp;"
    assert escaped(mark_safe("<b>x</b>")) == "<b>x</b>"
