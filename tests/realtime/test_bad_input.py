"""Bad frames and unauthorised sockets get a clear error or a refused connection, and
nothing is stored."""

import json

import pytest
from channels.db import database_sync_to_async

from realtime import protocol
from tests.factories import breakout, make_participant, make_workshop
from tests.realtime.helpers import card_message, open_socket
from workshops.models import Card

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ana():
    workshop = make_workshop()
    return make_participant(workshop, breakout(workshop), "Ana")


@pytest.fixture
def room(ana):
    return ana.breakout


async def stored_cards() -> int:
    return await database_sync_to_async(Card.objects.count)()


async def error_for(ana, room, frame: str) -> dict:
    socket, _ = await open_socket(ana, room)
    await socket.send_to(text_data=frame)
    reply = await socket.receive_json_from(timeout=5)
    await socket.disconnect()
    return reply


@pytest.mark.parametrize(
    "frame",
    [
        "{not json",
        json.dumps([1, 2]),
        json.dumps({"type": "card.delete", "op_id": "x"}),
        json.dumps({"op_id": "9b2f8f3c-4a8e-4c59-9d0e-3c8f2b1a6d7e", "text": "no type"}),
        json.dumps({**card_message(), "author": "someone else"}),
        json.dumps({**card_message(), "op_id": "not-a-uuid"}),
        json.dumps({**card_message(), "text": 42}),
        json.dumps({"type": "card.create", "kind": "practice", "text": "missing op_id"}),
        json.dumps({"type": "resume", "since": "1", "epoch": 1}),
    ],
)
async def test_malformed_messages_get_an_error(ana, room, frame):
    reply = await error_for(ana, room, frame)
    assert reply["type"] == "error"
    assert reply["code"] == "invalid"
    assert reply["message"]
    assert await stored_cards() == 0


@pytest.mark.parametrize(
    ("message", "code"),
    [
        (card_message(text="   "), "invalid"),
        (card_message(text="x" * 1001), "invalid"),
        (card_message(kind="idea"), "invalid"),
        (card_message(anonymous=True), "forbidden"),
    ],
)
async def test_invalid_cards_are_refused_to_the_sender(ana, room, message, code):
    reply = await error_for(ana, room, json.dumps(message))
    assert reply["type"] == "error"
    assert reply["code"] == code
    assert reply["op_id"] == message["op_id"]
    assert reply["retryable"] is False
    assert await stored_cards() == 0


async def test_a_too_long_card_error_says_the_limit(ana, room):
    reply = await error_for(ana, room, json.dumps(card_message(text="x" * 1200)))
    assert "1000" in reply["message"]
    assert "1200" in reply["message"]


async def test_an_oversized_frame_closes_the_socket(ana, room):
    socket, _ = await open_socket(ana, room)
    await socket.send_to(text_data=json.dumps(card_message(text="x" * 40_000)))
    reply = await socket.receive_json_from(timeout=5)
    assert reply["code"] == "too_large"
    closed = await socket.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": protocol.CLOSE_TOO_BIG}
    assert await stored_cards() == 0


async def test_a_binary_frame_closes_the_socket(ana, room):
    socket, _ = await open_socket(ana, room)
    await socket.send_to(bytes_data=b"\x00\x01")
    reply = await socket.receive_json_from(timeout=5)
    assert reply["code"] == "binary"
    closed = await socket.receive_output(timeout=5)
    assert closed["code"] == protocol.CLOSE_UNSUPPORTED_DATA


async def test_a_socket_without_a_session_is_closed(ana, room):
    socket, _connected = await open_socket(ana, room, cookie=False)
    reply = await socket.receive_json_from(timeout=5)
    assert reply["code"] == "no_session"
    closed = await socket.receive_output(timeout=5)
    assert closed["code"] == protocol.CLOSE_NO_SESSION


@pytest.mark.parametrize("origin", [b"http://evil.example", b"null", None])
async def test_a_foreign_origin_is_refused(ana, room, origin):
    _socket, connected = await open_socket(ana, room, origin=origin)
    assert not connected


async def test_another_breakouts_board_is_refused(ana):
    other = await database_sync_to_async(lambda: breakout(ana.workshop, 2))()
    socket, _ = await open_socket(ana, other)
    reply = await socket.receive_json_from(timeout=5)
    assert reply["code"] == "forbidden"
    closed = await socket.receive_output(timeout=5)
    assert closed["code"] == protocol.CLOSE_FORBIDDEN


async def test_another_workshops_breakout_is_refused(ana):
    elsewhere = await database_sync_to_async(lambda: breakout(make_workshop("Other")))()
    socket, _ = await open_socket(ana, elsewhere)
    reply = await socket.receive_json_from(timeout=5)
    assert reply["code"] == "forbidden"
    closed = await socket.receive_output(timeout=5)
    assert closed["code"] == protocol.CLOSE_FORBIDDEN
