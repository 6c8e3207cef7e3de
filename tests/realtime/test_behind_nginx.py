"""The deployment guide's nginx configuration (deploy/nginx.conf) in front of two Daphne
processes: sockets are spread over both, a card reaches everyone whichever process holds
their socket, static files come from nginx, and when one process dies people reconnect
through nginx to the other and go on."""

import asyncio
import json
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.factories import breakout, make_participant, make_workshop, session_cookie
from tests.nginx import nginx
from tests.realtime.sockets import connect, next_of_type
from tests.servers import daphne

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]


def served_by(access_log: Path, prefix: str, status: str) -> set[str]:
    """Which upstreams nginx passed these requests to ("-": nginx answered itself)."""
    served = set()
    for line in access_log.read_text().splitlines():
        line_status, upstream, uri = line.split(" ", 2)
        if uri.startswith(prefix) and line_status == status:
            served.add(upstream)
    return served


async def post(client, text: str) -> dict:
    op_id = str(uuid.uuid4())
    await client.send(
        json.dumps({"type": "card.create", "op_id": op_id, "kind": "practice", "text": text})
    )
    return await next_of_type(client, "ack")


async def everyone_sees(clients, text: str) -> None:
    for client in clients:
        event = await next_of_type(client, "event")
        assert event["data"]["card"]["text"] == text


def test_two_processes_behind_the_guides_nginx(
    needs_nginx, needs_postgres, needs_redis, output_dir
):
    workshop = make_workshop()
    room = breakout(workshop, 1)
    people = [make_participant(workshop, room, name) for name in ("Ana", "Bob", "Cyd", "Dan")]
    cookies = [session_cookie(person) for person in people]
    proxy_dir = output_dir / f"nginx-{uuid.uuid4().hex[:8]}"

    async def across_processes(base):
        clients = [await connect(base, p, c) for p, c in zip(people, cookies, strict=True)]
        assert (await post(clients[0], "Sponge parks"))["seq"] == 1
        await everyone_sees(clients[1:], "Sponge parks")
        for client in clients:
            await client.close()

    async def after_one_dies(base):
        clients = [await connect(base, p, c) for p, c in zip(people, cookies, strict=True)]
        assert (await post(clients[1], "Green roofs on bus stops"))["seq"] == 2
        await everyone_sees([clients[0], *clients[2:]], "Green roofs on bus stops")
        for client in clients:
            await client.close()

    with (
        daphne(output_dir, TRUSTED_PROXIES="1") as (first, first_process),
        daphne(output_dir, TRUSTED_PROXIES="1") as (second, _),
    ):
        ports = [int(first.rsplit(":", 1)[1]), int(second.rsplit(":", 1)[1])]
        with nginx(proxy_dir, ports) as base:
            asyncio.run(across_processes(base))
            access_log = proxy_dir / "access.log"
            assert served_by(access_log, "/ws/", "101") == {f"127.0.0.1:{p}" for p in ports}

            with urllib.request.urlopen(f"{base}/static/js/board.js") as response:  # noqa: S310
                assert b"placeCard" in response.read()
            assert served_by(access_log, "/static/", "200") == {"-"}

            first_process.kill()
            first_process.wait()
            asyncio.run(after_one_dies(base))
