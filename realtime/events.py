"""Every board event type, declared once: its name, its payload, and what each audience
receives of it.

Audiences of a board's log:
- members: the participants of the breakout. They never receive a hidden card's text,
  not even through a link from one of their difficulties to a practice of another
  board, and an anonymous card has no author anywhere (it is not stored).
- the team: facilitators viewing the board (lead, hosts, rapporteurs, observers). They
  see hidden cards, marked as such.
The control room receives no log events: an event that changes a breakout's row
(`changes_control_row`) makes the row be rendered again and pushed (realtime.control).

Publishing, catch-up and snapshots all go through `project`, with what the reader may
see decided from the board's state at the time of delivery (`Seen`), not when the event
was logged: a card hidden since is not replayed to members.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict


class Audience(StrEnum):
    MEMBERS = "members"
    TEAM = "team"


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CardData(Payload):
    id: int
    kind: str
    text: str
    language: str = ""  # "" in events older than languages on cards
    author: str | None  # None for an anonymous card
    created_at: str
    hidden: bool
    cluster: int | None


class CardPayload(Payload):
    card: CardData


class ClusterLayout(Payload):
    id: int
    title: str  # "" is shown as "Untitled cluster" in the reader's language
    position: int
    card_ids: list[int]


class LayoutPayload(Payload):
    clusters: list[ClusterLayout]


class VotesPayload(Payload):
    visible: bool
    budget: int
    cast: int
    counts: dict[str, int]  # "card:ID" or "cluster:ID" -> votes, only once visible


class SummaryPayload(Payload):
    cluster: int | None  # None: the breakout's summary, else a cluster's key points
    text: str
    version: int
    by: str


class PhasePayload(Payload):
    phase: str


class TimerPayload(Payload):
    ends_at: str | None
    paused_seconds: int | None
    action: str


class MessageData(Payload):
    id: int
    text: str
    author: str
    created_at: str
    to_all: bool


class MessagePayload(Payload):
    message: MessageData


class AnsweringPractice(Payload):
    id: int
    text: str
    breakout: str  # the name of the practice's breakout
    hidden: bool


class AnswerData(Payload):
    id: int
    practice: AnsweringPractice
    note: str
    by: str
    created_at: str


class AnswersPayload(Payload):
    difficulty: int
    links: list[AnswerData]  # every answer of the difficulty, oldest first


class SettingsPayload(Payload):
    allow_anonymous: bool | None = None
    participants_cluster: bool | None = None


class ScenarioData(Payload):
    id: int
    position: int
    title: str
    text: str
    translations: dict[str, dict[str, str]]  # language -> {"title", "text"}


class ScenarioPayload(Payload):
    scenario: ScenarioData


class Rating(Payload):
    average: float | None
    count: int


class ScenarioResultsPayload(Payload):
    scenario: int
    agree: int
    disagree: int
    ratings: dict[str, Rating]  # criterion -> average of 1..5
    reasons_agree: list[str]
    reasons_disagree: list[str]
    concerns: list[str]
    ideas: list[str]


@dataclass
class Seen:
    """What a reader may see of a board now: the ids of its hidden cards, read from the
    database once, when a projection first needs them."""

    load_hidden: Callable[[], set[int]]
    _hidden: set[int] | None = field(default=None, repr=False)

    @property
    def hidden(self) -> set[int]:
        if self._hidden is None:
            self._hidden = self.load_hidden()
        return self._hidden


@dataclass(frozen=True)
class Projected:
    """One audience's view of an event: a name the client knows and its data."""

    name: str
    data: dict[str, Any] | None


SKIP = Projected("skip", None)  # the reader may not see it: only its seq advances

# What members receive of an event: from its name and stored payload (checked when
# the event was written), and what they may see now.
MemberView = Callable[[str, dict[str, Any], Seen], Projected]


def same_for_members(name: str, payload: dict, seen: Seen) -> Projected:
    """the same"""
    return Projected(name, payload)


def card_unless_hidden(name: str, payload: dict, seen: Seen) -> Projected:
    """the same, or `skip` when the card is hidden now"""
    card = payload["card"]
    return SKIP if card["hidden"] or card["id"] in seen.hidden else Projected(name, payload)


def card_removed(name: str, payload: dict, seen: Seen) -> Projected:
    """`card.removed` with the card's id only"""
    return Projected("card.removed", {"card": {"id": payload["card"]["id"]}})


def layout_of_visible_cards(name: str, payload: dict, seen: Seen) -> Projected:
    """the same, without the ids of cards hidden now"""
    clusters = payload["clusters"]
    if not any(card_id in seen.hidden for cluster in clusters for card_id in cluster["card_ids"]):
        return Projected(name, payload)
    visible = [
        {**cluster, "card_ids": [i for i in cluster["card_ids"] if i not in seen.hidden]}
        for cluster in clusters
    ]
    return Projected(name, {"clusters": visible})


def answers_of_visible_cards(name: str, payload: dict, seen: Seen) -> Projected:
    """`skip` when the difficulty is hidden now, else the same without the links to
    practices hidden then or now (a hidden practice's text never reaches members)"""
    if payload["difficulty"] in seen.hidden:
        return SKIP
    links = [
        link
        for link in payload["links"]
        if not link["practice"]["hidden"] and link["practice"]["id"] not in seen.hidden
    ]
    return Projected(name, {"difficulty": payload["difficulty"], "links": links})


@dataclass(frozen=True)
class EventType:
    name: str
    payload: type[Payload]
    for_members: MemberView
    changes_control_row: bool = False


EVENT_TYPES: dict[str, EventType] = {
    event.name: event
    for event in [
        EventType("card.created", CardPayload, card_unless_hidden, changes_control_row=True),
        EventType("card.hidden", CardPayload, card_removed, changes_control_row=True),
        EventType("card.restored", CardPayload, card_unless_hidden, changes_control_row=True),
        EventType("layout.changed", LayoutPayload, layout_of_visible_cards),
        EventType("votes.changed", VotesPayload, same_for_members),
        EventType("summary.changed", SummaryPayload, same_for_members),
        EventType("phase.changed", PhasePayload, same_for_members, changes_control_row=True),
        EventType("timer.changed", TimerPayload, same_for_members, changes_control_row=True),
        EventType("message.posted", MessagePayload, same_for_members),
        EventType("settings.changed", SettingsPayload, same_for_members),
        EventType("answers.changed", AnswersPayload, answers_of_visible_cards),
        EventType("scenario.posted", ScenarioPayload, same_for_members),
        EventType("scenario.results", ScenarioResultsPayload, same_for_members),
    ]
}


def validated(name: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The payload of a new event, checked against its declaration (as stored)."""
    parsed = EVENT_TYPES[name].payload.model_validate(payload)
    return parsed.model_dump(mode="json", exclude_unset=True)


def project(name: str, payload: dict[str, Any], audience: Audience, seen: Seen) -> Projected:
    """What `audience` receives of a stored event. The team sees every event whole."""
    if audience == Audience.TEAM:
        return Projected(name, payload)
    return EVENT_TYPES[name].for_members(name, payload, seen)
