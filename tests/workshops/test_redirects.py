"""A form's `next` page is followed only when it is on this site."""

import pytest
from django.urls import reverse

from tests.factories import (
    breakout,
    logged_in_client,
    make_facilitator,
    make_participant,
    make_workshop,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "next_page", ["https://evil.example/", "//evil.example/login/", "javascript:alert(1)"]
)
def test_a_next_page_elsewhere_is_ignored(next_page):
    workshop = make_workshop()
    lead = logged_in_client(make_facilitator(workshop))
    url = reverse("workshops:control-action", args=[workshop.pk, "phase"])
    response = lead.post(url, {"phase": "cluster", "next": next_page})
    assert response["Location"] == reverse("workshops:control", args=[workshop.pk])

    ana = logged_in_client(make_participant(workshop, breakout(workshop), "Ana"))
    response = ana.post(
        reverse("workshops:help", args=[workshop.pk]), {"kind": "hand", "next": next_page}
    )
    assert response["Location"] == reverse("workshops:here", args=[workshop.pk])


def test_a_next_page_on_this_site_is_followed():
    workshop = make_workshop()
    lead = logged_in_client(make_facilitator(workshop))
    people = reverse("workshops:people", args=[workshop.pk])
    url = reverse("workshops:control-action", args=[workshop.pk, "phase"])
    response = lead.post(url, {"phase": "cluster", "next": people})
    assert response["Location"] == people
