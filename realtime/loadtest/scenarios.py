"""The scenarios, each a sequence of measured phases against one server.

Every server compared gets the same clients, the same schedules (from the same seed)
and the same sizes.
"""

import asyncio
import bisect
import os
import random
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass

import psutil

from . import schedule, wire
from .browser import Topology
from .recorder import Phase
from .sockets import Client, Hub, sleep_until
from .targets import Target

SETTLE_S = 2  # idle time before reading memory per connection
OPEN_TIMEOUT_S = 60
PREFILL_RATE = 50  # cards a second while filling cluster300's board
LOOP_TICK_S = 0.01
POLL_S = 0.05
DRAIN_LIMIT_S = 300
CPU_RESOLUTION_S = 2 / os.sysconf("SC_CLK_TCK")  # process CPU times count clock ticks


@dataclass(frozen=True)
class Sizes:
    breakouts: int
    per_breakout: int
    facilitators: int  # control-room sockets
    rate: float  # posts a second
    seconds: float  # of posting, per phase
    burst_rate: float = 0
    burst_seconds: float = 0
    connect_seconds: float = 0  # sockets open evenly over this time
    text_bytes: int = 100  # length of each card's text
    layout_rate: float = 0  # cluster300: layout changes a second, both facilitators
    prefill: int = 0  # cluster300: cards on the board before clustering starts
    poisson: bool = True
    drain_seconds: float = 5  # after the last post, wait while deliveries keep coming


SCENARIOS = {
    "quick": Sizes(3, 4, 1, rate=5, seconds=3, connect_seconds=0.5),
    "peak": Sizes(
        50, 20, 5, rate=50, seconds=30, burst_rate=200, burst_seconds=5, connect_seconds=10
    ),
    "storm": Sizes(50, 20, 5, rate=50, seconds=20, connect_seconds=10),
    "slow-reader": Sizes(20, 10, 2, rate=50, seconds=60, connect_seconds=2, text_bytes=900),
    "cluster300": Sizes(
        5, 10, 1, rate=10, seconds=20, connect_seconds=1, layout_rate=4, prefill=300
    ),
}
CLUSTERING_FACILITATORS = 2


def facilitator_sessions(scenario: str, sizes: Sizes) -> int:
    """Logged-in facilitator sessions the scenario needs."""
    return sizes.facilitators + (CLUSTERING_FACILITATORS if scenario == "cluster300" else 0)


