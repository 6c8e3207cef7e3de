"""Placing people: their choice, an even spread, pre-assignment, moves and swaps."""

import pytest

from tests.factories import breakout, make_facilitator, make_participant, make_workshop
from workshops import services
from workshops.models import Breakout, Participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    workshop = make_workshop(breakouts=3)
    return {
        "workshop": workshop,
        "rooms": list(workshop.breakouts.all()),
        "lead": make_facilitator(workshop),
    }


def move(w, person, room):
    services.participant_move(
        actor_id=w["lead"].pk, participant_id=person.pk, breakout_id=room.pk if room else None
    )
    person.refresh_from_db()


def test_a_move_changes_the_breakout(w):
    ana = make_participant(w["workshop"], w["rooms"][0], "Ana")
    move(w, ana, w["rooms"][2])
    assert ana.breakout == w["rooms"][2]
    move(w, ana, None)
    assert ana.breakout is None


def test_moving_into_a_closed_or_full_breakout_is_refused(w):
    ana = make_participant(w["workshop"], w["rooms"][0], "Ana")
    make_participant(w["workshop"], w["rooms"][1], "Bob")
    Breakout.objects.filter(pk=w["rooms"][1].pk).update(capacity=1)
    Breakout.objects.filter(pk=w["rooms"][2].pk).update(phase="closed")
    for room, message in ((w["rooms"][1], "full"), (w["rooms"][2], "closed")):
        with pytest.raises(services.Forbidden, match=message):
            move(w, ana, room)
        ana.refresh_from_db()
        assert ana.breakout == w["rooms"][0]


def test_moving_into_another_workshops_breakout_is_refused(w):
    ana = make_participant(w["workshop"], w["rooms"][0], "Ana")
    with pytest.raises(services.NotFound):
        move(w, ana, breakout(make_workshop("Other")))
    ana.refresh_from_db()
    assert ana.breakout == w["rooms"][0]


def test_a_participant_cannot_move_anyone(w):
    ana = make_participant(w["workshop"], w["rooms"][0], "Ana")
    bob = make_participant(w["workshop"], w["rooms"][0], "Bob")
    with pytest.raises(services.Forbidden):
        services.participant_move(
            actor_id=ana.pk, participant_id=bob.pk, breakout_id=w["rooms"][1].pk
        )
    bob.refresh_from_db()
    assert bob.breakout == w["rooms"][0]


def test_two_people_swap_breakouts(w):
    ana = make_participant(w["workshop"], w["rooms"][0], "Ana")
    bob = make_participant(w["workshop"], w["rooms"][1], "Bob")
    services.participants_swap(actor_id=w["lead"].pk, first_id=ana.pk, second_id=bob.pk)
    ana.refresh_from_db()
    bob.refresh_from_db()
    assert (ana.breakout, bob.breakout) == (w["rooms"][1], w["rooms"][0])


def test_swapping_into_a_closed_breakout_is_refused(w):
    ana = make_participant(w["workshop"], w["rooms"][0], "Ana")
    bob = make_participant(w["workshop"], w["rooms"][1], "Bob")
    Breakout.objects.filter(pk=w["rooms"][1].pk).update(phase="closed")
    with pytest.raises(services.Forbidden):
        services.participants_swap(actor_id=w["lead"].pk, first_id=ana.pk, second_id=bob.pk)
    ana.refresh_from_db()
    assert ana.breakout == w["rooms"][0]


def test_spreading_fills_breakouts_evenly_within_capacity(w):
    Breakout.objects.filter(pk=w["rooms"][0].pk).update(capacity=2)
    for number in range(9):
        make_participant(w["workshop"], None, f"P{number}")
    placed = services.participants_spread(actor_id=w["lead"].pk, workshop_id=w["workshop"].pk)
    sizes = [Participant.objects.filter(breakout=room).count() for room in w["rooms"]]
    assert placed == 9
    assert sizes == [2, 4, 3] or sizes == [2, 3, 4]


def test_spreading_by_preference_and_by_language(w):
    _first, second, third = w["rooms"]
    ana = make_participant(w["workshop"], None, "Ana")
    ana.preferred_challenge = third.challenge
    ana.save()
    services.participants_spread(
        actor_id=w["lead"].pk, workshop_id=w["workshop"].pk, by="preference"
    )
    ana.refresh_from_db()
    assert ana.breakout == third

    Participant.objects.filter(pk=make_participant(w["workshop"], second, "Élise").pk).update(
        language="fr"
    )
    marc = make_participant(w["workshop"], None, "Marc")
    marc.language = "fr"
    marc.save()
    services.participants_spread(actor_id=w["lead"].pk, workshop_id=w["workshop"].pk, by="language")
    marc.refresh_from_db()
    assert marc.breakout == second


def test_a_personal_invitation_places_its_person(w):
    services.invites_create_personal(
        actor_id=w["lead"].pk,
        workshop_id=w["workshop"].pk,
        people=[
            {"name": "Ana", "email": "ana@example.org", "breakout": w["rooms"][2], "language": "es"}
        ],
    )
    invite = w["workshop"].invites.get()
    token = "unused"
    invite.token_hash = invite.hash_token(token)
    invite.save()
    ana = services.participant_join(token=token, display_name="Ana", breakout_id=w["rooms"][0].pk)
    assert (ana.breakout, ana.language, ana.email) == (w["rooms"][2], "es", "ana@example.org")
    again = services.participant_join(token=token, display_name="Someone else")
    assert again == ana
    assert Participant.objects.filter(role="participant").count() == 1
