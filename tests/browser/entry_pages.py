"""What the entry grid's browser tests share: its cells, a paste as Ctrl+V delivers it, a save."""

import datetime as dt

from communes.models import Enrollment, Population, Unit

MONTH = dt.date(2025, 11, 1)  # a month of today's Lai Châu; the tests keep months open


def cell(page, code: str, key: str):
    return page.locator(f'input[name="{code}-{key}"]')


def row(page, code: str):
    return page.locator(f'tr[data-code="{code}"]')


def paste(page, code: str, key: str, text: str) -> None:
    """What Ctrl+V delivers when a block copied from Excel or LibreOffice lands on a cell."""
    cell(page, code, key).focus()
    cell(page, code, key).evaluate(
        """(el, text) => { const data = new DataTransfer(); data.setData('text/plain', text);
             el.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true})); }""",
        text,
    )


def save(page) -> None:
    """Press "Lưu cả bảng" and wait for the page the save leads to."""
    with page.expect_navigation():
        page.click(".entry-save button.primary")
    page.wait_for_load_state("networkidle")


def lai_chau_communes() -> list[Unit]:
    province = Unit.objects.provinces().in_force(MONTH).get(code="12")
    return list(Unit.objects.communes().filter(parent=province).in_force(MONTH).order_by("code"))


def lai_chau_with_last_month(populations: dict[str, int] | None = None, previous: dict[str, int] | None = None):
    """Lai Châu's 38 communes with this year's population and October's count."""
    communes = lai_chau_communes()
    populations = populations or {}
    previous = previous or {}
    for index, commune in enumerate(communes):
        population = populations.get(commune.code, 5_000 + index * 37)
        Population.objects.create(unit=commune, year=MONTH.year, population=population)
        Enrollment.objects.create(
            unit=commune, month=dt.date(2025, 10, 1), enrolled=previous.get(commune.code, population * 95 // 100)
        )
    return communes