class Session:
    """One scenario against one server: its clients, phases and figures."""

    def __init__(self, target: Target, topology: Topology, sizes: Sizes, seed: int):
        self.target, self.sizes, self.seed = target, sizes, seed
        self.topology = topology
        seqs = {board.breakout_id: board.seq for board in topology.boards}
        self.hub = Hub(target.http_url, seqs, resumes=target.keeps_log)
        self.watchers = [
            self.hub.add(self.control_path(), cookie)
            for cookie in topology.facilitators[: sizes.facilitators]
        ]
        # Round robin over boards: whoever connects early, every board fills evenly.
        self.participants = [
            self.hub.add(self.board_path(board.breakout_id), board.participants[n], board)
            for n in range(sizes.per_breakout)
            for board in topology.boards
        ]
        self.phases: list[dict] = []
        self.memory: dict = {}

    def board_path(self, breakout_id: int) -> str:
        return f"/ws/workshops/{self.topology.workshop_id}/?breakout={breakout_id}&lang=en"

    def control_path(self) -> str:
        return f"/ws/workshops/{self.topology.workshop_id}/?view=control&lang=en"

    def rng(self, purpose: str) -> random.Random:
        return random.Random(f"{self.seed}:{purpose}")

    def indexes(self, clients: list[Client]) -> list[int]:
        return [client.index for client in clients]

    # Measuring -----------------------------------------------------------------

    @asynccontextmanager
    async def measured(self, name: str):
        """A phase: what the server and the generator spent during it, and its figures."""
        phase = self.hub.phase = Phase(name, started_ns=time.monotonic_ns())
        probe, generator = self.target.probe(), psutil.Process()
        cpu, own_cpu = probe.cpu_seconds(), sum(generator.cpu_times()[:2])
        rss = [probe.rss()]
        watch = asyncio.create_task(self.watch(phase, probe, rss))
        try:
            yield phase
        finally:
            watch.cancel()
            phase.ended_ns = time.monotonic_ns()
            phase.server = server_figures(phase, cpu, probe, self.target.probe(), rss)
            phase.generator["cpu_s"] = round(sum(generator.cpu_times()[:2]) - own_cpu, 2)
            phase.notes += self.target.notes
            self.target.notes = []
            self.phases.append(phase.summary())

    async def watch(self, phase: Phase, probe, rss: list) -> None:
        """The generator's event-loop lag, and the server's memory every half second."""
        ticks = 0
        while True:
            before = time.monotonic_ns()
            await asyncio.sleep(LOOP_TICK_S)
            phase.loop_lags.append(time.monotonic_ns() - before - int(LOOP_TICK_S * 1e9))
            ticks += 1
            if ticks % 50 == 0:
                rss.append(probe.rss())

    # Steps -----------------------------------------------------------------------

    async def open(self, clients: list[Client], seconds: float) -> float | None:
        """Open the sockets evenly over `seconds`; the time until all were open."""
        start = time.monotonic_ns()
        for client, at in zip(clients, schedule.connections(len(clients), seconds), strict=True):
            self.hub.start(client.run(start + int(at * 1e9)))
        return await self.until_open(clients, start, seconds + OPEN_TIMEOUT_S)

    async def until_open(self, clients: list[Client], start_ns: int, within_s: float):
        """Seconds from `start_ns` until all `clients` were open, or None."""
        remaining = within_s - (time.monotonic_ns() - start_ns) / 1e9
        if await wait_for(lambda: all(client.is_open for client in clients), remaining):
            return round((time.monotonic_ns() - start_ns) / 1e9, 2)
        return None

    async def connect_everyone(self) -> None:
        clients = [*self.watchers, *self.participants]
        before = await asyncio.to_thread(self.target.probe().settled_rss)
        async with self.measured("connect") as phase:
            all_open = await self.open(clients, self.sizes.connect_seconds)
            phase.generator["all_open_after_s"] = all_open
            await asyncio.sleep(SETTLE_S)
            self.record_memory(before, len(clients))

    def record_memory(self, before: int | None, connections: int) -> None:
        after = self.target.probe().rss()
        per = (after - before) / connections if before is not None and after else None
        self.memory = {
            "rss_before_connecting": before,
            "rss_idle_connected": after,
            "connections": connections,
            "bytes_per_idle_connection": round(per) if per is not None else None,
        }

    async def play(self, slots: list[schedule.Slot], frame_of) -> None:
        """Send each post at its slot's time, never waiting for any answer."""
        start = time.monotonic_ns() + 20_000_000
        for slot in slots:
            at = start + int(slot.at * 1e9)
            await sleep_until(at)
            client = self.hub.clients[slot.client]
            post = self.hub.new_post(slot.kind, slot.label, at, client)
            post.frame = frame_of(post)
            self.hub.start(client.send(post))

    def card(self, post) -> str:
        text = wire.card_text(post.uid, post.scheduled_ns, self.sizes.text_bytes)
        return wire.card_create(post.op_id, text)

    async def drain(self, phase: Phase) -> None:
        """Wait until every post is answered and every stored one seen by everyone it
        should reach, or nothing new arrived for drain_seconds: what is missing then is
        lost."""
        await wait_for(Drained(phase, self.sizes.drain_seconds), DRAIN_LIMIT_S)

    async def posting(self, name: str, slots: list[schedule.Slot], frame_of=None) -> Phase:
        async with self.measured(name) as phase:
            await self.play(slots, frame_of or self.card)
            await self.drain(phase)
        return phase

    def steady_slots(self, purpose: str, senders: list[Client]) -> list[schedule.Slot]:
        sizes = self.sizes
        return schedule.posts(
            self.indexes(senders),
            self.rng(purpose),
            rate=sizes.rate,
            seconds=sizes.seconds,
            poisson=sizes.poisson,
            burst_rate=sizes.burst_rate,
            burst_seconds=sizes.burst_seconds,
        )

    async def close(self) -> None:
        await self.hub.close()


