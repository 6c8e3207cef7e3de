"""The one definition of every websocket message, in both directions.

Client -> server messages are pydantic models validated strictly (unknown fields and
types refused). Server -> client messages are built only by the functions below and
encoded once with orjson. The README ("Websocket protocol") documents both.
"""

import secrets
from typing import Annotated, Any, Literal
from uuid import UUID

import orjson
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

# The largest frame either side sends: Daphne refuses bigger ones (manage.py serve), the
# consumer refuses bigger ones from clients with an error, and the server splits its own
# bigger messages into parts (`frames`). A 5,000-character summary in 4-byte UTF-8 fits.
MAX_FRAME_BYTES = 32 * 1024
# Characters of an encoded message per part: each may take 4 bytes once escaped again.
PART_CHARS = (MAX_FRAME_BYTES - 256) // 4

# Close codes (Daphne allows only 1000 and 3000-4999 from the application).
# 4401 and 4403 mean: do not reconnect, the person has to act (open the invite again).
CLOSE_UNSUPPORTED_DATA = 4400
CLOSE_NO_SESSION = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_TOO_BIG = 4413
CLOSE_POLICY = 4429
CLOSE_TRY_AGAIN = 4503
CLOSE_CODES = {
    CLOSE_UNSUPPORTED_DATA: "a binary frame was sent",
    CLOSE_NO_SESSION: "no valid session: open the invitation link again (do not reconnect)",
    CLOSE_FORBIDDEN: "not allowed here, or removed from the workshop (do not reconnect)",
    CLOSE_TOO_BIG: "a frame over the limit reached the application",
    CLOSE_POLICY: "too many messages or connections: reconnect later",
    CLOSE_TRY_AGAIN: "the database is unavailable: reconnect later",
}


