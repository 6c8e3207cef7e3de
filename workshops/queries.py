"""Reads shared by views, consumers and exports."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Max
from django.utils.translation import gettext_lazy as _

from .models import BoardEvent, Breakout, Card, Participant, Workshop

# The session maps workshop id -> participant id for people who joined by invite.
SESSION_PARTICIPANTS = "participants"

# A client further behind than this gets a snapshot instead of the missed events.
MAX_REPLAY = 500


def card_view(card: Card) -> dict[str, Any]:
    """What every viewer may know of a card; also the payload of its event. An anonymous
    card has no author here, so no page or broadcast can show one."""
    return {
        "id": card.pk,
        "kind": card.kind,
        "text": card.text,
        "author": card.author.display_name if card.author_id else None,
        "created_at": card.created_at.isoformat(),
    }


COLUMN_LABELS = {Card.Kind.PRACTICE: _("Practices"), Card.Kind.DIFFICULTY: _("Difficulties")}


def board_context(breakout: Breakout) -> dict[str, Any]:
    """The board's columns in order, each with its cards."""
    cards: dict[str, list[dict[str, Any]]] = {kind: [] for kind in Card.Kind.values}
    for card in breakout.cards.select_related("author"):
        cards[card.kind].append(card_view(card))
    columns = [
        {"kind": kind, "label": COLUMN_LABELS[kind], "cards": cards[kind]}
        for kind in Card.Kind.values
    ]
    return {"breakout": breakout, "columns": columns}


def participant_for(session, user, workshop_id: int) -> Participant | None:
    """The active participant this browser is in the given workshop, if any."""
    active = Participant.objects.active().filter(workshop_id=workshop_id)
    if user is not None and user.is_authenticated:
        mine = active.filter(user=user).first()
        if mine is not None:
            return mine
    participant_id = session.get(SESSION_PARTICIPANTS, {}).get(str(workshop_id))
    if participant_id is None:
        return None
    return active.filter(pk=participant_id, user__isnull=True).first()


def was_removed(session, workshop_id: int) -> bool:
    """Whether this browser joined the workshop and was then taken out of it."""
    participant_id = session.get(SESSION_PARTICIPANTS, {}).get(str(workshop_id))
    return (
        participant_id is not None
        and not Participant.objects.active().filter(pk=participant_id).exists()
    )


def can_view_board(participant: Participant, breakout: Breakout) -> bool:
    if breakout.workshop_id != participant.workshop_id:
        return False
    return participant.is_facilitator or participant.breakout_id == breakout.pk


@dataclass(frozen=True)
class CatchUp:
    """Either the events after `since` or, when they cannot be replayed, a snapshot."""

    breakout: Breakout
    events: list[BoardEvent] | None


def catch_up(breakout_id: int, since: int, epoch: int) -> CatchUp:
    breakout = Breakout.objects.get(pk=breakout_id)
    replayable = epoch == breakout.epoch and 0 <= since <= breakout.seq
    if not replayable or breakout.seq - since > MAX_REPLAY:
        return CatchUp(breakout=breakout, events=None)
    missed = list(
        BoardEvent.objects.filter(breakout=breakout, seq__gt=since, seq__lte=breakout.seq)
    )
    return CatchUp(breakout=breakout, events=missed)


def breakout_heads(breakout_ids: list[int]) -> dict[int, int]:
    return dict(Breakout.objects.filter(pk__in=breakout_ids).values_list("pk", "seq"))


@dataclass(frozen=True)
class BreakoutStatus:
    breakout: Breakout
    members: list[Participant]
    practices: int
    difficulties: int
    last_activity: datetime | None


def control_room(workshop: Workshop, breakout_id: int | None = None) -> list[BreakoutStatus]:
    """Every breakout of a workshop (or just one) with its people, card counts and
    last activity, in four queries whatever the size."""
    breakouts = workshop.breakouts.select_related("challenge")
    if breakout_id is not None:
        breakouts = breakouts.filter(pk=breakout_id)
    breakouts = list(breakouts)
    ids = [b.pk for b in breakouts]
    counts = Counter(
        {
            (row["breakout_id"], row["kind"]): row["n"]
            for row in Card.objects.filter(breakout_id__in=ids)
            .values("breakout_id", "kind")
            .annotate(n=Count("id"))
        }
    )
    members: dict[int, list[Participant]] = {pk: [] for pk in ids}
    for person in Participant.objects.active().filter(breakout_id__in=ids):
        members[person.breakout_id].append(person)
    last_activity = dict(
        BoardEvent.objects.filter(breakout_id__in=ids)
        .values("breakout_id")
        .annotate(last=Max("created_at"))
        .values_list("breakout_id", "last")
    )
    return [
        BreakoutStatus(
            breakout=b,
            members=members[b.pk],
            practices=counts[(b.pk, Card.Kind.PRACTICE)],
            difficulties=counts[(b.pk, Card.Kind.DIFFICULTY)],
            last_activity=last_activity.get(b.pk),
        )
        for b in breakouts
    ]


def invites(workshop: Workshop):
    return workshop.invites.annotate(joined=Count("participant")).order_by("-created_at")
