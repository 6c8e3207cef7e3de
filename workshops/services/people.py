"""People: invitations, joining, who sits in which breakout, the facilitation team,
registrations and presence."""

import secrets
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workshops import roles
from workshops.errors import Forbidden, Invalid, NotFound
from workshops.models import (
    DISPLAY_NAME_MAX,
    AgendaSegment,
    Breakout,
    Challenge,
    Invite,
    Participant,
    Presence,
    Registration,
    Workshop,
)

from .board import acting, active_participant, in_workshop, locked_breakout
from .publish import access_changed, control_rows

# Invitations -----------------------------------------------------------------------------


def invite_create(*, workshop: Workshop, label: str, expires_at: datetime | None = None) -> str:
    """Create an invite and return its token: the only time the token is known."""
    token = secrets.token_urlsafe(32)
    Invite.objects.create(
        workshop=workshop, label=label, token_hash=Invite.hash_token(token), expires_at=expires_at
    )
    return token


def invite_link_create(
    *, actor_id: int, workshop_id: int, label: str, expires_at: datetime | None = None
) -> str:
    """A shared link anyone may join with, made by the lead."""
    with transaction.atomic():
        acting(actor_id, workshop_id, "invites.manage")
        workshop = Workshop.objects.get(pk=workshop_id)
        return invite_create(workshop=workshop, label=label, expires_at=expires_at)


def invites_create_personal(
    *, actor_id: int, workshop_id: int, people: list[dict]
) -> list[tuple[dict, str]]:
    """One personal invitation per person (name, email, breakout, language); returns
    each person with their token, the only time it is known."""
    with transaction.atomic():
        acting(actor_id, workshop_id, "invites.manage")
        created = []
        for person in people:
            token = secrets.token_urlsafe(32)
            breakout = person.get("breakout")
            if breakout is not None:
                in_workshop(breakout, workshop_id)
            Invite.objects.create(
                workshop_id=workshop_id,
                label=person["name"],
                email=person["email"],
                breakout=breakout,
                language=person.get("language", ""),
                personal=True,
                token_hash=Invite.hash_token(token),
            )
            created.append((person, token))
        return created


def invite_revoke(*, actor_id: int, invite_id: int) -> None:
    """Nobody can join with the invite any more, and whoever joined with it leaves."""
    with transaction.atomic():
        invite = Invite.objects.select_for_update().filter(pk=invite_id).first()
        if invite is None:
            raise NotFound(_("This invitation does not exist."))
        acting(actor_id, invite.workshop_id, "invites.manage")
        if invite.revoked_at is not None:
            return
        invite.revoked_at = timezone.now()
        invite.save(update_fields=["revoked_at"])
        joined = list(invite.participant_set.values_list("pk", "breakout_id"))
        access_changed(pk for pk, _room in joined)
        control_rows(invite.workshop_id, [room for _pk, room in joined])


def invite_for_token(token: str) -> Invite:
    invite = Invite.objects.filter(token_hash=Invite.hash_token(token)).first()
    if invite is None or not invite.is_usable():
        raise NotFound(_("This invitation link is not valid, or it has expired."))
    return invite


# Joining ----------------------------------------------------------------------------------


def participant_join(
    *,
    token: str,
    display_name: str,
    breakout_id: int | None = None,
    preferred_challenge_id: int | None = None,
    language: str = "",
) -> Participant:
    """Join with an invitation. A personal invitation brings back the person who joined
    with it before; its breakout, if the facilitator set one, wins over a choice."""
    display_name = display_name.strip()
    if not display_name:
        raise Invalid(_("Enter the name others will see."))
    if len(display_name) > DISPLAY_NAME_MAX:
        raise Invalid(_("A name can have at most %(max)d characters.") % {"max": DISPLAY_NAME_MAX})
    with transaction.atomic():
        invite = invite_for_token(token)
        if invite.personal:
            earlier = invite.participant_set.active().first()
            if earlier is not None:
                return earlier
            breakout_id = invite.breakout_id or breakout_id
        breakout = None
        if breakout_id is not None:
            breakout = locked_breakout(breakout_id)
            _check_can_enter(breakout, invite.workshop_id)
        if (
            preferred_challenge_id is not None
            and not Challenge.objects.filter(
                pk=preferred_challenge_id, workshop_id=invite.workshop_id
            ).exists()
        ):
            raise NotFound(_("This challenge does not exist."))
        participant = Participant.objects.create(
            workshop_id=invite.workshop_id,
            invite=invite,
            display_name=display_name,
            email=invite.email,
            language=language or invite.language,
            preferred_challenge_id=preferred_challenge_id,
            breakout=breakout,
        )
        if invite.personal and hasattr(invite, "application"):
            # An accepted applicant is registered for the registration-only parts.
            segments = invite.workshop.segments.filter(registration_required=True)
            Registration.objects.bulk_create(
                Registration(participant=participant, segment=s) for s in segments
            )
        control_rows(invite.workshop_id, [breakout_id])
        return participant