class ClientMessage(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Resume(ClientMessage):
    """Send me what I missed after `since` (the last seq I applied) in `epoch`."""

    type: Literal["resume"]
    since: int
    epoch: int


class CardCreate(ClientMessage):
    """A practice or a difficulty (`kind`) of 1 to 1,000 characters; anonymous when the
    workshop allows it; `language` one of the app's, or empty to have it detected."""

    type: Literal["card.create"]
    op_id: UUID
    kind: str = Field(max_length=20)
    text: str = Field(max_length=4000)
    anonymous: bool = False
    language: str = Field("", max_length=10)  # "": detect it from the text


class CardModerate(ClientMessage):
    """Hide a card from participants (kept for the record), or restore it."""

    type: Literal["card.hide", "card.restore"]
    op_id: UUID
    card_id: int


class ClusterCreate(ClientMessage):
    """A new cluster of these cards (from their columns or other clusters)."""

    type: Literal["cluster.create"]
    op_id: UUID
    card_ids: list[int] = Field(min_length=1, max_length=200)
    title: str = Field(default="", max_length=200)


class CardMove(ClientMessage):
    """Into a cluster, or with `cluster_id` null back to its column."""

    type: Literal["card.move"]
    op_id: UUID
    card_id: int
    cluster_id: int | None


class ClusterRename(ClientMessage):
    """A new title (empty: untitled)."""

    type: Literal["cluster.rename"]
    op_id: UUID
    cluster_id: int
    title: str = Field(max_length=200)


class ClusterReorder(ClientMessage):
    """Move a cluster to `position` (1 is first)."""

    type: Literal["cluster.reorder"]
    op_id: UUID
    cluster_id: int
    position: int = Field(ge=1)


class ClusterMerge(ClientMessage):
    """Every card of one cluster into another; the emptied one goes."""

    type: Literal["cluster.merge"]
    op_id: UUID
    cluster_id: int
    into_id: int


class Vote(ClientMessage):
    """One dot more (`add`) or less on a card or a cluster."""

    type: Literal["vote"]
    op_id: UUID
    target: Literal["card", "cluster"]
    target_id: int
    add: bool


class SummaryWrite(ClientMessage):
    """The breakout's summary, or a cluster's key points, written from `version`."""

    type: Literal["summary.write"]
    op_id: UUID
    cluster_id: int | None = None
    text: str = Field(max_length=6000)
    version: int = Field(ge=0)


ClientMessageType = (
    Resume
    | CardCreate
    | CardModerate
    | ClusterCreate
    | CardMove
    | ClusterRename
    | ClusterReorder
    | ClusterMerge
    | Vote
    | SummaryWrite
)
_client_message = TypeAdapter(Annotated[ClientMessageType, Field(discriminator="type")])


class InvalidMessage(Exception):
    def __init__(self, field: str):
        super().__init__(field)
        self.field = field


def parse(text: str) -> ClientMessageType:
    try:
        return _client_message.validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InvalidMessage(".".join(str(part) for part in first["loc"]) or "message") from None


# Server -> client -----------------------------------------------------------------


def event(
    *, breakout: int, seq: int, name: str, data: dict[str, Any] | None, op_id: str | None
) -> dict[str, Any]:
    """One entry of a breakout's log as this reader may see it (events.project): data
    the page shows with its own templates, in its own language. A "skip" only advances
    the reader's seq."""
    return {
        "type": "event",
        "breakout": breakout,
        "seq": seq,
        "name": name,
        "data": data,
        "op_id": op_id,
    }


def snapshot(*, breakout: int, epoch: int, seq: int, html: str) -> dict[str, Any]:
    """The whole board at `seq`: replaces what the client shows."""
    return {"type": "snapshot", "breakout": breakout, "epoch": epoch, "seq": seq, "html": html}


def ready(*, view: str) -> dict[str, Any]:
    """The socket is open and authorised for a page: "board", "control" or "plenary"."""
    return {"type": "ready", "view": view}


def head(*, seq: int, now: str) -> dict[str, Any]:
    """The log's head, sent every few seconds: a client behind it asks to resume. `now`
    (ISO time) lets the client correct its clock for timers."""
    return {"type": "head", "seq": seq, "now": now}


def presence(*, breakout: int, count: int, html: str) -> dict[str, Any]:
    """Who is on the board now (not part of the log: the latest replaces the last)."""
    return {"type": "presence", "breakout": breakout, "count": count, "html": html}


def message(*, html: str) -> dict[str, Any]:
    """A facilitators' message shown on the plenary page."""
    return {"type": "message", "html": html}


def go() -> dict[str, Any]:
    """Your place changed (moved, plenary, breakouts): load /w/<id>/here/."""
    return {"type": "go"}


def recommendations() -> dict[str, Any]:
    """The workshop's recommendations changed: the main page reloads them."""
    return {"type": "recommendations"}


def control(*, fragments: list[str]) -> dict[str, Any]:
    """Control room only: rows of breakouts and the workshop's toolbar, rendered anew;
    each fragment replaces the element with its id."""
    return {"type": "control", "fragments": fragments}


def report() -> dict[str, Any]:
    """Report page only: something the report shows changed; load the draft again."""
    return {"type": "report"}


def help_state(*, open: bool) -> dict[str, Any]:
    """Whether this person still has a raised hand or help request."""
    return {"type": "help", "open": open}


def ack(*, op_id: UUID, seq: int) -> dict[str, Any]:
    """The write `op_id` is stored as log entry `seq`; the client drops it from its outbox."""
    return {"type": "ack", "op_id": str(op_id), "seq": seq}


def error(
    *,
    code: str,
    message: str,
    op_id: UUID | None = None,
    retryable: bool = False,
    data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Only to the sender. A retryable error leaves the write in the outbox; a conflict
    on a text carries what the other person saved in `data`."""
    return {
        "type": "error",
        "code": code,
        "message": message,
        "op_id": str(op_id) if op_id else None,
        "retryable": retryable,
        "data": data,
    }


def my_votes(*, mine: dict[str, int]) -> dict[str, Any]:
    """Only to the voter's pages on the board: where their dots are (the client counts
    what is left of the budget)."""
    return {"type": "votes.mine", "mine": mine}


def part(*, id: str, index: int, count: int, text: str) -> dict[str, Any]:
    """A piece of a message too large for one frame: the `text` of parts 0 to count-1,
    joined, is the message."""
    return {"type": "part", "id": id, "index": index, "count": count, "text": text}


# Every message the server sends, in the order the README lists them.
SERVER_MESSAGES = [
    ready,
    event,
    snapshot,
    head,
    presence,
    message,
    go,
    recommendations,
    control,
    report,
    help_state,
    ack,
    error,
    my_votes,
    part,
]


def encode(message: dict[str, Any]) -> str:
    return orjson.dumps(message).decode()


def frames(message: dict[str, Any]) -> list[str]:
    """The frames that carry a message, each at most MAX_FRAME_BYTES: the message itself,
    or its encoding split into parts."""
    encoded = orjson.dumps(message)
    if len(encoded) <= MAX_FRAME_BYTES:
        return [encoded.decode()]
    text = encoded.decode()
    pieces = [text[i : i + PART_CHARS] for i in range(0, len(text), PART_CHARS)]
    name = secrets.token_hex(6)
    return [
        encode(part(id=name, index=index, count=len(pieces), text=piece))
        for index, piece in enumerate(pieces)
    ]
