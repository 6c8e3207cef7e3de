"""The simulated pages: one websocket each, behaving as the app's scripts do.

A board socket sends `resume` from the last seq it saw whenever it opens, keeps every
write it sent until it is acked and sends it again after a reconnect (the outbox), and
reconnects after a close with the browser's full-jitter backoff. A control-room socket
only listens. Every event is checked at every recipient: its latency from the post's
scheduled time, a card seen twice (duplicate), a seq that is not the next one of its
board (out of order).
"""

import asyncio
import contextlib
import random
import socket as sockets
import time
from urllib.parse import urlsplit

import websockets
from websockets.asyncio.client import connect

from . import wire
from .recorder import Phase, Post

REFUSED = {4401, 4403}  # the server says: do not come back
MAX_BACKOFF_S = 30
RETRY_AFTER_S = 2  # a retryable error: send the outbox again after this
SLOW_READER_BUFFER = 4096  # receive buffer of a socket that stops reading


def backoff(attempt: int) -> float:
    """The board script's delay before reconnection attempt `attempt` (1, 2, ...)."""
    return random.random() * min(MAX_BACKOFF_S, 0.5 * 2**attempt)


def error_kind(exc: BaseException) -> str:
    status = getattr(getattr(exc, "response", None), "status_code", None)
    return f"{type(exc).__name__} {status}" if status else type(exc).__name__


class Client:
    """One page's socket: a participant's board, a facilitator's board or control room."""

    def __init__(self, index: int, hub: "Hub", path: str, cookie: str, board=None):
        self.index = index
        self.hub = hub
        self.path = path
        self.cookie = cookie
        self.board_id = board.breakout_id if board else None
        self.epoch = board.epoch if board else 0
        self.last_seq = {board.breakout_id: board.seq} if board else dict(hub.initial_seqs)
        self.socket = None
        self.outbox: dict[str, Post] = {}
        self.seen: dict[int, int] = {}  # post uid -> the seq it came with
        self.reassembler = wire.Reassembler()
        self.on_event = None  # an extra listener (the clustering facilitators)
        self.stalled = False  # a slow reader: never reads
        self.stopping = False
        self.closed_by_server: int | None = None
        self.retry_pending = False
        self.closed_ns = 0

    @property
    def is_open(self) -> bool:
        return self.socket is not None

    async def run(self, start_ns: int) -> None:
        """Open at `start_ns`, then stay connected until stopped or refused."""
        await sleep_until(start_ns)
        attempt = 0
        while not self.stopping:
            try:
                await self.open(start_ns if attempt == 0 else None)
            except (OSError, TimeoutError, websockets.WebSocketException) as exc:
                self.hub.phase.errors[f"connect: {error_kind(exc)}"] += 1
            else:
                attempt = 0
                await self.listen()
            if self.stopping or self.closed_by_server in REFUSED:
                return
            attempt += 1
            await asyncio.sleep(backoff(attempt))

    async def open(self, scheduled_ns: int | None) -> None:
        started = time.monotonic_ns()
        socket = await connect(
            self.hub.ws_base + self.path,
            origin=self.hub.origin,
            additional_headers={"Cookie": self.cookie},
            compression=None,
            open_timeout=60,
            ping_interval=None,
            max_size=None,
            sock=self.small_buffer_socket() if self.stalled else None,
        )
        now = time.monotonic_ns()
        lag = now - scheduled_ns if scheduled_ns is not None else None
        self.hub.phase.connected(now - started, lag)
        self.socket = socket
        reopening = scheduled_ns is None
        if not self.hub.resumes or (self.board_id is None and reopening):
            self.last_seq = {}  # nothing missed comes back: the next event sets the order
        with contextlib.suppress(websockets.ConnectionClosed):  # listen() sees the close
            if self.hub.resumes and self.board_id is not None:
                await socket.send(wire.resume(self.last_seq[self.board_id], self.epoch))
            for post in list(self.outbox.values()):
                await socket.send(post.frame)

    def small_buffer_socket(self) -> sockets.socket:
        """A slow reader's socket: a small receive buffer, so the server has to buffer."""
        address = urlsplit(self.hub.ws_base)
        raw = sockets.socket()
        raw.setsockopt(sockets.SOL_SOCKET, sockets.SO_RCVBUF, SLOW_READER_BUFFER)
        raw.connect((address.hostname, address.port))
        return raw

    async def listen(self) -> None:
        socket = self.socket
        try:
            if self.stalled:
                await socket.wait_closed()
            else:
                async for frame in socket:
                    self.receive(frame, time.monotonic_ns())
        except websockets.ConnectionClosed:
            pass
        finally:
            self.socket, self.closed_ns = None, time.monotonic_ns()
            code = socket.close_code
            if not self.stopping:
                self.closed_by_server = code
                self.hub.phase.errors[f"closed: {code}"] += 1

    async def close(self) -> None:
        self.stopping = True
        if self.socket is not None:
            await self.socket.close()

    # Receiving -----------------------------------------------------------------

    def receive(self, frame: str, now: int) -> None:
        phase = self.hub.phase
        message = self.reassembler.feed(frame)
        frame_type = message.get("type") if message else "part"
        phase.bytes_by_type[frame_type] += len(frame.encode())
        if message is None:
            return
        kind = message.get("type")
        phase.messages_by_type[kind] += 1
        if kind == "event":
            self.receive_event(message, now)
        elif kind == "ack":
            self.receive_ack(message, now)
        elif kind == "error":
            self.receive_error(message)

    def receive_event(self, message: dict, now: int) -> None:
        if self.on_event:
            self.on_event(message)
        post, scheduled_ns = self.hub.post_of(message)
        if post is None:
            self.hub.phase.other_events += 1
            self.check_order(self.hub.phase, message)
            return
        if post.uid in self.seen:
            same = self.seen[post.uid] == message.get("seq")
            post.phase.duplicates["same seq" if same else "new seq"] += 1
            return
        self.seen[post.uid] = message.get("seq")
        self.check_order(post.phase, message)
        if self.index in post.expected:
            post.phase.delivered(post, self.index, now - scheduled_ns)
        else:
            post.phase.caught_up += 1

    def check_order(self, phase: Phase, message: dict) -> None:
        """Each board's seq should go up by one: "ahead" is a gap (something missing
        for now), "behind" an earlier event arriving after a later one."""
        board, seq = message.get("breakout"), message.get("seq")
        last = self.last_seq.get(board)
        if last is not None and seq != last + 1:
            phase.out_of_order["ahead" if seq > last + 1 else "behind"] += 1
        self.last_seq[board] = seq if last is None else max(last, seq)

    def receive_ack(self, message: dict, now: int) -> None:
        post = self.outbox.pop(message.get("op_id"), None)
        if post is not None and not post.acked:
            post.phase.acked(post, now)

    def receive_error(self, message: dict) -> None:
        code = message.get("code")
        post = self.outbox.get(message.get("op_id"))
        phase = post.phase if post else self.hub.phase
        phase.errors[f"error: {code}"] += 1
        if post is None or message.get("retryable"):
            if self.outbox and not self.retry_pending:
                self.retry_pending = True
                self.hub.later(RETRY_AFTER_S, self.send_outbox())
            return
        del self.outbox[post.op_id]
        post.failed = code

    # Sending ---------------------------------------------------------------------

    async def send(self, post: Post) -> None:
        """Send a write now, or keep it in the outbox until the socket opens."""
        self.outbox[post.op_id] = post
        post.expected = self.hub.recipients(self.board_id)
        post.phase.sent += 1
        post.phase.send_lags.append(time.monotonic_ns() - post.scheduled_ns)
        if self.socket is not None:
            with contextlib.suppress(websockets.ConnectionClosed):  # sent again on opening
                await self.socket.send(post.frame)

    async def send_outbox(self) -> None:
        """Send every unacknowledged write again (after a retryable error)."""
        self.retry_pending = False
        socket = self.socket
        if socket is None:
            return  # the outbox goes out when the socket opens again
        with contextlib.suppress(websockets.ConnectionClosed):
            for post in list(self.outbox.values()):
                await socket.send(post.frame)


