"""A flood gets an error, then the socket is closed; others keep posting."""

import json

import pytest

from realtime import protocol
from tests.factories import breakout, make_participant, make_workshop
from tests.realtime.helpers import card_message, open_socket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pair():
    workshop = make_workshop()
    room = breakout(workshop)
    return make_participant(workshop, room, "Flood"), make_participant(workshop, room, "Calm")


async def test_a_flood_is_warned_then_closed(pair, settings):
    settings.WS_PARTICIPANT_RATE = (1, 5)
    settings.WS_RATE_STRIKES = 10
    flooder, calm = pair
    socket, _ = await open_socket(flooder, flooder.breakout)
    other, _ = await open_socket(calm, calm.breakout)
    for _ in range(40):
        await socket.send_to(text_data=json.dumps({"type": "resume", "since": 0, "epoch": 0}))
    replies = []
    while True:
        output = await socket.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            break
        replies.append(json.loads(output["text"]))
    assert output["code"] == protocol.CLOSE_POLICY
    errors = [reply for reply in replies if reply["type"] == "error"]
    assert errors[0]["code"] == "rate_limited"
    assert errors[0]["retryable"] is True
    assert errors[-1]["code"] == "rate_limited"

    message = card_message("Still heard")
    await other.send_json_to(message)
    reply = await other.receive_json_from(timeout=5)
    while reply["type"] not in ("ack", "error"):
        reply = await other.receive_json_from(timeout=5)
    assert reply["type"] == "ack"
    await other.disconnect()
