"""Two Daphne processes sharing Redis and PostgreSQL: a card posted through one
reaches the clients of the other."""

import asyncio
import json
import uuid

import pytest

from tests.factories import breakout, make_participant, make_workshop, session_cookie
from tests.realtime.sockets import connect, next_of_type
from tests.servers import daphne

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]


def test_a_card_crosses_processes(needs_postgres, needs_redis, output_dir):
    workshop = make_workshop()
    room, other = breakout(workshop, 1), breakout(workshop, 2)
    ana = make_participant(workshop, room, "Ana")
    bob = make_participant(workshop, room, "Bob")
    cyd = make_participant(workshop, other, "Cyd")
    cookies = {person: session_cookie(person) for person in (ana, bob, cyd)}

    async def scenario(first, second):
        sender = await connect(first, ana, cookies[ana], room)
        receiver = await connect(second, bob, cookies[bob], room)
        outsider = await connect(second, cyd, cookies[cyd], other)
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
