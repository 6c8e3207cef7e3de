"""Downloading the report and the data, choosing what the report shows, and sharing it
with a read-only link; the command line gives the same files."""

import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from tests.factories import logged_in_client, make_facilitator
from tests.workshops.session import HIDDEN, a_real_session
from workshops.models import Participant, ReportLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def session():
    return a_real_session()


def download(client, session, fmt, **params):
    url = reverse("workshops:report-download", args=[session.workshop.pk])
    return client.get(url, {"format": fmt, **params})


@pytest.mark.parametrize(("fmt", "kind"), [("md", "text/markdown"), ("html", "text/html")])
def test_the_team_downloads_the_report(session, fmt, kind):
    response = download(logged_in_client(session.lead), session, fmt)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(kind)
    name = f"green-infrastructure-workshop-for-city-managers-2020-11-18.{fmt}"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert "Fund rain gardens in every school" in response.content.decode()


def test_the_headings_follow_the_chosen_language_and_default_to_the_workshops(session):
    client = logged_in_client(session.lead)
    assert "## Recommendations" in download(client, session, "md").content.decode()
    assert "## Recommandations" in download(client, session, "md", lang="fr").content.decode()
    session.workshop.language = "es"
    session.workshop.save()
    assert "## Recomendaciones" in download(client, session, "md").content.decode()


def test_an_unknown_format_is_refused_clearly(session):
    response = download(logged_in_client(session.lead), session, "exe")
    assert (response.status_code, response.content.decode()) == (400, "Unknown format.")


def test_participants_download_nothing_and_only_the_lead_takes_the_whole_workshop(session):
    assert download(logged_in_client(session.ana), session, "md").status_code in (302, 403)
    observer = make_facilitator(session.workshop, "observer", Participant.Team.OBSERVER)
    assert download(logged_in_client(observer), session, "md").status_code == 200
    assert download(logged_in_client(observer), session, "json").status_code == 403


def test_the_report_page_shows_the_live_draft_and_the_downloads(session):
    page = logged_in_client(session.lead).get(
        reverse("workshops:report", args=[session.workshop.pk])
    )
    content = page.content.decode()
    assert 'id="report-document"' in content
    assert "Schools lead the way." in content
    assert HIDDEN not in content
    for label in ("Report as Markdown", "Report as HTML, to print"):
        assert label in content


def test_the_facilitator_chooses_sections_and_authors(session):
    url = reverse("workshops:report-options", args=[session.workshop.pk])
    logged_in_client(session.lead).post(url, {"sections": ["recommendations"], "authors": "on"})
    session.workshop.refresh_from_db()
    assert (session.workshop.report_sections, session.workshop.report_authors) == (
        ["recommendations"],
        True,
    )
    text = download(logged_in_client(session.lead), session, "md").content.decode()
    assert "Fund rain gardens" in text
    assert "Summary of the proceedings" not in text

    observer = make_facilitator(session.workshop, "observer", Participant.Team.OBSERVER)
    logged_in_client(observer).post(url, {"sections": []})
    session.workshop.refresh_from_db()
    assert session.workshop.report_sections == ["recommendations"]


def share(client, session):
    return client.post(reverse("workshops:report-share", args=[session.workshop.pk]), follow=True)


def shared_link(page) -> str:
    return re.search(r'value="(http://testserver/report/[^"]+/)"', page.content.decode())[1]


def test_a_shared_link_opens_the_report_without_an_account_until_withdrawn(session):
    lead = logged_in_client(session.lead)
    link = shared_link(share(lead, session)).removeprefix("http://testserver")
    reader = Client()
    page = reader.get(link)
    assert page.status_code == 200
    assert "Fund rain gardens in every school" in page.content.decode()
    assert HIDDEN not in page.content.decode()
    french = reader.get(link, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Recommandations" in french
    downloaded = reader.get(f"{link}download/", {"format": "md"})
    assert "Fund rain gardens" in downloaded.content.decode()
    assert reader.get(f"{link}download/", {"format": "json"}).status_code == 400

    revoke = reverse(
        "workshops:report-share-revoke", args=[session.workshop.pk, ReportLink.objects.get().pk]
    )
    lead.post(revoke)
    assert reader.get(link).status_code == 404
    assert (
        "shown once"
        not in lead.get(reverse("workshops:report", args=[session.workshop.pk])).content.decode()
    )


def test_only_the_lead_makes_links(session):
    rapporteur = make_facilitator(session.workshop, "rapporteur", Participant.Team.RAPPORTEUR)
    page = share(logged_in_client(rapporteur), session)
    assert "Only the lead facilitator can do this." in page.content.decode()
    assert ReportLink.objects.count() == 0
    assert Client().get("/report/not-a-token/").status_code == 404


def test_the_command_line_writes_the_same_file_as_the_download(session, tmp_path):
    path = tmp_path / "report.md"
    call_command("export_workshop", session.workshop.pk, "--format", "md", "--output", str(path))
    downloaded = download(logged_in_client(session.lead), session, "md").content
    assert path.read_bytes() == downloaded
    with pytest.raises(CommandError, match="There is no workshop 999999"):
        call_command("export_workshop", 999999, "--format", "md", "--output", str(path))
