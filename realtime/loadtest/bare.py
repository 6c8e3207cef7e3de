"""What both bare servers do (`bare_asgi` under Daphne, `bare_websockets`): rooms of
sockets, and the answer to a write. No Django, so that they measure the server alone.

A socket joins the room named by its `breakout` query parameter; a control room
(`view=control`) joins none, as in the app, whose control rooms get rendered rows, not
the boards' events. A message with an `op_id` gets an `ack` for the sender and one
`event`, encoded once, of the app's shape, for every member; anything else is ignored.
"""

from collections import defaultdict
from urllib.parse import parse_qs

import orjson

EVENT_NAMES = {"card.create": "card.created"}  # any other write: a layout change


def room_of(query_string: str) -> str | None:
    query = {key: values[-1] for key, values in parse_qs(query_string).items()}
    return query.get("breakout")


class Rooms:
    def __init__(self):
        self.members: dict[str | None, set] = defaultdict(set)
        self.seqs: dict[str, int] = defaultdict(int)
        self.last_card_id = 0

    def join(self, room: str | None, member) -> None:
        self.members[room].add(member)

    def leave(self, room: str | None, member) -> None:
        self.members[room].discard(member)

    def recipients(self, room: str) -> list:
        return list(self.members[room])

    def answer(self, room: str | None, text: str | None) -> tuple[str, str] | None:
        """(ack, event) for a write sent from `room`, or None to ignore the message."""
        try:
            message = orjson.loads(text or "")
        except orjson.JSONDecodeError:
            return None
        if room is None or not isinstance(message, dict):
            return None
        op_id = message.get("op_id")
        if op_id is None or not room.isdigit():
            return None
        self.seqs[room] += 1
        seq = self.seqs[room]
        name = EVENT_NAMES.get(message.get("type"), "layout.changed")
        data = self.event_content(name, message)
        event = {
            "type": "event",
            "breakout": int(room),
            "seq": seq,
            "name": name,
            "data": data,
            "op_id": op_id,
        }
        ack = {"type": "ack", "op_id": op_id, "seq": seq}
        return orjson.dumps(ack).decode(), orjson.dumps(event).decode()

    def event_content(self, name: str, message: dict) -> dict:
        if name != "card.created":
            return {"clusters": []}
        self.last_card_id += 1
        return {
            "card": {
                "id": self.last_card_id,
                "kind": message.get("kind"),
                "text": str(message.get("text", "")),
            }
        }
