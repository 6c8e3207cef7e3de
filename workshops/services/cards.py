"""Posting cards, and hiding them from participants."""

from uuid import UUID

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workshops import languages, queries
from workshops.errors import Forbidden, Invalid, NotFound
from workshops.models import CARD_TEXT_MAX, Breakout, Card

from .answers import answers_follow_card, lock_workshop_boards
from .board import Ack, append_event, board_write, digest


def _clean_card_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise Invalid(_("Write something before posting the card."))
    if len(text) > CARD_TEXT_MAX:
        raise Invalid(
            _("A card can have at most %(max)d characters; this one has %(count)d.")
            % {"max": CARD_TEXT_MAX, "count": len(text)}
        )
    return text


def card_create(
    *,
    participant_id: int,
    breakout_id: int,
    kind: str,
    text: str,
    op_id: UUID,
    anonymous: bool = False,
    language: str = "",
) -> Ack:
    if kind not in Card.Kind.values:
        raise Invalid(_("A card is either a practice or a difficulty."))
    text = _clean_card_text(text)
    if language and language not in languages.CODES:
        raise Invalid(_("A card is written in English, French or Spanish."))
    chosen = {"language": language} if language else {}  # as digests were before languages
    content = digest(type="card.create", kind=kind, text=text, anonymous=anonymous, **chosen)
    with transaction.atomic():
        breakout, actor, repeat = board_write(
            participant_id, breakout_id, op_id, content, "card.post"
        )
        if repeat:
            return repeat
        if breakout.phase != Breakout.Phase.COLLECT and not actor.is_facilitator:
            raise Forbidden(_("Posting is closed in this phase of the board."))
        if anonymous and not breakout.workshop.allow_anonymous:
            raise Forbidden(_("Anonymous posting is not allowed in this workshop."))
        card = Card.objects.create(
            breakout=breakout,
            kind=kind,
            text=text,
            language=language or languages.detect(text),
            author=None if anonymous else actor,
        )
        payload = {"card": queries.card_view(card)}
        event = append_event(
            breakout, "card.created", payload, actor=actor, op_id=op_id, digest=content
        )
    return Ack(op_id=op_id, seq=event.seq)


def card_set_hidden(
    *, participant_id: int, breakout_id: int, card_id: int, hidden: bool, op_id: UUID
) -> Ack:
    """Hide a card from participants (kept for the record), or show it again. Links to
    it may show it on other boards, so every board of the workshop is locked first."""
    name = "card.hidden" if hidden else "card.restored"
    content = digest(type=name, card_id=card_id)
    place = Breakout.objects.filter(pk=breakout_id).values_list("workshop_id", flat=True).first()
    with transaction.atomic():
        boards = lock_workshop_boards(place) if place is not None else {}
        breakout, actor, repeat = board_write(
            participant_id, breakout_id, op_id, content, "card.hide"
        )
        if repeat:
            return repeat
        card = Card.objects.filter(pk=card_id, breakout=breakout).first()
        if card is None:
            raise NotFound(_("This card is not on this board."))
        card.hidden_at = timezone.now() if hidden else None
        card.save(update_fields=["hidden_at"])
        payload = {"card": queries.card_view(card)}
        event = append_event(breakout, name, payload, actor=actor, op_id=op_id, digest=content)
        answers_follow_card(card, {**boards, breakout.pk: breakout}, actor)
    return Ack(op_id=op_id, seq=event.seq)