def breakout_choose(*, participant_id: int, breakout_id: int) -> Participant:
    """A participant without a breakout picks an open one."""
    with transaction.atomic():
        breakout = locked_breakout(breakout_id)
        participant = acting(participant_id, breakout.workshop_id, "breakout.choose")
        if participant.breakout_id == breakout.id:
            return participant
        if participant.breakout_id is not None:
            raise Forbidden(_("You are already in a breakout."))
        _check_can_enter(breakout, participant.workshop_id)
        _place(participant, breakout)
        return participant


def _check_can_enter(breakout: Breakout, workshop_id: int, moving=None) -> None:
    in_workshop(breakout, workshop_id)
    if breakout.phase == Breakout.Phase.CLOSED:
        raise Forbidden(_("This breakout is closed."))
    others = breakout.members.active().exclude(pk=getattr(moving, "pk", None))
    if breakout.capacity is not None and others.count() >= breakout.capacity:
        raise Forbidden(_("This breakout is full."))


# Moving people ----------------------------------------------------------------------------


def _locked_participant(participant_id: int) -> Participant:
    target = (
        Participant.objects.select_for_update()
        .filter(pk=participant_id, role=Participant.Role.PARTICIPANT)
        .first()
    )
    if target is None or target.removed_at is not None:
        raise NotFound(_("This person is not in the workshop."))
    return target


def participant_move(*, actor_id: int, participant_id: int, breakout_id: int | None) -> None:
    """Move one person to another breakout (or out of every breakout); their page
    follows at once, and their sockets stop hearing the board they left."""
    with transaction.atomic():
        target = _locked_participant(participant_id)
        destination = None
        if breakout_id is not None:
            destination = in_workshop(locked_breakout(breakout_id), target.workshop_id)
        _check_may_move(actor_id, target, destination)
        if destination is not None:
            _check_can_enter(destination, target.workshop_id, moving=target)
        _place(target, destination)


def _check_may_move(actor_id: int, target: Participant, destination: Breakout | None) -> None:
    """The lead moves anyone anywhere; a host moves people between breakouts they host
    (out of every breakout, or in from none, counts as anywhere)."""
    actor = active_participant(actor_id, target.workshop_id)
    for breakout in (target.breakout, destination):
        roles.require(actor, "participant.move", breakout)


def _place(target: Participant, destination: Breakout | None) -> None:
    source_id = target.breakout_id
    if source_id == getattr(destination, "pk", None):
        return
    target.breakout = destination
    target.save(update_fields=["breakout"])
    access_changed([target.pk])
    control_rows(target.workshop_id, [source_id, getattr(destination, "pk", None)])


def participants_swap(*, actor_id: int, first_id: int, second_id: int) -> None:
    if first_id == second_id:
        raise Invalid(_("Choose two different people."))
    with transaction.atomic():
        first, second = (_locked_participant(pk) for pk in sorted((first_id, second_id)))
        if first.workshop_id != second.workshop_id:
            raise NotFound(_("This person is not in the workshop."))
        for person, destination in ((first, second.breakout), (second, first.breakout)):
            _check_may_move(actor_id, person, destination)
            if destination is not None and destination.phase == Breakout.Phase.CLOSED:
                raise Forbidden(_("This breakout is closed."))
        first_room, second_room = first.breakout, second.breakout
        _place(first, second_room)
        _place(second, first_room)


def participants_spread(*, actor_id: int, workshop_id: int, by: str = "") -> int:
    """Place everyone without a breakout, evenly; `by` keeps people together by their
    preferred challenge or their language where there is room. Returns how many."""
    if by not in ("", "preference", "language"):
        raise Invalid(_("Unknown way of spreading people."))
    with transaction.atomic():
        acting(actor_id, workshop_id, "workshop.steer")
        rooms = list(Breakout.objects.select_for_update().open().filter(workshop_id=workshop_id))
        if not rooms:
            raise Forbidden(_("There is no open breakout."))
        members = {room.pk: list(room.members.active()) for room in rooms}
        waiting = (
            Participant.objects.active()
            .select_for_update(of=("self",))
            .filter(workshop_id=workshop_id, role=Participant.Role.PARTICIPANT, breakout=None)
            .order_by("joined_at", "pk")
        )
        placed = 0
        for person in waiting:
            room = _best_room(person, rooms, members, by)
            if room is None:
                break
            members[room.pk].append(person)
            _place(person, room)
            placed += 1
        return placed


