"""An administrative document's frame as Decree 30/2020/NĐ-CP lays it out, in python-docx.

A4 portrait, margins 20/20/30/15 mm, Times New Roman; the header table (issuer and number on the
left, quốc hiệu and tiêu ngữ on the right, place and date under them), the title and trích yếu,
then the body the caller writes, and at the foot "Nơi nhận" beside the signature block. Page
numbers at the top centre from the second page. Every run carries its font and size itself, so
the document looks the same in Word and LibreOffice whatever their default styles.
"""

import datetime as dt
import math
from dataclasses import dataclass

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, Twips

FONT = "Times New Roman"
BODY_PT = 13
TABLE_PT = 12
RECIPIENTS_PT = 11  # the decree sets "Nơi nhận" smaller: 12 for the heading, 11 for the lines


def _mm(value: float) -> Twips:
    """Millimetres rounded up to Word's whole twips: 15 mm stored as 850 twips would be 14,99 mm."""
    return Twips(math.ceil(Mm(value) / Twips(1)))


PAGE = {"width": _mm(210), "height": _mm(297), "top": _mm(20), "bottom": _mm(20), "left": _mm(30), "right": _mm(15)}
HEADER_WIDTHS = (Cm(6.2), Cm(10.3))  # 16,5 cm: the text width between the margins
# What may follow a table's borders and a paragraph's border in their properties: WordprocessingML
# fixes the order of these elements, and Word refuses a file that breaks it.
AFTER_TABLE_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription")
AFTER_PARAGRAPH_BORDER = (
    *("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct"),
    *("w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind"),
    *("w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment"),
    *("w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange"),
)
AFTER_TABLE_HEADER = ("w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange")
AFTER_CANT_SPLIT = ("w:trHeight", "w:tblHeader", *AFTER_TABLE_HEADER)
QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"


@dataclass
class Frame:
    """What the header and the foot of one document say."""

    issuer: str  # "UBND TỈNH LAI CHÂU"
    number: str  # "Số:      /BC-UBND", the number left blank for the office to fill in
    place: str  # "Lai Châu"
    day: dt.date
    kind: str  # "BÁO CÁO"
    subject: str  # the trích yếu
    recipients: list[str]
    authority: list[str]  # ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]


def new_document(frame: Frame):
    document = Document()
    _defaults(document)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE["width"], PAGE["height"]
    section.top_margin, section.bottom_margin = PAGE["top"], PAGE["bottom"]
    section.left_margin, section.right_margin = PAGE["left"], PAGE["right"]
    _page_numbers(section)
    properties = document.core_properties
    properties.title, properties.author, properties.last_modified_by = frame.subject, frame.issuer, frame.issuer
    _header(document, frame)
    title = paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER, before=18, after=0)
    run(title, frame.kind, size=14, bold=True)
    subject = paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    run(subject, frame.subject, size=14, bold=True)
    rule(document, indent=Cm(6.25))
    return document


def date_line(place: str, day: dt.date) -> str:
    """The place and date line, "Lai Châu, ngày 04 tháng 12 năm 2026": the decree writes a day below
    10 and the months 1 and 2 with a leading zero, so that nothing can be put in front of them by hand."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def finish(document, frame: Frame) -> None:
    """The foot: "Nơi nhận" at the left, the signature block at the right, the name left to sign."""
    table = borderless_table(document, rows=1, widths=HEADER_WIDTHS)
    left, right = table.rows[0].cells
    heading = paragraph(left, before=12, after=0, first=True)
    run(heading, "Nơi nhận:", size=12, bold=True, italic=True)
    for line in frame.recipients:
        run(paragraph(left, after=0), line, size=RECIPIENTS_PT)
    for n, line in enumerate(frame.authority):
        first = n == 0
        run(
            paragraph(right, align=WD_ALIGN_PARAGRAPH.CENTER, before=12 if first else 0, after=0, first=first),
            line,
            bold=True,
        )
    for _ in range(5):  # the signature and the seal
        paragraph(right, after=0)


def _defaults(document) -> None:
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
    _fonts(normal.element.get_or_add_rPr())
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "vi-VN")
    normal.element.get_or_add_rPr().append(language)


def _fonts(rpr) -> None:
    """Times New Roman for every script slot: Word picks the east-Asian or complex slot for some
    characters, and a theme font would creep in there."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def _header(document, frame: Frame) -> None:
    table = borderless_table(document, rows=2, widths=HEADER_WIDTHS)
    (issuer, nation), (number, when) = (row.cells for row in table.rows)
    run(paragraph(issuer, align=WD_ALIGN_PARAGRAPH.CENTER, after=0, first=True), frame.issuer, bold=True)
    rule(issuer, indent=Cm(2.1))
    run(paragraph(nation, align=WD_ALIGN_PARAGRAPH.CENTER, after=0, first=True), QUOC_HIEU, bold=True)
    run(paragraph(nation, align=WD_ALIGN_PARAGRAPH.CENTER, after=0), TIEU_NGU, size=14, bold=True, underline=True)
    run(paragraph(number, align=WD_ALIGN_PARAGRAPH.CENTER, before=6, after=0, first=True), frame.number)
    when_line = paragraph(when, align=WD_ALIGN_PARAGRAPH.CENTER, before=6, after=0, first=True)
    run(when_line, date_line(frame.place, frame.day), size=14, italic=True)


