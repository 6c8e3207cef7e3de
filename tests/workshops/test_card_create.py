"""Posting a card: stored once, logged with a gapless seq, refused cleanly when wrong."""

import uuid

import pytest

from tests.factories import breakout, make_facilitator, make_participant, make_workshop, post_card
from workshops import services
from workshops.models import BoardEvent, Card

pytestmark = pytest.mark.django_db


@pytest.fixture
def room():
    return breakout(make_workshop())


@pytest.fixture
def ana(room):
    return make_participant(room.workshop, room, "Ana")


def nothing_stored():
    return Card.objects.count() == 0 and BoardEvent.objects.count() == 0


def test_a_card_is_stored_with_its_event(room, ana):
    ack = post_card(ana, room, "Green roofs on bus shelters", kind="difficulty")
    card = Card.objects.get()
    assert (card.text, card.kind, card.author, card.breakout) == (
        "Green roofs on bus shelters",
        "difficulty",
        ana,
        room,
    )
    event = BoardEvent.objects.get()
    assert (event.seq, event.type, event.op_id) == (ack.seq, "card.created", ack.op_id)
    assert event.payload["card"]["text"] == "Green roofs on bus shelters"
    assert event.payload["card"]["author"] == "Ana"
    room.refresh_from_db()
    assert room.seq == 1


def test_seq_is_gapless_per_breakout(room, ana):
    other = breakout(room.workshop, 2)
    bob = make_participant(room.workshop, other, "Bob")
    seqs = [post_card(ana, room).seq for _ in range(3)]
    assert seqs == [1, 2, 3]
    assert post_card(bob, other).seq == 1


def test_text_is_stripped(room, ana):
    post_card(ana, room, "  spaced  \n")
    assert Card.objects.get().text == "spaced"


@pytest.mark.parametrize("text", ["", "   \n  ", "x" * 1001])
def test_empty_or_too_long_text_is_refused(room, ana, text):
    with pytest.raises(services.Invalid):
        post_card(ana, room, text)
    assert nothing_stored()


def test_1000_characters_are_accepted(room, ana):
    post_card(ana, room, "é" * 1000)
    assert len(Card.objects.get().text) == 1000


def test_an_unknown_kind_is_refused(room, ana):
    with pytest.raises(services.Invalid):
        post_card(ana, room, kind="idea")
    assert nothing_stored()


def test_a_participant_cannot_post_in_another_breakout(room, ana):
    other = breakout(room.workshop, 2)
    with pytest.raises(services.Forbidden):
        post_card(ana, other)
    assert nothing_stored()


def test_a_breakout_of_another_workshop_is_refused(room, ana):
    elsewhere = breakout(make_workshop("Other"))
    with pytest.raises(services.Forbidden):
        post_card(ana, elsewhere)
    assert nothing_stored()


def test_an_unknown_breakout_is_refused(room, ana):
    room_id = room.pk
    with pytest.raises(services.NotFound):
        services.card_create(
            participant_id=ana.pk,
            breakout_id=room_id + 1000,
            kind="practice",
            text="x",
            op_id=uuid.uuid4(),
        )
    assert nothing_stored()


def test_a_removed_participant_cannot_post(room, ana):
    from django.utils import timezone

    ana.removed_at = timezone.now()
    ana.save()
    with pytest.raises(services.Forbidden):
        post_card(ana, room)
    assert nothing_stored()


def test_a_facilitator_can_post_in_any_breakout(room):
    facilitator = make_facilitator(room.workshop)
    post_card(facilitator, breakout(room.workshop, 2))
    assert Card.objects.count() == 1


def test_resending_an_op_stores_one_card_and_returns_the_same_ack(room, ana):
    op_id = uuid.uuid4()
    first = post_card(ana, room, "Once", op_id=op_id)
    again = post_card(ana, room, "Once", op_id=op_id)
    assert first == again
    assert Card.objects.count() == 1


def test_the_same_op_id_with_other_content_is_a_conflict(room, ana):
    op_id = uuid.uuid4()
    post_card(ana, room, "Once", op_id=op_id)
    with pytest.raises(services.Conflict):
        post_card(ana, room, "Something else", op_id=op_id)
    assert Card.objects.count() == 1


def test_anonymous_cards_need_the_workshop_to_allow_them(room, ana):
    with pytest.raises(services.Forbidden):
        post_card(ana, room, anonymous=True)
    assert nothing_stored()


def test_an_anonymous_card_keeps_no_author(ana):
    workshop = make_workshop("Safe", allow_anonymous=True)
    room = breakout(workshop)
    bea = make_participant(workshop, room, "Bea")
    post_card(bea, room, "Quiet truth", anonymous=True)
    card = Card.objects.get()
    assert card.author is None
    assert BoardEvent.objects.get().payload["card"]["author"] is None
