"""The board page: every card in order, and posting works without JavaScript."""

import uuid

import pytest
from django.urls import reverse

from tests.factories import breakout, logged_in_client, make_participant, make_workshop, post_card
from workshops.models import Card

pytestmark = pytest.mark.django_db


@pytest.fixture
def room():
    return breakout(make_workshop())


@pytest.fixture
def ana(room):
    return make_participant(room.workshop, room, "Ana")


def board_url(room):
    return reverse("workshops:board", args=[room.workshop_id, room.pk])


def test_a_reload_shows_every_card_in_order(room, ana):
    for text in ("Card alpha", "Card beta", "Card gamma"):
        post_card(ana, room, text)
    post_card(ana, room, "A difficulty", kind="difficulty")
    page = logged_in_client(ana).get(board_url(room)).content.decode()
    assert page.index("Card alpha") < page.index("Card beta") < page.index("Card gamma")
    assert page.index('id="cards-practice"') < page.index("Card alpha")
    assert page.index('id="cards-difficulty"') < page.index("A difficulty")
    assert 'data-seq="4"' in page


def test_posting_without_javascript_stores_one_card_per_form(room, ana):
    client = logged_in_client(ana)
    form = {"kind": "practice", "text": "Rain gardens", "op_id": str(uuid.uuid4())}
    first = client.post(board_url(room), form)
    again = client.post(board_url(room), form)
    assert first.status_code == again.status_code == 302
    assert list(Card.objects.values_list("text", flat=True)) == ["Rain gardens"]


def test_an_empty_card_is_refused_with_a_message(room, ana):
    response = logged_in_client(ana).post(
        board_url(room), {"kind": "practice", "text": "  ", "op_id": str(uuid.uuid4())}
    )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert Card.objects.count() == 0


def test_a_participant_opening_another_board_goes_back_to_their_own(room, ana):
    other = breakout(room.workshop, 2)
    response = logged_in_client(ana).get(board_url(other))
    assert response.url == board_url(room)


def test_the_board_is_translated(room, ana):
    client = logged_in_client(ana)
    client.cookies["django_language"] = "fr"
    page = client.get(board_url(room)).content.decode()
    assert "Pratiques" in page
    assert "Difficultés" in page
    client.cookies["django_language"] = "es"
    page = client.get(board_url(room)).content.decode()
    assert "Prácticas" in page
    assert "Dificultades" in page