async def wait_for(condition, seconds: float) -> bool:
    """Whether `condition()` became true within `seconds` (checked every POLL_S)."""
    deadline = time.monotonic() + seconds
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(POLL_S)


class Drained:
    """Whether a phase is over: every post settled, or quiet for `quiet_s`."""

    def __init__(self, phase: Phase, quiet_s: float):
        self.phase, self.quiet_s = phase, quiet_s
        self.progress, self.since = None, time.monotonic()

    def __call__(self) -> bool:
        if settled(self.phase):
            return True
        progress = (len(self.phase.ack_latencies), sum(map(len, self.phase.latencies.values())))
        if progress != self.progress:
            self.progress, self.since = progress, time.monotonic()
        return time.monotonic() - self.since > self.quiet_s


def settled(phase: Phase) -> bool:
    return all(
        post.failed or (post.acked and post.received >= len(post.expected)) for post in phase.posts
    )


def server_figures(phase: Phase, cpu_before, probe, probe_end, rss: list) -> dict:
    """Server CPU over the phase per post and per delivery, and its memory. A restarted
    server (new process ids) has no CPU figure: its start-up would be counted."""
    rss_end = probe_end.rss()
    cpu_after = probe.cpu_seconds() if probe_end.pids == probe.pids else None
    samples = [value for value in [*rss, rss_end] if value is not None]
    figures = {
        "rss_start": rss[0],
        "rss_end": rss_end,
        "rss_max": max(samples) if samples else None,
        "cpu_s": None,
        "cpu_ms_per_post": None,
        "cpu_us_per_delivery": None,
    }
    if cpu_before is None or cpu_after is None or cpu_after < cpu_before:
        return figures
    cpu = cpu_after - cpu_before
    if cpu < CPU_RESOLUTION_S:
        phase.notes.append("server CPU below what its process clock resolves: run longer")
        return figures
    acked = sum(post.acked for post in phase.posts)
    delivered = sum(post.received for post in phase.posts)
    figures["cpu_s"] = round(cpu, 3)
    figures["cpu_ms_per_post"] = round(cpu / acked * 1e3, 3) if acked else None
    figures["cpu_us_per_delivery"] = round(cpu / delivered * 1e6, 1) if delivered else None
    return figures


# The scenarios ---------------------------------------------------------------------


async def steady_load(session: Session) -> None:
    """quick and peak: everyone connects, then posts at a steady rate (and a burst)."""
    await session.connect_everyone()
    await session.posting("load", session.steady_slots("load", session.participants))


async def connect_storm(session: Session) -> None:
    """Everyone connects within connect_seconds while those already in post; then the
    server is killed and restarted, and everyone reconnects while posting goes on."""
    sizes, participants = session.sizes, session.participants
    opens = schedule.connections(len(participants), sizes.connect_seconds)
    rng = session.rng("storm")
    # Posts come from sockets opened at least a second before.
    slots = [
        schedule.Slot(at, rng.choice(participants[:connected]).index, "steady")
        for at in schedule.arrivals(sizes.rate, sizes.connect_seconds, rng, sizes.poisson)
        if (connected := bisect.bisect_right(opens, at - 1))
    ]
    before = await asyncio.to_thread(session.target.probe().settled_rss)
    async with session.measured("connect storm") as phase:
        await session.open(session.watchers, 0)
        storm = asyncio.create_task(session.open(participants, sizes.connect_seconds))
        await session.play(slots, session.card)
        phase.generator["all_open_after_s"] = await storm
        await session.drain(phase)
    await asyncio.sleep(SETTLE_S)
    session.record_memory(before, len(participants) + len(session.watchers))
    await restart_under_load(session)


async def restart_under_load(session: Session) -> None:
    target = session.target
    if not target.keeps_log:
        session.phases.append({"phase": "restart", "skipped": "a bare server has no log"})
        return
    if not target.can_restart:
        why = "no way to restart the server: give --serve or --restart-command"
        session.phases.append({"phase": "restart", "skipped": why})
        return
    slots = session.steady_slots("restart", session.participants)
    async with session.measured("restart") as phase:
        posting = asyncio.create_task(session.play(slots, session.card))
        await asyncio.sleep(min(2, session.sizes.seconds / 4))
        killed = time.monotonic_ns()
        await target.restart()
        phase.generator["server_back_after_s"] = round((time.monotonic_ns() - killed) / 1e9, 2)
        clients = session.hub.clients
        phase.generator["all_open_after_s"] = await session.until_open(clients, killed, 120)
        await posting
        await session.drain(phase)


