"""The grid's rows as HTML, written here rather than in the template: a province's grid is 170
communes × a dozen cells, and Django's template engine took most of a second over them (a workbook's
preview must answer in a few hundred milliseconds). Every value is escaped; the markup is the one
entry.html describes and entry.js reads (data-r, data-c, data-key, data-stored on each input)."""

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from reports import formatting
from reports.markup import escaped


def rows_html(lines: list[dict], *, month_text: str, kept: bool) -> SafeString:
    words = {
        "confirm": escaped(_("Xác nhận")),
        "was": escaped(_("Số đang lưu → số mới")),
        "history": escaped(_("lịch sử")),
    }
    history = reverse("commune_entry_history", args=["00000", month_text])
    columns = _Columns()
    return mark_safe("".join(_row(line, kept=kept, words=words, history=history, columns=columns) for line in lines))


def _attribute(name: str, value) -> str:
    return f' {name}="{escaped(value)}"'


def _row(line: dict, *, kept: bool, words: dict[str, str], history: str, columns: "_Columns") -> str:
    item, row = line["item"], line["item"].row
    unit, code = row.unit, escaped(row.unit.code)
    name = escaped(unit.full_name)
    attributes = f' data-row="{row.index}" data-code="{code}" data-name="{name}"'
    if row.previous:
        attributes += f' data-previous="{row.previous.enrolled}" data-previous-month="{row.previous.month:%m/%Y}"'
    attributes += ' data-has-enrollment="1"' if row.enrollment else ""
    attributes += ' data-has-population="1"' if row.population else ""
    attributes += ' data-member="1"' if row.member else ""
    classes = " ".join(c for c, on in (("has-error", item.errors), ("expanded", line["expanded"])) if on)
    out = [f'<tr{attributes} class="{classes}">', f'<th scope="row" class="commune" title="{name}">{name}']
    if row.editable:
        out.append(
            f'<input type="hidden" name="{code}-version" value="{item.version}">'
            f'<input type="hidden" name="{code}-pversion" value="{item.progress_version}">'
        )
    out.append("</th>")
    inputs = row.editable or kept
    readonly = " readonly" if kept else ""
    for cell in line["cells"]:
        fixed = columns[cell["key"], cell["col"], cell["column"]]
        body = _cell(cell, fixed, readonly=readonly, code=code, unit=name, row=row.index, inputs=inputs)
        out.append(body)
        if cell["key"] == "population":
            out.append(_source(line["source"], inputs=inputs, kept=kept, unit=name))
        if cell["key"] == "enrolled":
            out.append(_beside(line, words))
    who = _who(row.enrollment, columns.people) if row.enrollment and row.enrollment.entered_by else ""
    out.append(
        f'<td class="who"><a href="{escaped(history.replace("00000", row.unit.code))}">{words["history"]}</a>'
        f"{who}</td></tr>\n"
    )
    return "".join(out)


def _who(enrollment, people: dict) -> str:
    """Who entered the month's count and when; a grid entered at once shows the same words on every line."""
    place = (enrollment.entered_by.pk, enrollment.entered_at)
    if place not in people:
        people[place] = (
            f" <small>· {escaped(formatting.person(enrollment.entered_by))} "
            f"{escaped(formatting.fmt_datetime(enrollment.entered_at))}</small>"
        )
    return people[place]


class _Columns(dict):
    """What every input of a column shares, written once per grid: its cell's classes, the rest of
    its name, its position and kind, and the column's half of the label a screen reader says (and,
    in `people`, who entered a month and when, as the grid shows it)."""

    def __init__(self):
        super().__init__()
        self.people: dict = {}

    def __missing__(self, place: tuple[str, int | None, str]) -> tuple[str, str, str, str, str, str]:
        key, col, column = place
        text = key in ("note", "population_source")
        classes = [] if text else ["num"]
        classes += ["col-group"] if key.startswith("g-") else ["col-cohort"] if key in COHORT_KEYS else []
        key = escaped(key)
        self[place] = fixed = (
            " ".join(classes),
            key,
            f' data-c="{col}" data-key="{key}"',
            ' autocomplete="off"' + (' tabindex="-1"' if key == "population" else ""),
            f' class="text" maxlength="{500 if key == "note" else 300}"' if text else ' inputmode="numeric"',
            f' – {escaped(column)}"',
        )
        return fixed


