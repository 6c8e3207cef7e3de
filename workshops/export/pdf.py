"""The report as a PDF: A4, in the order and with the headings of the HTML document.

DejaVu Sans is embedded (fonts/), so Latin, Greek, Cyrillic, Hebrew and Arabic print;
HarfBuzz shapes the text and puts right-to-left runs in reading order. User text is
printed as written: no Markdown or HTML in it is interpreted.
"""

from pathlib import Path

from fpdf import FPDF
from fpdf.enums import Align, TableBordersLayout, XPos, YPos
from fpdf.fonts import FontFace

from .report import CardItem, Report
from .text import clean, is_rtl

FONTS = Path(__file__).parent / "fonts"
FAMILY = "DejaVu"
MARGIN = 20  # mm
BODY = 10  # pt
SMALL = 8.5  # pt
INK = (27, 31, 36)
MUTED = (74, 82, 96)
RULE = (107, 114, 128)
# The HTML's h1..h5: font size in pt, space above in mm, and the room a heading needs
# on its page, down to the first lines of text under it through the smaller headings
# that may come first (h3, question, h4, h5...), lest a heading end a page alone.
HEADINGS = {1: (20, 0, 0), 2: (15, 7, 75), 3: (13, 5, 58), 4: (11.5, 4, 36), 5: (10.5, 3, 18)}
INDENT = 5  # mm, for the items of a list


def render(report: Report) -> bytes:
    pdf = ReportPDF(report)
    pdf.add_page()
    header(pdf, report)
    if report.has("background"):
        background(pdf, report)
    if report.has("proceedings"):
        proceedings(pdf, report)
    if report.has("answers"):
        answers(pdf, report)
    if report.has("recommendations"):
        recommendations(pdf, report)
    if report.has("participation"):
        participation(pdf, report)
    return bytes(pdf.output())


