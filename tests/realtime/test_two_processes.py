"""Two Daphne processes sharing Redis and PostgreSQL: a card posted through one
reaches the clients of the other."""

import asyncio
import json
import uuid

import pytest
import websockets

from tests.factories import breakout, make_participant, make_workshop, session_cookie
from tests.servers import daphne

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]


def socket_url(base: str, participant, room) -> str:
    return (
        f"{base.replace('http', 'ws')}/ws/workshops/{participant.workshop_id}/?breakout={room.pk}"
    )


async def connect(base, participant, room, cookie):
    """A socket opened for the board: "ready" says its groups are joined."""
    client = await websockets.connect(
        socket_url(base, participant, room),
        origin="http://127.0.0.1",
        additional_headers={"Cookie": f"sessionid={cookie}"},
    )
    await next_of_type(client, "ready")
    return client


async def next_of_type(client, kind: str, timeout: float = 10) -> dict:
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await client.recv())
            if message["type"] == kind:
                return message


def test_a_card_crosses_processes(needs_postgres, needs_redis, output_dir):
    workshop = make_workshop()
    room, other = breakout(workshop, 1), breakout(workshop, 2)
    ana = make_participant(workshop, room, "Ana")
    bob = make_participant(workshop, room, "Bob")
    cyd = make_participant(workshop, other, "Cyd")
    cookies = {person: session_cookie(person) for person in (ana, bob, cyd)}

    async def scenario(first, second):
        sender = await connect(first, ana, room, cookies[ana])
        receiver = await connect(second, bob, room, cookies[bob])
        outsider = await connect(second, cyd, other, cookies[cyd])
        op_id = str(uuid.uuid4())
        text = "Sponge parks along the ring road"
        await sender.send(
            json.dumps({"type": "card.create", "op_id": op_id, "kind": "practice", "text": text})
        )
        ack = await next_of_type(sender, "ack")
        seen = await next_of_type(receiver, "event")
        with pytest.raises(TimeoutError):
            await next_of_type(outsider, "event", timeout=1)
        for client in (sender, receiver, outsider):
            await client.close()
        return ack, seen

    with daphne(output_dir) as (first, _), daphne(output_dir) as (second, _):
        ack, seen = asyncio.run(scenario(first, second))
    assert ack["seq"] == seen["seq"] == 1
    assert seen["data"]["card"]["text"] == "Sponge parks along the ring road"
    assert seen["data"]["card"]["author"] == "Ana"