async def slow_reader(session: Session) -> None:
    """The same load without, then with, a control-room socket that never reads."""
    await session.connect_everyone()
    await session.posting("without slow reader", session.steady_slots("a", session.participants))
    reader = session.hub.add(session.control_path(), session.topology.facilitators[0])
    reader.stalled = True
    await session.open([reader], 0)
    opened = time.monotonic_ns()
    async with session.measured("with slow reader") as phase:
        await session.play(session.steady_slots("b", session.participants), session.card)
        await session.drain(phase)
        code = reader.closed_by_server
        if code:
            seconds = (reader.closed_ns - opened) / 1e9
            phase.notes.append(f"slow reader closed by the server ({code}) {seconds:.1f} s in")
        else:
            seconds = (time.monotonic_ns() - opened) / 1e9
            phase.notes.append(f"slow reader still open after {seconds:.1f} s")


class Clusterer:
    """A facilitator clustering a board: forms clusters of cards and moves cards between
    them, from what its socket has seen of the board."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.cards: list[int] = []
        self.clusters: list[int] = []

    def on_event(self, event: dict) -> None:
        if event.get("name") == "card.created":
            self.cards.append(event["data"]["card"]["id"])
        elif event.get("name") == "layout.changed":
            self.clusters = [cluster["id"] for cluster in event["data"]["clusters"]]

    def frame(self, post) -> str:
        if len(self.clusters) < 5 or self.rng.random() < 0.3:
            cards = self.rng.sample(self.cards, min(3, len(self.cards)))
            return wire.cluster_create(post.op_id, cards, f"Cluster {post.uid}")
        target = self.rng.choice([*self.clusters, None])
        return wire.card_move(post.op_id, self.rng.choice(self.cards), target)


async def clustering(session: Session) -> None:
    """One board filled with cards, then two facilitators cluster it while everyone posts."""
    sizes, board = session.sizes, session.topology.boards[0]
    cookies = session.topology.facilitators[sizes.facilitators :]
    facilitators = [
        session.hub.add(session.board_path(board.breakout_id), cookie, board) for cookie in cookies
    ]
    clusterers = {}
    for client in facilitators:
        clusterers[client.index] = Clusterer(session.rng(f"cluster{client.index}"))
        client.on_event = clusterers[client.index].on_event
    await session.open(facilitators, 0)
    await session.connect_everyone()
    members = [c for c in session.participants if c.board_id == board.breakout_id]
    prefill = schedule.posts(
        session.indexes(members),
        session.rng("prefill"),
        rate=PREFILL_RATE,
        seconds=sizes.prefill / PREFILL_RATE,
        poisson=False,
        label="prefill",
    )
    await session.posting("prefill", prefill)
    layout = schedule.posts(
        session.indexes(facilitators),
        session.rng("layout"),
        rate=sizes.layout_rate,
        seconds=sizes.seconds,
        label="layout",
        kind="layout",
    )
    cards = session.steady_slots("cards", session.participants)
    slots = sorted([*cards, *layout], key=lambda slot: slot.at)

    def frame_of(post) -> str:
        clusterer = clusterers.get(post.client.index)
        return clusterer.frame(post) if clusterer else session.card(post)

    await session.posting("clustering", slots, frame_of)


RUNS = {
    "quick": steady_load,
    "peak": steady_load,
    "storm": connect_storm,
    "slow-reader": slow_reader,
    "cluster300": clustering,
}


async def run(scenario: str, target: Target, topology: Topology, sizes: Sizes, seed: int) -> dict:
    session = Session(target, topology, sizes, seed)
    try:
        await RUNS[scenario](session)
    finally:
        await session.close()
    return {
        "target": target.name,
        "url": target.http_url,
        "memory": session.memory,
        "phases": session.phases,
    }
