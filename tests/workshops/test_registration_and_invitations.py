"""Personal invitations from a list, and registration for registration-only segments."""

from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import (
    breakout,
    logged_in_client,
    make_facilitator,
    make_participant,
    make_workshop,
)
from workshops import services
from workshops.models import AgendaSegment, Invite, Registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    workshop = make_workshop()
    return {"workshop": workshop, "lead": make_facilitator(workshop)}


def invite_people(w, **data):
    client = logged_in_client(w["lead"])
    return client.post(reverse("workshops:invites", args=[w["workshop"].pk]), data)


def test_a_pasted_list_makes_one_personal_invitation_each(w):
    response = invite_people(
        w,
        people=(
            "name,email,breakout,language\n"
            "Ana Silva, ana@example.org, Room 2, es\n"
            "Marc, marc@example.org,,fr\n"
        ),
    )
    page = response.content.decode()
    assert page.count("/join/") == 2
    ana = Invite.objects.get(email="ana@example.org")
    assert (ana.label, ana.breakout, ana.language, ana.personal) == (
        "Ana Silva",
        breakout(w["workshop"], 2),
        "es",
        True,
    )


def test_a_csv_file_can_be_downloaded_back_with_the_links(w):
    upload = SimpleUploadedFile("people.csv", b"Ana,ana@example.org\nBob,bob@example.org\n")
    response = invite_people(w, people="", file=upload, format="csv")
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().strip().splitlines()
    assert lines[0] == "name,email,link"
    assert lines[1].startswith("Ana,ana@example.org,http://testserver/join/")


def test_a_bad_line_creates_nothing_and_says_which(w):
    page = invite_people(
        w, people="Ana,ana@example.org\nBob,not-an-email\nCyd,cyd@example.org,Room 9\n"
    ).content.decode()
    assert "Line 2" in page
    assert "Line 3" in page
    assert Invite.objects.count() == 0


def test_participants_register_for_registration_only_segments(w):
    segment = AgendaSegment.objects.create(
        workshop=w["workshop"],
        kind="breakout",
        title="Workshop by registration",
        starts_at=datetime(2030, 1, 1, 15, tzinfo=UTC),
        duration_minutes=40,
        registration_required=True,
    )
    ana = make_participant(w["workshop"], None, "Ana")
    client = logged_in_client(ana)
    url = reverse("workshops:register", args=[w["workshop"].pk])
    client.post(url, {"segment": segment.pk, "registered": "on"})
    assert Registration.objects.filter(participant=ana, segment=segment).exists()
    people = logged_in_client(w["lead"]).get(reverse("workshops:people", args=[w["workshop"].pk]))
    assert "Registered for Workshop by registration" in people.content.decode()
    client.post(url, {"segment": segment.pk})
    assert not Registration.objects.exists()


def test_open_segments_take_no_registration(w):
    segment = AgendaSegment.objects.create(
        workshop=w["workshop"],
        kind="plenary",
        title="Open",
        starts_at=datetime(2030, 1, 1, 14, tzinfo=UTC),
        duration_minutes=30,
    )
    ana = make_participant(w["workshop"], None, "Ana")
    with pytest.raises(services.NotFound):
        services.registration_set(participant_id=ana.pk, segment_id=segment.pk, registered=True)