def borderless_table(container, *, rows: int, widths):
    table = container.add_table(rows=rows, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.insert_element_before(borders, *AFTER_TABLE_BORDERS)
    set_widths(table, widths)
    return table


def set_widths(table, widths) -> None:
    """Word reads the cells' widths, LibreOffice the grid's: both are set."""
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


def paragraph(
    container, *, align=None, before: float = 0, after: float = 6, first: bool = False, indent=None, keep: bool = False
):
    """A paragraph in a document or a cell; `first` reuses the empty paragraph a new cell holds;
    `keep` keeps it on the page of what follows (a heading with its table, a picture with its caption)."""
    if first and len(container.paragraphs) == 1 and not container.paragraphs[0].text:
        p = container.paragraphs[0]
    else:
        p = container.add_paragraph()
    form = p.paragraph_format
    form.space_before, form.space_after = Pt(before), Pt(after)
    form.line_spacing = 1.0
    if align is not None:
        p.alignment = align
    if indent is not None:
        form.first_line_indent = indent
    if keep:
        form.keep_with_next = True
    return p


def run(p, text: str, *, size: float = BODY_PT, bold: bool = False, italic: bool = False, underline: bool = False):
    r = p.add_run(text)
    r.font.name, r.font.size = FONT, Pt(size)
    r.font.bold, r.font.italic, r.font.underline = bold or None, italic or None, underline or None
    _fonts(r._element.get_or_add_rPr())
    return r


def data_table(document, columns, rows: list[list[str]], *, total: list[str] | None = None):
    """A ruled table: `columns` are (heading, width in cm, numeric); numbers to the right; the
    heading row repeats on every page, no row splits across two, the total row in bold."""
    table = document.add_table(rows=1, cols=len(columns))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _cell_margins(table, Cm(0.1))
    _row_flags(table.rows[0], heading=True)
    for cell, (title, _width, _numeric) in zip(table.rows[0].cells, columns, strict=True):
        run(paragraph(cell, align=WD_ALIGN_PARAGRAPH.CENTER, after=0, first=True), title, size=TABLE_PT, bold=True)
    for values in [*rows, *([total] if total else [])]:
        row = table.add_row()
        _row_flags(row)
        for cell, value, (_title, _width, numeric) in zip(row.cells, values, columns, strict=True):
            align = WD_ALIGN_PARAGRAPH.RIGHT if numeric else WD_ALIGN_PARAGRAPH.LEFT
            run(paragraph(cell, align=align, after=0, first=True), value, size=TABLE_PT, bold=values is total)
    set_widths(table, [Cm(width) for _title, width, _numeric in columns])
    return table


def _cell_margins(table, width) -> None:
    """Narrower left and right cell margins than Word's 0,19 cm: eight columns of 12 pt fit the A4 width."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(width.twips))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")


def _row_flags(row, *, heading: bool = False) -> None:
    properties = row._tr.get_or_add_trPr()
    flags = [("w:cantSplit", AFTER_CANT_SPLIT)] + ([("w:tblHeader", AFTER_TABLE_HEADER)] if heading else [])
    for tag, successors in flags:
        flag = OxmlElement(tag)
        flag.set(qn("w:val"), "true")
        properties.insert_element_before(flag, *successors)


def rule(container, *, indent) -> None:
    """A short solid line under a centred heading: an empty paragraph's bottom border, narrowed by
    equal indents on both sides."""
    p = paragraph(container, after=0)
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = indent
    p.paragraph_format.line_spacing = Pt(3)
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "auto")):
        bottom.set(qn(f"w:{key}"), value)
    border.append(bottom)
    p._p.get_or_add_pPr().insert_element_before(border, *AFTER_PARAGRAPH_BORDER)


def _page_numbers(section) -> None:
    """The page number at the top centre, from the second page (the first has none)."""
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    number = run(p, "")
    p._p.remove(number._element)
    field.append(number._element)
    number._element.append(_text("2"))
    p._p.append(field)


def _text(value: str):
    element = OxmlElement("w:t")
    element.text = value
    return element
