"""Reads shared by views, consumers and exports."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import clustering, roles
from .models import (
    AnswerDismissal,
    AnswerLink,
    Application,
    BoardEvent,
    Breakout,
    Card,
    Cluster,
    HelpRequest,
    Message,
    Participant,
    Presence,
    Reaction,
    Scenario,
    Series,
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
        "language": card.language,
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
    shown = list(shown)
    answers = answers_of(c.pk for c in shown if c.kind == Card.Kind.DIFFICULTY)
    for card in shown:
        view = card_view(card)
        if card.pk in answers:
            links = answers[card.pk]
            view["answers"] = links if with_hidden else visible_answers(links)
        if card.cluster_id in clusters:
            clusters[card.cluster_id]["cards"].append(view)
        else:
            cards[card.kind].append(view)
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
        "language_names": {code: str(name) for code, name in settings.LANGUAGES},
        **BLANKS,
    }


# Blanks of what events bring, rendered as the page's templates: the page fills them in.
BLANKS = {
    "blank_card": {
        "id": 0,
        "kind": "practice",
        "text": "",
        "language": "en",
        "author": None,
        "created_at": "",
    },
    "blank_hidden_card": {
        "id": 0,
        "kind": "practice",
        "text": "",
        "language": "en",
        "author": None,
        "created_at": "",
        "hidden": True,
    },
    "blank_answer": {
        "id": 0,
        "practice": {"id": 0, "text": "", "breakout": "", "hidden": False},
        "note": "",
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
    """The board's hidden cards, and the hidden practices its difficulties link to."""
    here = Q(breakout_id=breakout_id) | Q(answers__difficulty__breakout_id=breakout_id)
    return set(
        Card.objects.filter(here, hidden_at__isnull=False).values_list("pk", flat=True).distinct()
    )


def answer_view(link: AnswerLink) -> dict[str, Any]:
    """A practice answering a difficulty, as its board shows it; also in events."""
    practice = link.practice
    return {
        "id": link.pk,
        "practice": {
            "id": practice.pk,
            "text": practice.text,
            "breakout": practice.breakout.name,
            "hidden": practice.hidden_at is not None,
        },
        "note": link.note,
        "by": link.created_by.display_name if link.created_by_id else "",
        "created_at": link.created_at.isoformat(),
    }


def answers_of(difficulty_ids) -> dict[int, list[dict[str, Any]]]:
    """The answers of each difficulty, oldest first, hidden practices included."""
    answers: dict[int, list[dict[str, Any]]] = {pk: [] for pk in difficulty_ids}
    links = AnswerLink.objects.filter(difficulty_id__in=answers.keys()).select_related(
        "practice__breakout", "created_by"
    )
    for link in links:
        answers[link.difficulty_id].append(answer_view(link))
    return answers


