"""The cards as data (CSV and XLSX), read back with the csv module and openpyxl."""

import csv
import io
import uuid
from datetime import UTC, datetime

import openpyxl
import pytest

from tests.factories import breakout, make_facilitator, make_participant, make_workshop, post_card
from workshops import services
from workshops.export import cards, export
from workshops.models import Card, Cluster

pytestmark = pytest.mark.django_db

HEADER = [
    "Workshop",
    "Challenge",
    "Breakout",
    "Kind",
    "Text",
    "Language",
    "Cluster",
    "Votes",
    "Created (UTC)",
    "Created (local time)",
    "Time zone",
    "Author",
    "Hidden",
]
# Posted in July (Paris is at UTC+2) and in November (UTC+1).
JULY = datetime(2030, 7, 1, 12, 0, 30, 500000, tzinfo=UTC)
NOVEMBER = datetime(2030, 11, 5, 9, 15, tzinfo=UTC)


def op():
    return uuid.uuid4()


def cluster(lead, room, cards, title):
    services.cluster_create(
        participant_id=lead.pk,
        breakout_id=room.pk,
        card_ids=[card.pk for card in cards],
        title=title,
        op_id=op(),
    )


def vote(person, room, target, thing):
    services.vote(
        participant_id=person.pk,
        breakout_id=room.pk,
        target=target,
        target_id=thing.pk,
        add=True,
        op_id=op(),
    )


@pytest.fixture
def session():
    """A workshop after a session: cards in and out of clusters, votes on cards and
    on a cluster, an anonymous and a hidden card, and texts that look like formulas."""
    workshop = make_workshop("Green infrastructure", allow_anonymous=True)
    workshop.timezone = "Europe/Paris"
    workshop.save()
    first, second = breakout(workshop, 1), breakout(workshop, 2)
    lead = make_facilitator(workshop)
    ana, ben = (make_participant(workshop, first, name) for name in ("Ana", "Ben"))
    names = ("=Eve", "\tTab", "\rRay")
    eve, tab, ray = (make_participant(workshop, second, name) for name in names)
    posts = [
        (ana, first, "practice", "Rain gardens in schoolyards", {}),
        (ben, first, "difficulty", "No budget for maintenance", {}),
        (ana, first, "difficulty", "Residents fear mosquitoes", {"anonymous": True}),
        (ben, first, "practice", "Green roofs on bus stops", {}),
        (eve, second, "practice", '=HYPERLINK("http://example.com","click")', {}),
        (tab, second, "difficulty", "+33 1 23 45 67 89", {}),
        (ray, second, "practice", "-2 degrees in summer", {}),
        (eve, second, "practice", "@SUM(1+1)", {}),
    ]
    for person, room, kind, text, options in posts:
        post_card(person, room, text, kind, language="en", **options)
    c = list(Card.objects.order_by("pk"))
    cluster(lead, first, [c[0]], "Water")
    cluster(lead, first, [c[1]], "")
    cluster(lead, second, [c[5]], "=Costs")
    services.card_set_hidden(
        participant_id=lead.pk, breakout_id=first.pk, card_id=c[3].pk, hidden=True, op_id=op()
    )
    services.breakouts_set_phase(
        actor_id=lead.pk, workshop_id=workshop.pk, phase="vote", breakout_id=first.pk
    )
    vote(ana, first, "card", c[0])
    vote(ana, first, "card", c[0])
    vote(ana, first, "cluster", Cluster.objects.get(title="Water"))
    vote(ben, first, "card", c[2])
    Card.objects.filter(breakout=first).update(created_at=JULY)
    Card.objects.filter(breakout=second).update(created_at=NOVEMBER)
    return workshop


EXPECTED = [
    ["Challenge 1", "Room 1", "Practice", "Rain gardens in schoolyards", "Water", 2, "Ana", "no"],
    [
        "Challenge 1",
        "Room 1",
        "Difficulty",
        "No budget for maintenance",
        "Untitled cluster",
        0,
        "Ben",
        "no",
    ],
    ["Challenge 1", "Room 1", "Difficulty", "Residents fear mosquitoes", "", 1, "Anonymous", "no"],
    ["Challenge 1", "Room 1", "Practice", "Green roofs on bus stops", "", 0, "Ben", "yes"],
    [
        "Challenge 2",
        "Room 2",
        "Practice",
        '\'=HYPERLINK("http://example.com","click")',
        "",
        0,
        "'=Eve",
        "no",
    ],
    ["Challenge 2", "Room 2", "Difficulty", "'+33 1 23 45 67 89", "'=Costs", 0, "'\tTab", "no"],
    ["Challenge 2", "Room 2", "Practice", "'-2 degrees in summer", "", 0, "'\rRay", "no"],
    ["Challenge 2", "Room 2", "Practice", "'@SUM(1+1)", "", 0, "'=Eve", "no"],
]
TIMES = {
    "Room 1": ["2030-07-01T12:00:30+00:00", "2030-07-01T14:00:30+02:00"],
    "Room 2": ["2030-11-05T09:15:00+00:00", "2030-11-05T10:15:00+01:00"],
}


