"""Who may do what: the one table every view and every socket action consults.

A person has one role in a workshop: the lead facilitator, a breakout host, a
rapporteur, an observer (the facilitation team) or a participant. Each cell says where
that role may act: anywhere in the workshop, only in its own breakouts (those a host
hosts, the one a participant sits in), only there and when the board lets participants
cluster, or nowhere. Phases and other states of a board are checked by the services,
not here.
"""

from dataclasses import dataclass
from enum import StrEnum
from types import SimpleNamespace
from typing import Protocol

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .errors import Forbidden


class Role(StrEnum):
    LEAD = "lead"
    HOST = "host"
    RAPPORTEUR = "rapporteur"
    OBSERVER = "observer"
    PARTICIPANT = "participant"


ALL = "all"  # anywhere in the workshop
OWN = "own"  # only in the breakouts a host hosts, or the one a participant sits in
OWN_IF_OPEN = "own if open"  # OWN, and only while the board lets participants cluster
NO = "-"


@dataclass(frozen=True)
class Rule:
    where: tuple[str, str, str, str, str]  # lead, host, rapporteur, observer, participant
    refusal: Promise


LEAD_ONLY = _("Only the lead facilitator can do this.")
STEERERS = _("Only the lead facilitator or this breakout’s host can do this.")
TEAM = _("Only facilitators can do this.")

# fmt: off
RULES: dict[str, Rule] = {
    # action                       lead  host  rapp. obs.  participant
    "workshop.view":      Rule((ALL, ALL, ALL, ALL, ALL), _("This workshop is open to its invited members only.")),  # noqa: E501
    "board.view":         Rule((ALL, ALL, ALL, ALL, OWN), _("You cannot open this board.")),
    "card.post":          Rule((ALL, OWN, NO, NO, OWN), _("You can only post in your own breakout.")),  # noqa: E501
    "card.hide":          Rule((ALL, OWN, NO, NO, NO), STEERERS),
    "scenario.post":      Rule((ALL, OWN, NO, NO, NO), STEERERS),
    "scenario.react":     Rule((NO, NO, NO, NO, OWN), _("Only the members of this breakout give feedback here.")),  # noqa: E501
    "cluster.edit":       Rule((ALL, OWN, NO, NO, OWN_IF_OPEN), _("You cannot change the clusters of this board.")),  # noqa: E501
    "vote":               Rule((NO, NO, NO, NO, OWN), _("Only the members of this breakout vote here.")),  # noqa: E501
    "answer.link":        Rule((ALL, OWN, ALL, NO, NO), _("Only the lead facilitator, this breakout’s host or a rapporteur links answers.")),  # noqa: E501
    "summary.write":      Rule((ALL, OWN, ALL, NO, NO), _("Only the lead facilitator, this breakout’s host or a rapporteur writes summaries.")),  # noqa: E501
    "help.ask":           Rule((NO, NO, NO, NO, ALL), _("Only participants ask for help.")),
    "breakout.choose":    Rule((NO, NO, NO, NO, ALL), _("Only participants choose a breakout.")),
    "segment.register":   Rule((NO, NO, NO, NO, ALL), _("Only participants register.")),
    "control.view":       Rule((ALL, ALL, ALL, ALL, NO), TEAM),
    "report.view":        Rule((ALL, ALL, ALL, ALL, NO), TEAM),
    "report.write":       Rule((ALL, NO, ALL, NO, NO), _("Only the lead facilitator or a rapporteur writes the report.")),  # noqa: E501
    "report.share":       Rule((ALL, NO, NO, NO, NO), LEAD_ONLY),
    "breakout.steer":     Rule((ALL, OWN, NO, NO, NO), STEERERS),
    "participant.move":   Rule((ALL, OWN, NO, NO, NO), STEERERS),
    "workshop.steer":     Rule((ALL, NO, NO, NO, NO), LEAD_ONLY),
    "participant.remove": Rule((ALL, NO, NO, NO, NO), LEAD_ONLY),
    "invites.manage":     Rule((ALL, NO, NO, NO, NO), LEAD_ONLY),
    "registrations.manage": Rule((ALL, NO, NO, NO, NO), LEAD_ONLY),
    "team.manage":        Rule((ALL, NO, NO, NO, NO), LEAD_ONLY),
    "workshop.prepare":   Rule((ALL, NO, NO, NO, NO), LEAD_ONLY),
}
# fmt: on


class Person(Protocol):
    """A participant row, or the access a socket keeps of one."""

    workshop_id: int
    is_facilitator: bool
    team_role: str
    breakout_id: int | None
    hosted_ids: frozenset[int]


class Board(Protocol):
    pk: int
    workshop_id: int
    participants_cluster: bool


def role_of(person: Person) -> Role:
    if not person.is_facilitator:
        return Role.PARTICIPANT
    return Role(person.team_role) if person.team_role else Role.OBSERVER


def allows(person: Person, action: str, breakout: Board | None = None) -> bool:
    """Whether the person may do `action` in the workshop, or on `breakout` when the
    action is about one (an OWN cell needs it)."""
    role = role_of(person)
    where = RULES[action].where[list(Role).index(role)]
    if breakout is not None and breakout.workshop_id != person.workshop_id:
        return False
    if where in (ALL, NO):
        return where == ALL
    if breakout is None:
        return False
    own = (
        breakout.pk in person.hosted_ids if role == Role.HOST else person.breakout_id == breakout.pk
    )
    return own and (where == OWN or breakout.participants_cluster)


def only_while_open(person: Person, action: str, breakout: Board) -> bool:
    """Whether the person may do `action` on this board only while it lets participants
    cluster: the page then follows that setting live."""
    board = {"pk": breakout.pk, "workshop_id": breakout.workshop_id}
    when_open = SimpleNamespace(**board, participants_cluster=True)
    when_closed = SimpleNamespace(**board, participants_cluster=False)
    return allows(person, action, when_open) and not allows(person, action, when_closed)


def require(person: Person, action: str, breakout: Board | None = None) -> None:
    if not allows(person, action, breakout):
        raise Forbidden(RULES[action].refusal)


def organises(user, series) -> bool:
    """Whether the user is one of the organisers of a series (not a workshop role)."""
    return user.is_authenticated and series.organisers.filter(pk=user.pk).exists()


def require_organiser(user, series) -> None:
    if not organises(user, series):
        raise Forbidden(_("Only the organisers of this series can do this."))