def visible_answers(links: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [link for link in links if not link["practice"]["hidden"]]


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


def answers_page(workshop: Workshop, actor: Participant) -> dict[str, Any]:
    """Every visible difficulty of the workshop with its answers and, where this person
    may link, the practices suggested for it (never one linked or dismissed already);
    the practices to choose from, per breakout; and the themes that recur."""
    cards = list(
        Card.objects.filter(breakout__workshop=workshop, hidden_at=None)
        .select_related("breakout")
        .order_by("breakout__position", "pk")
    )
    breakouts = list(workshop.breakouts.all())
    may_link = {b.pk for b in breakouts if roles.allows(actor, "answer.link", b)}
    difficulties = [c for c in cards if c.kind == Card.Kind.DIFFICULTY]
    practices = {c.pk: c for c in cards if c.kind == Card.Kind.PRACTICE}
    links = answers_of(d.pk for d in difficulties)
    suggested = suggested_answers(cards, links) if may_link else {}
    rows = [
        {
            "card": difficulty,
            "can_link": difficulty.breakout_id in may_link,
            "links": links[difficulty.pk],
            "suggestions": [
                {
                    "practice": practices[int(s.practice_id)],
                    "words": s.shared_words,
                    "sentence": s.sentence,
                }
                for s in suggested.get(str(difficulty.pk), [])
            ],
        }
        for difficulty in difficulties
    ]
    groups = [(b, [p for p in practices.values() if p.breakout_id == b.pk]) for b in breakouts]
    return {
        "difficulties": rows,
        "practice_groups": [(b, ps) for b, ps in groups if ps],
        "breakouts": breakouts,
        "themes": recurring_themes(cards, breakouts),
    }


def suggested_answers(cards: list[Card], links: dict[int, list[dict[str, Any]]]):
    linked = {(d, link["practice"]["id"]) for d, answers in links.items() for link in answers}
    dismissed = AnswerDismissal.objects.filter(difficulty_id__in=links.keys()).values_list(
        "difficulty_id", "practice_id"
    )
    excluded = frozenset((str(d), str(p)) for d, p in linked | set(dismissed))
    texts = [clustering.CardText(str(c.pk), c.text, c.kind) for c in cards]
    return clustering.suggest_answers(texts, excluded=excluded)


def recurring_themes(cards: list[Card], breakouts: list[Breakout]) -> list[dict[str, Any]]:
    """Themes raised in more than one breakout, with how many cards each breakout gave
    them, most breakouts first. What is grouped: each facilitators' cluster whole (its
    title and cards: they already said those belong together) and each card in no
    cluster; only the groups the clustering is confident about."""
    units = theme_units(cards)
    if len(breakouts) < 2 or len(units) < 2:
        return []
    themes = []
    for group in clustering.confident_clusters([text for text, _cards in units.values()]):
        grouped = [card for unit_id in group.card_ids for card in units[unit_id][1]]
        per_breakout = Counter(card.breakout_id for card in grouped)
        if len(per_breakout) < 2:
            continue
        themes.append(
            {
                "title": group.title,
                "counts": [per_breakout[b.pk] for b in breakouts],
                "breakouts": len(per_breakout),
                "cards": grouped,
            }
        )
    themes.sort(key=lambda theme: (-theme["breakouts"], -len(theme["cards"])))
    return themes


def theme_units(cards: list[Card]) -> dict[str, tuple[clustering.CardText, list[Card]]]:
    """The facilitators' clusters (their title and cards as one text) and the cards in
    no cluster, each with its cards."""
    clustered: dict[int, list[Card]] = {}
    units = {}
    for card in cards:
        if card.cluster_id:
            clustered.setdefault(card.cluster_id, []).append(card)
        else:
            unit_id = f"card-{card.pk}"
            units[unit_id] = (clustering.CardText(unit_id, card.text, card.kind), [card])
    titles = dict(Cluster.objects.filter(pk__in=clustered).values_list("pk", "title"))
    for cluster_id, members in clustered.items():
        text = "\n".join([titles[cluster_id], *(card.text for card in members)]).strip()
        unit_id = f"cluster-{cluster_id}"
        kinds = {card.kind for card in members}
        kind = kinds.pop() if len(kinds) == 1 else ""
        units[unit_id] = (clustering.CardText(unit_id, text, kind), members)
    return units


# Registration and series ------------------------------------------------------------------


def took_part(workshops) -> QuerySet:
    """(email in lower case, workshop id) of everyone who joined these workshops."""
    return (
        Participant.objects.filter(
            workshop__in=workshops, role=Participant.Role.PARTICIPANT, removed_at=None
        )
        .exclude(email="")
        .annotate(address=Lower("email"))
        .values_list("address", "workshop_id")
        .distinct()
    )


def earlier_sessions(workshop: Workshop) -> Counter:
    """For each email, in how many earlier sessions of the workshop's series its person
    took part: the priority of an application."""
    if workshop.series_id is None:
        return Counter()
    earlier = Workshop.objects.filter(series=workshop.series_id, starts_at__lt=workshop.starts_at)
    return Counter(address for address, _workshop in took_part(earlier))


APPLICATION_ORDERS = {
    "priority": lambda a: (-a.priority, a.created_at),
    "date": lambda a: a.created_at,
    "name": lambda a: a.name.casefold(),
    "status": lambda a: (a.status, a.created_at),
}


def applications(workshop: Workshop, order: str = "priority") -> list[Application]:
    """The applications to review, each with its `priority`."""
    priority = earlier_sessions(workshop)
    rows = list(workshop.applications.select_related("preferred_challenge", "invite"))
    for row in rows:
        row.priority = priority[row.email]
    return sorted(rows, key=APPLICATION_ORDERS.get(order, APPLICATION_ORDERS["priority"]))


PARTICIPATION_LABELS = {**dict(Application.Status.choices), "took_part": _("Took part")}


def series_participation(series: Series) -> tuple[list[Workshop], list[dict]]:
    """Who took part in which session of a series (by email), and who applied where:
    one row per person, one cell per session, most sessions first."""
    sessions = list(series.sessions.order_by("starts_at"))
    people: dict[str, dict] = {}

    def person(address: str, name: str) -> dict:
        return people.setdefault(address, {"email": address, "name": name, "cells": {}})

    for application in Application.objects.filter(workshop__in=sessions):
        person(application.email, application.name)["cells"][application.workshop_id] = (
            application.status
        )
    joined = (
        Participant.objects.filter(
            workshop__in=sessions, role=Participant.Role.PARTICIPANT, removed_at=None
        )
        .exclude(email="")
        .annotate(address=Lower("email"))
        .values_list("address", "display_name", "workshop_id")
    )
    for address, name, workshop_id in joined:
        person(address, name)["cells"][workshop_id] = "took_part"
    for row in people.values():
        row["sessions"] = [PARTICIPATION_LABELS.get(row["cells"].get(s.pk), "") for s in sessions]
        row["count"] = sum(1 for code in row["cells"].values() if code == "took_part")
    rows = sorted(people.values(), key=lambda row: (-row["count"], row["name"].casefold()))
    return sessions, rows


# Scenario feedback boards -----------------------------------------------------------------


def scenario_view(scenario: Scenario) -> dict[str, Any]:
    """A scenario as written, with its translations; each page shows its own language."""
    return {
        "id": scenario.pk,
        "position": scenario.position,
        "title": scenario.title,
        "text": scenario.text,
        "translations": scenario.translations,
    }


def scenario_results(scenario: Scenario, criteria: list[str]) -> dict[str, Any]:
    """What everyone sees of the reactions to a scenario: counts, average ratings and
    the answers' texts, never who gave them."""
    reactions = list(scenario.reactions.all())
    ratings = {}
    for criterion in criteria:
        given = [r.ratings[criterion] for r in reactions if criterion in r.ratings]
        average = round(sum(given) / len(given), 1) if given else None
        ratings[criterion] = {"average": average, "count": len(given)}

    def texts(field: str, stance: str | None = None) -> list[str]:
        return [
            getattr(r, field)
            for r in reactions
            if getattr(r, field) and (stance is None or r.stance == stance)
        ]

    return {
        "scenario": scenario.pk,
        "agree": sum(1 for r in reactions if r.stance == Reaction.Stance.AGREE),
        "disagree": sum(1 for r in reactions if r.stance == Reaction.Stance.DISAGREE),
        "ratings": ratings,
        "reasons_agree": texts("reason", Reaction.Stance.AGREE),
        "reasons_disagree": texts("reason", Reaction.Stance.DISAGREE),
        "concerns": texts("concerns"),
        "ideas": texts("ideas"),
    }


def scenarios_context(breakout: Breakout, language: str) -> list[dict[str, Any]]:
    """The board's scenarios in the reader's language (as written when not translated),
    each with its results."""
    items = []
    for scenario in breakout.scenarios.prefetch_related("reactions"):
        view = scenario_view(scenario)
        shown = scenario.translations.get(language) or view
        items.append(
            {
                **view,
                "shown_title": shown["title"],
                "shown_text": shown["text"],
                "results": scenario_results(scenario, breakout.criteria),
            }
        )
    return items
