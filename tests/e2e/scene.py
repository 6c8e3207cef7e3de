"""A board in full swing, for the accessibility and phone tests: cards of both kinds,
a cluster with key points, a hidden card, votes open and shown, a message and a timer."""

import uuid
from dataclasses import dataclass

from tests.factories import make_facilitator, make_participant, make_workshop, session_cookie
from workshops import services
from workshops.models import Breakout, Participant, Workshop


@dataclass
class Scene:
    workshop: Workshop
    room: Breakout
    token: str
    lead_id: int

    def page_as(self, browser, base: str, name: str | None, **options):
        """A page whose session is that of a participant of the board called `name`
        (joined earlier), or of the lead facilitator (None)."""
        person = (
            Participant.objects.get(pk=self.lead_id)
            if name is None
            else make_participant(self.workshop, self.room, name)
        )
        context = browser.new_context(**options)
        context.add_cookies([{"name": "sessionid", "value": session_cookie(person), "url": base}])
        return context.new_page()

    def path(self, page: str = "") -> str:
        return f"/w/{self.workshop.pk}/{page}"

    @property
    def board_path(self) -> str:
        return self.path(f"b/{self.room.pk}/")


def _op():
    return uuid.uuid4()


def busy_board() -> Scene:
    workshop = make_workshop("Green infrastructure", breakouts=2)
    lead = make_facilitator(workshop, "lead")
    token = services.invite_create(workshop=workshop, label="Workshop link")
    room = workshop.breakouts.get(position=1)
    bea = make_participant(workshop, room, "Bea")

    def card(kind, text):
        services.card_create(
            participant_id=bea.pk, breakout_id=room.pk, kind=kind, text=text, op_id=_op()
        )
        return room.cards.latest("pk").pk

    first = card("practice", "Sponge parks that store rain under the playground")
    card("difficulty", "Utility cables block the tree pits on old streets")
    hidden = card("difficulty", "Off-topic remark")
    card("practice", "Neighbours adopt a tree and water it in summer")
    services.cluster_create(
        participant_id=lead.pk, breakout_id=room.pk, card_ids=[first], title="Water", op_id=_op()
    )
    cluster = room.clusters.get()
    services.summary_write(
        participant_id=lead.pk,
        breakout_id=room.pk,
        cluster_id=cluster.pk,
        text="Store the rain where it falls.",
        version=0,
        op_id=_op(),
    )
    services.card_set_hidden(
        participant_id=lead.pk, breakout_id=room.pk, card_id=hidden, hidden=True, op_id=_op()
    )
    services.board_settings(actor_id=lead.pk, breakout_id=room.pk, votes_visible=True)
    services.breakouts_set_phase(
        actor_id=lead.pk, workshop_id=workshop.pk, phase="vote", breakout_id=room.pk
    )
    services.vote(
        participant_id=bea.pk,
        breakout_id=room.pk,
        target="cluster",
        target_id=cluster.pk,
        add=True,
        op_id=_op(),
    )
    services.message_send(actor_id=lead.pk, workshop_id=workshop.pk, text="Ten minutes left.")
    services.timer_command(
        actor_id=lead.pk, workshop_id=workshop.pk, command="start", minutes=10, action=""
    )
    return Scene(workshop=workshop, room=room, token=token, lead_id=lead.pk)
