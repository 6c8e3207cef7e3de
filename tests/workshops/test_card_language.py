"""Each card records the language it is written in (chosen by its author or detected
offline), shows it, and the report can be read with the cards of one language only."""

import json
import uuid

import pytest
from django.urls import reverse

from tests.factories import breakout, logged_in_client, make_participant, make_workshop, post_card
from tests.realtime.helpers import card_message, open_socket
from tests.workshops.session import a_real_session
from workshops import services
from workshops.export import backup
from workshops.languages import detect
from workshops.models import BoardEvent, Card

pytestmark = pytest.mark.django_db


@pytest.fixture
def board():
    workshop = make_workshop()
    room = breakout(workshop, 1)
    return room, make_participant(workshop, room, "Ana")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Rain gardens in every schoolyard, maintained by the pupils", "en"),
        ("Des jardins de pluie dans chaque cour d'école, entretenus par les élèves", "fr"),
        ("Jardines de lluvia en cada patio escolar, cuidados por los alumnos", "es"),
        ("Toits verts", "fr"),
        ("Presupuesto", "es"),
    ],
)
def test_the_language_of_a_card_is_detected_from_its_text(board, text, language):
    room, ana = board
    post_card(ana, room, text)
    assert Card.objects.get().language == language == detect(text)


def test_the_author_s_choice_wins_over_the_detection(board):
    room, ana = board
    post_card(ana, room, "Green roofs", language="es")
    card = Card.objects.get()
    assert card.language == "es"
    event = BoardEvent.objects.get()
    assert event.payload["card"]["language"] == "es"


def test_a_language_the_app_does_not_have_is_refused_and_nothing_is_stored(board):
    room, ana = board
    with pytest.raises(services.Invalid) as refused:
        post_card(ana, room, "Grüne Dächer", language="de")
    assert str(refused.value.message) == "A card is written in English, French or Spanish."
    assert not Card.objects.exists()
    assert not BoardEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
async def test_a_live_card_carries_its_language_to_everyone(board):
    room, ana = board
    socket, _ = await open_socket(ana, room)
    await socket.send_json_to(card_message("Toitures végétalisées sur les abribus"))
    await socket.send_json_to(card_message("Green roofs", language="es"))
    languages = []
    while len(languages) < 2:
        message = await socket.receive_json_from(timeout=5)
        if message["type"] == "event":
            languages.append(message["data"]["card"]["language"])
    assert languages == ["fr", "es"]
    await socket.disconnect()


def test_the_board_shows_each_card_s_language_and_offers_the_filter(board):
    room, ana = board
    post_card(ana, room, "Des jardins de pluie dans les cours d'école")
    page = logged_in_client(ana).get(
        reverse("workshops:board", args=[room.workshop_id, room.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    html = page.content.decode()
    assert 'data-language="fr"' in html
    assert '<div class="card-text" lang="fr">' in html
    assert '<abbr class="card-language" title="French">FR</abbr>' in html
    assert '<label for="language-filter">Show cards written in</label>' in html
    assert '<label for="id_practice_language">Language of this practice:</label>' in html


def test_a_card_posted_from_the_page_without_script_keeps_the_chosen_language(board):
    room, ana = board
    url = reverse("workshops:board", args=[room.workshop_id, room.pk])
    logged_in_client(ana).post(
        url, {"kind": "practice", "text": "Green roofs", "language": "fr", "op_id": uuid.uuid4()}
    )
    assert Card.objects.get().language == "fr"


def test_the_report_shows_the_cards_of_one_language_when_asked(client):
    session = a_real_session()
    french = "Des toits verts sur les écoles"
    services.card_create(
        participant_id=session.lead.pk,
        breakout_id=session.rooms[0].pk,
        kind="practice",
        text=french,
        op_id=uuid.uuid4(),
    )
    url = reverse("workshops:report-download", args=[session.workshop.pk])
    lead = logged_in_client(session.lead)
    everything = lead.get(url, {"format": "md", "lang": "en"}).content.decode()
    only_french = lead.get(url, {"format": "md", "lang": "en", "cards": "fr"}).content.decode()
    assert french in everything
    assert "Rain gardens in schoolyards" in everything
    assert french in only_french
    assert "Rain gardens in schoolyards" not in only_french
    printable = lead.get(url, {"format": "html", "lang": "en", "cards": "fr"}).content.decode()
    assert "This report shows only the cards written in French." in printable
    page = lead.get(reverse("workshops:report", args=[session.workshop.pk]), {"cards": "fr"})
    assert "This report shows only the cards written in French." in page.content.decode()
    assert 'value="fr" selected' in page.content.decode()


def test_the_card_data_has_a_language_column():
    session = a_real_session()
    url = reverse("workshops:report-download", args=[session.workshop.pk])
    rows = logged_in_client(session.lead).get(url, {"format": "csv", "lang": "en"})
    lines = rows.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(",")[4:6] == ["Text", "Language"]
    assert ",Rain gardens in schoolyards,en," in rows.content.decode("utf-8-sig")


def test_a_backup_keeps_the_languages_and_one_from_before_languages_still_imports():
    session = a_real_session()
    dumped = backup.dump(session.workshop)
    languages = sorted(row["language"] for row in dumped["cards"])
    dumped["workshop"]["uid"] = str(uuid.uuid4())
    restored = backup.load(json.dumps(dumped))
    assert sorted(c.language for c in Card.objects.filter(breakout__workshop=restored)) == (
        languages
    )

    older = json.loads(json.dumps(dumped))  # as version 1 wrote it
    older["version"] = 1
    older["workshop"]["uid"] = str(uuid.uuid4())
    for key, (_model, names) in backup.ADDED_IN_2.items():
        for row in [older[key]] if key == "workshop" else older[key]:
            for name in names:
                del row[name]
    for part in backup.PARTS_ADDED_IN_2:
        del older[part]
    again = backup.load(older)
    assert set(
        Card.objects.filter(breakout__workshop=again).values_list("language", flat=True)
    ) == {""}
