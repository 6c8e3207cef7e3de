"""Small builders for test data; every test states what it needs."""

import uuid
from datetime import UTC, datetime
from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from workshops import queries, services
from workshops.models import Breakout, Challenge, Participant, Workshop

PASSWORD = "a-long-password-1"


def make_workshop(title="Workshop", breakouts=2, allow_anonymous=False) -> Workshop:
    workshop = Workshop.objects.create(
        title=title,
        starts_at=datetime(2030, 1, 1, 14, tzinfo=UTC),
        ends_at=datetime(2030, 1, 1, 16, tzinfo=UTC),
        allow_anonymous=allow_anonymous,
    )
    for position in range(1, breakouts + 1):
        challenge = Challenge.objects.create(
            workshop=workshop,
            position=position,
            title=f"Challenge {position}",
            question=f"Question {position}?",
        )
        Breakout.objects.create(
            workshop=workshop, challenge=challenge, position=position, name=f"Room {position}"
        )
    return workshop


def breakout(workshop: Workshop, position: int = 1) -> Breakout:
    return workshop.breakouts.get(position=position)


def make_participant(workshop: Workshop, room: Breakout | None = None, name="Ana") -> Participant:
    return Participant.objects.create(workshop=workshop, breakout=room, display_name=name)


@cache
def password_hash() -> str:
    """The hash of every test facilitator's password, computed once (hashing is slow
    on purpose)."""
    return make_password(PASSWORD)


def make_facilitator(
    workshop: Workshop, username="facilitator", team_role=Participant.Team.LEAD
) -> Participant:
    user = get_user_model().objects.create(username=username, password=password_hash())
    return Participant.objects.create(
        workshop=workshop,
        user=user,
        display_name=username,
        role=Participant.Role.FACILITATOR,
        team_role=team_role,
    )


def session_cookie(participant: Participant) -> str:
    """A session cookie value with which this participant is recognised."""
    if participant.user_id:
        client = Client()
        client.force_login(participant.user)
        return client.cookies["sessionid"].value
    session = SessionStore()
    session[queries.SESSION_PARTICIPANTS] = {str(participant.workshop_id): participant.pk}
    session.create()
    return session.session_key


def logged_in_client(participant: Participant) -> Client:
    client = Client()
    client.cookies["sessionid"] = session_cookie(participant)
    return client


def post_card(participant: Participant, room: Breakout, text="A practice", kind="practice", **kw):
    return services.card_create(
        participant_id=participant.pk,
        breakout_id=room.pk,
        kind=kind,
        text=text,
        op_id=kw.pop("op_id", None) or uuid.uuid4(),
        **kw,
    )
