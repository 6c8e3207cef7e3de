"""The events around the demo workshop, for `seed_demo`: the Connective Cities webinar
series (seed 001), the roundtable plus registration-only scenario workshop (seed 003),
and the members-only rule of seed 000 inside the City Managers Community series.
Idempotent: rows are found by their address or title before anything is created."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from workshops.models import (
    AgendaSegment,
    Breakout,
    Challenge,
    Invite,
    Participant,
    Scenario,
    Series,
    Workshop,
)

BERLIN = ZoneInfo("Europe/Berlin")
PARIS = ZoneInfo("Europe/Paris")

COVID_THEMES = [
    "Containing the pandemic: local authorities as stakeholders in public health care",
    "Resilient communities in the pandemic: municipal services and the local administration",
    "Lockdown management: crisis teams, local supply, safety, culture",
    "Digitalisation of processes and services as a crisis mitigation strategy",
    "Economic development in times of crisis: small businesses, green recovery",
    "Supporting schools, daycare and other educational facilities during the pandemic",
    "Solidarity and equality: mass housing, urban poverty, informal settlements",
    "Resilience for the future: learning from experiences for tomorrow's urban development",
]
# (title, theme index, region or "" for global, start in Berlin time)
COVID_SESSIONS = [
    ("Local health care in the pandemic", 0, "", datetime(2020, 8, 25, 14, 0)),
    ("Digital town halls: Latin America", 3, "Latin America", datetime(2020, 9, 17, 15, 0)),
    (
        "Green recovery for small businesses",
        4,
        "Middle East and North Africa",
        datetime(2020, 10, 22, 11, 0),
    ),
    ("Resilience for the future", 7, "", datetime(2020, 12, 3, 14, 0)),
]

RESILIENCE_TITLE = "Taking resilience seriously: Insights from pioneering cities"
RESILIENCE_BACKGROUND = (
    "Chief Resilience Officers from Paris, North Ayrshire and Medellín discuss how "
    "government transforms itself in crisis mode. The roundtable is open to all; the "
    "workshop after it, by registration only, collects feedback on prospective "
    "scenarios for more resilient administrations."
)
SCENARIOS = [
    (
        "The administration as a platform",
        "By 2030 the city co-designs its services with residents and local "
        "organisations; decisions are taken in open, territorial assemblies.",
        {
            "fr": (
                "L'administration plateforme",
                "En 2030, la ville co-conçoit ses services avec les habitants et les "
                "associations ; les décisions se prennent dans des assemblées ouvertes.",
            ),
            "es": (
                "La administración como plataforma",
                "En 2030 la ciudad co-diseña sus servicios con los vecinos y las "
                "organizaciones locales; las decisiones se toman en asambleas abiertas.",
            ),
        },
    ),
    (
        "The agile crisis cell",
        "A permanent, cross-department crisis team steers every emergency with "
        "shared data and the authority to reallocate budgets within days.",
        {
            "fr": (
                "La cellule de crise agile",
                "Une équipe de crise permanente et transversale pilote chaque urgence avec "
                "des données partagées et le pouvoir de réaffecter des budgets en quelques jours.",
            ),
            "es": (
                "La célula de crisis ágil",
                "Un equipo de crisis permanente y transversal dirige cada emergencia con "
                "datos compartidos y la facultad de reasignar presupuestos en días.",
            ),
        },
    ),
]


def lead(workshop: Workshop, user, name: str) -> None:
    Participant.objects.get_or_create(
        workshop=workshop,
        user=user,
        defaults={"display_name": name, "role": "facilitator", "team_role": "lead"},
    )


def series(slug: str, title: str, description: str, themes: list[str], user) -> Series:
    found, _created = Series.objects.get_or_create(
        slug=slug, defaults={"title": title, "description": description, "themes": themes}
    )
    found.organisers.add(user)
    return found


def one_board(workshop: Workshop, title: str, question: str, **board) -> Breakout:
    challenge, _created = Challenge.objects.get_or_create(
        workshop=workshop, position=1, defaults={"title": title, "question": question}
    )
    room, _created = Breakout.objects.get_or_create(
        workshop=workshop,
        position=1,
        defaults={"challenge": challenge, "name": "Breakout 1", **board},
    )
    return room


def connective_cities(user) -> Series:
    found = series(
        "connective-cities-covid-19",
        "Connective Cities – International Exchange of Experiences: Lessons Learned in the "
        "COVID-19 Crisis",
        "A series of virtual exchange formats, August to December 2020, for German and "
        "international urban practitioners on measures, challenges and solutions to "
        "overcome the corona crisis. Some sessions have a regional focus, others are global. "
        "The working language is English; interpretation depends on the regional focus.",
        COVID_THEMES,
        user,
    )
    for title, theme, region, start in COVID_SESSIONS:
        starts = start.replace(tzinfo=BERLIN)
        workshop, _created = Workshop.objects.get_or_create(
            title=title,
            defaults={
                "starts_at": starts,
                "ends_at": starts + timedelta(minutes=90),
                "timezone": "Europe/Berlin",
                "series": found,
                "theme": COVID_THEMES[theme],
                "region": region,
                "registration": Workshop.Registration.OPEN,
                "registration_closes_at": datetime(2030, 12, 31, tzinfo=BERLIN),
                "capacity": 60,
                "report_published": True,
            },
        )
        lead(workshop, user, "Connective Cities")
        one_board(
            workshop,
            COVID_THEMES[theme].split(":")[0],
            "What worked in your city, and what blocked you?",
        )
    return found


def resilience_roundtable(user) -> Workshop:
    """Seed 003: the roundtable is open to all (a shared link); the workshop after it is
    by registration only, on a board of prospective scenarios."""
    starts = datetime(2020, 10, 8, 17, 0, tzinfo=PARIS)
    workshop, _created = Workshop.objects.get_or_create(
        title=RESILIENCE_TITLE,
        defaults={
            "background": RESILIENCE_BACKGROUND,
            "starts_at": starts,
            "ends_at": starts + timedelta(minutes=90),
            "timezone": "Europe/Paris",
            "languages": ["fr", "es"],
            "registration": Workshop.Registration.OPEN,
            "registration_closes_at": datetime(2030, 12, 31, tzinfo=PARIS),
            "capacity": 40,
        },
    )
    lead(workshop, user, "Paris Resilience Office")
    for kind, title, offset, minutes, registration in (
        ("roundtable", "Roundtable: what transformations have been accelerated?", 0, 50, False),
        ("breakout", "Workshop: feedback on prospective scenarios", 50, 40, True),
    ):
        AgendaSegment.objects.get_or_create(
            workshop=workshop,
            title=title,
            defaults={
                "kind": kind,
                "starts_at": starts + timedelta(minutes=offset),
                "duration_minutes": minutes,
                "registration_required": registration,
            },
        )
    room = one_board(
        workshop,
        "Resilient administrations",
        "How desirable and how feasible is each scenario for your administration?",
        kind=Breakout.Kind.SCENARIOS,
        criteria=["Desirability", "Feasibility"],
    )
    for position, (title, text, translations) in enumerate(SCENARIOS, start=1):
        Scenario.objects.get_or_create(
            breakout=room,
            position=position,
            defaults={
                "title": title,
                "text": text,
                "translations": {
                    code: {"title": t, "text": body} for code, (t, body) in translations.items()
                },
            },
        )
    return workshop


def members_only(workshop: Workshop, user) -> Series:
    """Seed 000: exclusive to Metropolis members, reviewed by hand, with priority for
    those who joined the earlier steps of the City Managers Community."""
    found = series(
        "city-managers-community-2020",
        "City Managers Community 2020",
        "The steps of the City Managers Community of Metropolis in 2020, ending with the "
        "City Managers Days.",
        ["Green infrastructure", "Metropolitan governance"],
        user,
    )
    if workshop.series_id is None:
        Workshop.objects.filter(pk=workshop.pk).update(
            series=found,
            theme="Green infrastructure",
            registration=Workshop.Registration.REVIEW,
            registration_closes_at=datetime(2030, 12, 31, tzinfo=PARIS),
            members_only=True,
            member_organisations=["Metropolis"],
            member_domains=["metropolis.org"],
            registration_contact="Managers from the Metropolis membership who did not take "
            "part in the previous steps: please contact Lia Brum, Metropolis Secretariat General.",
        )
    return found


def seed_events(workshop: Workshop, user, shared_token: str) -> dict:
    """Everything above; returns what seed_demo prints."""
    roundtable = resilience_roundtable(user)
    Invite.objects.get_or_create(
        token_hash=Invite.hash_token(shared_token),
        defaults={"workshop": roundtable, "label": "Roundtable link (open to all)"},
    )
    return {
        "covid": connective_cities(user),
        "community": members_only(workshop, user),
        "roundtable": roundtable,
    }
