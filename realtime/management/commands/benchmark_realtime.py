"""Measure live boards under load against real Daphne processes and print the numbers.

    python manage.py benchmark_realtime --clients 1000 --boards 50 --rate 200 --seconds 20

It creates a throw-away workshop, opens every client's websocket at once (a connect
storm), posts cards at a steady rate from random clients and records, for every
delivery, the time from the post to its arrival at each member of the board. With
--flood, one more client sends as fast as it can, to show what it costs the others.
Run it with DATABASE_URL and REDIS_URL set to the servers you want to measure.
"""

import asyncio
import json
import random
import statistics
import time
import uuid
from contextlib import ExitStack

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core.management.base import BaseCommand
from django.db import connection

from realtime.processes import daphne
from workshops import queries
from workshops.models import Breakout, Challenge, Participant, Workshop


class Command(BaseCommand):
    help = "Measure websocket connect storm, delivery latency and flood isolation."

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=1000)
        parser.add_argument("--boards", type=int, default=50)
        parser.add_argument("--rate", type=float, default=100.0, help="posts per second")
        parser.add_argument("--seconds", type=float, default=15.0)
        parser.add_argument("--servers", type=int, default=1)
        parser.add_argument("--flood", action="store_true")

    def handle(self, *args, clients, boards, rate, seconds, servers, flood, **options):
        import psutil

        workshop, members = self.setup(clients, boards)
        try:
            with ExitStack() as stack:
                served = [stack.enter_context(daphne()) for _ in range(servers)]
                bases = [url.replace("http", "ws") for url, _process in served]
                watched = [psutil.Process(process.pid) for _url, process in served]

                def server_cpu() -> float:
                    return sum(cpu_seconds(process) for process in watched)

                result = asyncio.run(
                    load(bases, workshop.pk, members, rate, seconds, flood, server_cpu)
                )
        finally:
            workshop.delete()
        self.report(result, clients, boards, rate, seconds, servers, flood)

    def setup(self, clients, boards):
        workshop = Workshop.objects.create(
            title="Benchmark", starts_at="2030-01-01T00:00Z", ends_at="2030-01-01T02:00Z"
        )
        rooms = []
        for position in range(1, boards + 1):
            challenge = Challenge.objects.create(
                workshop=workshop, position=position, title=f"C{position}", question="?"
            )
            rooms.append(
                Breakout.objects.create(
                    workshop=workshop, challenge=challenge, position=position, name=f"B{position}"
                )
            )
        members = []
        for number in range(clients):
            room = rooms[number % boards]
            person = Participant.objects.create(
                workshop=workshop, breakout=room, display_name=f"P{number}"
            )
            session = SessionStore()
            session[queries.SESSION_PARTICIPANTS] = {str(workshop.pk): person.pk}
            session.create()
            members.append((room.pk, session.session_key))
        connection.close()
        return workshop, members

    def report(self, result, clients, boards, rate, seconds, servers, flood):
        latencies = sorted(result["latencies"])
        connects = sorted(result["connect_times"])
        line = self.stdout.write
        line(
            f"clients {clients} in {boards} boards, {servers} Daphne process(es), "
            f"{rate:g} posts/s for {seconds:g} s, flood {'on' if flood else 'off'}"
        )
        line(
            f"channel layer: {'Redis' if settings.REDIS_URL else 'in-memory'}; "
            f"database: {connection.vendor}"
        )
        line(
            f"connect storm: {len(connects)}/{clients} connected in "
            f"{result['connect_wall']:.2f} s; handshake p50 {pct(connects, 50):.1f} ms, "
            f"p99 {pct(connects, 99):.1f} ms; server CPU {result['storm_cpu']:.2f} s"
        )
        expected, received = result["expected"], len(latencies)
        line(f"posts acked: {result['acked']}/{result['posted']}")
        line(f"deliveries: {received}/{expected} ({expected - received} missing)")
        if latencies:
            line(
                f"delivery latency ms: p50 {pct(latencies, 50):.1f}  p95 {pct(latencies, 95):.1f}"
                f"  p99 {pct(latencies, 99):.1f}  max {latencies[-1]:.1f}"
                f"  mean {statistics.fmean(latencies):.1f}"
            )
            load_cpu = result["load_cpu"]
            line(
                f"server CPU under load: {load_cpu:.2f} s = "
                f"{load_cpu / result['posted'] * 1e3:.1f} ms per post, "
                f"{load_cpu / received * 1e6:.0f} µs per delivery"
            )
        if flood:
            line(
                f"flooder: {result['flood_sent']} frames sent, "
                f"closed with {result.get('flood_close')}"
            )


def pct(values, percentile):
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(len(values) * percentile / 100))]


def cpu_seconds(process) -> float:
    times = process.cpu_times()
    return times.user + times.system


async def load(bases, workshop_id, members, rate, seconds, flood, server_cpu):
    import websockets

    result = {"latencies": [], "connect_times": [], "expected": 0, "posted": 0, "acked": 0}
    by_board: dict[int, list] = {}
    sent_at: dict[str, float] = {}

    async def open_client(index, room_id, session_key):
        url = f"{bases[index % len(bases)]}/ws/workshops/{workshop_id}/?breakout={room_id}"
        started = time.perf_counter()
        socket = await websockets.connect(
            url,
            origin="http://127.0.0.1",
            additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}"},
            compression=None,
            open_timeout=60,
        )
        result["connect_times"].append((time.perf_counter() - started) * 1000)
        by_board.setdefault(room_id, []).append(socket)
        return socket

    async def listen(socket):
        async for frame in socket:
            message = json.loads(frame)
            if message["type"] == "event":
                started = sent_at.get(message["op_id"])
                if started is not None:
                    result["latencies"].append((time.perf_counter() - started) * 1000)
            elif message["type"] == "ack":
                result["acked"] += 1

    storm, cpu_before = time.perf_counter(), server_cpu()
    sockets = await asyncio.gather(
        *(open_client(i, room, key) for i, (room, key) in enumerate(members))
    )
    result["connect_wall"] = time.perf_counter() - storm
    cpu_loaded = server_cpu()
    result["storm_cpu"] = cpu_loaded - cpu_before
    listeners = [asyncio.create_task(listen(socket)) for socket in sockets]
    flooder = asyncio.create_task(flood_board(sockets[0], result)) if flood else None

    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        socket = random.choice(sockets[1:] if flood else sockets)
        room_id = next(room for room, group in by_board.items() if socket in group)
        op_id = str(uuid.uuid4())
        sent_at[op_id] = time.perf_counter()
        message = {"type": "card.create", "op_id": op_id, "kind": "practice", "text": "load"}
        await socket.send(json.dumps(message))
        result["posted"] += 1
        result["expected"] += len(by_board[room_id])
        await asyncio.sleep(random.expovariate(rate))
    await asyncio.sleep(3)  # let the last deliveries land
    result["load_cpu"] = server_cpu() - cpu_loaded
    if flooder:
        flooder.cancel()
    for socket in sockets:
        await socket.close()
    await asyncio.gather(*listeners, return_exceptions=True)
    return result


async def flood_board(socket, result):
    import websockets

    result["flood_sent"] = 0
    frame = json.dumps({"type": "resume", "since": 0, "epoch": 0})
    try:
        while True:
            await socket.send(frame)
            result["flood_sent"] += 1
            if result["flood_sent"] % 50 == 0:
                await asyncio.sleep(0)
    except websockets.exceptions.ConnectionClosed as closed:
        result["flood_close"] = closed.rcvd.code if closed.rcvd else None
