"""A workshop after a short real session, made through the services as people would:
two challenges, cards in and out of clusters, votes on cards and on clusters, a
breakout summary and key points, a recommendation with its sources, an anonymous card
and a hidden one. The export tests read it in every format."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from tests.factories import make_facilitator, make_participant
from workshops import services
from workshops.models import AgendaSegment, Breakout, Card, Challenge, Cluster, Workshop

HIDDEN = "Off-topic advert for a cleaning company"
ANONYMOUS = "Our mayor quietly blocks every green roof"
NOT_VOTED_ON = "Schoolyards open to the neighbourhood"


@dataclass
class Session:
    workshop: Workshop
    rooms: list[Breakout]
    lead: object
    ana: object
    bob: object
    water: Cluster
    money: Cluster


def a_real_session() -> Session:
    workshop = Workshop.objects.create(
        title="Green infrastructure: workshop for City Managers",
        background="How can metropolitan areas optimise green infrastructure?",
        audience="City managers of member cities",
        starts_at=datetime(2020, 11, 18, 14, tzinfo=UTC),
        ends_at=datetime(2020, 11, 18, 16, tzinfo=UTC),
        timezone="Europe/Paris",
        language="en",
        languages=["fr", "es"],
        allow_anonymous=True,
    )
    rooms = []
    for position, (title, question) in enumerate(
        [
            ("Existing infrastructure", "How to fit green infrastructure in dense areas?"),
            ("Metropolitan governance", "How to coordinate levels of government?"),
        ],
        start=1,
    ):
        challenge = Challenge.objects.create(
            workshop=workshop, position=position, title=title, question=question
        )
        rooms.append(
            Breakout.objects.create(
                workshop=workshop, challenge=challenge, position=position, name=f"Room {position}"
            )
        )
    AgendaSegment.objects.create(
        workshop=workshop,
        kind="plenary",
        title="Welcome",
        starts_at=datetime(2020, 11, 18, 14, tzinfo=UTC),
        duration_minutes=15,
    )
    lead = make_facilitator(workshop, "lead")
    ana = make_participant(workshop, rooms[0], "Ana")
    bob = make_participant(workshop, rooms[0], "Bob")
    cyd = make_participant(workshop, rooms[1], "Cyd")

    def post(person, room, text, kind="practice", **extra):
        services.card_create(
            participant_id=person.pk,
            breakout_id=room.pk,
            kind=kind,
            text=text,
            op_id=uuid.uuid4(),
            **extra,
        )
        return Card.objects.get(text=text)

    rain = post(ana, rooms[0], "Rain gardens in schoolyards")
    roofs = post(bob, rooms[0], "No budget to maintain green roofs", "difficulty")
    post(ana, rooms[0], NOT_VOTED_ON)
    post(bob, rooms[0], ANONYMOUS, "difficulty", anonymous=True)
    hidden = post(bob, rooms[0], HIDDEN)
    post(cyd, rooms[1], "A metropolitan green belt plan", "practice")
    services.card_set_hidden(
        participant_id=lead.pk,
        breakout_id=rooms[0].pk,
        card_id=hidden.pk,
        hidden=True,
        op_id=uuid.uuid4(),
    )
    for cards, title in (([rain.pk], "Water"), ([roofs.pk], "")):
        services.cluster_create(
            participant_id=lead.pk,
            breakout_id=rooms[0].pk,
            card_ids=cards,
            title=title,
            op_id=uuid.uuid4(),
        )
    water, money = Cluster.objects.order_by("pk")
    services.summary_write(
        participant_id=lead.pk,
        breakout_id=rooms[0].pk,
        text="Schools lead the way.",
        version=0,
        op_id=uuid.uuid4(),
    )
    services.summary_write(
        participant_id=lead.pk,
        breakout_id=rooms[0].pk,
        cluster_id=water.pk,
        text="Rain gardens cool schoolyards",
        version=0,
        op_id=uuid.uuid4(),
    )
    services.breakouts_set_phase(
        actor_id=lead.pk, workshop_id=workshop.pk, phase="vote", breakout_id=rooms[0].pk
    )
    for voter, target, target_id in (
        (ana, "cluster", water.pk),
        (bob, "cluster", water.pk),
        (ana, "card", roofs.pk),
    ):
        services.vote(
            participant_id=voter.pk,
            breakout_id=rooms[0].pk,
            target=target,
            target_id=target_id,
            add=True,
            op_id=uuid.uuid4(),
        )
    services.recommendation_save(
        actor_id=lead.pk,
        workshop_id=workshop.pk,
        text="Fund rain gardens in every school",
        clusters=[water],
        cards=[roofs],
    )
    workshop.refresh_from_db()
    return Session(workshop, rooms, lead, ana, bob, water, money)
