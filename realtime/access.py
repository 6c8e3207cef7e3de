"""What the person behind a socket may see, as the database says now.

A socket loads it when it opens, again when a message says it changed (a move, a
removal, a new role), and the beacon refreshes it for every socket of the process, so
a message the channel layer lost costs at most one beacon interval. Deliveries and
resumes are checked against it (roles.py decides)."""

from dataclasses import dataclass

from workshops.models import Breakout, Participant


@dataclass(frozen=True)
class Access:
    participant_id: int
    workshop_id: int
    active: bool
    is_facilitator: bool
    team_role: str
    breakout_id: int | None
    hosted_ids: frozenset[int]


def load(participant_ids) -> dict[int, Access]:
    """The access of these participants (a removed or revoked one is not active)."""
    rows = Participant.objects.filter(pk__in=set(participant_ids)).annotate_active()
    people = list(rows.values("pk", "workshop_id", "role", "team_role", "breakout_id", "active"))
    hosts = [p["pk"] for p in people if p["team_role"] == Participant.Team.HOST]
    hosted: dict[int, set[int]] = {pk: set() for pk in hosts}
    if hosts:
        links = Breakout.hosts.through.objects.filter(participant_id__in=hosts)
        for participant_id, breakout_id in links.values_list("participant_id", "breakout_id"):
            hosted[participant_id].add(breakout_id)
    return {
        p["pk"]: Access(
            participant_id=p["pk"],
            workshop_id=p["workshop_id"],
            active=p["active"],
            is_facilitator=p["role"] == Participant.Role.FACILITATOR,
            team_role=p["team_role"],
            breakout_id=p["breakout_id"],
            hosted_ids=frozenset(hosted.get(p["pk"], ())),
        )
        for p in people
    }


def load_one(participant_id: int) -> Access | None:
    return load([participant_id]).get(participant_id)