class ReportPDF(FPDF):
    def __init__(self, report: Report):
        super().__init__(format="A4")
        self.report = report
        self.add_font(FAMILY, "", FONTS / "DejaVuSans.ttf")
        self.add_font(FAMILY, "B", FONTS / "DejaVuSans-Bold.ttf")
        self.set_text_shaping(True)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN)
        self.set_title(report.title)
        self.set_lang(report.language)
        self.set_draw_color(*RULE)

    # fpdf2 replaces its page-count alias wherever it is printed, also in a card that
    # says "{nb}": so the alias is on only while the footer is written. The last
    # footer leaves it on, as the replacement happens when the document is closed.
    def header(self):
        self.alias_nb_pages(None)

    def footer(self):
        self.alias_nb_pages("{nb}")
        self.set_y(-MARGIN + 5)
        self.style(SMALL, color=MUTED)
        self.cell(0, 5, self.report.labels["generated"], align=Align.L)
        self.set_x(self.l_margin)
        self.cell(0, 5, f"{self.page_no()} / {{nb}}", align=Align.R)

    def style(self, size: float = BODY, bold: bool = False, color=INK):
        self.set_font(FAMILY, "B" if bold else "", size)
        self.set_text_color(*color)

    def heading(self, level: int, text: str, outline: int | None = None):
        """A heading of the HTML's level (1 to 5), also in the PDF's outline (the
        reader's table of contents) at depth `outline` when given."""
        text, (size, above, keep) = clean(text), HEADINGS[level]
        if self.get_y() + above + keep > self.page_break_trigger:
            self.add_page()
        elif self.get_y() > self.t_margin:
            self.ln(above)
        if outline is not None:
            self.start_section(text, level=outline)
        self.style(size, bold=True)
        self.paragraph_box(text, size * 0.5)
        if level == 2:
            self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
            self.ln(2)
        self.ln(1)

    def paragraph(self, text: str, indent: float = 0, size=BODY, bold=False, color=INK):
        self.style(size, bold, color)
        self.set_x(self.l_margin + indent)
        self.paragraph_box(text, size * 0.5)
        self.ln(1)

    def labelled(self, label: str, text: str, label_width: float, indent: float = INDENT):
        """A label in bold in its own column (a list's marker, a fact's name), the text
        beside it, wrapped within its column."""
        if self.will_page_break(5):
            self.add_page()
        self.set_x(self.l_margin + indent)
        self.style(bold=True)
        self.cell(label_width, 5, label)
        self.style()
        self.paragraph_box(text, 5)
        self.ln(1)

    def paragraph_box(self, text: str, line_height: float):
        """Text from the current position to the right margin: its line breaks kept,
        a word too long for a line broken, right-aligned when it reads right to left."""
        text = clean(text).replace("\t", " ")
        align = Align.R if is_rtl(text) else Align.L
        self.multi_cell(0, line_height, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def widest(self, labels) -> float:
        """The width of a column holding these labels in bold, with a gap after it."""
        self.style(bold=True)
        return max((self.get_string_width(label) for label in labels), default=0) + 2.5


def header(pdf: ReportPDF, report: Report):
    labels = report.labels
    pdf.heading(1, report.title)
    facts = [(labels["when"], report.when)]
    if report.audience:
        facts.append((labels["audience"], report.audience))
    if report.languages:
        facts.append((labels["languages"], report.languages))
    width = pdf.widest(label for label, _ in facts)
    for label, value in facts:
        pdf.labelled(label, value, width, indent=0)


def background(pdf: ReportPDF, report: Report):
    labels = report.labels
    pdf.heading(2, labels["background"], outline=0)
    if report.description:
        pdf.paragraph(report.description)
    pdf.heading(3, labels["challenges"], outline=1)
    for challenge in report.challenges:
        pdf.style(bold=True)
        pdf.set_x(pdf.l_margin + INDENT)
        pdf.paragraph_box(f"{challenge.title}:", 5)
        pdf.paragraph(challenge.question, indent=INDENT)
    if report.agenda:
        pdf.heading(3, labels["agenda"], outline=1)
        width = pdf.widest(item.when for item in report.agenda)
        for item in report.agenda:
            minutes = f"{item.minutes} {labels['minutes']}"
            pdf.labelled(item.when, f"{item.title} ({item.kind}, {minutes})", width)


def proceedings(pdf: ReportPDF, report: Report):
    labels = report.labels
    pdf.heading(2, labels["proceedings"], outline=0)
    kind_width = pdf.widest(f"{card.kind}:" for card in all_cards(report))
    for challenge in report.challenges:
        pdf.heading(3, challenge.title, outline=1)
        pdf.paragraph(challenge.question, color=MUTED)
        for breakout in challenge.breakouts:
            pdf.heading(4, f"{labels['breakout']}: {breakout.name}", outline=2)
            if breakout.summary:
                pdf.heading(5, labels["summary"])
                pdf.paragraph(breakout.summary)
            for cluster in breakout.clusters:
                pdf.heading(5, f"{cluster.title} ({labels['votes']}: {cluster.votes})")
                if cluster.key_points:
                    pdf.paragraph(f"{labels['key_points']}:", bold=True, color=MUTED)
                    pdf.paragraph(cluster.key_points)
                cards(pdf, cluster.cards, labels, kind_width)
            if breakout.loose:
                pdf.heading(5, labels["loose"])
                cards(pdf, breakout.loose, labels, kind_width)
            if not breakout.clusters and not breakout.loose:
                pdf.paragraph(labels["no_cards"])


def all_cards(report: Report) -> list[CardItem]:
    return [
        card
        for challenge in report.challenges
        for breakout in challenge.breakouts
        for group in (*(cluster.cards for cluster in breakout.clusters), breakout.loose)
        for card in group
    ]


def cards(pdf: ReportPDF, items: list[CardItem], labels: dict[str, str], kind_width: float):
    for card in items:
        text = clean(card.text)
        if card.votes:
            text += f" ({labels['votes']}: {card.votes})"
        if card.author:
            text += f" — {card.author}"
        pdf.labelled(f"{card.kind}:", text, kind_width)


def answers(pdf: ReportPDF, report: Report):
    labels = report.labels
    pdf.heading(2, labels["answers"], outline=0)
    if not report.answers:
        pdf.paragraph(labels["no_answers"])
    for item in report.answers:
        pdf.paragraph(f"{item.difficulty} ({item.breakout})", bold=True)
        for practice in item.practices:
            pdf.labelled("•", clean(practice), pdf.widest(["•"]))
        pdf.ln(1)
    if report.themes:
        pdf.heading(3, labels["themes"], outline=1)
        for theme in report.themes:
            pdf.labelled("•", clean(theme), pdf.widest(["•"]))


def recommendations(pdf: ReportPDF, report: Report):
    labels = report.labels
    pdf.heading(2, labels["recommendations"], outline=0)
    if not report.recommendations:
        pdf.paragraph(labels["no_recommendations"])
        return
    width = pdf.widest([f"{len(report.recommendations)}."])
    for number, item in enumerate(report.recommendations, start=1):
        pdf.labelled(f"{number}.", item.text, width, indent=0)
        if item.sources:
            sources = "; ".join(clean(source) for source in item.sources)
            pdf.paragraph(f"{labels['sources']}: {sources}", width, SMALL, color=MUTED)
        pdf.ln(1)


def participation(pdf: ReportPDF, report: Report):
    labels = report.labels
    pdf.heading(2, labels["participation"], outline=0)
    pdf.style()
    total = report.total()
    bold = FontFace(emphasis="B")
    with pdf.table(
        col_widths=(2, 1, 1, 1),
        width=pdf.epw,
        text_align=(Align.L, Align.R, Align.R, Align.R),
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        line_height=6,
        padding=(1, pdf.c_margin),
    ) as table:
        table.row([labels["breakout"], labels["people"], labels["cards"], labels["votes"]])
        for row in report.participation:
            table.row([clean(row.breakout), str(row.people), str(row.cards), str(row.votes)])
        last = table.row()
        for value in (total.breakout, total.people, total.cards, total.votes):
            last.cell(str(value), style=bold)
