"""What the load generator sends and how it reads what comes back.

Every card carries a marker in its text: a unique id and the time it was scheduled to be
sent (`time.monotonic_ns()`, so generator and recipients must share a host). Any server
message may arrive split into `part` messages; `Reassembler` puts them back together.
"""

import uuid
from dataclasses import dataclass

import orjson

MARKER_PREFIX = "lt:"


def card_text(uid: int, scheduled_ns: int, padding: int) -> str:
    """`lt:<uid>:<scheduled ns>` then filler up to `padding` characters."""
    marker = f"{MARKER_PREFIX}{uid}:{scheduled_ns}"
    return marker + " " + "x" * max(0, padding - len(marker) - 1)


@dataclass(frozen=True)
class Marker:
    uid: int
    scheduled_ns: int


def read_marker(text: str) -> Marker | None:
    if not text.startswith(MARKER_PREFIX):
        return None
    head = text[len(MARKER_PREFIX) :].split(" ", 1)[0]
    uid, _sep, scheduled = head.partition(":")
    try:
        return Marker(int(uid), int(scheduled))
    except ValueError:
        return None


def new_op_id() -> str:
    return str(uuid.uuid4())


def card_create(op_id: str, text: str) -> str:
    message = {"type": "card.create", "op_id": op_id, "kind": "practice", "text": text}
    return orjson.dumps({**message, "anonymous": False}).decode()


def resume(since: int, epoch: int) -> str:
    return orjson.dumps({"type": "resume", "since": since, "epoch": epoch}).decode()


def cluster_create(op_id: str, card_ids: list[int], title: str) -> str:
    message = {"type": "cluster.create", "op_id": op_id, "card_ids": card_ids, "title": title}
    return orjson.dumps(message).decode()


def card_move(op_id: str, card_id: int, cluster_id: int | None) -> str:
    message = {"type": "card.move", "op_id": op_id, "card_id": card_id, "cluster_id": cluster_id}
    return orjson.dumps(message).decode()


class Reassembler:
    """Turns received frames into whole messages: a `part` is held until all `count`
    parts of its `id` are in, then their texts, in index order, are one message."""

    def __init__(self):
        self.pending: dict[str, dict[int, str]] = {}

    def feed(self, frame: str | bytes) -> dict | None:
        message = orjson.loads(frame)
        if message.get("type") != "part":
            return message
        parts = self.pending.setdefault(message["id"], {})
        parts[message["index"]] = message["text"]
        if len(parts) < message["count"]:
            return None
        del self.pending[message["id"]]
        return orjson.loads("".join(parts[index] for index in range(message["count"])))
