"""The websocket consumer: who is this, may they, is the message valid, within the
limits; then a service does the work and the consumer acks. It never writes to the
database itself, and forwards broadcast frames unchanged once it has checked that its
reader may still see them (access.py, refreshed by messages and by the beacon)."""

import asyncio
import logging
from types import SimpleNamespace
from urllib.parse import parse_qsl

from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.contrib import auth
from django.db import DatabaseError
from django.utils import translation
from django.utils.translation import gettext as _

from workshops import queries, roles, services
from workshops.models import Breakout

from . import access, events, groups, presence, protocol, snapshots
from .beacon import beacon
from .control import rooms
from .db import in_a_thread
from .events import Audience
from .fanout import fanout
from .limits import limits
from .publisher import event_frames, seen_on
from .ratelimit import TokenBucket

logger = logging.getLogger(__name__)

LANGUAGES = {code for code, _name in settings.LANGUAGES}
# Pages of the team that have a socket besides boards: view name -> the action they need.
TEAM_PAGES = {"control": "control.view", "report": "report.view"}
CARDS_PER_TOKEN = 20  # a snapshot or a replay costs one more token per this many items
REPORT_EVERY = 2.0  # seconds: a report page hears at most this often that it changed

BOARD_WRITES = {
    "card.create": services.card_create,
    "card.hide": services.card_set_hidden,
    "card.restore": services.card_set_hidden,
    "cluster.create": services.cluster_create,
    "card.move": services.card_move,
    "cluster.rename": services.cluster_rename,
    "cluster.reorder": services.cluster_reorder,
    "cluster.merge": services.cluster_merge,
    "vote": services.vote,
    "summary.write": services.summary_write,
}


@in_a_thread
def open_page(scope, workshop_id: int, breakout_id: int | None):
    """(access, breakout): who this is (None: no valid session) and the board they open
    (None: no board asked for; False: one they may not see)."""
    session = scope["session"]
    user = auth.get_user(SimpleNamespace(session=session))
    participant = queries.participant_for(session, user, workshop_id)
    if participant is None:
        return None, None
    reader = access.load_one(participant.pk)
    if breakout_id is None:
        return reader, None
    breakout = Breakout.objects.filter(pk=breakout_id).first()
    if breakout is None or not roles.allows(reader, "board.view", breakout):
        return reader, False
    return reader, breakout


