"""Faults against real processes: a Daphne killed with -9, Redis restarted, PostgreSQL
cut off. Every card a client posted ends up stored exactly once, and every client ends
with the board the database holds. Each scenario's figures go to fault-scenarios.json."""

import asyncio
import json

import pytest
from django.db import connection

from tests.factories import breakout, make_participant, make_workshop, session_cookie
from tests.proxy import TcpProxy
from tests.realtime.live_client import LiveClient, workload
from tests.servers import RedisServer, daphne, shared_database_url
from workshops.models import Card

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

CLIENTS_PER_ROOM = 3
CARDS_EACH = 25
FAST_BEACON = {"WS_HEAD_INTERVAL": "1"}


def people():
    workshop = make_workshop()
    rooms = [breakout(workshop, 1), breakout(workshop, 2)]
    members = [
        (make_participant(workshop, room, f"R{room.position}P{n}"), room)
        for room in rooms
        for n in range(CLIENTS_PER_ROOM)
    ]
    return [(person, room, session_cookie(person)) for person, room in members]


def figures(name: str, clients, outcome: dict) -> dict:
    posted = [m["text"] for c in clients for m in c.replica.posted]
    stored = list(Card.objects.filter(text__in=posted).values_list("text", flat=True))
    return {
        "scenario": name,
        "cards_sent": len(posted),
        "acked": sum(len(c.replica.acks) for c in clients),
        "stored": len(stored),
        "duplicates": len(stored) - len(set(stored)),
        "lost": len(set(posted) - set(stored)),
        "reconnections": sum(c.connections for c in clients) - len(clients),
        "retryable_errors": sum(c.replica.retryable_errors for c in clients),
        **outcome,
    }


def check(report: dict) -> None:
    assert report["outboxes_empty"], report
    assert report["converged"], report
    assert report["duplicates"] == 0, report
    assert report["lost"] == 0, report
    assert report["acked"] == report["stored"] == report["cards_sent"], report


@pytest.fixture
def record(output_dir):
    path = output_dir / "fault-scenarios.json"

    def write(report: dict) -> None:
        reports = json.loads(path.read_text()) if path.exists() else {}
        reports[report["scenario"]] = report
        path.write_text(json.dumps(reports, indent=2))

    return write


def test_killing_one_of_two_daphnes(needs_postgres, needs_redis, output_dir, record):
    members = people()
    with (
        daphne(output_dir, **FAST_BEACON) as (first, doomed),
        daphne(output_dir, **FAST_BEACON) as (
            second,
            _,
        ),
    ):
        clients = [
            LiveClient([first, second], person, room, cookie, first=index % 2)
            for index, (person, room, cookie) in enumerate(members)
        ]

        async def kill():
            doomed.kill()  # SIGKILL: no goodbye to anyone

        outcome = asyncio.run(workload(clients, CARDS_EACH, kill, fault_after=1.0))
    report = figures("daphne kill -9", clients, outcome)
    record(report)
    check(report)
    assert report["reconnections"] >= CLIENTS_PER_ROOM


def test_restarting_redis(needs_postgres, needs_redis, output_dir, record):
    members = people()
    redis = RedisServer()
    redis.start()
    try:
        env = {"REDIS_URL": redis.url, **FAST_BEACON}
        with daphne(output_dir, **env) as (first, _), daphne(output_dir, **env) as (second, _):
            clients = [
                LiveClient([first, second], person, room, cookie, first=index % 2)
                for index, (person, room, cookie) in enumerate(members)
            ]

            async def restart():
                redis.stop()
                await asyncio.sleep(1.0)
                redis.start()

            outcome = asyncio.run(workload(clients, CARDS_EACH, restart, fault_after=1.0))
    finally:
        redis.stop()
    report = figures("redis restart", clients, outcome)
    record(report)
    check(report)


def test_cutting_postgres_off(needs_postgres, needs_redis, output_dir, record):
    members = people()
    db = connection.settings_dict
    with TcpProxy(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)) as proxy:
        through_proxy = shared_database_url().replace(f":{db['PORT'] or 5432}/", f":{proxy.port}/")
        with daphne(output_dir, DATABASE_URL=through_proxy, **FAST_BEACON) as (base, _):
            clients = [LiveClient([base], person, room, cookie) for person, room, cookie in members]

            async def outage():
                proxy.cut()
                await asyncio.sleep(3.0)
                proxy.restore()

            outcome = asyncio.run(workload(clients, CARDS_EACH, outage, fault_after=0.5))
    report = figures("postgresql cut off for 3 s", clients, outcome)
    record(report)
    check(report)
    # The cut really hit the server: its connections were dropped or refused (posts
    # during it either failed retryably or waited for the pool to reconnect).
    assert proxy.dropped + proxy.refused > 0, (proxy.dropped, proxy.refused)