def _best_room(person, rooms, members, by):
    free = [r for r in rooms if r.capacity is None or len(members[r.pk]) < r.capacity]
    if by == "preference" and person.preferred_challenge_id:
        free = [r for r in free if r.challenge_id == person.preferred_challenge_id] or free
    if by == "language" and person.language:

        def speakers(room):
            return -sum(1 for m in members[room.pk] if m.language == person.language)

        return min(free, key=lambda r: (speakers(r), len(members[r.pk]), r.position), default=None)
    return min(free, key=lambda r: (len(members[r.pk]), r.position), default=None)


def participant_remove(*, actor_id: int, participant_id: int) -> None:
    """Take someone out of the workshop: their open pages close at once."""
    with transaction.atomic():
        target = Participant.objects.select_for_update().filter(pk=participant_id).first()
        if target is None:
            raise NotFound(_("This person is not in the workshop."))
        acting(actor_id, target.workshop_id, "participant.remove")
        if target.pk == actor_id:
            raise Forbidden(_("You cannot remove yourself."))
        if target.removed_at is not None:
            return
        target.removed_at = timezone.now()
        target.save(update_fields=["removed_at"])
        access_changed([target.pk])
        control_rows(target.workshop_id, [target.breakout_id])


# The facilitation team ---------------------------------------------------------------------


def team_add(*, actor_id: int, workshop_id: int, username: str, team_role: str) -> Participant:
    """Give someone with an account a role in the team of this workshop."""
    if team_role not in Participant.Team.values:
        raise Invalid(_("Unknown role."))
    with transaction.atomic():
        acting(actor_id, workshop_id, "team.manage")
        users = get_user_model().objects.filter(is_active=True)
        user = (users.filter(username=username) or users.filter(email__iexact=username)).first()
        if user is None:
            raise NotFound(_("No account has this username or email."))
        member, created = Participant.objects.get_or_create(
            workshop_id=workshop_id,
            user=user,
            defaults={
                "display_name": user.get_full_name() or user.get_username(),
                "role": Participant.Role.FACILITATOR,
                "team_role": team_role,
            },
        )
        if not created:
            member.role = Participant.Role.FACILITATOR
            member.team_role, member.removed_at = team_role, None
            member.save(update_fields=["role", "team_role", "removed_at"])
            access_changed([member.pk])
        return member


def team_update(*, actor_id: int, member_id: int, team_role: str, hosted: list[Breakout]) -> None:
    if team_role not in Participant.Team.values:
        raise Invalid(_("Unknown role."))
    with transaction.atomic():
        member = (
            Participant.objects.select_for_update()
            .filter(pk=member_id, role=Participant.Role.FACILITATOR)
            .first()
        )
        if member is None:
            raise NotFound(_("This person is not in the team."))
        acting(actor_id, member.workshop_id, "team.manage")
        if member.pk == actor_id and team_role != Participant.Team.LEAD:
            raise Forbidden(_("Another lead must change your own role."))
        for breakout in hosted:
            in_workshop(breakout, member.workshop_id)
        member.team_role = team_role
        member.save(update_fields=["team_role"])
        member.hosted_breakouts.set(hosted)
        access_changed([member.pk])


# Registration for registration-only segments -------------------------------------------------


def registration_set(*, participant_id: int, segment_id: int, registered: bool) -> None:
    with transaction.atomic():
        segment = AgendaSegment.objects.filter(pk=segment_id, registration_required=True).first()
        if segment is None:
            raise NotFound(_("This part of the agenda takes no registration."))
        person = acting(participant_id, segment.workshop_id, "segment.register")
        if registered:
            Registration.objects.get_or_create(participant=person, segment=segment)
        else:
            Registration.objects.filter(participant=person, segment=segment).delete()


# Presence: open sockets, not part of any board's log -------------------------------------------


def presence_enter(*, channel_name: str, participant_id: int, breakout_id: int | None) -> None:
    Presence.objects.update_or_create(
        channel_name=channel_name,
        defaults={
            "participant_id": participant_id,
            "breakout_id": breakout_id,
            "seen_at": timezone.now(),
        },
    )


def presence_leave(*, channel_name: str) -> None:
    Presence.objects.filter(channel_name=channel_name).delete()


def presence_touch(*, channel_names: list[str]) -> None:
    Presence.objects.filter(channel_name__in=channel_names).update(seen_at=timezone.now())
