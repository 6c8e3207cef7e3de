"""The report as PDF and as Word document, each read back with a reader that is not
ours (pypdf, python-docx): same sections and content as the HTML, user text printed as
written, right-to-left text kept, and nothing the report must leave out."""

import re
import uuid
import zipfile
from io import BytesIO

import docx
import pytest
from pypdf import PdfReader

from tests.factories import breakout, make_facilitator, make_participant, make_workshop, post_card
from workshops import services
from workshops.export import REPORT_FORMATS, export, report
from workshops.models import Breakout, Card, Workshop

pytestmark = pytest.mark.django_db

FORMATS = ("pdf", "docx")
SECTION_HEADINGS = ("Background", "Summary of the proceedings", "Recommendations", "Participation")
ARABIC = "حدائق المطر في ساحات المدارس"
HEBREW = "גינות גשם בחצרות בתי הספר"
LONG_WORD = "rain" * 75  # 300 letters, no space to break at
HOSTILE = (
    "**bold** and # title",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://evil","x")',
    "Page {nb} of the plan",
    LONG_WORD,
    ARABIC,
    HEBREW,
)


def op():
    return uuid.uuid4()


@pytest.fixture
def w():
    """Room 1: a cluster with key points and votes, a loose card with a vote, an
    anonymous card and a hidden one; Room 2: a summary and no cards; a recommendation
    drawn from the cluster and the loose card."""
    workshop = make_workshop("Green infrastructure", allow_anonymous=True)
    Workshop.objects.filter(pk=workshop.pk).update(timezone="Europe/Paris")
    room, other = breakout(workshop, 1), breakout(workshop, 2)
    lead = make_facilitator(workshop)
    ana = make_participant(workshop, room, "Ana Ruiz")
    ben = make_participant(workshop, room, "Ben Okafor")
    make_participant(workshop, other, "Carla Diaz")
    post_card(ana, room, "Rain gardens in schoolyards")
    post_card(ben, room, "No budget for maintenance", kind="difficulty")
    post_card(ana, room, "Nobody waters the new trees", anonymous=True)
    post_card(ben, room, "Depave the parking lots")
    post_card(ben, room, "A remark the facilitator hid")
    rain, budget, _anonymous, depave, hidden = Card.objects.order_by("id")
    services.card_set_hidden(
        participant_id=lead.pk, breakout_id=room.pk, card_id=hidden.pk, hidden=True, op_id=op()
    )
    services.cluster_create(
        participant_id=lead.pk,
        breakout_id=room.pk,
        card_ids=[rain.pk, budget.pk, _anonymous.pk],
        title="Water",
        op_id=op(),
    )
    cluster = room.clusters.get()
    services.summary_write(
        participant_id=lead.pk,
        breakout_id=room.pk,
        cluster_id=cluster.pk,
        text="Schoolyards first",
        version=0,
        op_id=op(),
    )
    for where, text in ((room, "Schools lead the way."), (other, "Room two listened.")):
        services.summary_write(
            participant_id=lead.pk, breakout_id=where.pk, text=text, version=0, op_id=op()
        )
    Breakout.objects.filter(pk=room.pk).update(phase="vote")
    for voter, target, target_id in (
        (ana, "cluster", cluster.pk),
        (ben, "cluster", cluster.pk),
        (ana, "card", depave.pk),
    ):
        services.vote(
            participant_id=voter.pk,
            breakout_id=room.pk,
            target=target,
            target_id=target_id,
            add=True,
            op_id=op(),
        )
    services.recommendation_save(
        actor_id=lead.pk,
        workshop_id=workshop.pk,
        text="Fund rain gardens in every school",
        clusters=[cluster],
        cards=[depave],
    )
    workshop.refresh_from_db()
    return workshop


def render(workshop, fmt, language="en", **options) -> bytes:
    return export(workshop, fmt, language, report.Options(**options)).content


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def docx_paragraphs(content: bytes) -> list:
    document = docx.Document(BytesIO(content))
    cells = [cell for table in document.tables for row in table.rows for cell in row.cells]
    return [*document.paragraphs, *(par for cell in cells for par in cell.paragraphs)]


