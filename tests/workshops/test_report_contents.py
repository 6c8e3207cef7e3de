"""The report says what happened, in Markdown and in printable HTML: background,
proceedings per challenge and breakout (summary, clusters with key points and votes,
their cards, the cards in no cluster), recommendations with their sources, and how many
took part; never a hidden card, never the author of an anonymous card."""

import re
from datetime import UTC, datetime
from html import unescape

import pytest
from django.utils.html import strip_tags

from tests.workshops.session import ANONYMOUS, HIDDEN, NOT_VOTED_ON, a_real_session
from workshops.export import html, markdown, report
from workshops.models import Workshop

pytestmark = pytest.mark.django_db

FORMATS = {"md": markdown.render, "html": html.render}


def as_text(fmt: str, document: str) -> str:
    """What a reader sees: Markdown without its escapes, HTML without its tags."""
    if fmt == "md":
        return re.sub(r"\\(.)", r"\1", re.sub(r"(?<!\\)\*", "", document))
    return " ".join(unescape(strip_tags(document)).split())


def rendered(workshop, fmt, language="en", **options):
    built = report.build(workshop, language, report.Options(**options))
    return as_text(fmt, FORMATS[fmt](built))


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_section_and_number_is_there(fmt):
    session = a_real_session()
    text = rendered(session.workshop, fmt)
    for expected in (
        "Green infrastructure: workshop for City Managers",
        "(Europe/Paris, CET)",
        "City managers of member cities",
        "English, French, Spanish",
        "How can metropolitan areas optimise green infrastructure?",
        "How to fit green infrastructure in dense areas?",
        "Welcome",
        "Schools lead the way.",
        "Water",
        "Rain gardens cool schoolyards",
        "Untitled cluster",
        "Practice: Rain gardens in schoolyards",
        "Difficulty: No budget to maintain green roofs",
        "Cards in no cluster",
        NOT_VOTED_ON,
        ANONYMOUS,
        "A metropolitan green belt plan",
        "Fund rain gardens in every school",
        "Water (Room 1)",
    ):
        assert expected in text, expected
    for heading in ("Background", "Summary of the proceedings", "Recommendations", "Participation"):
        assert heading in text
    assert HIDDEN not in text
    assert "Votes: 2" in text  # the Water cluster
    assert "Votes: 1" in text  # the card about green roofs


def test_the_participation_numbers_per_breakout():
    session = a_real_session()
    rows = report.build(session.workshop, "en", report.Options()).participation
    assert [(r.breakout, r.people, r.cards, r.votes) for r in rows] == [
        ("Room 1", 2, 4, 3),
        ("Room 2", 1, 1, 0),
    ]
    text = rendered(session.workshop, "md")
    assert "| Total | 3 | 5 | 3 |" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_authors_are_named_only_when_chosen_and_never_for_an_anonymous_card(fmt):
    session = a_real_session()
    assert "Ana" not in rendered(session.workshop, fmt)
    with_names = rendered(session.workshop, fmt, authors=True)
    assert "— Ana" in with_names
    assert f"{ANONYMOUS} — Anonymous" in with_names
    assert "Bob" in with_names
    assert f"{ANONYMOUS} — Bob" not in with_names


@pytest.mark.parametrize("fmt", FORMATS)
def test_sections_left_out_are_left_out(fmt):
    session = a_real_session()
    text = rendered(session.workshop, fmt, sections=("recommendations",))
    assert "Fund rain gardens in every school" in text
    for gone in ("Background", "Summary of the proceedings", "Participation", "Schools lead"):
        assert gone not in text


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", ["Contexte", "Recommandations", "Pratique", "Difficulté", "Groupe sans titre"]),
        ("es", ["Recomendaciones", "Práctica", "Dificultad", "Grupo sin título"]),
    ],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_headings_and_labels_are_in_the_chosen_language(fmt, language, words):
    session = a_real_session()
    text = rendered(session.workshop, fmt, language)
    for word in words:
        assert word in text, word
    assert "Rain gardens in schoolyards" in text  # content stays as written


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_workshop_with_no_cards_gives_a_short_valid_report(fmt):
    workshop = Workshop.objects.create(
        title="Empty",
        starts_at=datetime(2030, 1, 1, 10, tzinfo=UTC),
        ends_at=datetime(2030, 1, 1, 11, tzinfo=UTC),
    )
    text = rendered(workshop, fmt)
    assert "Empty" in text
    assert "No recommendations were written." in text


DANGEROUS = [
    "**bold** _it_ # not a title [link](javascript:alert(1))",
    "<script>alert(1)</script><img src=x onerror=alert(2)>",
    '=HYPERLINK("http://evil.example","click")',
    "x" * 300,
    "حدائق المطر في ساحات المدارس",
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_card_text_is_shown_as_written_and_never_runs(fmt):
    session = a_real_session()
    room = session.rooms[1]
    for text in DANGEROUS:
        room.cards.create(kind="practice", text=text)
    built = report.build(session.workshop, "en", report.Options())
    document = FORMATS[fmt](built)
    for text in DANGEROUS:
        assert text in as_text(fmt, document)
    if fmt == "html":
        assert "<script>alert" not in document
        assert "<img" not in document
    else:
        assert "**bold**" not in document  # escaped, so it shows the stars
        assert "\\<script\\>" in document