class Hub:
    """Every client of one run against one server, and the posts they make."""

    def __init__(self, http_url: str, initial_seqs: dict[int, int], resumes: bool):
        address = urlsplit(http_url)
        self.origin = f"{address.scheme}://{address.netloc}"
        self.ws_base = ("wss" if address.scheme == "https" else "ws") + f"://{address.netloc}"
        self.initial_seqs = initial_seqs
        self.resumes = resumes  # the server replays missed events (the app; no bare server)
        self.clients: list[Client] = []
        self.members: dict[int, list[Client]] = {}
        self.watchers: list[Client] = []  # control rooms: pushed rows, no board events
        self.phase = Phase("setup")
        self.posts_by_uid: dict[int, Post] = {}
        self.posts_by_op: dict[str, Post] = {}
        self.tasks: set[asyncio.Task] = set()

    def add(self, path: str, cookie: str, board=None) -> Client:
        client = Client(len(self.clients), self, path, cookie, board)
        self.clients.append(client)
        if board is None:
            self.watchers.append(client)
        else:
            self.members.setdefault(board.breakout_id, []).append(client)
        return client

    def recipients(self, board_id: int) -> frozenset:
        """Who should see an event of this board: its open, reading sockets."""
        members = self.members.get(board_id, [])
        return frozenset(c.index for c in members if c.is_open and not c.stalled)

    def new_post(self, kind: str, label: str, scheduled_ns: int, client: Client) -> Post:
        uid = len(self.posts_by_uid) + 1
        post = Post(uid, kind, label, scheduled_ns, client, self.phase, wire.new_op_id())
        self.posts_by_uid[uid] = post
        self.posts_by_op[post.op_id] = post
        self.phase.posts.append(post)
        return post

    def post_of(self, event: dict) -> tuple[Post | None, int]:
        """The post an event comes from, and when that post was scheduled: from the
        marker in a card's text, or from the op_id of any other event."""
        if event.get("name") == "card.created":
            marker = wire.read_marker(event["data"]["card"]["text"])
            if marker is None:
                return None, 0
            return self.posts_by_uid.get(marker.uid), marker.scheduled_ns
        post = self.posts_by_op.get(event.get("op_id"))
        return post, post.scheduled_ns if post else 0

    def start(self, coroutine) -> None:
        task = asyncio.create_task(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def later(self, seconds: float, coroutine) -> None:
        async def delayed():
            await asyncio.sleep(seconds)
            await coroutine

        self.start(delayed())

    def open_count(self) -> int:
        return sum(client.is_open for client in self.clients)

    async def close(self) -> None:
        await asyncio.gather(*(client.close() for client in self.clients))
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


async def sleep_until(deadline_ns: int) -> None:
    delay = (deadline_ns - time.monotonic_ns()) / 1e9
    if delay > 0:
        await asyncio.sleep(delay)
