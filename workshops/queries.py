"""Reads shared by views, consumers and exports."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import (
    BoardEvent,
    Breakout,
    Card,
    Cluster,
    HelpRequest,
    Message,
    Participant,
    Presence,
    Vote,
    Workshop,
)

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
        "hidden": card.hidden_at is not None,
        "cluster": card.cluster_id,
    }


COLUMN_LABELS = {Card.Kind.PRACTICE: _("Practices"), Card.Kind.DIFFICULTY: _("Difficulties")}


def board_context(breakout: Breakout, *, with_hidden: bool = False) -> dict[str, Any]:
    """The board: its clusters with their cards, then the columns of cards in no
    cluster; hidden cards only for those who moderate."""
    cards: dict[str, list[dict[str, Any]]] = {kind: [] for kind in Card.Kind.values}
    clusters = {c.pk: {**cluster_view(c), "cards": []} for c in breakout.clusters.all()}
    shown = breakout.cards.select_related("author")
    if not with_hidden:
        shown = shown.filter(hidden_at=None)
    for card in shown:
        if card.cluster_id in clusters:
            clusters[card.cluster_id]["cards"].append(card_view(card))
        else:
            cards[card.kind].append(card_view(card))
    columns = [
        {"kind": kind, "label": COLUMN_LABELS[kind], "cards": cards[kind]}
        for kind in Card.Kind.values
    ]
    votes = votes_view(breakout)
    return {
        "breakout": breakout,
        "clusters": list(clusters.values()),
        "columns": columns,
        "timer": timer_view(breakout),
        "votes": votes,
        "summary": summary_view(breakout),
        "board_messages": [message_view(m) for m in recent_messages(breakout)],
        "state": board_state(breakout, votes),
        **BLANKS,
    }


# Blanks of what events bring, rendered as the page's templates: the page fills them in.
BLANKS = {
    "blank_card": {"id": 0, "kind": "practice", "text": "", "author": None, "created_at": ""},
    "blank_hidden_card": {
        "id": 0,
        "kind": "practice",
        "text": "",
        "author": None,
        "created_at": "",
        "hidden": True,
    },
    "blank_message": {"id": 0, "text": "", "author": "", "created_at": "", "to_all": False},
    "blank_message_to_all": {"id": 0, "text": "", "author": "", "created_at": "", "to_all": True},
}


def board_state(breakout: Breakout, votes: dict[str, Any]) -> dict[str, Any]:
    """What a board shows besides its cards and clusters, as the page's client reads
    it on load and with every snapshot."""
    return {
        "phase": breakout.phase,
        "participants_cluster": breakout.participants_cluster,
        "allow_anonymous": breakout.workshop.allow_anonymous,
        "timer": timer_view(breakout),
        "votes": votes,
        "summary": summary_view(breakout),
    }


def cluster_view(cluster: Cluster) -> dict[str, Any]:
    return {
        "id": cluster.pk,
        "title": cluster.title,
        "position": cluster.position,
        "key_points": cluster.key_points,
        "key_points_version": cluster.key_points_version,
    }


def layout_view(breakout: Breakout) -> dict[str, Any]:
    """Every cluster of a board in order, with its cards: the payload of a layout change.
    A card in no cluster goes back to its column. Key points travel in their own events."""
    clusters = {
        c.pk: {"id": c.pk, "title": c.title, "position": c.position, "card_ids": []}
        for c in breakout.clusters.all()
    }
    for card_id, cluster_id in breakout.cards.filter(cluster__isnull=False).values_list(
        "pk", "cluster_id"
    ):
        clusters[cluster_id]["card_ids"].append(card_id)
    return {"clusters": list(clusters.values())}


def hidden_card_ids(breakout_id: int) -> set[int]:
    return set(
        Card.objects.filter(breakout_id=breakout_id, hidden_at__isnull=False).values_list(
            "pk", flat=True
        )
    )


def summary_view(breakout: Breakout) -> dict[str, Any]:
    return {"text": breakout.summary, "version": breakout.summary_version}


def votes_view(breakout: Breakout) -> dict[str, Any]:
    """What everyone may know of the votes: the budget, how many dots are cast and,
    once the facilitator shows them, the totals per card and cluster. The page lists
    the results from these totals, with the labels it shows in the reader's language."""
    counts = Counter()
    if breakout.votes_visible:
        for card_id, cluster_id in breakout.votes.values_list("card_id", "cluster_id"):
            counts[f"card:{card_id}" if card_id else f"cluster:{cluster_id}"] += 1
    return {
        "visible": breakout.votes_visible,
        "budget": breakout.vote_budget,
        "cast": breakout.votes.count(),
        "counts": dict(counts),
    }


