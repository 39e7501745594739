"""The grid's rows as HTML, written here rather than in the template: a province's grid is 170
communes × a dozen cells, and Django's template engine took most of a second over them (a workbook's
preview must answer in a few hundred milliseconds). Every value is escaped; the markup is the one
entry.html describes and entry.js reads (data-r, data-c, data-key, data-stored on each input)."""

from html import escape as _escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from reports import formatting


def escape(value) -> str:
    # The standard library's, as django.utils.html.escape calls it, without the lazy-string wrapper
    # that cost a tenth of the grid's time over its 5.000 values.
    return _escape(str(value), quote=True)


def rows_html(lines: list[dict], *, month_text: str, kept: bool) -> SafeString:
    words = {
        "source": escape(_("Nguồn dân số mới")),
        "confirm": escape(_("Xác nhận")),
        "was": escape(_("Số đang lưu → số mới")),
        "history": escape(_("lịch sử")),
    }
    history = reverse("commune_entry_history", args=["00000", month_text])
    return mark_safe("".join(_row(line, kept=kept, words=words, history=history) for line in lines))


def _attribute(name: str, value) -> str:
    return f' {name}="{escape(value)}"'


def _row(line: dict, *, kept: bool, words: dict[str, str], history: str) -> str:
    item, row = line["item"], line["item"].row
    unit, code = row.unit, escape(row.unit.code)
    attributes = _attribute("data-row", row.index) + f' data-code="{code}"' + _attribute("data-name", unit.full_name)
    if row.previous:
        attributes += _attribute("data-previous", row.previous.enrolled)
        attributes += _attribute("data-previous-month", f"{row.previous.month:%m/%Y}")
    attributes += ' data-has-enrollment="1"' if row.enrollment else ""
    attributes += ' data-has-population="1"' if row.population else ""
    attributes += ' data-member="1"' if row.member else ""
    classes = " ".join(c for c, on in (("has-error", item.errors), ("expanded", line["expanded"])) if on)
    out = [
        f'<tr{attributes} class="{classes}">',
        f'<th scope="row" class="commune"{_attribute("title", unit.full_name)}>{escape(unit.full_name)}',
    ]
    if row.editable:
        out.append(
            f'<input type="hidden" name="{code}-version" value="{item.version}">'
            f'<input type="hidden" name="{code}-pversion" value="{item.progress_version}">'
        )
    out.append("</th>")
    inputs = row.editable or kept
    for cell in line["cells"]:
        out.append(_cell(cell, row.index, inputs=inputs, kept=kept))
        if cell["key"] == "population":
            out[-1] = out[-1][:-5] + _source(line["source"], inputs=inputs, kept=kept, words=words) + "</td>"
        if cell["key"] == "enrolled":
            out.append(_beside(line, words))
    who = ""
    if row.enrollment and row.enrollment.entered_by:
        who = (
            f" <small>· {escape(formatting.person(row.enrollment.entered_by))} "
            f"{escape(formatting.fmt_datetime(row.enrollment.entered_at))}</small>"
        )
    out.append(
        f'<td class="who"><a href="{escape(history.replace("00000", row.unit.code))}">{words["history"]}</a>'
        f"{who}</td></tr>\n"
    )
    return "".join(out)


def _cell(cell: dict, index: int, *, inputs: bool, kept: bool) -> str:
    classes = [] if cell["text"] else ["num"]
    classes += ["col-group"] if cell["group"] else ["col-cohort"] if cell["cohort"] else []
    classes += ["bad"] if cell["error"] else ["warn"] if cell["warning"] else []
    classes += ["changed"] if cell["changed"] else []
    body = ""
    if cell["present"] and inputs:
        name = escape(cell["name"])
        body = (
            f'<input{" readonly" if kept else ""} name="{name}" id="{name}"{_attribute("value", cell["value"])}'
            f' data-r="{index}" data-c="{cell["col"]}" data-key="{cell["key"]}"{_attribute("data-stored", cell["stored"])}'
            ' autocomplete="off"'
            + (' tabindex="-1"' if cell["key"] == "population" else "")
            + (_attribute("title", cell["hint"]) if cell["hint"] else "")
            + (
                f' class="text" maxlength="{500 if cell["key"] == "note" else 300}"'
                if cell["text"]
                else ' inputmode="numeric"'
            )
            + _attribute("aria-label", cell["label"])
            + ">"
        )
    elif cell["present"]:
        body = f'<span class="value">{escape(cell["value"])}</span>'
    return f'<td class="{" ".join(classes)}">{body}</td>'


def _source(source: dict, *, inputs: bool, kept: bool, words: dict[str, str]) -> str:
    """The new population's source, in the population's cell (shown once a new figure asks for it)."""
    if not (source["present"] and inputs):
        return ""
    name = escape(source["name"])
    out = (
        f'<label class="source{" bad" if source["error"] else ""}"><small>{words["source"]}</small>'
        f'<input{" readonly" if kept else ""} name="{name}" id="{name}"{_attribute("value", source["value"])}'
        ' class="text" maxlength="300" autocomplete="off" data-key="population_source" data-stored=""'
        f"{_attribute('aria-label', source['label'])}></label>"
    )
    if source["error"]:
        out += (
            f'<span class="msg error" data-for="population_source"{_attribute("title", source["error"])}>'
            f"{escape(source['error'])}</span>"
        )
    return out


def _beside(line: dict, words: dict[str, str]) -> str:
    """The rate, last month, and the checks: the figures' neighbours on the commune's line."""
    index = line["item"].row.index
    previous = f'<small class="hint">{escape(line["previous_hint"])}</small>' if line["previous_hint"] else ""
    if line["previous_rate"]:
        previous += f' <small class="hint">{escape(formatting.fmt_rate(line["previous_rate"]))}</small>'
    checks = []
    if line["was"]:
        checks.append(
            f'<span class="was" title="{words["was"]}">{escape(line["was"])} → '
            f"{escape(line['item'].raw.get('enrolled', ''))}</span> "
        )
    for m in line["messages"]:
        if m["token"]:
            checks.append(
                f'<label class="confirm"><input type="checkbox" name="{escape(m["confirm_name"])}"'
                f"{_attribute('value', m['token'])}{' checked' if m['confirmed'] else ''}> "
                f"{words['confirm']}</label> "
            )
        prefix = "" if m["key"] in ("enrolled", "groups") else f"{escape(m['column'])}: "
        checks.append(
            f'<span class="msg {m["kind"]}" data-for="{escape(m["key"])}"{_attribute("data-anchor", m["anchor"])}'
            f"{_attribute('data-column', m['column'])}{_attribute('title', m['text'])}>"
            f"{prefix}{escape(m['text'])}</span> "
        )
    return (
        f'<td class="num rate"><output data-rate-for="{index}">{escape(formatting.fmt_rate(line["rate"]))}</output></td>'
        f'<td class="num previous">{previous}</td>'
        f'<td class="checks"><div class="checks-in" data-checks-for="{index}">{"".join(checks)}</div></td>'
    )
