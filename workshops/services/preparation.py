"""Preparing a workshop: its details, agenda, challenges and breakouts."""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from workshops.errors import Forbidden, Invalid, NotFound
from workshops.models import AgendaSegment, Breakout, Card, Challenge, Participant, Workshop

from .board import acting, in_workshop, locked_breakout
from .steering import workshop_set_anonymous


def workshop_create(*, user, **fields) -> Workshop:
    """A new workshop, led by the person who creates it."""
    with transaction.atomic():
        workshop = Workshop.objects.create(**fields)
        Participant.objects.create(
            workshop=workshop,
            user=user,
            display_name=user.get_full_name() or user.get_username(),
            role=Participant.Role.FACILITATOR,
            team_role=Participant.Team.LEAD,
        )
        return workshop


def workshop_update(*, actor_id: int, workshop_id: int, **fields) -> None:
    with transaction.atomic():
        workshop = Workshop.objects.select_for_update().get(pk=workshop_id)
        acting(actor_id, workshop.pk, "workshop.prepare")
        anonymous = fields.pop("allow_anonymous", workshop.allow_anonymous)
        for name, value in fields.items():
            setattr(workshop, name, value)
        workshop.save()
        workshop_set_anonymous(actor_id=actor_id, workshop_id=workshop_id, allowed=anonymous)


def _preparing(actor_id: int, workshop_id: int) -> None:
    """Lock the workshop while its plan changes, for the lead only."""
    Workshop.objects.select_for_update().get(pk=workshop_id)
    acting(actor_id, workshop_id, "workshop.prepare")


def segment_save(*, actor_id: int, workshop_id: int, segment_id: int | None = None, **fields):
    """Add or change an agenda segment; segments may not overlap."""
    if fields["duration_minutes"] < 1:
        raise Invalid(_("A segment lasts at least one minute."))
    with transaction.atomic():
        _preparing(actor_id, workshop_id)
        segment = AgendaSegment(workshop_id=workshop_id)
        if segment_id is not None:
            segment = _segment(workshop_id, segment_id)
        for name, value in fields.items():
            setattr(segment, name, value)
        for other in AgendaSegment.objects.filter(workshop_id=workshop_id).exclude(pk=segment.pk):
            if segment.starts_at < other.ends_at and other.starts_at < segment.ends_at:
                raise Invalid(_("This segment overlaps “%(title)s”.") % {"title": other.title})
        segment.save()
        return segment


def _segment(workshop_id: int, segment_id: int) -> AgendaSegment:
    segment = AgendaSegment.objects.filter(pk=segment_id, workshop_id=workshop_id).first()
    if segment is None:
        raise NotFound(_("This segment does not exist."))
    return segment


def segment_delete(*, actor_id: int, workshop_id: int, segment_id: int) -> None:
    with transaction.atomic():
        _preparing(actor_id, workshop_id)
        _segment(workshop_id, segment_id).delete()


def challenge_save(*, actor_id: int, workshop_id: int, challenge_id: int | None = None, **fields):
    with transaction.atomic():
        _preparing(actor_id, workshop_id)
        if challenge_id is None:
            last = Challenge.objects.filter(workshop_id=workshop_id).aggregate(n=Max("position"))
            challenge = Challenge(workshop_id=workshop_id, position=(last["n"] or 0) + 1)
        else:
            challenge = _challenge(workshop_id, challenge_id)
        for name, value in fields.items():
            setattr(challenge, name, value)
        challenge.save()
        return challenge


def _challenge(workshop_id: int, challenge_id: int) -> Challenge:
    challenge = Challenge.objects.filter(pk=challenge_id, workshop_id=workshop_id).first()
    if challenge is None:
        raise NotFound(_("This challenge does not exist."))
    return challenge


def challenge_delete(*, actor_id: int, workshop_id: int, challenge_id: int) -> None:
    with transaction.atomic():
        _preparing(actor_id, workshop_id)
        challenge = _challenge(workshop_id, challenge_id)
        if Card.objects.filter(breakout__challenge=challenge).exists():
            raise Forbidden(_("Its breakouts already have cards: it is kept for the record."))
        challenge.delete()


def breakout_save(*, actor_id: int, workshop_id: int, breakout_id: int | None = None, **fields):
    challenge = fields["challenge"]
    if challenge.workshop_id != workshop_id:
        raise NotFound(_("This challenge does not exist."))
    with transaction.atomic():
        _preparing(actor_id, workshop_id)
        if breakout_id is None:
            last = Breakout.objects.filter(workshop_id=workshop_id).aggregate(n=Max("position"))
            breakout = Breakout(workshop_id=workshop_id, position=(last["n"] or 0) + 1)
        else:
            breakout = in_workshop(locked_breakout(breakout_id), workshop_id)
            used = breakout.cards.exists() or breakout.scenarios.exists()
            if fields.get("kind", breakout.kind) != breakout.kind and used:
                raise Forbidden(_("This board already has cards or scenarios: its kind stays."))
        for name, value in fields.items():
            setattr(breakout, name, value)
        breakout.save()
        return breakout


def breakout_delete(*, actor_id: int, workshop_id: int, breakout_id: int) -> None:
    with transaction.atomic():
        _preparing(actor_id, workshop_id)
        breakout = in_workshop(locked_breakout(breakout_id), workshop_id)
        if breakout.cards.exists() or breakout.members.active().exists():
            raise Forbidden(_("This breakout has people or cards: close it instead."))
        breakout.delete()


def workshop_duplicate(*, actor_id: int, workshop_id: int, title: str, starts_at) -> Workshop:
    """A new workshop from this one as a template: details, agenda (moved to the new
    date), challenges and breakouts; no people, cards or invitations."""
    with transaction.atomic():
        actor = acting(actor_id, workshop_id, "workshop.prepare")
        source = Workshop.objects.get(pk=workshop_id)
        shift = starts_at - source.starts_at
        copy = workshop_create(
            user=actor.user,
            title=title,
            background=source.background,
            timezone=source.timezone,
            starts_at=starts_at,
            ends_at=source.ends_at + shift,
            allow_anonymous=source.allow_anonymous,
        )
        for segment in source.segments.all():
            segment.pk, segment.workshop = None, copy
            segment.starts_at += shift
            segment.save()
        challenges = {}
        for challenge in source.challenges.all():
            old_pk = challenge.pk
            challenge.pk, challenge.workshop = None, copy
            challenge.save()
            challenges[old_pk] = challenge
        for breakout in source.breakouts.all():
            Breakout.objects.create(
                workshop=copy,
                challenge=challenges[breakout.challenge_id],
                name=breakout.name,
                position=breakout.position,
                capacity=breakout.capacity,
            )
        return copy
