"""Create the demo workshop of seed 000 (idempotent) and print how to open it."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.crypto import salted_hmac

from workshops.models import Breakout, Challenge, Invite, Participant, Workshop

from .seed_events import seed_events

PARIS = ZoneInfo("Europe/Paris")
TITLE = "Green infrastructure: workshop for City Managers"
BACKGROUND = (
    "How can metropolitan areas optimize the development and benefits of green "
    "infrastructure? The final activity of the City Managers Days 2020 lets participants "
    "answer this question by learning about and exchanging different approaches and "
    "working solutions to three previously identified green infrastructure challenges. "
    "Participants exchange their best practices and share the difficulties of their "
    "routines in a safe environment of trust among peers."
)
CHALLENGES = [
    (
        'Dealing with existing infrastructure ("realities")',
        "How to implement green infrastructure in areas with a high density of "
        "infrastructure and mobility pressures?",
    ),
    (
        "Tackling and adapting to climate change",
        "How to integrate the perspective of climate change adaptation in the planning and "
        "design of green infrastructure projects? How to take climate change scenarios into "
        "account for defining natural conservation and restoration strategies?",
    ),
    (
        "Improving metropolitan governance",
        "How to foster and coordinate different levels of government and stakeholders in "
        "green infrastructure?",
    ),
]
FACILITATOR_USERNAME = "facilitator"


AUDIENCE = (
    "Exclusive to Metropolis members; priority to representatives who joined the previous "
    "steps of the City Managers Community in 2020."
)


def demo_secret(purpose: str, length: int) -> str:
    """Derived from SECRET_KEY: stable across runs (so it can be printed again), yet
    not guessable from this public source."""
    return salted_hmac("facilitate.seed_demo", purpose, algorithm="sha256").hexdigest()[:length]


class Command(BaseCommand):
    help = (
        "Create the demo workshop (seed 000) and the events around it (seeds 001, 003). "
        "Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")

    def handle(self, *args, base_url, **options):
        password = demo_secret("facilitator-password", 16)
        token = demo_secret("invite-token", 64)
        roundtable_token = demo_secret("roundtable-token", 64)
        with transaction.atomic():
            workshop = self.workshop()
            user = self.facilitator(workshop, password)
            Invite.objects.get_or_create(
                token_hash=Invite.hash_token(token),
                defaults={"workshop": workshop, "label": "Workshop link"},
            )
            extra = seed_events(workshop, user, roundtable_token)
        base_url = base_url.rstrip("/")
        self.stdout.write(
            f"Demo workshop: {workshop.title}\n"
            f"  Facilitator login:  {base_url}/login/\n"
            f"    username: {FACILITATOR_USERNAME}\n"
            f"    password: {password}\n"
            f"  Control room:       {base_url}/w/{workshop.pk}/control/\n"
            f"  Participant invite: {base_url}/join/{token}/\n"
            f"  Registration (members only, reviewed): {base_url}/apply/{workshop.pk}/\n"
            f"Series (seed 001):  {base_url}/s/{extra['covid'].slug}/\n"
            f"Series (seed 000):  {base_url}/s/{extra['community'].slug}/\n"
            f"Roundtable and scenario workshop (seed 003): {extra['roundtable'].title}\n"
            f"  Roundtable link (open to all): {base_url}/join/{roundtable_token}/\n"
            f"  Registration for the workshop: {base_url}/apply/{extra['roundtable'].pk}/\n"
        )

    def workshop(self) -> Workshop:
        workshop, _created = Workshop.objects.get_or_create(
            title=TITLE,
            defaults={
                "background": BACKGROUND,
                "starts_at": datetime(2020, 11, 18, 15, 0, tzinfo=PARIS),
                "ends_at": datetime(2020, 11, 18, 17, 0, tzinfo=PARIS),
                "timezone": "Europe/Paris",
                "audience": AUDIENCE,
                "language": "en",
                "languages": ["fr", "es"],
            },
        )
        for position, (title, question) in enumerate(CHALLENGES, start=1):
            challenge, _created = Challenge.objects.get_or_create(
                workshop=workshop,
                position=position,
                defaults={"title": title, "question": question},
            )
            Breakout.objects.get_or_create(
                workshop=workshop,
                position=position,
                defaults={"challenge": challenge, "name": f"Breakout {position}"},
            )
        return workshop

    def facilitator(self, workshop: Workshop, password: str):
        user, created = get_user_model().objects.get_or_create(username=FACILITATOR_USERNAME)
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        Participant.objects.get_or_create(
            workshop=workshop,
            user=user,
            defaults={
                "display_name": "Alexander Heichlinger",
                "role": Participant.Role.FACILITATOR,
                "team_role": Participant.Team.LEAD,
            },
        )
        return user
