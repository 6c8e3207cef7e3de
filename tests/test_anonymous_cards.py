"""Safe space: an anonymous card carries no trace of its author in any output."""

import logging

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.factories import breakout, logged_in_client, make_facilitator, make_workshop
from tests.realtime.helpers import card_message, open_socket
from workshops import services
from workshops.models import BoardEvent, Card

pytestmark = pytest.mark.django_db(transaction=True)

NAME = "Zephyrine Quux"
TEXT = "Our mayor blocks every green roof project"


def setup_workshop():
    workshop = make_workshop(allow_anonymous=True)
    room = breakout(workshop)
    token = services.invite_create(workshop=workshop, label="link")
    author = services.participant_join(token=token, display_name=NAME, breakout_id=room.pk)
    bob = services.participant_join(token=token, display_name="Bob", breakout_id=room.pk)
    return room, author, bob, make_facilitator(workshop)


async def everything_received(socket) -> list[str]:
    texts = []
    while not await socket.receive_nothing(timeout=0.5):
        texts.append((await socket.receive_output())["text"])
    return texts


def leaks(output: str, author) -> bool:
    return NAME in output or f'"{author.pk}"' in output or f"participant-{author.pk}" in output


async def test_no_output_names_the_author_of_an_anonymous_card(caplog):
    caplog.set_level(logging.DEBUG)
    room, author, bob, lead = await database_sync_to_async(setup_workshop)()
    mine, _ = await open_socket(author, room)
    theirs, _ = await open_socket(bob, room)
    control, _ = await open_socket(lead, query="view=control")
    await mine.send_json_to(card_message(TEXT, anonymous=True))
    broadcasts = await everything_received(mine) + await everything_received(theirs)
    await theirs.send_json_to({"type": "resume", "since": 0, "epoch": -1})
    broadcasts += await everything_received(theirs)  # the snapshot
    assert any(TEXT in text for text in broadcasts)
    for text in broadcasts:
        assert not leaks(text, author), text
    # The control room lists who is in each breakout, and never shows cards.
    for text in await everything_received(control):
        assert TEXT not in text

    pages = await database_sync_to_async(rendered_pages)(room, author, bob, lead)
    for page in pages:
        assert TEXT in page
        assert NAME not in page

    event = await database_sync_to_async(BoardEvent.objects.get)()
    assert event.payload["card"]["author"] is None
    assert await database_sync_to_async(Card.objects.filter(author__isnull=False).count)() == 0
    for record in caplog.records:
        assert NAME not in record.getMessage()
        assert TEXT not in record.getMessage()
    for socket in (mine, theirs, control):
        await socket.disconnect()


def rendered_pages(room, author, bob, lead) -> list[str]:
    board = reverse("workshops:board", args=[room.workshop_id, room.pk])
    card = Card.objects.get()
    admin = Client()
    admin.force_login(get_user_model().objects.create_superuser("root", "r@example.org", "pw"))
    return [
        logged_in_client(bob).get(board).content.decode(),
        logged_in_client(author).get(board).content.decode(),
        logged_in_client(lead).get(board).content.decode(),
        logged_in_client(lead)
        .get(reverse("workshops:report", args=[room.workshop_id]))
        .content.decode(),
        admin.get(reverse("admin:workshops_card_change", args=[card.pk])).content.decode(),
        admin.get(reverse("admin:workshops_card_changelist")).content.decode(),
    ]
