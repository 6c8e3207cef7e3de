"""What one phase of a run records, and its figures.

Times are `time.monotonic_ns()`. A post's latency is counted from the moment it was
SCHEDULED, so a late send (a busy generator, a socket still reconnecting) shows up in
the figures instead of hiding (no coordinated omission).
"""

from collections import Counter
from dataclasses import dataclass, field

MS = 1e6


@dataclass(eq=False)
class Post:
    """One write (a card, or a layout change in cluster300) and who should see it."""

    uid: int
    kind: str  # "card" or "layout"
    label: str  # "steady", "burst", "prefill": which part of the schedule
    scheduled_ns: int
    client: object
    phase: "Phase"
    op_id: str
    frame: str = ""
    expected: frozenset = frozenset()  # indexes of the clients that should receive it
    received_by: set = field(default_factory=set)
    acked: bool = False
    failed: str = ""

    @property
    def received(self) -> int:
        return len(self.received_by)


def percentiles(values_ns: list[int]) -> dict:
    """p50, p95, p99 and max in milliseconds (nearest rank), and the count."""
    if not values_ns:
        return {"count": 0, "p50": None, "p95": None, "p99": None, "max": None}
    ordered = sorted(values_ns)

    def rank(percent):
        return round(ordered[min(len(ordered) - 1, int(len(ordered) * percent / 100))] / MS, 2)

    return {
        "count": len(ordered),
        "p50": rank(50),
        "p95": rank(95),
        "p99": rank(99),
        "max": round(ordered[-1] / MS, 2),
    }


@dataclass(eq=False)
class Phase:
    name: str
    started_ns: int = 0
    ended_ns: int = 0
    posts: list[Post] = field(default_factory=list)
    sent: int = 0
    ack_latencies: list[int] = field(default_factory=list)
    send_lags: list[int] = field(default_factory=list)
    latencies: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # (kind, label)
    duplicates: Counter = field(default_factory=Counter)  # "same seq", "new seq"
    out_of_order: Counter = field(default_factory=Counter)  # "ahead" (a gap), "behind"
    caught_up: int = 0  # events for a socket that opened after they were posted
    other_events: int = 0
    handshakes: list[int] = field(default_factory=list)
    connect_lags: list[int] = field(default_factory=list)
    opened: int = 0
    errors: Counter = field(default_factory=Counter)
    bytes_by_type: Counter = field(default_factory=Counter)
    messages_by_type: Counter = field(default_factory=Counter)
    loop_lags: list[int] = field(default_factory=list)
    server: dict = field(default_factory=dict)
    generator: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def delivered(self, post: Post, recipient: int, latency_ns: int) -> None:
        post.received_by.add(recipient)
        self.latencies.setdefault((post.kind, post.label), []).append(latency_ns)

    def acked(self, post: Post, now_ns: int) -> None:
        post.acked = True
        self.ack_latencies.append(now_ns - post.scheduled_ns)

    def connected(self, handshake_ns: int, lag_ns: int | None) -> None:
        self.opened += 1
        self.handshakes.append(handshake_ns)
        if lag_ns is not None:
            self.connect_lags.append(lag_ns)

    def all_latencies(self, kind: str, label: str | None = None) -> list[int]:
        return [
            value
            for (k, lab), values in self.latencies.items()
            if k == kind and label in (None, lab)
            for value in values
        ]

    def delivery_counts(self) -> dict:
        stored = [post for post in self.posts if post.acked]
        expected = sum(len(post.expected) for post in stored)
        delivered = sum(post.received for post in stored)
        seconds = max(1e-9, (self.ended_ns - self.started_ns) / 1e9)
        return {
            "expected": expected,
            "delivered": delivered,
            "lost": expected - delivered,
            "duplicated": self.duplicates.total(),
            "duplicated_with_a_new_seq": self.duplicates["new seq"],
            "out_of_order": self.out_of_order.total(),
            "out_of_order_after_a_gap": self.out_of_order["ahead"],
            "caught_up_after_opening": self.caught_up,
            "per_second": round(delivered / seconds, 1),
        }

    def post_counts(self) -> dict:
        failed = Counter(post.failed for post in self.posts if post.failed)
        return {
            "scheduled": len(self.posts),
            "sent": self.sent,
            "acked": sum(post.acked for post in self.posts),
            "failed": dict(failed),
            "unanswered": sum(not post.acked and not post.failed for post in self.posts),
        }

    def summary(self) -> dict:
        deliveries = self.delivery_counts()
        received_bytes = sum(self.bytes_by_type.values())
        figures = {
            "phase": self.name,
            "seconds": round((self.ended_ns - self.started_ns) / 1e9, 2),
            "posts": self.post_counts(),
            "posting_latency_ms": percentiles(self.ack_latencies),
            "delivery_latency_ms": percentiles(self.all_latencies("card")),
            "deliveries": deliveries,
            "connections": {
                "opened": self.opened,
                "handshake_ms": percentiles(self.handshakes),
                "late_against_schedule_ms": percentiles(self.connect_lags),
            },
            "errors": dict(self.errors),
            "received": {
                "bytes": received_bytes,
                "bytes_per_delivery": round(received_bytes / max(1, deliveries["delivered"])),
                "bytes_by_frame_type": dict(self.bytes_by_type),
                "messages_by_type": dict(self.messages_by_type),
                "events_not_from_this_run": self.other_events,
            },
            "server": self.server,
            "generator": {
                **self.generator,
                "loop_lag_ms": percentiles(self.loop_lags),
                "send_lag_ms": percentiles(self.send_lags),
            },
            "notes": self.notes,
        }
        if any(label == "burst" for _kind, label in self.latencies):
            figures["burst_delivery_latency_ms"] = percentiles(self.all_latencies("card", "burst"))
        if any(kind == "layout" for kind, _label in self.latencies):
            figures["layout_latency_ms"] = percentiles(self.all_latencies("layout"))
        return figures
