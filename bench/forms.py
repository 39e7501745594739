"""Reading a page's form as a browser would submit it: the one reader the bench harness and the
load test's simulated users share (standard library only, so the locustfile can use it).

Every field of the page's own POST form is kept in document order: inputs with their values (the
CSRF token and the grid's hidden versions among them), textareas, the selected option of each
select (the first when none is), checked boxes, file inputs by name and named submit buttons. A
warning box to confirm is a checkbox whose name says `confirm`: `data(confirm=True)` ticks it, as
an officer does before saving again.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser

# Forms every page carries (base.html): never the page's own form.
CHROME_ACTIONS = ("/i18n/", "/accounts/logout/")
_NOT_SENT = ("submit", "button", "reset", "image", "file")


@dataclass
class Field:
    name: str
    kind: str  # text, hidden, number, textarea, select, checkbox, radio…
    value: str
    checked: bool = False
    options: list[tuple[str, str]] = field(default_factory=list)  # a select's options: (value, text)


@dataclass
class Form:
    action: str | None = None
    method: str = "get"
    multipart: bool = False  # enctype="multipart/form-data"; otherwise a browser sends it urlencoded
    fields: list[Field] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    submits: list[tuple[str, str]] = field(default_factory=list)  # named buttons: (name, value)

    def data(
        self, changes: dict[str, str] | None = None, *, confirm: bool = False, submit: str | None = None
    ) -> list[tuple[str, str]]:
        """What the browser posts: every field in order with `changes` typed in, checked boxes
        (and the confirmation box when `confirm`), and the named button clicked, if any."""
        changes = changes or {}
        posted = []
        for item in self.fields:
            if item.kind in ("checkbox", "radio"):
                if item.checked or (confirm and _is_confirmation(item)):
                    posted.append((item.name, item.value))
            else:
                posted.append((item.name, changes.get(item.name, item.value)))
        posted += [(name, value) for name, value in self.submits if name == submit]
        return posted

    @property
    def asks_confirmation(self) -> bool:
        return any(_is_confirmation(item) and not item.checked for item in self.fields)

    def values(self) -> dict[str, str]:
        return {item.name: item.value for item in self.fields if item.kind not in ("checkbox", "radio")}

    def unchosen(self) -> list[Field]:
        """The selects left on their empty option: what a person must still choose."""
        return [item for item in self.fields if item.kind == "select" and not item.value and len(item.options) > 1]

    @property
    def size(self) -> int:
        return len(self.fields) + len(self.files)


def _is_confirmation(item: Field) -> bool:
    return item.kind == "checkbox" and "confirm" in item.name.lower()


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: Field | None = None
        self._select: tuple[str, list[tuple[str, str]], list[str]] | None = None  # name, options, selected
        self._option: list[str] | None = None  # the text of the option being read

    def handle_starttag(self, tag, attrs):
        a = {key: value if value is not None else "" for key, value in attrs}
        if tag == "form":
            self._form = Form(
                action=a.get("action") or None,
                method=(a.get("method") or "get").lower(),
                multipart=(a.get("enctype") or "").lower() == "multipart/form-data",
            )
            self.forms.append(self._form)
            return
        if tag == "option" and self._select is not None:
            self._option = [a.get("value", "")]
            if "selected" in a:
                self._select[2].append(a.get("value", ""))
            return
        name = a.get("name")
        if self._form is None or not name or "disabled" in a:
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind == "file":
                self._form.files.append(name)
            elif kind in ("submit", "image"):
                self._form.submits.append((name, a.get("value", "")))
            elif kind in ("checkbox", "radio"):
                self._form.fields.append(Field(name, kind, a.get("value") or "on", checked="checked" in a))
            elif kind not in _NOT_SENT:
                self._form.fields.append(Field(name, kind, a.get("value", "")))
        elif tag == "button" and (a.get("type") or "submit").lower() == "submit":
            self._form.submits.append((name, a.get("value", "")))
        elif tag == "textarea":
            self._textarea = Field(name, "textarea", "")
            self._form.fields.append(self._textarea)
        elif tag == "select":
            self._select = (name, [], [])

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data
        elif self._option is not None:
            self._option.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "option" and self._option is not None and self._select is not None:
            value, *text = self._option
            self._select[1].append((value, "".join(text).strip()))
            self._option = None
        elif tag == "select" and self._select is not None:
            name, options, selected = self._select
            chosen = selected or [value for value, _text in options[:1]]
            if self._form is not None:
                self._form.fields += [Field(name, "select", value, options=options) for value in chosen]
            self._select = None


def read_forms(html: str) -> list[Form]:
    reader = _Reader()
    reader.feed(html)
    return reader.forms


def page_form(html: str) -> Form:
    """The page's own POST form: the one with the most fields, leaving out the language switch and
    the logout button every page carries. None found: an empty form posting to the page itself."""
    own = [
        f
        for f in read_forms(html)
        if f.method == "post" and not any(chrome in (f.action or "") for chrome in CHROME_ACTIONS)
    ]
    return max(own, key=lambda f: f.size, default=Form(method="post"))
