"""The websocket consumer: authenticate, validate, call a service, ack. It never writes
to the database itself and forwards broadcast strings unchanged."""

import logging
from types import SimpleNamespace
from urllib.parse import parse_qsl

from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.contrib import auth
from django.db import DatabaseError
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from workshops import queries, services
from workshops.models import Breakout, Participant

from . import groups, presence, protocol
from .beacon import beacon
from .events import render_event
from .ratelimit import TokenBucket

logger = logging.getLogger(__name__)

LANGUAGES = {code for code, _name in settings.LANGUAGES}


@database_sync_to_async
def load_viewer(scope, workshop_id: int, breakout_id: int | None):
    session = scope["session"]
    user = auth.get_user(SimpleNamespace(session=session))
    participant = queries.participant_for(session, user, workshop_id)
    if participant is None or breakout_id is None:
        return participant, None
    breakout = Breakout.objects.filter(pk=breakout_id).first()
    if breakout is None or not queries.can_view_board(participant, breakout):
        return participant, False
    return participant, breakout


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


def my_votes_of(participant_id: int, breakout_id: int) -> dict:
    breakout = Breakout.objects.get(pk=breakout_id)
    return queries.my_votes(Participant.objects.get(pk=participant_id), breakout)


class WorkshopConsumer(AsyncWebsocketConsumer):
    """One socket per open page: a breakout board (`?breakout=ID`), the facilitators'
    control room (`?view=control`) or the workshop's plenary page."""

    async def connect(self):
        self.workshop_id = self.scope["url_route"]["kwargs"]["workshop_id"]
        query = _query(self.scope)
        self.language = query.get("lang") if query.get("lang") in LANGUAGES else "en"
        self.breakout_id = _int_or_none(query.get("breakout"))
        self.joined: list[str] = []
        self.sent_seq = 0
        self.counts_as_present = False
        self.bucket = TokenBucket(settings.WS_RATE_PER_SECOND, settings.WS_RATE_BURST)
        # Refused messages tolerated before closing: a reconnecting client flushing a long
        # outbox stays, a flood goes.
        self.patience = TokenBucket(1, settings.WS_RATE_STRIKES)
        await self.accept()
        try:
            participant, breakout = await load_viewer(
                self.scope, self.workshop_id, self.breakout_id
            )
        except DatabaseError as exc:
            logger.warning("database unavailable while opening a socket: %s", exc)
            await self.stop(protocol.CLOSE_TRY_AGAIN)
        with translation.override(self.language):
            if participant is None:
                await self.refuse(
                    "no_session",
                    _("Your session has ended: open your invitation link again."),
                    protocol.CLOSE_NO_SESSION,
                )
            if breakout is False:
                await self.refuse(
                    "forbidden", _("You cannot open this board."), protocol.CLOSE_FORBIDDEN
                )
        self.participant = participant
        self.view = "board" if breakout else "plenary"
        if breakout is None and query.get("view") == "control" and participant.is_facilitator:
            self.view = "control"
        await self.join_groups()
        beacon.watch(self)
        if not participant.is_facilitator:
            await self.enter()

    async def join_groups(self) -> None:
        await self.join(groups.participant(self.participant.pk))
        await self.join(groups.workshop(self.workshop_id))
        if self.view == "board":
            await self.join(groups.breakout(self.breakout_id))
        elif self.view == "control":
            await self.join(groups.facilitators(self.workshop_id))

    async def enter(self) -> None:
        """Count this socket in the presence of its board (facilitators never are)."""
        await database_sync_to_async(services.presence_enter)(
            channel_name=self.channel_name,
            participant_id=self.participant.pk,
            breakout_id=self.breakout_id,
        )
        self.counts_as_present = True
        if self.breakout_id is not None:
            presence.changed(self.breakout_id)

    async def join(self, group: str) -> None:
        await self.channel_layer.group_add(group, self.channel_name)
        self.joined.append(group)

    async def disconnect(self, code):
        beacon.unwatch(self)
        for group in self.joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        self.joined = []
        if self.counts_as_present:
            self.counts_as_present = False
            try:
                await database_sync_to_async(services.presence_leave)(
                    channel_name=self.channel_name
                )
            except DatabaseError as exc:
                logger.warning("presence not cleared (it goes stale): %s", exc)
            if self.breakout_id is not None:
                presence.changed(self.breakout_id)

    async def send_message(self, message: dict) -> None:
        await self.send(text_data=protocol.encode(message))

    async def refuse(self, code: str, message: str, close_code: int) -> None:
        """Tell the person why, close, and stop: frames still queued behind this one (a
        flood) are dropped unread."""
        await self.send_message(protocol.error(code=code, message=message))
        await self.stop(close_code)

    async def stop(self, close_code: int) -> None:
        await self.close(code=close_code)
        await self.disconnect(close_code)
        raise StopConsumer

    # From the browser -------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        with translation.override(self.language):
            await self.handle(text_data, bytes_data)

    async def handle(self, text_data, bytes_data):
        if text_data is None:
            await self.refuse(
                "binary", _("Only text messages are accepted."), protocol.CLOSE_UNSUPPORTED_DATA
            )
            return
        if len(text_data.encode()) > protocol.MAX_FRAME_BYTES:
            await self.refuse("too_large", _("This message is too large."), protocol.CLOSE_TOO_BIG)
            return
        if not self.bucket.allow():
            await self.rate_limited()
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

    async def rate_limited(self) -> None:
        """Refuse the message (the client keeps it and retries); close a flood."""
        if self.patience.allow():
            text = _("Too many messages: slow down.")
            await self.send_message(
                protocol.error(code="rate_limited", message=text, retryable=True)
            )
        else:
            text = _("Too many messages: the connection was closed.")
            await self.refuse("rate_limited", text, protocol.CLOSE_POLICY)

    async def resume(self, message: protocol.Resume) -> None:
        if self.breakout_id is None:
            return
        reply = await self.catch_up(message.since, message.epoch)
        for text in reply:
            await self.send(text_data=text)
        if not self.participant.is_facilitator:
            await self.send_my_votes()

    @database_sync_to_async
    def catch_up(self, since: int, epoch: int) -> list[str]:
        result = queries.catch_up(self.breakout_id, since, epoch)
        breakout = result.breakout
        self.sent_seq = max(self.sent_seq, breakout.seq)
        if result.events is None:
            with translation.override(self.language):
                context = queries.board_context(
                    breakout, with_hidden=self.participant.is_facilitator
                )
                html = render_to_string("workshops/board.html#live", context)
            snapshot = protocol.snapshot(
                breakout=breakout.pk, epoch=breakout.epoch, seq=breakout.seq, html=html
            )
            return [protocol.encode(snapshot)]
        return [protocol.encode(render_event(event, self.language)) for event in result.events]

    async def write(self, message) -> None:
        """A change to the board: the message's fields are the service's arguments."""
        arguments = message.model_dump(exclude={"type"})
        service = BOARD_WRITES[message.type]
        if message.type in ("card.hide", "card.restore"):
            arguments["hidden"] = message.type == "card.hide"
        await self.apply(
            service, participant_id=self.participant.pk, breakout_id=self.breakout_id, **arguments
        )
        if message.type == "vote":
            await self.send_my_votes()

    async def send_my_votes(self) -> None:
        mine = await database_sync_to_async(my_votes_of)(self.participant.pk, self.breakout_id)
        await self.send_message(protocol.my_votes(**mine))

    async def apply(self, service, **arguments) -> None:
        """Run a service for this person and answer with an ack or an error."""
        op_id = arguments["op_id"]
        try:
            ack = await database_sync_to_async(service)(**arguments)
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

    # From the channel layer -------------------------------------------------------

    async def dispatch(self, message):
        # Broadcasts are forwarded without touching the database, so they skip Channels'
        # per-message connection cleanup: a thread hop for every delivery otherwise.
        if message["type"] == "board.event":
            await self.board_event(message)
        else:
            await super().dispatch(message)

    async def session_ended(self, message):
        with translation.override(self.language):
            text = _("You no longer have access to this workshop.")
        await self.refuse("removed", text, protocol.CLOSE_FORBIDDEN)

    async def board_event(self, message):
        if message["breakout"] == self.breakout_id:
            if message["seq"] <= self.sent_seq:
                return
            self.sent_seq = message["seq"]
        await self.send(text_data=message["texts"][self.language])

    async def board_presence(self, message):
        await self.send(text_data=message["texts"][self.language])

    async def plenary_message(self, message):
        if self.view == "plenary":
            await self.send(text_data=message["texts"][self.language])

    async def workshop_go(self, message):
        if not self.participant.is_facilitator:
            await self.send_message(protocol.go())

    async def workshop_recommendations(self, message):
        if self.view == "plenary":
            await self.send_message(protocol.recommendations())

    async def participant_go(self, message):
        await self.send_message(protocol.go())

    async def help_handled(self, message):
        await self.send_message(protocol.help_state(open=False))

    async def control_changed(self, message):
        if self.view == "control":
            await self.send_message(protocol.control(breakout=message["breakout"]))


def _query(scope) -> dict[str, str]:
    return dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
