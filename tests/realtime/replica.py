"""A board client in Python that follows the protocol exactly as static/js/board.js does:
apply events in seq order, resume on a gap or a head ahead, keep writes in an outbox until
acked. Fault and property tests drive it and compare it with the database."""

import html
import re
import uuid

CARD = re.compile(r'id="card-(\d+)".*?<div class="card-text"[^>]*>(.*?)</div>', re.S)


class BoardReplica:
    def __init__(self, breakout_id: int, name: str = "client"):
        self.breakout = breakout_id
        self.name = name
        self.seq = 0
        self.epoch = 0
        self.cards: dict[int, str] = {}
        self.outbox: dict[str, dict] = {}
        self.posted: list[dict] = []
        self.acks: dict[str, int] = {}
        self.refused: dict[str, str] = {}
        self.retry_wanted = False
        self.retryable_errors = 0

    def post(self, text: str, kind: str = "practice") -> dict:
        message = {"type": "card.create", "op_id": str(uuid.uuid4()), "kind": kind, "text": text}
        self.outbox[message["op_id"]] = message
        self.posted.append(message)
        return message

    def resume(self) -> dict:
        return {"type": "resume", "since": self.seq, "epoch": self.epoch}

    def on_open(self) -> list[dict]:
        return [self.resume(), *self.outbox.values()]

    def receive(self, message: dict) -> list[dict]:
        """Apply one server message; return what to send back."""
        kind = message["type"]
        if kind == "event":
            return self._event(message)
        if kind == "snapshot":
            if message["epoch"] == self.epoch and message["seq"] < self.seq:
                return []  # older than what is shown
            self.cards = {
                int(pk): html.unescape(text) for pk, text in CARD.findall(message["html"])
            }
            self.seq, self.epoch = message["seq"], message["epoch"]
        elif kind == "head" and message["seq"] > self.seq:
            return [self.resume()]
        elif kind == "ack":
            self.outbox.pop(message["op_id"], None)
            self.acks[message["op_id"]] = message["seq"]
        elif kind == "error" and message["retryable"]:
            self.retry_wanted = True
            self.retryable_errors += 1
        elif kind == "error" and message["op_id"]:
            self.outbox.pop(message["op_id"], None)
            self.refused[message["op_id"]] = message["code"]
        return []

    def _event(self, event: dict) -> list[dict]:
        if event["breakout"] != self.breakout or event["seq"] <= self.seq:
            return []
        if event["seq"] > self.seq + 1:
            return [self.resume()]
        if event["name"] in ("card.created", "card.restored", "card.hidden"):
            card = event["data"]["card"]
            self.cards[card["id"]] = card["text"]
        elif event["name"] == "card.removed":
            self.cards.pop(event["data"]["card"]["id"], None)
        self.seq = event["seq"]
        return []
