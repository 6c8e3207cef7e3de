"""The facilitators' control room lists every breakout with its people and cards."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import (
    breakout,
    logged_in_client,
    make_facilitator,
    make_participant,
    make_workshop,
    post_card,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop():
    return make_workshop()


def test_it_shows_each_breakout_with_people_and_card_counts(workshop):
    room = breakout(workshop, 1)
    ana = make_participant(workshop, room, "Ana")
    make_participant(workshop, room, "Bob")
    post_card(ana, room, kind="practice")
    post_card(ana, room, kind="practice")
    post_card(ana, room, kind="difficulty")
    client = logged_in_client(make_facilitator(workshop))
    page = client.get(reverse("workshops:control", args=[workshop.pk])).content.decode()
    row = page[page.index(f'id="breakout-row-{room.pk}"') :]
    row = row[: row.index("</tr>")]
    assert row.index("Ana") < row.index("Bob")
    assert '<td class="count" data-count="practice">2</td>' in row
    assert '<td class="count" data-count="difficulty">1</td>' in row
    assert f'id="breakout-row-{breakout(workshop, 2).pk}"' in page


def test_participants_and_strangers_are_kept_out(workshop):
    url = reverse("workshops:control", args=[workshop.pk])
    participant = logged_in_client(make_participant(workshop, breakout(workshop)))
    assert participant.get(url).status_code in (302, 403)
    assert Client().get(url).status_code == 302  # to the login page
    other_workshop = make_workshop("Other")
    stranger = logged_in_client(make_facilitator(other_workshop, "other"))
    assert stranger.get(url).status_code == 403