def text_of(fmt: str, content: bytes) -> str:
    if fmt == "pdf":
        return pdf_text(content)
    return "\n".join(par.text for par in docx_paragraphs(content))


def lines_of(fmt: str, content: bytes) -> list[str]:
    return [" ".join(line.split()) for line in text_of(fmt, content).splitlines()]


def line_with(fmt: str, content: bytes, needle: str) -> str:
    (line,) = [line for line in lines_of(fmt, content) if needle in line]
    return line


@pytest.mark.parametrize("fmt", FORMATS)
def test_title_facts_and_every_section_in_the_htmls_order(w, fmt):
    content = render(w, fmt)
    lines = lines_of(fmt, content)
    assert lines[0] == "Green infrastructure"
    when = line_with(fmt, content, "Date and time")
    assert "Europe/Paris" in when
    assert "CET" in when
    positions = [lines.index(heading) for heading in SECTION_HEADINGS]
    assert positions == sorted(positions)


@pytest.mark.parametrize("fmt", FORMATS)
def test_sections_left_out_are_not_there(w, fmt):
    lines = lines_of(fmt, render(w, fmt, sections=("proceedings",)))
    assert "Summary of the proceedings" in lines
    for heading in ("Background", "Recommendations", "Participation"):
        assert heading not in lines
    text = "\n".join(lines)
    assert "Challenges and questions" not in text
    assert "Fund rain gardens in every school" not in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_proceedings_per_breakout(w, fmt):
    content = render(w, fmt)
    lines = lines_of(fmt, content)
    for expected in (
        "Challenge 1",
        "Question 1?",
        "Breakout: Room 1",
        "Schools lead the way.",
        "Water (Votes: 2)",
        "Schoolyards first",
        "Practice: Rain gardens in schoolyards",
        "Difficulty: No budget for maintenance",
        "Cards in no cluster",
        "Practice: Depave the parking lots (Votes: 1)",
        "Breakout: Room 2",
        "Room two listened.",
        "No cards were posted in this breakout.",
    ):
        assert any(expected in line for line in lines), expected
    # The loose card comes after its heading, and the cluster's cards before it.
    text = "\n".join(lines)
    loose = text.index("Cards in no cluster")
    assert text.index("Rain gardens") < loose < text.index("Depave the parking lots")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_french_report_names_the_kinds_in_french(w, fmt):
    text = text_of(fmt, render(w, fmt, "fr"))
    assert "Pratique: Rain gardens in schoolyards" in text
    assert "Difficulté: No budget for maintenance" in text
    assert "Practice" not in text
    assert "Difficulty" not in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_recommendations_with_their_sources(w, fmt):
    content = render(w, fmt)
    assert "Fund rain gardens in every school" in text_of(fmt, content)
    sources = line_with(fmt, content, "From:")
    assert "Water (Room 1)" in sources
    assert "Depave the parking lots" in sources


def test_the_pdf_shows_participation_per_breakout_and_the_total(w):
    lines = lines_of("pdf", render(w, "pdf"))
    assert "Breakout People Cards Votes" in lines
    # people, cards shown (not the hidden one), votes
    for row in ("Room 1 2 4 3", "Room 2 1 0 0", "Total 3 4 3"):
        assert row in lines


