"""Applying to a session: the organiser's rules, review, waiting list, the personal
invitation, duplicates, spam, and the applicant's personal data."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import logged_in_client, make_facilitator, make_participant, make_workshop
from workshops import services
from workshops.models import AgendaSegment, Application, Participant, Registration, Series

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop():
    workshop = make_workshop("City Managers workshop")
    workshop.registration = "open"
    workshop.save()
    return workshop


def details(name="Ana Silva", email="ana@example.org", **extra):
    return {
        "name": name,
        "email": email,
        "organisation": "City of Lisbon",
        "role": "City manager",
        "city": "Lisbon",
        "country": "Portugal",
        "language": "en",
        **extra,
    }


def apply(client, workshop, **extra):
    return client.post(reverse("workshops:apply", args=[workshop.pk]), details(**extra))


def status_page(client, response):
    assert response.status_code == 302, response.content.decode()
    return client.get(response["Location"])


# Open registration, capacity and the waiting list ------------------------------------------


def test_an_open_session_accepts_at_once_and_gives_the_personal_invitation(
    workshop, mailoutbox, django_capture_on_commit_callbacks
):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = apply(client, workshop)
    page = status_page(client, response)
    text = page.content.decode()
    assert "You are registered." in text
    join_path = page.context["join_url"]
    assert join_path.startswith("/join/")
    assert mailoutbox[0].to == ["ana@example.org"]
    assert join_path in mailoutbox[0].body

    joined = Client().post(join_path, {"display_name": "Ana Silva", "language": "en"})
    assert joined.status_code == 302
    person = Participant.objects.get(workshop=workshop, role="participant")
    assert (person.display_name, person.email) == ("Ana Silva", "ana@example.org")


def test_a_full_session_puts_people_on_the_waiting_list_and_says_so(workshop, mailoutbox):
    workshop.capacity = 1
    workshop.save()
    apply(Client(), workshop)
    client = Client()
    page = status_page(client, apply(client, workshop, name="Bob", email="bob@example.org"))
    assert "you are on the waiting list, number 1" in page.content.decode()
    assert page.context["join_url"] is None
    assert Application.objects.get(email="bob@example.org").status == "waitlisted"


def test_a_freed_place_goes_to_the_first_on_the_waiting_list(workshop):
    workshop.capacity = 1
    workshop.save()
    ana = Client()
    ana_status = apply(ana, workshop)["Location"]
    apply(Client(), workshop, name="Bob", email="bob@example.org")
    apply(Client(), workshop, name="Cleo", email="cleo@example.org")

    ana.post(ana_status + "withdraw/")

    statuses = dict(Application.objects.values_list("email", "status"))
    assert statuses == {
        "ana@example.org": "withdrawn",
        "bob@example.org": "accepted",
        "cleo@example.org": "waitlisted",
    }


def test_more_places_go_to_the_waiting_list_in_order_and_each_is_told(
    workshop, mailoutbox, django_capture_on_commit_callbacks
):
    workshop.capacity = 1
    workshop.save()
    for name in ("ana", "bob", "cleo", "dan"):
        apply(Client(), workshop, name=name, email=f"{name}@example.org")
    lead = make_facilitator(workshop)
    with django_capture_on_commit_callbacks(execute=True):
        logged_in_client(lead).post(
            reverse("workshops:registrations", args=[workshop.pk]),
            {"registration": "open", "capacity": "3"},
        )
    statuses = dict(Application.objects.values_list("email", "status"))
    assert [statuses[f"{n}@example.org"] for n in ("ana", "bob", "cleo", "dan")] == [
        "accepted",
        "accepted",
        "accepted",
        "waitlisted",
    ]
    assert [m.to for m in mailoutbox] == [["bob@example.org"], ["cleo@example.org"]]


# Review by hand, with priority for earlier sessions ---------------------------------------


def test_organisers_review_by_hand_with_priority_to_people_of_earlier_sessions(
    workshop, mailoutbox, django_capture_on_commit_callbacks
):
    series = Series.objects.create(slug="cmc", title="City Managers Community")
    earlier = make_workshop("Step 1")
    earlier.starts_at = workshop.starts_at - timedelta(days=30)
    earlier.series = workshop.series = series
    earlier.save()
    Participant.objects.create(workshop=earlier, display_name="Bob", email="Bob@Example.org")
    workshop.registration = "review"
    workshop.save()
    lead = make_facilitator(workshop)
    apply(Client(), workshop)
    page = status_page(
        client := Client(), apply(client, workshop, name="Bob", email="bob@example.org")
    )
    assert "waiting for the organisers’ review" in page.content.decode()

    review = logged_in_client(lead).get(reverse("workshops:registrations", args=[workshop.pk]))
    names = [a.name for a in review.context["applications"]]
    assert names == ["Bob", "Ana Silva"]  # Bob took part in step 1
    assert [a.priority for a in review.context["applications"]] == [1, 0]
    by_date = logged_in_client(lead).get(
        reverse("workshops:registrations", args=[workshop.pk]), {"order": "date"}
    )
    assert [a.name for a in by_date.context["applications"]] == ["Ana Silva", "Bob"]

    bob = Application.objects.get(email="bob@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        logged_in_client(lead).post(
            reverse("workshops:registration-decide", args=[workshop.pk, bob.pk]),
            {"status": "accepted"},
        )
    bob.refresh_from_db()
    assert bob.status == "accepted"
    assert bob.invite is not None
    assert "/join/" in mailoutbox[-1].body
    assert mailoutbox[-1].to == ["bob@example.org"]


def test_accepting_past_the_places_is_refused_and_changes_nothing(workshop):
    workshop.registration, workshop.capacity = "review", 1
    workshop.save()
    lead = make_facilitator(workshop)
    apply(Client(), workshop)
    apply(Client(), workshop, name="Bob", email="bob@example.org")
    ana, bob = Application.objects.order_by("pk")
    services.application_decide(
        actor_id=lead.pk, application_id=ana.pk, status="accepted", base_url=""
    )
    with pytest.raises(services.Forbidden, match="The session is full"):
        services.application_decide(
            actor_id=lead.pk, application_id=bob.pk, status="accepted", base_url=""
        )
    bob.refresh_from_db()
    assert (bob.status, bob.invite) == ("pending", None)


def test_only_the_lead_reviews_and_sees_personal_data(workshop):
    apply(Client(), workshop)
    url = reverse("workshops:registrations", args=[workshop.pk])
    host = make_facilitator(workshop, "host", team_role=Participant.Team.HOST)
    person = make_participant(workshop)
    assert logged_in_client(host).get(url).status_code == 403
    for client in (logged_in_client(person), Client()):  # to the login page
        assert client.get(url)["Location"].startswith("/login/")
    csv_url = reverse("workshops:registrations-csv", args=[workshop.pk])
    assert logged_in_client(host).get(csv_url).status_code == 403
    application = Application.objects.get()
    with pytest.raises(services.Forbidden):
        services.application_decide(
            actor_id=host.pk, application_id=application.pk, status="declined", base_url=""
        )


def test_declining_an_accepted_person_takes_their_invitation_back(workshop):
    lead = make_facilitator(workshop)
    client = Client()
    join_path = status_page(client, apply(client, workshop)).context["join_url"]
    Client().post(join_path, {"display_name": "Ana"})
    application = Application.objects.get()
    services.application_decide(
        actor_id=lead.pk, application_id=application.pk, status="declined", base_url=""
    )
    assert Participant.objects.active().filter(role="participant").count() == 0
    assert Client().get(join_path).status_code == 404


# Members only ---------------------------------------------------------------------------


def test_members_only_lets_members_in_by_domain_or_organisation_and_tells_others_whom_to_contact(
    workshop,
):
    workshop.members_only = True
    workshop.member_domains = ["metropolis.org"]
    workshop.member_organisations = ["City of Lisbon"]
    workshop.registration_contact = "Contact Lia Brum at the Secretariat General."
    workshop.save()
    assert apply(Client(), workshop, email="ana@lisboa.pt").status_code == 302
    assert (
        apply(Client(), workshop, email="x@metropolis.org", organisation="Other").status_code == 302
    )
    refused = apply(Client(), workshop, email="eve@example.org", organisation="Elsewhere")
    text = refused.content.decode()
    assert refused.status_code == 400
    assert "This session is for members only." in text
    assert "Lia Brum" in text
    assert not Application.objects.filter(email="eve@example.org").exists()


def test_the_rules_are_set_on_the_registrations_page(workshop):
    lead = make_facilitator(workshop)
    response = logged_in_client(lead).post(
        reverse("workshops:registrations", args=[workshop.pk]),
        {
            "registration": "review",
            "capacity": "25",
            "members_only": "on",
            "member_organisations": "Metropolis\nCity of Lisbon\n",
            "member_domains": "metropolis.org",
            "registration_contact": "Lia Brum",
        },
    )
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert (workshop.registration, workshop.capacity, workshop.members_only) == ("review", 25, True)
    assert workshop.member_organisations == ["Metropolis", "City of Lisbon"]
    missing = logged_in_client(lead).post(
        reverse("workshops:registrations", args=[workshop.pk]),
        {"registration": "open", "members_only": "on"},
    )
    assert "List the member organisations or email domains." in missing.content.decode()


# Bad input -------------------------------------------------------------------------------


def test_a_second_registration_with_the_same_email_is_merged(
    workshop, mailoutbox, django_capture_on_commit_callbacks
):
    client = Client()
    apply(client, workshop)
    again = apply(client, workshop, email="ANA@example.org ", city="Porto")
    assert again.status_code == 302
    assert Application.objects.get().city == "Porto"  # from the same browser: updated

    with django_capture_on_commit_callbacks(execute=True):
        other = apply(Client(), workshop, email="ana@example.org", city="Faro")
    assert "already applied" in other.content.decode()
    application = Application.objects.get()
    assert application.city == "Porto"  # someone else cannot change it, nor see it
    assert "/apply/status/" in mailoutbox[-1].body
    assert mailoutbox[-1].to == ["ana@example.org"]


def test_registration_closed_or_past_its_closing_time_says_so(workshop):
    workshop.registration_closes_at = timezone.now() - timedelta(minutes=1)
    workshop.save()
    page = Client().get(reverse("workshops:apply", args=[workshop.pk]))
    assert "Registration for this session is closed." in page.content.decode()
    apply(Client(), workshop)
    assert not Application.objects.exists()


def test_a_deleted_or_replaced_registration_link_gets_a_clear_message(workshop):
    client = Client()
    status_url = apply(client, workshop)["Location"]
    client.post(status_url + "delete/")
    page = Client().get(status_url)
    assert page.status_code == 404
    assert "This registration link is not valid any more" in page.content.decode()


def test_the_trap_field_stores_nothing(workshop):
    response = apply(Client(), workshop, website="http://spam.example")
    assert response.status_code == 200
    assert "your registration is received" in response.content.decode()
    assert not Application.objects.exists()


def test_many_registrations_from_one_address_are_refused(workshop):
    client = Client()
    codes = [apply(client, workshop, email=f"p{n}@example.org").status_code for n in range(21)]
    assert codes[:20] == [302] * 20
    assert codes[20] == 429
    assert Application.objects.count() == 20


# Personal data -----------------------------------------------------------------------------


def test_applicants_download_and_delete_their_data(workshop):
    client = Client()
    status_url = apply(client, workshop)["Location"]
    data = json.loads(client.get(status_url + "data.json").content)
    assert (data["email"], data["organisation"], data["status"]) == (
        "ana@example.org",
        "City of Lisbon",
        "accepted",
    )
    join_path = client.get(status_url).context["join_url"]
    Client().post(join_path, {"display_name": "Ana"})
    client.post(status_url + "delete/")
    assert not Application.objects.exists()
    person = Participant.objects.get(role="participant")
    assert person.email == ""
    assert not Participant.objects.active().filter(pk=person.pk).exists()


def test_organisers_export_and_delete_personal_data_on_request(workshop):
    lead = make_facilitator(workshop)
    apply(Client(), workshop, organisation="=HYPERLINK(1)")
    csv_text = (
        logged_in_client(lead)
        .get(reverse("workshops:registrations-csv", args=[workshop.pk]))
        .content.decode("utf-8-sig")
    )
    assert "ana@example.org" in csv_text
    assert "'=HYPERLINK(1)" in csv_text
    application = Application.objects.get()
    logged_in_client(lead).post(
        reverse("workshops:registration-delete", args=[workshop.pk, application.pk])
    )
    assert not Application.objects.exists()


# Registration-only parts and later sessions -----------------------------------------------


def test_an_accepted_applicant_is_registered_for_the_registration_only_parts(workshop):
    segment = AgendaSegment.objects.create(
        workshop=workshop,
        kind="breakout",
        title="Workshop on scenarios",
        starts_at=datetime(2030, 1, 1, 15, tzinfo=UTC),
        duration_minutes=40,
        registration_required=True,
    )
    client = Client()
    join_path = status_page(client, apply(client, workshop)).context["join_url"]
    Client().post(join_path, {"display_name": "Ana"})
    assert Registration.objects.filter(
        segment=segment, participant__email="ana@example.org"
    ).exists()


def test_a_later_session_needs_no_details_again(workshop):
    later = make_workshop("Step 2")
    later.registration = "open"
    later.save()
    client = Client()
    apply(client, workshop)
    form = client.get(reverse("workshops:apply", args=[later.pk])).context["form"]
    assert form.initial["email"] == "ana@example.org"
    assert form.initial["organisation"] == "City of Lisbon"
    assert (
        "Your details from your last registration are filled in"
        in client.get(reverse("workshops:apply", args=[later.pk])).content.decode()
    )
