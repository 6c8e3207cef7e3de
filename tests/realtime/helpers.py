import json
import uuid

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from facilitate.asgi import application
from tests.factories import session_cookie

ORIGIN = b"http://127.0.0.1"


async def open_socket(participant, room=None, *, origin=ORIGIN, query="", cookie=True):
    """A communicator for this participant's view of a board (or the plenary), and
    whether the server opened it for that page ("ready")."""
    params = [f"breakout={room.pk}"] if room is not None else []
    if query:
        params.append(query)
    path = f"/ws/workshops/{participant.workshop_id}/?{'&'.join(params)}"
    headers = [(b"host", b"127.0.0.1")]
    if origin is not None:
        headers.append((b"origin", origin))
    if cookie:
        value = await database_sync_to_async(session_cookie)(participant)
        headers.append((b"cookie", f"sessionid={value}".encode()))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect()
    return communicator, connected and await _ready(communicator)


async def _ready(communicator) -> bool:
    """Whether "ready" came (the socket is open for its page); a refusal instead stays
    in the queue, in order, for the test to read."""
    first = await communicator.receive_output(timeout=5)
    if first.get("text") and json.loads(first["text"])["type"] == "ready":
        return True
    queue = communicator.output_queue
    rest = [queue.get_nowait() for _ in range(queue.qsize())]
    for output in [first, *rest]:
        queue.put_nowait(output)
    return False


def card_message(text="A practice", kind="practice", op_id=None, **extra):
    return {
        "type": "card.create",
        "op_id": str(op_id or uuid.uuid4()),
        "kind": kind,
        "text": text,
        **extra,
    }
