"""Nothing slow happens while a board is locked, and reading a page writes nothing."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    breakout,
    logged_in_client,
    make_facilitator,
    make_participant,
    make_workshop,
    post_card,
)
from workshops import clustering, services
from workshops.models import Breakout, Card


@pytest.mark.django_db(transaction=True)
def test_posting_goes_on_while_clusters_are_suggested(monkeypatch):
    workshop = make_workshop()
    room = breakout(workshop)
    ana = make_participant(workshop, room, "Ana")
    lead = make_facilitator(workshop)
    post_card(ana, room, "Rain gardens")
    slow_suggestion = clustering.suggest
    posted_meanwhile = []

    def suggest_while_someone_posts(cards, given=()):
        def post():
            post_card(ana, room, "Posted during the suggestion")
            posted_meanwhile.append(True)
            connections.close_all()

        poster = threading.Thread(target=post)
        poster.start()
        poster.join(timeout=5)  # a board locked by the suggestion would hold it up
        return slow_suggestion(cards, given)

    monkeypatch.setattr(clustering, "suggest", suggest_while_someone_posts)
    services.suggestion_create(actor_id=lead.pk, breakout_id=room.pk)
    assert posted_meanwhile == [True]
    assert Card.objects.filter(text="Posted during the suggestion").exists()


@pytest.mark.django_db
def test_opening_pages_writes_nothing_even_when_a_timer_ran_out():
    workshop = make_workshop()
    room = breakout(workshop)
    ana = make_participant(workshop, room, "Ana")
    lead = make_facilitator(workshop)
    post_card(ana, room, "A card")
    Breakout.objects.filter(pk=room.pk).update(
        timer_ends_at=timezone.now() - timedelta(minutes=1), timer_action="close"
    )
    pages = [
        (ana, reverse("workshops:board", args=[workshop.pk, room.pk])),
        (ana, reverse("workshops:workshop", args=[workshop.pk])),
        (lead, reverse("workshops:board", args=[workshop.pk, room.pk])),
        (lead, reverse("workshops:control", args=[workshop.pk])),
        (lead, reverse("workshops:people", args=[workshop.pk])),
        (lead, reverse("workshops:report", args=[workshop.pk])),
        (lead, reverse("workshops:prepare", args=[workshop.pk])),
    ]
    clients = {person.pk: logged_in_client(person) for person in (ana, lead)}
    with CaptureQueriesContext(connection) as queries:
        for person, url in pages:
            assert clients[person.pk].get(url).status_code == 200
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []
    assert Breakout.objects.get(pk=room.pk).phase == "collect"