def expected_rows():
    """Every column of every card, in the order of the export."""
    rows = []
    for challenge, room, kind, text, cluster_title, votes, author, hidden in EXPECTED:
        rows.append(
            [
                "Green infrastructure",
                challenge,
                room,
                kind,
                text,
                "en",
                cluster_title,
                votes,
                *TIMES[room],
                "Europe/Paris",
                author,
                hidden,
            ]
        )
    return rows


def lf(value):
    return value.replace("\r", "\n") if isinstance(value, str) else value


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def read_xlsx(content: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [["" if value is None else value for value in row] for row in sheet.values]


def test_the_csv_has_one_row_per_card_with_every_column(session):
    made = export(session, "csv", "en")
    assert made.content_type == "text/csv; charset=utf-8"
    assert made.filename.endswith(".csv")
    expected = [[str(value) for value in row] for row in expected_rows()]
    assert read_csv(made.content) == [HEADER, *expected]


def test_the_xlsx_has_the_same_rows_with_numbers_as_numbers(session):
    made = export(session, "xlsx", "en")
    assert made.filename.endswith(".xlsx")
    # An XML reader may read a carriage return as a line feed (with lxml it does not).
    expected = [[lf(value) for value in row] for row in expected_rows()]
    read = [[lf(value) for value in row] for row in read_xlsx(made.content)]
    assert read == [HEADER, *expected]


def test_the_xlsx_header_is_bold_and_frozen_and_the_columns_wide_enough(session):
    sheet = openpyxl.load_workbook(io.BytesIO(export(session, "xlsx", "en").content)).active
    assert all(cell.font.bold for cell in sheet[1])
    assert not sheet["A2"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["E"].width >= len("Rain gardens in schoolyards")
    assert sheet.column_dimensions["A"].width >= len("Green infrastructure")


def test_no_cell_of_the_xlsx_is_a_formula(session):
    sheet = openpyxl.load_workbook(io.BytesIO(export(session, "xlsx", "en").content)).active
    kinds = {cell.data_type for row in sheet.iter_rows() for cell in row}
    assert kinds <= {"s", "inlineStr", "n"}  # strings and numbers: no "f" (formula)
    assert sheet["E6"].value == '\'=HYPERLINK("http://example.com","click")'


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_any_text_a_spreadsheet_would_run_is_quoted(start):
    assert cards.neutralised(f"{start}1+1") == f"'{start}1+1"
    assert cards.neutralised(f"a{start}1") == f"a{start}1"
    assert cards.neutralised(-3) == -3


def test_in_french_the_headers_kinds_and_words_are_french(session):
    for rows in (
        read_csv(export(session, "csv", "fr").content),
        read_xlsx(export(session, "xlsx", "fr").content),
    ):
        assert rows[0][:4] == ["Atelier", "Défi", "Sous-groupe", "Type"]
        assert rows[0][5:7] == ["Langue", "Groupe"]
        assert [row[3] for row in rows[1:5]] == ["Pratique", "Difficulté", "Difficulté", "Pratique"]
        assert rows[2][6] == "Groupe sans titre"
        assert rows[3][11] == "Anonyme"
        assert [row[12] for row in rows[3:5]] == ["non", "oui"]


def test_a_workshop_without_cards_gives_the_header_only():
    workshop = make_workshop("Empty")
    assert read_csv(export(workshop, "csv", "en").content) == [HEADER]
    assert read_xlsx(export(workshop, "xlsx", "en").content) == [HEADER]


def test_control_characters_a_worksheet_cannot_hold_are_left_out_of_the_xlsx():
    workshop = make_workshop("Bells")
    room = breakout(workshop)
    post_card(make_participant(workshop, room), room, "Ring\x07 the bell")
    assert read_xlsx(export(workshop, "xlsx", "en").content)[1][4] == "Ring the bell"
    assert read_csv(export(workshop, "csv", "en").content)[1][4] == "Ring\x07 the bell"
