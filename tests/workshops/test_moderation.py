"""Hidden cards disappear for participants and stay on record; anonymity is switched
per workshop."""

import uuid

import pytest
from django.urls import reverse

from tests.factories import (
    breakout,
    logged_in_client,
    make_facilitator,
    make_participant,
    make_workshop,
    post_card,
)
from workshops import services
from workshops.models import BoardEvent, Card

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    workshop = make_workshop()
    room = breakout(workshop)
    ana = make_participant(workshop, room, "Ana")
    post_card(ana, room, "Rude remark")
    return {
        "workshop": workshop,
        "room": room,
        "ana": ana,
        "lead": make_facilitator(workshop),
        "card": Card.objects.get(),
    }


def hide(w, actor, hidden=True, card=None):
    return services.card_set_hidden(
        participant_id=actor.pk,
        breakout_id=w["room"].pk,
        card_id=(card or w["card"]).pk,
        hidden=hidden,
        op_id=uuid.uuid4(),
    )


def test_a_hidden_card_is_gone_for_participants_and_kept_for_the_record(w):
    hide(w, w["lead"])
    url = reverse("workshops:board", args=[w["workshop"].pk, w["room"].pk])
    assert "Rude remark" not in logged_in_client(w["ana"]).get(url).content.decode()
    facilitator_page = logged_in_client(w["lead"]).get(url).content.decode()
    assert "Rude remark" in facilitator_page
    assert "Hidden from participants" in facilitator_page
    assert Card.objects.get().hidden_at is not None
    hide(w, w["lead"], hidden=False)
    assert "Rude remark" in logged_in_client(w["ana"]).get(url).content.decode()
    assert [e.type for e in BoardEvent.objects.order_by("seq")] == [
        "card.created",
        "card.hidden",
        "card.restored",
    ]


def test_participants_cannot_hide_cards(w):
    with pytest.raises(services.Forbidden):
        hide(w, w["ana"])
    assert Card.objects.get().hidden_at is None


def test_a_card_of_another_board_is_not_found(w):
    other_workshop = make_workshop("Other")
    other_room = breakout(other_workshop)
    post_card(make_participant(other_workshop, other_room), other_room, "Elsewhere")
    with pytest.raises(services.NotFound):
        hide(w, w["lead"], card=Card.objects.get(text="Elsewhere"))
    assert Card.objects.get(text="Elsewhere").hidden_at is None


def test_anonymous_posting_can_be_switched_on_and_off(w):
    with pytest.raises(services.Forbidden):
        post_card(w["ana"], w["room"], anonymous=True)
    services.workshop_set_anonymous(
        actor_id=w["lead"].pk, workshop_id=w["workshop"].pk, allowed=True
    )
    post_card(w["ana"], w["room"], "Quietly", anonymous=True)
    assert Card.objects.get(text="Quietly").author is None
    changes = BoardEvent.objects.filter(type="settings.changed", breakout=w["room"])
    assert [e.payload for e in changes] == [{"allow_anonymous": True}]
