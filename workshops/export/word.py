"""The report as a Word document (.docx), to edit in Word or LibreOffice: in the order
of the HTML document, its h2 to h5 as Word's Heading 1 to 4 under a Title (so the
navigation pane shows the structure), cards as bulleted lists, recommendations numbered,
participation as a table. A paragraph whose text reads right to left is marked so.

(Named word.py, not docx.py, so that it does not hide the python-docx package.)
"""

from io import BytesIO

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from .report import CardItem, Report
from .text import clean, is_rtl

MUTED = RGBColor(0x4A, 0x52, 0x60)
# What follows w:bidi in a paragraph's properties, and w:lang in a run's, in the order
# the schema sets: Word refuses a document whose properties are out of order.
AFTER_BIDI = (
    *("w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing"),
    *("w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment"),
    *("w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr"),
    "w:pPrChange",
)
AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")


def render(report: Report) -> bytes:
    doc = Document()
    page_setup(doc, report)
    header(doc, report)
    if report.has("background"):
        background(doc, report)
    if report.has("proceedings"):
        proceedings(doc, report)
    if report.has("answers"):
        answers(doc, report)
    if report.has("recommendations"):
        recommendations(doc, report)
    if report.has("participation"):
        participation(doc, report)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def page_setup(doc, report: Report):
    """A4 with 2 cm margins, the report's title and language (for the spelling checker),
    and the footer of every page."""
    doc.core_properties.title = clean(report.title)
    doc.core_properties.language = report.language
    language = OxmlElement("w:lang", {qn("w:val"): report.language})
    doc.styles["Normal"].element.get_or_add_rPr().insert_element_before(language, *AFTER_LANG)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(20))
    footer = section.footer.paragraphs[0]
    muted(footer.add_run(report.labels["generated"]))
    footer.add_run("\t\t")  # to the right tab stop of Word's Footer style
    footer._p.append(OxmlElement("w:fldSimple", {qn("w:instr"): "PAGE"}))


def paragraph(doc, text: str = "", style=None, label: str = "", note: str = ""):
    """A paragraph: `label` in bold, then the text, then `note` in grey. It reads right
    to left when the text does."""
    text, rtl = clean(text), is_rtl(text)
    par = doc.add_paragraph(style=style)
    if label:
        par.add_run(f"{label} ").bold = True
    if text:
        par.add_run(text).font.rtl = rtl or None
    if note:
        muted(par.add_run(f" {note}"))
    if rtl:
        right_to_left(par)
    return par


def heading(doc, text: str, level: int):
    par = doc.add_heading(clean(text), level)
    if is_rtl(par.text):
        right_to_left(par)
    return par


def right_to_left(par):
    par._p.get_or_add_pPr().insert_element_before(OxmlElement("w:bidi"), *AFTER_BIDI)


def muted(run):
    run.font.color.rgb = MUTED
    return run


def header(doc, report: Report):
    labels = report.labels
    heading(doc, report.title, 0)
    paragraph(doc, report.when, label=f"{labels['when']}:")
    if report.audience:
        paragraph(doc, report.audience, label=f"{labels['audience']}:")
    if report.languages:
        paragraph(doc, report.languages, label=f"{labels['languages']}:")


def background(doc, report: Report):
    labels = report.labels
    heading(doc, labels["background"], 1)
    if report.description:
        paragraph(doc, report.description)
    heading(doc, labels["challenges"], 2)
    for challenge in report.challenges:
        label = f"{clean(challenge.title)}:"
        paragraph(doc, challenge.question, "List Bullet", label=label)
    if report.agenda:
        heading(doc, labels["agenda"], 2)
        for item in report.agenda:
            minutes = f"{item.minutes} {labels['minutes']}"
            text = f"{item.when} · {clean(item.title)} ({item.kind}, {minutes})"
            paragraph(doc, text, "List Bullet")


def proceedings(doc, report: Report):
    labels = report.labels
    heading(doc, labels["proceedings"], 1)
    for challenge in report.challenges:
        heading(doc, challenge.title, 2)
        for run in paragraph(doc, challenge.question).runs:
            run.italic = True
        for breakout in challenge.breakouts:
            heading(doc, f"{labels['breakout']}: {clean(breakout.name)}", 3)
            if breakout.summary:
                heading(doc, labels["summary"], 4)
                paragraph(doc, breakout.summary)
            for cluster in breakout.clusters:
                title = heading(doc, clean(cluster.title), 4)
                muted(title.add_run(f" ({labels['votes']}: {cluster.votes})"))
                if cluster.key_points:
                    paragraph(doc, cluster.key_points, label=f"{labels['key_points']}:")
                cards(doc, cluster.cards, labels)
            if breakout.loose:
                heading(doc, labels["loose"], 4)
                cards(doc, breakout.loose, labels)
            if not breakout.clusters and not breakout.loose:
                paragraph(doc, labels["no_cards"])


def cards(doc, items: list[CardItem], labels: dict[str, str]):
    for card in items:
        note = f"({labels['votes']}: {card.votes})" if card.votes else ""
        if card.author:
            note = f"{note} — {clean(card.author)}".strip()
        paragraph(doc, card.text, "List Bullet", label=f"{card.kind}:", note=note)


def answers(doc, report: Report):
    labels = report.labels
    heading(doc, labels["answers"], 1)
    if not report.answers:
        paragraph(doc, labels["no_answers"])
    for item in report.answers:
        for run in paragraph(doc, f"{item.difficulty} ({item.breakout})").runs:
            run.bold = True
        for practice in item.practices:
            paragraph(doc, practice, "List Bullet")
    if report.themes:
        heading(doc, labels["themes"], 2)
        for theme in report.themes:
            paragraph(doc, theme, "List Bullet")


def recommendations(doc, report: Report):
    labels = report.labels
    heading(doc, labels["recommendations"], 1)
    if not report.recommendations:
        paragraph(doc, labels["no_recommendations"])
        return
    for item in report.recommendations:
        paragraph(doc, item.text, "List Number")
        if item.sources:
            sources = "; ".join(clean(source) for source in item.sources)
            source = paragraph(doc, sources, "List Continue", label=f"{labels['sources']}:")
            for run in source.runs:
                muted(run).font.size = Pt(9)


def participation(doc, report: Report):
    labels = report.labels
    heading(doc, labels["participation"], 1)
    rows = [(clean(r.breakout), r.people, r.cards, r.votes) for r in report.participation]
    total = report.total()
    rows.append((total.breakout, total.people, total.cards, total.votes))
    table = doc.add_table(rows=0, cols=4, style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    heads = (labels["breakout"], labels["people"], labels["cards"], labels["votes"])
    table_row(table, heads, bold=True)
    repeat_as_header(table.rows[0])
    for number, row in enumerate(rows, start=1):
        table_row(table, row, bold=number == len(rows))


def table_row(table, values, bold: bool):
    cells = table.add_row().cells
    for column, (cell, value) in enumerate(zip(cells, values, strict=True)):
        par = cell.paragraphs[0]
        par.add_run(str(value)).bold = bold
        if column:
            par.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif is_rtl(str(value)):
            right_to_left(par)


def repeat_as_header(row):
    """The header row: repeated atop each page the table runs onto, and read as the
    columns' headings by screen readers."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