def my_votes(participant: Participant, breakout: Breakout) -> dict[str, int]:
    """Only for this person: where their dots are."""
    return my_votes_of(participant.pk, breakout.pk)


def my_votes_of(participant_id: int, breakout_id: int) -> dict[str, int]:
    mine = Counter()
    for card_id, cluster_id in Vote.objects.filter(
        voter_id=participant_id, breakout_id=breakout_id
    ).values_list("card_id", "cluster_id"):
        mine[f"card:{card_id}" if card_id else f"cluster:{cluster_id}"] += 1
    return dict(mine)


def timer_view(breakout: Breakout) -> dict[str, Any]:
    """A deadline, never ticks: clients count down to `ends_at` themselves."""
    ends_at = breakout.timer_ends_at
    return {
        "ends_at": ends_at.isoformat() if ends_at else None,
        "paused_seconds": breakout.timer_paused_seconds,
        "action": breakout.timer_action,
    }


def message_view(message: Message) -> dict[str, Any]:
    return {
        "id": message.pk,
        "text": message.text,
        "author": message.author.display_name if message.author_id else "",
        "created_at": message.created_at.isoformat(),
        "to_all": message.breakout_id is None,
    }


def recent_messages(breakout: Breakout, limit: int = 5):
    to_here = Q(breakout=breakout) | Q(breakout=None)
    return (
        Message.objects.filter(to_here, workshop_id=breakout.workshop_id)
        .select_related("author")
        .order_by("-created_at")[:limit]
    )


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


@dataclass(frozen=True)
class CatchUp:
    """Either the events after `since` or, when they cannot be replayed, a snapshot of
    a board of `card_count` cards."""

    breakout: Breakout
    events: list[BoardEvent] | None
    card_count: int = 0


def catch_up(breakout_id: int, since: int, epoch: int) -> CatchUp:
    breakout = Breakout.objects.get(pk=breakout_id)
    replayable = epoch == breakout.epoch and 0 <= since <= breakout.seq
    if not replayable or breakout.seq - since > MAX_REPLAY:
        return CatchUp(breakout=breakout, events=None, card_count=breakout.cards.count())
    missed = list(
        BoardEvent.objects.filter(breakout=breakout, seq__gt=since, seq__lte=breakout.seq)
    )
    return CatchUp(breakout=breakout, events=missed)


def breakout_heads(breakout_ids: list[int]) -> dict[int, int]:
    return dict(Breakout.objects.filter(pk__in=breakout_ids).values_list("pk", "seq"))


STALL_AFTER = timedelta(minutes=5)


@dataclass(frozen=True)
class BreakoutStatus:
    breakout: Breakout
    members: list[Participant]
    present: set[int]
    practices: int
    difficulties: int
    last_activity: datetime | None
    help_requests: list[HelpRequest]

    @property
    def timer(self) -> dict[str, Any]:
        return timer_view(self.breakout)

    @property
    def stalled(self) -> bool:
        """Open, someone there, and no one has done anything on the board for a while."""
        return (
            self.breakout.phase != Breakout.Phase.CLOSED
            and bool(self.present)
            and self.last_activity is not None
            and timezone.now() - self.last_activity > STALL_AFTER
        )


def present_ids(participants) -> set[int]:
    """Who has a page of the workshop open now (their process refreshed it lately)."""
    fresh = timezone.now() - timedelta(seconds=3 * settings.WS_HEAD_INTERVAL)
    return set(
        Presence.objects.filter(participant__in=participants, seen_at__gte=fresh).values_list(
            "participant_id", flat=True
        )
    )