def test_the_word_document_has_the_participation_table(w):
    (table,) = docx.Document(BytesIO(render(w, "docx"))).tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows == [
        ["Breakout", "People", "Cards", "Votes"],
        ["Room 1", "2", "4", "3"],
        ["Room 2", "1", "0", "0"],
        ["Total", "3", "4", "3"],
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_hidden_card_and_no_author_unless_chosen(w, fmt):
    content = render(w, fmt)
    text = text_of(fmt, content)
    assert "Nobody waters the new trees" in text
    for absent in ("A remark the facilitator hid", "Ana Ruiz", "Ben Okafor", "Anonymous"):
        assert absent not in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_authors_when_chosen_but_never_for_an_anonymous_card(w, fmt):
    content = render(w, fmt, authors=True)
    assert line_with(fmt, content, "Rain gardens in schoolyards").endswith("— Ana Ruiz")
    assert line_with(fmt, content, "No budget for maintenance").endswith("— Ben Okafor")
    anonymous = line_with(fmt, content, "Nobody waters the new trees")
    assert anonymous.endswith("— Anonymous")
    assert "A remark the facilitator hid" not in text_of(fmt, content)


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_empty_workshop_gives_a_short_valid_file(fmt):
    workshop = make_workshop("Nothing yet", breakouts=0)
    content = render(workshop, fmt)
    text = text_of(fmt, content)
    assert "Nothing yet" in text
    assert "No recommendations were written." in text
    if fmt == "pdf":
        assert len(PdfReader(BytesIO(content)).pages) == 1


@pytest.fixture
def hostile():
    workshop = make_workshop("Hostile")
    room = breakout(workshop)
    ana = make_participant(workshop, room)
    for text in HOSTILE:
        post_card(ana, room, text)
    return workshop


@pytest.mark.parametrize("fmt", FORMATS)
def test_card_text_is_printed_as_written(hostile, fmt):
    text = text_of(fmt, render(hostile, fmt))
    for card in HOSTILE[:4]:
        assert f"Practice: {card}" in text
    assert LONG_WORD in re.sub(r"\s", "", text)
    for word in (*ARABIC.split(), *HEBREW.split()):
        assert word in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_control_characters_in_a_card_do_not_break_the_file(fmt):
    workshop = make_workshop("Controls")
    room = breakout(workshop)
    post_card(make_participant(workshop, room), room, "vertical\x0btab and\x1bescape")
    text = text_of(fmt, render(workshop, fmt))
    assert "Practice: verticaltab andescape" in text


def test_the_pdf_breaks_a_word_too_long_for_a_line(hostile):
    lines = lines_of("pdf", render(hostile, "pdf"))
    pieces = [line for line in lines if "rainrain" in line]
    assert len(pieces) > 1
    assert "".join(pieces).replace("Practice: ", "") == LONG_WORD


def test_the_pdf_is_a4_with_page_numbers_and_its_fonts_embedded(w):
    reader = PdfReader(BytesIO(render(w, "pdf")))
    pages = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        assert (round(page.mediabox.width), round(page.mediabox.height)) == (595, 842)
        assert f"{number} / {pages}" in page.extract_text()
    fonts = {
        font.get_object()["/BaseFont"]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert all("DejaVuSans" in name for name in fonts), fonts
    assert reader.metadata.title == "Green infrastructure"


def test_the_word_document_is_structured_with_headings_and_lists(w):
    paragraphs = docx.Document(BytesIO(render(w, "docx"))).paragraphs
    styles = {par.text: par.style.name for par in paragraphs}
    assert styles["Green infrastructure"] == "Title"
    for heading in SECTION_HEADINGS:
        assert styles[heading] == "Heading 1"
    assert styles["Challenges and questions"] == "Heading 2"
    assert styles["Challenge 1"] == "Heading 2"
    assert styles["Breakout: Room 1"] == "Heading 3"
    for heading in ("Summary of the breakout", "Water (Votes: 2)", "Cards in no cluster"):
        assert styles[heading] == "Heading 4"
    assert styles["Practice: Rain gardens in schoolyards"] == "List Bullet"
    assert styles["Fund rain gardens in every school"] == "List Number"


def test_right_to_left_paragraphs_are_marked_in_the_word_document(hostile):
    paragraphs = docx_paragraphs(render(hostile, "docx"))
    bidi = {par.text: bool(par._p.xpath("./w:pPr/w:bidi")) for par in paragraphs}
    assert bidi[f"Practice: {ARABIC}"]
    assert bidi[f"Practice: {HEBREW}"]
    assert not bidi[f"Practice: {HOSTILE[0]}"]


def test_both_formats_are_registered_for_download(w):
    assert {"pdf", "docx"} <= set(REPORT_FORMATS)
    pdf = export(w, "pdf")
    assert (pdf.content_type, pdf.filename[-4:], pdf.content[:5]) == (
        "application/pdf",
        ".pdf",
        b"%PDF-",
    )
    word = export(w, "docx")
    assert word.content_type == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert word.filename.endswith(".docx")
    assert "word/document.xml" in zipfile.ZipFile(BytesIO(word.content)).namelist()