class WorkshopConsumer(AsyncWebsocketConsumer):
    """One socket per open page: a breakout board (`?breakout=ID`), the facilitators'
    control room (`?view=control`) or the workshop's main page."""

    async def connect(self):
        self.workshop_id = self.scope["url_route"]["kwargs"]["workshop_id"]
        query = dict(parse_qsl(self.scope.get("query_string", b"").decode("latin-1")))
        self.language = query.get("lang") if query.get("lang") in LANGUAGES else "en"
        self.breakout_id = _int_or_none(query.get("breakout"))
        self.address = (self.scope.get("client") or ["unknown"])[0]
        self.view = "opening"
        self.ended = False
        self.joined: list[str] = []
        self.boards: list[int] = []  # boards whose messages this socket reads (fanout.py)
        self.sent_seq = 0
        self.counts_as_present = False
        self.report_pending = False
        # Refused messages tolerated before closing: a reconnecting client flushing a long
        # outbox stays, a flood goes.
        self.patience = TokenBucket(1, settings.WS_RATE_STRIKES)
        await self.accept()
        with translation.override(self.language):
            await self.open(query.get("view"))

    async def open(self, wants: str | None) -> None:
        if not await self.take(f"connect:address:{self.address}", *settings.WS_ADDRESS_CONNECTS):
            await self.refuse("rate_limited", _("Too many connections."), protocol.CLOSE_POLICY)
        try:
            self.access, self.board = await open_page(
                self.scope, self.workshop_id, self.breakout_id
            )
        except DatabaseError as exc:
            logger.warning("database unavailable while opening a socket: %s", exc)
            await self.refuse(
                "unavailable", _("The server cannot open this page now."), protocol.CLOSE_TRY_AGAIN
            )
        if self.access is None:
            text = _("Your session has ended: open your invitation link again.")
            await self.refuse("no_session", text, protocol.CLOSE_NO_SESSION)
        if self.board is False:
            await self.refuse(
                "forbidden", _("You cannot open this board."), protocol.CLOSE_FORBIDDEN
            )
        person = f"connect:participant:{self.access.participant_id}"
        if not await self.take(person, *settings.WS_PARTICIPANT_CONNECTS):
            await self.refuse("rate_limited", _("Too many connections."), protocol.CLOSE_POLICY)
        self.audience = Audience.TEAM if self.access.is_facilitator else Audience.MEMBERS
        self.view = "board" if self.board else "plenary"
        if not self.board and wants in TEAM_PAGES and roles.allows(self.access, TEAM_PAGES[wants]):
            self.view = wants
        await self.join_groups()
        beacon.watch(self)
        if not self.access.is_facilitator:
            await self.enter()
        await self.send_message(protocol.ready(view=self.view))

    async def join_groups(self) -> None:
        fanout.attach()
        await self.join(groups.participant(self.access.participant_id))
        await self.join(groups.workshop(self.workshop_id))
        if self.view == "board":
            await self.read_board(self.breakout_id)
        elif self.view == "control":
            await self.join(groups.control_room(self.workshop_id))
            rooms.watch(self)
            rooms.changed(self.workshop_id, every=True, toolbar=True)
        elif self.view == "report":
            for breakout_id in await in_a_thread(breakout_ids_of)(self.workshop_id):
                await self.read_board(breakout_id)

    async def join(self, group: str) -> None:
        await self.channel_layer.group_add(group, self.channel_name)
        self.joined.append(group)

    async def read_board(self, board_id: int) -> None:
        await fanout.watch(board_id, self)
        self.boards.append(board_id)

    async def enter(self) -> None:
        """Count this socket in the presence of its board (facilitators never are)."""
        await in_a_thread(services.presence_enter)(
            channel_name=self.channel_name,
            participant_id=self.access.participant_id,
            breakout_id=self.breakout_id if self.view == "board" else None,
        )
        self.counts_as_present = True
        if self.view == "board":
            presence.changed(self.breakout_id)

    async def disconnect(self, code):
        await self.leave()

    async def leave(self) -> None:
        """Out of every group, the beacon and the presence of its board."""
        beacon.unwatch(self)
        rooms.unwatch(self)
        joined, self.joined = self.joined, []
        for group in joined:
            await self.leave_group(group)
        boards, self.boards = self.boards, []
        for board_id in boards:
            await fanout.unwatch(board_id, self)
        await self.leave_presence(self.breakout_id if self.view == "board" else None)

    async def leave_group(self, group: str) -> None:
        """A group left when the channel layer answers. If it does not (Redis is down),
        nothing is lost: deliveries are checked against what the reader may see."""
        try:
            await asyncio.wait_for(self.channel_layer.group_discard(group, self.channel_name), 1)
        except Exception as exc:
            logger.warning("could not leave %s: %r", group, exc)

    async def leave_presence(self, board: int | None) -> None:
        """No longer counted as here (on `board`, whose presence then changes)."""
        if not self.counts_as_present:
            return
        self.counts_as_present = False
        try:
            await in_a_thread(services.presence_leave)(channel_name=self.channel_name)
        except DatabaseError as exc:
            logger.warning("presence not cleared (it goes stale): %s", exc)
        if board is not None:
            presence.changed(board)

    async def send_message(self, message: dict) -> None:
        for frame in protocol.frames(message):
            await self.send(text_data=frame)

    async def send_frames(self, frames: list[str]) -> None:
        for frame in frames:
            await self.send(text_data=frame)

    async def end(self, code: str, message: str, close_code: int) -> None:
        """Tell the person why and close. Callable from outside the consumer's own task
        (the beacon): nothing more is sent once it has ended."""
        if self.ended:
            return
        self.ended = True
        await self.send_message(protocol.error(code=code, message=message))
        await self.close(code=close_code)  # the server's disconnect then leaves the groups

    async def refuse(self, code: str, message: str, close_code: int) -> None:
        """End, and stop: frames still queued behind this one (a flood) are dropped."""
        await self.end(code, message, close_code)
        await self.leave()
        raise StopConsumer

    # Who may see what, now ------------------------------------------------------------

    def may_see_board(self) -> bool:
        return (
            self.view == "board"
            and not self.ended
            and self.access.active
            and roles.allows(self.access, "board.view", self.board)
        )

    async def recheck(self, current: access.Access | None) -> None:
        """Apply what the database says this person may see now: a removed person's
        socket closes; a moved one leaves the board it may no longer see and its page
        is sent where it belongs."""
        before, self.access = self.access, current or self.access
        if current is None or not current.active:
            with translation.override(self.language):
                text = _("You no longer have access to this workshop.")
            await self.end("removed", text, protocol.CLOSE_FORBIDDEN)
            return
        if self.view == "board" and not self.may_see_board():
            await self.leave_board()
        if self.view in TEAM_PAGES and not roles.allows(current, TEAM_PAGES[self.view]):
            with translation.override(self.language):
                text = _("Only facilitators can open this page.")
            await self.end("forbidden", text, protocol.CLOSE_FORBIDDEN)
            return
        if before.breakout_id != current.breakout_id and not current.is_facilitator:
            await self.send_message(protocol.go())

    async def leave_board(self) -> None:
        self.view = "left"  # from now on, nothing of the board is delivered
        self.boards.remove(self.breakout_id)
        await fanout.unwatch(self.breakout_id, self)
        await self.leave_presence(self.breakout_id)

    async def refresh(self, current: access.Access | None, heads: dict[int, int], now: str):
        """From the beacon: the access the database holds and the heads of the boards."""
        if current != self.access:
            await self.recheck(current)
        if self.may_see_board() and self.breakout_id in heads:
            await self.send_message(protocol.head(seq=heads[self.breakout_id], now=now))

    # From the browser -------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        with translation.override(self.language):
            await self.handle(text_data, bytes_data)

    async def handle(self, text_data, bytes_data):
        if text_data is None:
            await self.refuse(
                "binary", _("Only text messages are accepted."), protocol.CLOSE_UNSUPPORTED_DATA
            )
        if len(text_data.encode()) > protocol.MAX_FRAME_BYTES:
            await self.refuse("too_large", _("This message is too large."), protocol.CLOSE_TOO_BIG)
        if not await self.within_limits(1):
            return
        try:
            message = protocol.parse(text_data)
        except protocol.InvalidMessage as exc:
            text = _("This message was not understood (%(field)s).") % {"field": exc.field}
            await self.send_message(protocol.error(code="invalid", message=text))
            return
        if message.type == "resume":
            await self.resume(message)
        elif self.view != "board":
            error = protocol.error(
                code="forbidden", message=_("Open a board to change it."), op_id=message.op_id
            )
            await self.send_message(error)
        else:
            await self.write(message)

    async def take(self, key: str, rate: float, burst: float, cost: float = 1) -> bool:
        return await limits.take(key, rate, burst, cost)

    async def within_limits(self, cost: float) -> bool:
        """Every message counts against its person and its address, across all their
        sockets; refused messages get a retryable error, and a flood is closed."""
        person = f"messages:participant:{self.access.participant_id}"
        address = f"messages:address:{self.address}"
        if await self.take(person, *settings.WS_PARTICIPANT_RATE, cost) and await self.take(
            address, *settings.WS_ADDRESS_RATE, cost
        ):
            return True
        if self.patience.allow():
            text = _("Too many messages: slow down.")
            await self.send_message(
                protocol.error(code="rate_limited", message=text, retryable=True)
            )
        else:
            text = _("Too many messages: the connection was closed.")
            await self.refuse("rate_limited", text, protocol.CLOSE_POLICY)
        return False

    async def resume(self, message: protocol.Resume) -> None:
        if self.view == "left":
            await self.send_message(protocol.go())
        if self.view != "board":
            return
        current, plan = await in_a_thread(self.plan_catch_up)(message.since, message.epoch)
        await self.recheck(current)
        if not self.may_see_board():
            return
        size = plan.card_count if plan.events is None else len(plan.events)
        extra = min(size // CARDS_PER_TOKEN, settings.WS_PARTICIPANT_RATE[1] - 1)
        if extra and not await self.within_limits(extra):
            return
        await self.send_frames(await in_a_thread(self.catch_up_frames)(plan))
        if self.audience == Audience.MEMBERS:
            await self.send_my_votes()

    def plan_catch_up(self, since: int, epoch: int):
        """What this reader may see now, and what they missed (checked together)."""
        return access.load_one(self.access.participant_id), queries.catch_up(
            self.breakout_id, since, epoch
        )

    def catch_up_frames(self, plan: queries.CatchUp) -> list[str]:
        breakout = plan.breakout
        self.sent_seq = max(self.sent_seq, breakout.seq)
        if plan.events is None:
            return snapshots.frames(
                breakout, with_hidden=self.audience == Audience.TEAM, language=self.language
            )
        seen = seen_on(breakout.pk)
        return [
            frame
            for event in plan.events
            for frame in event_frames(
                event, events.project(event.type, event.payload, self.audience, seen)
            )
        ]

    async def write(self, message) -> None:
        """A change to the board: the message's fields are the service's arguments."""
        arguments = message.model_dump(exclude={"type"})
        service = BOARD_WRITES[message.type]
        if message.type in ("card.hide", "card.restore"):
            arguments["hidden"] = message.type == "card.hide"
        await self.apply(
            service,
            participant_id=self.access.participant_id,
            breakout_id=self.breakout_id,
            **arguments,
        )

    async def send_my_votes(self) -> None:
        mine = await in_a_thread(queries.my_votes_of)(self.access.participant_id, self.breakout_id)
        await self.send_message(protocol.my_votes(mine=mine))

    async def apply(self, service, **arguments) -> None:
        """Run a service for this person and answer with an ack or an error."""
        op_id = arguments["op_id"]
        try:
            ack = await in_a_thread(service)(**arguments)
        except services.ServiceError as exc:
            reply = protocol.error(
                code=exc.code,
                message=str(exc.message),
                op_id=op_id,
                retryable=exc.retryable,
                data=exc.data,
            )
        except DatabaseError as exc:
            logger.warning("database unavailable for a write: %s", exc)
            reply = protocol.error(
                code="unavailable",
                message=_(
                    "The server cannot save right now; your change is kept and will be sent again."
                ),
                op_id=op_id,
                retryable=True,
            )
        else:
            reply = protocol.ack(op_id=ack.op_id, seq=ack.seq)
        await self.send_message(reply)

    # From the boards (fanout.py) and the channel layer --------------------------------------

    async def board_message(self, message) -> None:
        """A board's event or presence, as every local socket of the board receives it."""
        if message["type"] == "board.event":
            await self.board_event(message)
        else:
            await self.board_presence(message)

    async def board_event(self, message):
        if self.view == "report":
            self.report_changed()
            return
        if message["breakout"] != self.breakout_id or not self.may_see_board():
            return
        if message["seq"] <= self.sent_seq:
            return
        self.sent_seq = message["seq"]
        frames = message["frames"][self.audience]
        if isinstance(frames, str):  # the same as another audience's
            frames = message["frames"][frames]
        await self.send_frames(frames)

    async def board_presence(self, message):
        if self.may_see_board():
            await self.send_frames(message["frames"][self.language])

    async def access_changed(self, message):
        await self.recheck(await in_a_thread(access.load_one)(self.access.participant_id))

    async def control_changed(self, message):
        if self.view == "control":
            rooms.changed(self.workshop_id, message["breakouts"], toolbar=message["toolbar"])

    async def plenary_message(self, message):
        if self.view == "plenary" and not self.ended:
            await self.send_frames(message["frames"][self.language])

    async def workshop_go(self, message):
        if not self.access.is_facilitator and not self.ended:
            await self.send_message(protocol.go())

    async def workshop_recommendations(self, message):
        if self.view == "plenary" and not self.ended:
            await self.send_message(protocol.recommendations())
        elif self.view == "report":
            self.report_changed()

    def report_changed(self) -> None:
        """Tell the report page, once for every change in the next few seconds."""
        if self.report_pending or self.ended:
            return
        self.report_pending = True
        loop = asyncio.get_running_loop()
        loop.call_later(REPORT_EVERY, lambda: loop.create_task(self.send_report()))

    async def send_report(self) -> None:
        self.report_pending = False
        if not self.ended:
            await self.send_message(protocol.report())

    async def votes_mine(self, message):
        if message["breakout"] == self.breakout_id and self.may_see_board():
            await self.send_message(protocol.my_votes(mine=message["mine"]))

    async def help_handled(self, message):
        if not self.ended:
            await self.send_message(protocol.help_state(open=False))


def breakout_ids_of(workshop_id: int) -> list[int]:
    return list(Breakout.objects.filter(workshop_id=workshop_id).values_list("pk", flat=True))


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