def control_room(workshop: Workshop, breakout_ids=None) -> list[BreakoutStatus]:
    """Every breakout of a workshop (or those given) with its people, card counts, last
    activity and open help requests, in a fixed number of queries whatever the size."""
    breakouts = workshop.breakouts.select_related("challenge").prefetch_related("hosts")
    if breakout_ids is not None:
        breakouts = breakouts.filter(pk__in=breakout_ids)
    breakouts = list(breakouts)
    ids = [b.pk for b in breakouts]
    counts = Counter(
        {
            (row["breakout_id"], row["kind"]): row["n"]
            for row in Card.objects.filter(breakout_id__in=ids, hidden_at=None)
            .values("breakout_id", "kind")
            .annotate(n=Count("id"))
        }
    )
    members: dict[int, list[Participant]] = {pk: [] for pk in ids}
    people = list(Participant.objects.active().filter(breakout_id__in=ids))
    for person in people:
        members[person.breakout_id].append(person)
    present = present_ids(people)
    last_activity = dict(
        BoardEvent.objects.filter(breakout_id__in=ids, actor__role=Participant.Role.PARTICIPANT)
        .values("breakout_id")
        .annotate(last=Max("created_at"))
        .values_list("breakout_id", "last")
    )
    requests: dict[int, list[HelpRequest]] = {pk: [] for pk in ids}
    for request in open_help_requests(workshop).filter(breakout_id__in=ids):
        requests[request.breakout_id].append(request)
    return [
        BreakoutStatus(
            breakout=b,
            members=members[b.pk],
            present={m.pk for m in members[b.pk]} & present,
            practices=counts[(b.pk, Card.Kind.PRACTICE)],
            difficulties=counts[(b.pk, Card.Kind.DIFFICULTY)],
            last_activity=last_activity.get(b.pk),
            help_requests=requests[b.pk],
        )
        for b in breakouts
    ]


def open_help_requests(workshop: Workshop):
    return HelpRequest.objects.filter(
        participant__workshop=workshop, handled_at=None
    ).select_related("participant", "breakout")


def people(workshop: Workshop) -> list[Participant]:
    """Everyone in the workshop, each with `present` and `registered` (segment ids)."""
    everyone = list(
        workshop.participants.active()
        .select_related("breakout", "invite", "preferred_challenge")
        .prefetch_related("registrations")
        .order_by("role", "display_name")
    )
    present = present_ids(everyone)
    for person in everyone:
        person.present = person.pk in present
        person.registered = {r.segment_id for r in person.registrations.all()}
    return everyone


def presence_view(breakout: Breakout, viewer: Participant | None = None) -> dict[str, Any]:
    """Who is on a board now, for everyone on it: names, or only a count when the
    workshop allows anonymous cards. Facilitators observing are not counted. A member
    opening the board counts themselves (their socket is not open yet)."""
    present = present_ids(breakout.members.active())
    if viewer is not None and viewer.breakout_id == breakout.pk and not viewer.is_facilitator:
        present.add(viewer.pk)
    here = list(
        Participant.objects.filter(pk__in=present, breakout=breakout).values_list(
            "display_name", flat=True
        )
    )
    anonymous = breakout.workshop.allow_anonymous
    return {"count": len(here), "names": [] if anonymous else sorted(here)}


def invites(workshop: Workshop):
    return (
        workshop.invites.select_related("breakout")
        .annotate(joined=Count("participant"))
        .order_by("-created_at")
    )


def recommendations(workshop: Workshop):
    return workshop.recommendations.prefetch_related("clusters__breakout", "cards")


def report(workshop: Workshop) -> list[dict[str, Any]]:
    """Per breakout: its question, clusters with key points and votes, and summary."""
    sections = []
    for breakout in workshop.breakouts.select_related("challenge"):
        context = board_context(breakout)
        counts = Counter()
        for card_id, cluster_id in breakout.votes.values_list("card_id", "cluster_id"):
            counts[("card", card_id) if card_id else ("cluster", cluster_id)] += 1
        for cluster in context["clusters"]:
            cluster["votes"] = counts[("cluster", cluster["id"])]
        sections.append(
            {**context, "loose": [c for col in context["columns"] for c in col["cards"]]}
        )
    return sections
