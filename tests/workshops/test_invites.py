"""Facilitators create and revoke invitation links; guessing links is rate-limited."""

import re
import secrets

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.factories import breakout, logged_in_client, make_facilitator, make_workshop
from workshops import services
from workshops.models import Invite, Participant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.fixture
def workshop():
    return make_workshop()


def test_a_facilitator_creates_a_link_shown_once(workshop):
    client = logged_in_client(make_facilitator(workshop))
    url = reverse("workshops:invites", args=[workshop.pk])
    page = client.post(url, {"label": "Metropolis members"}).content.decode()
    link = re.search(r'value="(http://testserver/join/[^"]+/)"', page).group(1)
    assert Invite.objects.get().label == "Metropolis members"
    assert link not in client.get(url).content.decode()
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert Invite.objects.get().token_hash == Invite.hash_token(token)


def test_the_expiry_is_read_in_the_workshops_time_zone(workshop):
    workshop.timezone = "Europe/Paris"
    workshop.save()
    client = logged_in_client(make_facilitator(workshop))
    client.post(
        reverse("workshops:invites", args=[workshop.pk]),
        {"label": "Until 15:00 Paris", "expires_at": "2030-01-01T15:00"},
    )
    assert Invite.objects.get().expires_at.isoformat() == "2030-01-01T14:00:00+00:00"


def test_a_revoked_link_no_longer_lets_anyone_in(workshop, client):
    lead = make_facilitator(workshop)
    token = services.invite_create(workshop=workshop, label="link")
    room = breakout(workshop)
    client.post(
        reverse("workshops:join", args=[token]), {"display_name": "Ana", "breakout": room.pk}
    )
    board = reverse("workshops:board", args=[workshop.pk, room.pk])
    assert client.get(board).status_code == 200
    invite = Invite.objects.get()
    logged_in_client(lead).post(reverse("workshops:invite-revoke", args=[workshop.pk, invite.pk]))
    assert client.get(board).status_code == 403
    assert client.get(reverse("workshops:join", args=[token])).status_code == 404


def test_participants_cannot_manage_invites(workshop):
    token = services.invite_create(workshop=workshop, label="link")
    ana = services.participant_join(token=token, display_name="Ana", breakout_id=None)
    client = logged_in_client(ana)
    response = client.post(reverse("workshops:invites", args=[workshop.pk]), {"label": "x"})
    assert response.status_code in (302, 403)
    assert Invite.objects.count() == 1


def test_guessing_invite_links_is_rate_limited(workshop, client):
    services.invite_create(workshop=workshop, label="the real one")
    # 30 a minute, counted in windows of a minute: 61 guesses fill one window whole.
    statuses = [
        client.get(reverse("workshops:join", args=[secrets.token_urlsafe(32)])).status_code
        for _ in range(61)
    ]
    assert set(statuses) == {404, 429}
    assert statuses.index(429) >= 30
    assert Participant.objects.count() == 0


def test_a_valid_link_still_works_after_many_wrong_ones(workshop, client):
    token = services.invite_create(workshop=workshop, label="city hall")
    wrong = [
        client.get(reverse("workshops:join", args=[secrets.token_urlsafe(32)])).status_code
        for _ in range(61)
    ]
    assert 429 in wrong  # this address is now refused for wrong links
    valid = client.get(reverse("workshops:join", args=[token]))
    assert valid.status_code == 200
    joined = client.post(reverse("workshops:join", args=[token]), {"display_name": "Ana"})
    assert joined.status_code == 302
    assert Participant.objects.get().display_name == "Ana"


def test_many_people_joining_from_one_address_are_not_limited(workshop, client):
    token = services.invite_create(workshop=workshop, label="city hall")
    url = reverse("workshops:join", args=[token])
    for number in range(40):
        response = Client().post(url, {"display_name": f"Person {number}"})
        assert response.status_code == 302
    assert Participant.objects.count() == 40


def test_a_removed_participant_is_taken_out(workshop, client):
    lead = make_facilitator(workshop)
    token = services.invite_create(workshop=workshop, label="link")
    room = breakout(workshop)
    client.post(
        reverse("workshops:join", args=[token]), {"display_name": "Ana", "breakout": room.pk}
    )
    ana = Participant.objects.get(display_name="Ana")
    remove = reverse("workshops:control-action", args=[workshop.pk, "remove"])
    logged_in_client(lead).post(remove, {"participant": ana.pk})
    assert client.get(reverse("workshops:board", args=[workshop.pk, room.pk])).status_code == 403
    rejoin = client.get(reverse("workshops:join", args=[token]))
    assert rejoin.status_code == 403
    assert "You were removed from this workshop." in rejoin.content.decode()
