"""Resending a write never duplicates it, even from two sockets at once."""

import asyncio
import uuid

import pytest
from channels.db import database_sync_to_async

from tests.factories import breakout, make_participant, make_workshop
from tests.realtime.helpers import card_message, open_socket
from workshops.models import BoardEvent, Card

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ana():
    workshop = make_workshop()
    return make_participant(workshop, breakout(workshop), "Ana")


async def replies_of_type(socket, kind, count):
    found = []
    while len(found) < count:
        message = await socket.receive_json_from(timeout=5)
        if message["type"] == kind:
            found.append(message)
    return found


async def test_a_resend_storm_from_two_sockets_stores_one_card(ana):
    first, _ = await open_socket(ana, ana.breakout)
    second, _ = await open_socket(ana, ana.breakout)
    message = card_message("Only once", op_id=uuid.uuid4())
    await asyncio.gather(*(socket.send_json_to(message) for socket in (first, second) * 5))
    acks = await replies_of_type(first, "ack", 5) + await replies_of_type(second, "ack", 5)
    assert {(a["op_id"], a["seq"]) for a in acks} == {(message["op_id"], 1)}
    assert await database_sync_to_async(Card.objects.count)() == 1
    assert await database_sync_to_async(BoardEvent.objects.count)() == 1
    await first.disconnect()
    await second.disconnect()


async def test_reusing_an_op_id_for_other_content_is_a_conflict(ana):
    socket, _ = await open_socket(ana, ana.breakout)
    op_id = uuid.uuid4()
    await socket.send_json_to(card_message("First", op_id=op_id))
    await replies_of_type(socket, "ack", 1)
    await socket.send_json_to(card_message("Second", op_id=op_id))
    (error,) = await replies_of_type(socket, "error", 1)
    assert (error["code"], error["op_id"], error["retryable"]) == ("conflict", str(op_id), False)
    texts = await database_sync_to_async(
        lambda: list(Card.objects.values_list("text", flat=True))
    )()
    assert texts == ["First"]
    await socket.disconnect()


async def test_a_resend_after_reconnecting_gets_the_original_ack(ana):
    message = card_message("Sent before the drop")
    socket, _ = await open_socket(ana, ana.breakout)
    await socket.send_json_to(message)
    (ack,) = await replies_of_type(socket, "ack", 1)
    await socket.disconnect()
    again, _ = await open_socket(ana, ana.breakout)
    await again.send_json_to(message)
    (second_ack,) = await replies_of_type(again, "ack", 1)
    assert second_ack == ack
    assert await database_sync_to_async(Card.objects.count)() == 1
    await again.disconnect()