COHORT_KEYS = frozenset(("affected", "affected_pupils", "pupils", "households"))


def _cell(cell: dict, fixed: tuple, *, readonly: str, code: str, unit: str, row: int, inputs: bool) -> str:
    base, key, position, after, kind, column = fixed
    classes = (
        base
        + (" bad" if cell["error"] else " warn" if cell["warning"] else "")
        + (" changed" if cell["changed"] else "")
    )
    if cell["present"] and inputs:
        value = escaped(cell["value"])
        stored = value if cell["stored"] == cell["value"] else escaped(cell["stored"])
        hint = f' title="{escaped(cell["hint"])}"' if cell["hint"] else ""
        # What a screen reader says on entering the cell: the commune and the column, as a sighted
        # officer reads them off the row and the heading.
        label = f' aria-label="{unit}{column}'
        return (
            f'<td class="{classes.lstrip()}"><input{readonly} name="{code}-{key}" id="{code}-{key}" value="{value}"'
            f' data-r="{row}"{position} data-stored="{stored}"{after}{hint}{kind}{label}></td>'
        )
    if cell["present"]:
        return f'<td class="{classes.lstrip()}"><span class="value">{escaped(cell["value"])}</span></td>'
    return f'<td class="{classes.lstrip()}"></td>'


def _source(source: dict, *, inputs: bool, kept: bool, unit: str) -> str:
    """The new population's source, in its own cell beside the population: the column opens while a
    line needs it (a new figure), the input only on that line; its error is with the line's checks."""
    if not (source["present"] and inputs):
        return '<td class="col-source"></td>'
    name = escaped(source["name"])
    return (
        f'<td class="col-source"><label class="source{" bad" if source["error"] else ""}">'
        f'<input{" readonly" if kept else ""} name="{name}" id="{name}"{_attribute("value", source["value"])}'
        ' class="text" maxlength="300" autocomplete="off" data-key="population_source" data-stored=""'
        f"{_attribute('title', source['error']) if source['error'] else ''}"
        f' aria-label="{unit} – {escaped(source["column"])}"></label></td>'
    )


def _beside(line: dict, words: dict[str, str]) -> str:
    """The rate, last month, and the checks: the figures' neighbours on the commune's line."""
    index = line["item"].row.index
    previous = f'<small class="hint">{escaped(line["previous_hint"])}</small>' if line["previous_hint"] else ""
    if line["previous_rate"]:
        previous += f' <small class="hint">{escaped(formatting.fmt_rate(line["previous_rate"]))}</small>'
    checks = []
    if line["was"]:
        checks.append(
            f'<span class="was" title="{words["was"]}">{escaped(line["was"])} → '
            f"{escaped(line['item'].raw.get('enrolled', ''))}</span> "
        )
    for m in line["messages"]:
        if m["token"]:
            checks.append(
                f'<label class="confirm"><input type="checkbox" name="{escaped(m["confirm_name"])}"'
                f"{_attribute('value', m['token'])}{' checked' if m['confirmed'] else ''}> "
                f"{words['confirm']}</label> "
            )
        prefix = "" if m["key"] in ("enrolled", "groups") else f"{escaped(m['column'])}: "
        checks.append(
            f'<span class="msg {m["kind"]}" data-for="{escaped(m["key"])}"{_attribute("data-anchor", m["anchor"])}'
            f"{_attribute('data-column', m['column'])}{_attribute('title', m['text'])}>"
            f"{prefix}{escaped(m['text'])}</span> "
        )
    return (
        f'<td class="num rate"><output data-rate-for="{index}">{escaped(formatting.fmt_rate(line["rate"]))}</output></td>'
        f'<td class="num previous">{previous}</td>'
        f'<td class="checks"><div class="checks-in" data-checks-for="{index}">{"".join(checks)}</div></td>'
    )
