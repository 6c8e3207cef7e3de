"""Phases, timers, messages, help and plenary: what facilitators steer, and who may."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import breakout, make_facilitator, make_participant, make_workshop, post_card
from workshops import queries, services
from workshops.models import BoardEvent, Breakout, HelpRequest, Message, Participant, Workshop

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    workshop = make_workshop(breakouts=3)
    rooms = list(workshop.breakouts.all())
    return {
        "workshop": workshop,
        "rooms": rooms,
        "lead": make_facilitator(workshop, "lead"),
        "ana": make_participant(workshop, rooms[0], "Ana"),
    }


def events_of(room, name):
    return list(BoardEvent.objects.filter(breakout=room, type=name))


# Phases ---------------------------------------------------------------------------


def test_a_phase_change_for_all_reaches_every_board(w):
    services.breakouts_set_phase(
        actor_id=w["lead"].pk, workshop_id=w["workshop"].pk, phase="cluster"
    )
    for room in w["rooms"]:
        room.refresh_from_db()
        assert room.phase == "cluster"
        assert events_of(room, "phase.changed")[0].payload == {"phase": "cluster"}


def test_a_locked_board_refuses_cards_with_a_clear_message(w):
    room = w["rooms"][0]
    services.breakouts_set_phase(
        actor_id=w["lead"].pk, workshop_id=w["workshop"].pk, phase="vote", breakout_id=room.pk
    )
    with pytest.raises(services.Forbidden, match="Posting is closed"):
        post_card(w["ana"], room)
    services.breakouts_set_phase(
        actor_id=w["lead"].pk, workshop_id=w["workshop"].pk, phase="closed", breakout_id=room.pk
    )
    with pytest.raises(services.Forbidden, match="closed"):
        post_card(w["lead"], room)
    assert room.cards.count() == 0


def test_participants_cannot_steer(w):
    ana, workshop = w["ana"], w["workshop"]
    attempts = [
        lambda: services.breakouts_set_phase(
            actor_id=ana.pk, workshop_id=workshop.pk, phase="closed"
        ),
        lambda: services.timer_command(
            actor_id=ana.pk, workshop_id=workshop.pk, command="start", minutes=5
        ),
        lambda: services.message_send(actor_id=ana.pk, workshop_id=workshop.pk, text="hi"),
        lambda: services.workshop_set_mode(
            actor_id=ana.pk, workshop_id=workshop.pk, mode="plenary"
        ),
        lambda: services.workshop_set_anonymous(
            actor_id=ana.pk, workshop_id=workshop.pk, allowed=True
        ),
        lambda: services.participants_spread(actor_id=ana.pk, workshop_id=workshop.pk),
    ]
    for attempt in attempts:
        with pytest.raises(services.Forbidden):
            attempt()
    assert BoardEvent.objects.count() == 0
    assert Message.objects.count() == 0
    assert Workshop.objects.get().mode == "breakouts"


def test_an_unknown_phase_changes_nothing(w):
    with pytest.raises(services.Invalid):
        services.breakouts_set_phase(
            actor_id=w["lead"].pk, workshop_id=w["workshop"].pk, phase="party"
        )
    assert set(Breakout.objects.values_list("phase", flat=True)) == {"collect"}


def test_another_workshops_breakout_is_refused(w):
    elsewhere = breakout(make_workshop("Other"))
    with pytest.raises(services.NotFound):
        services.breakouts_set_phase(
            actor_id=w["lead"].pk,
            workshop_id=w["workshop"].pk,
            phase="closed",
            breakout_id=elsewhere.pk,
        )
    elsewhere.refresh_from_db()
    assert elsewhere.phase == "collect"


# Timers ---------------------------------------------------------------------------


def timer(w, command, minutes=0, action="", room=None):
    services.timer_command(
        actor_id=w["lead"].pk,
        workshop_id=w["workshop"].pk,
        command=command,
        minutes=minutes,
        action=action,
        breakout_id=room.pk if room else None,
    )


def test_a_timer_is_a_deadline_that_pauses_resumes_and_extends(w):
    room = w["rooms"][0]
    before = timezone.now()
    timer(w, "start", 10, room=room)
    room.refresh_from_db()
    assert (
        before + timedelta(minutes=10)
        <= room.timer_ends_at
        <= timezone.now() + timedelta(minutes=10)
    )
    timer(w, "pause", room=room)
    room.refresh_from_db()
    assert room.timer_ends_at is None
    assert 595 <= room.timer_paused_seconds <= 600
    timer(w, "extend", 2, room=room)
    room.refresh_from_db()
    assert 715 <= room.timer_paused_seconds <= 720
    timer(w, "resume", room=room)
    room.refresh_from_db()
    assert room.timer_paused_seconds is None
    assert room.timer_ends_at > timezone.now() + timedelta(minutes=11)
    timer(w, "stop", room=room)
    room.refresh_from_db()
    assert (room.timer_ends_at, room.timer_paused_seconds) == (None, None)
    changes = events_of(room, "timer.changed")
    assert len(changes) == 5
    assert changes[0].payload["ends_at"] is not None


def test_a_timer_for_all_starts_everywhere(w):
    timer(w, "start", 5)
    assert all(room.timer_ends_at for room in Breakout.objects.all())


@pytest.mark.parametrize("minutes", [0, -5, 601])
def test_impossible_durations_are_refused(w, minutes):
    with pytest.raises(services.Invalid):
        timer(w, "start", minutes)
    assert not Breakout.objects.filter(timer_ends_at__isnull=False).exists()


def test_a_timer_ending_closes_its_breakout_once(w):
    room = w["rooms"][0]
    timer(w, "start", 1, action="close", room=room)
    Breakout.objects.filter(pk=room.pk).update(timer_ends_at=timezone.now() - timedelta(seconds=1))
    services.timers_expire()
    services.timers_expire()
    room.refresh_from_db()
    assert room.phase == "closed"
    assert room.timer_action == ""
    assert len(events_of(room, "phase.changed")) == 1


def test_a_timer_ending_can_return_everyone_to_plenary(w):
    timer(w, "start", 1, action="plenary")
    Breakout.objects.update(timer_ends_at=timezone.now() - timedelta(seconds=1))
    services.timers_expire()
    assert Workshop.objects.get().mode == "plenary"


# Messages, help, plenary --------------------------------------------------------------


def test_a_message_to_all_reaches_every_board_and_one_only_its_board(w):
    services.message_send(
        actor_id=w["lead"].pk, workshop_id=w["workshop"].pk, text="Five minutes left"
    )
    first, second = w["rooms"][:2]
    services.message_send(
        actor_id=w["lead"].pk,
        workshop_id=w["workshop"].pk,
        text="Room 2 only",
        breakout_id=second.pk,
    )
    assert [e.payload["message"]["text"] for e in events_of(first, "message.posted")] == [
        "Five minutes left"
    ]
    assert [e.payload["message"]["text"] for e in events_of(second, "message.posted")] == [
        "Five minutes left",
        "Room 2 only",
    ]


@pytest.mark.parametrize("text", ["", "   ", "x" * 1001])
def test_an_empty_or_huge_message_is_refused(w, text):
    with pytest.raises(services.Invalid):
        services.message_send(actor_id=w["lead"].pk, workshop_id=w["workshop"].pk, text=text)
    assert Message.objects.count() == 0


def test_a_raised_hand_waits_until_handled(w):
    ana = w["ana"]
    for _ in range(2):
        services.help_request(participant_id=ana.pk, workshop_id=w["workshop"].pk, kind="hand")
    request = HelpRequest.objects.get()
    status = queries.control_room(w["workshop"], breakout_ids=[ana.breakout_id])[0]
    assert status.help_requests == [request]
    with pytest.raises(services.Forbidden):
        services.help_handle(actor_id=ana.pk, request_id=request.pk)
    services.help_handle(actor_id=w["lead"].pk, request_id=request.pk)
    assert (
        queries.control_room(w["workshop"], breakout_ids=[ana.breakout_id])[0].help_requests == []
    )


def test_return_to_plenary_keeps_the_boards(w):
    post_card(w["ana"], w["rooms"][0], "Kept")
    services.workshop_set_mode(actor_id=w["lead"].pk, workshop_id=w["workshop"].pk, mode="plenary")
    assert Workshop.objects.get().mode == "plenary"
    assert w["rooms"][0].cards.get().text == "Kept"
    assert Participant.objects.get(pk=w["ana"].pk).breakout == w["rooms"][0]


# Co-facilitators --------------------------------------------------------------------


def test_a_host_steers_only_their_breakouts(w):
    host = make_facilitator(w["workshop"], "host", team_role=Participant.Team.HOST)
    first, second = w["rooms"][:2]
    first.hosts.add(host)
    services.breakouts_set_phase(
        actor_id=host.pk, workshop_id=w["workshop"].pk, phase="cluster", breakout_id=first.pk
    )
    with pytest.raises(services.Forbidden):
        services.breakouts_set_phase(
            actor_id=host.pk, workshop_id=w["workshop"].pk, phase="cluster", breakout_id=second.pk
        )
    with pytest.raises(services.Forbidden):
        services.breakouts_set_phase(actor_id=host.pk, workshop_id=w["workshop"].pk, phase="closed")
    assert list(Breakout.objects.values_list("phase", flat=True)) == [
        "cluster",
        "collect",
        "collect",
    ]


def test_observers_and_rapporteurs_do_not_steer(w):
    for role in (Participant.Team.OBSERVER, Participant.Team.RAPPORTEUR):
        member = make_facilitator(w["workshop"], role, team_role=role)
        with pytest.raises(services.Forbidden):
            services.breakouts_set_phase(
                actor_id=member.pk,
                workshop_id=w["workshop"].pk,
                phase="closed",
                breakout_id=w["rooms"][0].pk,
            )


def test_the_lead_adds_a_co_facilitator_and_sets_hosted_breakouts(w):
    other = make_facilitator(make_workshop("Other"), "maria")
    member = services.team_add(
        actor_id=w["lead"].pk, workshop_id=w["workshop"].pk, username="maria", team_role="host"
    )
    assert (member.role, member.team_role, member.user) == ("facilitator", "host", other.user)
    services.team_update(
        actor_id=w["lead"].pk, member_id=member.pk, team_role="host", hosted=[w["rooms"][2]]
    )
    assert list(member.hosted_breakouts.all()) == [w["rooms"][2]]
    with pytest.raises(services.NotFound):
        services.team_add(
            actor_id=w["lead"].pk, workshop_id=w["workshop"].pk, username="nobody", team_role="host"
        )
    with pytest.raises(services.Forbidden):
        services.team_update(
            actor_id=w["lead"].pk, member_id=w["lead"].pk, team_role="observer", hosted=[]
        )
