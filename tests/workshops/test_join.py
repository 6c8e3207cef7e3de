"""Joining by invite link: a name, a breakout, and straight onto its board."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import breakout, make_workshop
from workshops import services
from workshops.models import Invite, Participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop():
    return make_workshop("Green infrastructure")


@pytest.fixture
def invite_url(workshop):
    token = services.invite_create(workshop=workshop, label="Workshop link")
    return reverse("workshops:join", args=[token])


def test_the_invite_link_asks_for_a_name_and_a_breakout(client, invite_url):
    page = client.get(invite_url).content.decode()
    assert "Green infrastructure" in page
    assert 'name="display_name"' in page
    assert "Room 1 — Challenge 1" in page
    assert "Room 2 — Challenge 2" in page


def test_joining_lands_on_the_chosen_board(client, workshop, invite_url):
    room = breakout(workshop, 2)
    response = client.post(invite_url, {"display_name": "Ana", "breakout": room.pk}, follow=True)
    participant = Participant.objects.get()
    assert (participant.display_name, participant.breakout) == ("Ana", room)
    assert response.redirect_chain[-1][0] == reverse("workshops:board", args=[workshop.pk, room.pk])
    page = response.content.decode()
    assert "Question 2?" in page
    assert "Practices" in page
    assert "Difficulties" in page


def test_joining_without_a_breakout_waits_on_the_workshop_page(client, workshop, invite_url):
    response = client.post(invite_url, {"display_name": "Ana"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("workshops:workshop", args=[workshop.pk])
    assert "Choose your breakout" in response.content.decode()


def test_a_participant_picks_a_breakout_later(client, workshop, invite_url):
    client.post(invite_url, {"display_name": "Ana"})
    room = breakout(workshop, 1)
    client.post(reverse("workshops:choose-breakout", args=[workshop.pk]), {"breakout": room.pk})
    assert Participant.objects.get().breakout == room


def test_opening_the_link_again_returns_to_the_board(client, workshop, invite_url):
    room = breakout(workshop, 1)
    client.post(invite_url, {"display_name": "Ana", "breakout": room.pk})
    response = client.get(invite_url)
    assert response.url == reverse("workshops:board", args=[workshop.pk, room.pk])
    assert Participant.objects.count() == 1


@pytest.mark.parametrize("name", ["", "   ", "x" * 81])
def test_a_missing_or_too_long_name_is_refused(client, workshop, invite_url, name):
    response = client.post(invite_url, {"display_name": name, "breakout": breakout(workshop).pk})
    assert response.status_code == 200
    assert Participant.objects.count() == 0


def test_a_breakout_of_another_workshop_is_refused(client, invite_url):
    elsewhere = breakout(make_workshop("Other"))
    response = client.post(invite_url, {"display_name": "Ana", "breakout": elsewhere.pk})
    assert "Select a valid choice" in response.content.decode()
    assert Participant.objects.count() == 0


def test_a_full_breakout_is_refused(client, workshop, invite_url):
    room = breakout(workshop)
    room.capacity = 0
    room.save()
    response = client.post(invite_url, {"display_name": "Ana", "breakout": room.pk})
    assert "This breakout is full." in response.content.decode()
    assert Participant.objects.count() == 0


@pytest.mark.parametrize("token", ["not-a-real-token", "x" * 43])
def test_an_unknown_token_is_not_found(client, token):
    response = client.get(reverse("workshops:join", args=[token]))
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_a_revoked_or_expired_invite_is_not_found(client, workshop):
    revoked = services.invite_create(workshop=workshop, label="revoked")
    expired = services.invite_create(workshop=workshop, label="expired")
    Invite.objects.filter(label="revoked").update(revoked_at=timezone.now())
    Invite.objects.filter(label="expired").update(expires_at=timezone.now())
    for token in (revoked, expired):
        assert client.get(reverse("workshops:join", args=[token])).status_code == 404


def test_only_the_hash_of_a_token_is_stored(workshop):
    token = services.invite_create(workshop=workshop, label="link")
    assert len(token) >= 43
    assert not Invite.objects.filter(token_hash=token).exists()
    assert Invite.objects.get(label="link").token_hash == Invite.hash_token(token)


def test_pages_are_members_only(workshop):
    outsider = Client()
    room = breakout(workshop)
    for url in (
        reverse("workshops:workshop", args=[workshop.pk]),
        reverse("workshops:board", args=[workshop.pk, room.pk]),
    ):
        response = outsider.get(url)
        assert response.status_code == 403
        assert "invited members" in response.content.decode()


def test_a_name_with_html_shows_as_text(client, workshop, invite_url):
    room = breakout(workshop)
    client.post(invite_url, {"display_name": "<script>alert(1)</script>", "breakout": room.pk})
    participant = Participant.objects.get()
    services.card_create(
        participant_id=participant.pk,
        breakout_id=room.pk,
        kind="practice",
        text='<img src=x onerror=alert(1)> <div hx-get="/admin/" hx-trigger="load">',
        op_id="6b1f1a52-3f5e-4d43-a1a8-7e0a8f4ad0c1",
    )
    page = client.get(reverse("workshops:board", args=[workshop.pk, room.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page
    assert '<div hx-get="/admin/"' not in page


def join_page_queries(client, breakouts: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    workshop = make_workshop(f"With {breakouts} breakouts", breakouts=breakouts)
    token = services.invite_create(workshop=workshop, label="link")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("workshops:join", args=[token]))
    assert page.status_code == 200
    assert page.content.decode().count('type="radio" name="breakout"') == breakouts
    return len(queries)


def test_the_join_page_costs_the_same_for_any_number_of_breakouts(client):
    """A connect storm is a thousand join pages at once: their queries do not grow with
    the workshop's breakouts (each breakout's challenge was one more query)."""
    assert join_page_queries(client, 3) == join_page_queries(client, 30)
