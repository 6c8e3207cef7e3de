"""Open-loop schedules, fixed before anything is sent, the same for every server
compared: when each post is sent and by whom, when each socket opens."""

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Slot:
    at: float  # seconds from the start of the phase
    client: int  # index of the client that sends
    label: str  # "steady", "burst", "prefill", "layout"
    kind: str = "card"  # or "layout": a cluster change (cluster300)


def arrivals(rate: float, seconds: float, rng: random.Random, poisson: bool) -> list[float]:
    """Send times in [0, seconds) at `rate` a second: Poisson or evenly spaced."""
    if rate <= 0 or seconds <= 0:
        return []
    if not poisson:
        return [n / rate for n in range(int(rate * seconds))]
    times, now = [], rng.expovariate(rate)
    while now < seconds:
        times.append(now)
        now += rng.expovariate(rate)
    return times


def posts(
    senders: list[int],
    rng: random.Random,
    *,
    rate: float,
    seconds: float,
    poisson: bool = True,
    burst_rate: float = 0,
    burst_seconds: float = 0,
    label: str = "steady",
    kind: str = "card",
) -> list[Slot]:
    """Posts at `rate` for `seconds` from random `senders`, plus a burst at `burst_rate`
    for `burst_seconds` in the middle, on top of the steady rate."""
    slots = [
        Slot(at, rng.choice(senders), label, kind) for at in arrivals(rate, seconds, rng, poisson)
    ]
    burst_start = max(0.0, (seconds - burst_seconds) / 2)
    slots += [
        Slot(burst_start + at, rng.choice(senders), "burst")
        for at in arrivals(burst_rate, burst_seconds, rng, poisson)
    ]
    return sorted(slots, key=lambda slot: slot.at)


def connections(count: int, seconds: float) -> list[float]:
    """When each of `count` sockets opens: evenly over `seconds` (0: all at once)."""
    return [seconds * n / count for n in range(count)] if count else []
