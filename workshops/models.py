import hashlib
import secrets
import uuid
from datetime import timedelta
from functools import cached_property

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CARD_TEXT_MAX = 1000
DISPLAY_NAME_MAX = 80


def new_epoch() -> int:
    return secrets.randbelow(2**31 - 1) + 1


REPORT_SECTIONS = ("background", "proceedings", "answers", "recommendations", "participation")


def all_report_sections() -> list[str]:
    return list(REPORT_SECTIONS)


class Series(models.Model):
    """Workshops grouped under one title and public page, e.g. a webinar series."""

    slug = models.SlugField(_("address"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # The thematic areas a session may belong to, in the organisers' order.
    themes = models.JSONField(_("thematic areas"), default=list, blank=True)
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="series", verbose_name=_("organisers")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "series"

    def __str__(self) -> str:
        return self.title


class Workshop(models.Model):
    # Names the workshop across servers: a backup imported twice is refused.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    background = models.TextField(_("background"), blank=True)
    audience = models.TextField(_("audience"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    language = models.CharField(
        _("working language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    # Languages of interpretation, besides the working language.
    languages = models.JSONField(_("languages of interpretation"), default=list, blank=True)
    report_sections = models.JSONField(default=all_report_sections)
    report_authors = models.BooleanField(_("show authors’ names in the report"), default=False)

    class Mode(models.TextChoices):
        PLENARY = "plenary", _("Plenary")
        BREAKOUTS = "breakouts", _("Breakouts")

    allow_anonymous = models.BooleanField(_("allow anonymous cards"), default=False)
    # Where participants are sent: everyone on the main page, or each in their breakout.
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.BREAKOUTS)
    created_at = models.DateTimeField(auto_now_add=True)

    # A session of a series: its theme, and its region (empty: global).
    series = models.ForeignKey(
        Series, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    theme = models.CharField(_("thematic area"), max_length=200, blank=True)
    region = models.CharField(_("regional focus"), max_length=100, blank=True)
    # The outcomes report is linked from the series page.
    report_published = models.BooleanField(default=False)

    class Registration(models.TextChoices):
        CLOSED = "closed", _("Closed: invitations only")
        OPEN = "open", _("Open: accepted at once while there is room")
        REVIEW = "review", _("Reviewed by hand")

    registration = models.CharField(
        _("registration"), max_length=10, choices=Registration.choices, default="closed"
    )
    registration_closes_at = models.DateTimeField(
        _("registration closes at"), null=True, blank=True
    )
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    members_only = models.BooleanField(_("members only"), default=False)
    member_organisations = models.JSONField(_("member organisations"), default=list, blank=True)
    member_domains = models.JSONField(_("members’ email domains"), default=list, blank=True)
    registration_contact = models.TextField(_("whom others may contact"), blank=True)

    class Meta:
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.title

    def registration_is_open(self) -> bool:
        if self.registration == self.Registration.CLOSED:
            return False
        closes = self.registration_closes_at or self.starts_at
        return closes > timezone.now()


class AgendaSegment(models.Model):
    class Kind(models.TextChoices):
        PLENARY = "plenary", _("Plenary")
        ROUNDTABLE = "roundtable", _("Roundtable")
        BREAKOUT = "breakout", _("Breakout")
        BREAK = "break", _("Break")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="segments")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"))
    registration_required = models.BooleanField(_("registration required"), default=False)

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)


class Challenge(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="challenges")
    position = models.PositiveIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=200)
    question = models.TextField(_("question"))

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "position"], name="challenge_position")
        ]

    def __str__(self) -> str:
        return self.title


class BreakoutQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(phase=Breakout.Phase.CLOSED)


class Breakout(models.Model):
    class Phase(models.TextChoices):
        COLLECT = "collect", _("Collect")
        CLUSTER = "cluster", _("Cluster")
        VOTE = "vote", _("Vote")
        SUMMARISE = "summarise", _("Summarise")
        CLOSED = "closed", _("Closed")

    class TimerAction(models.TextChoices):
        NONE = "", _("Nothing")
        CLOSE = "close", _("Close the breakout")
        PLENARY = "plenary", _("Return everyone to plenary")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="breakouts")
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="breakouts")
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveIntegerField(_("position"))
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    phase = models.CharField(
        _("phase"), max_length=20, choices=Phase.choices, default=Phase.COLLECT
    )
    # A running timer has an end; a paused one keeps what was left. Never ticks.
    timer_ends_at = models.DateTimeField(null=True, blank=True)
    timer_paused_seconds = models.PositiveIntegerField(null=True, blank=True)
    timer_action = models.CharField(
        max_length=20, choices=TimerAction.choices, default=TimerAction.NONE, blank=True
    )
    hosts = models.ManyToManyField(
        "Participant", blank=True, related_name="hosted_breakouts", verbose_name=_("hosts")
    )

    class Kind(models.TextChoices):
        CARDS = "cards", _("Practices and difficulties")
        SCENARIOS = "scenarios", _("Feedback on scenarios")

    kind = models.CharField(
        _("kind of board"), max_length=20, choices=Kind.choices, default="cards"
    )
    # Scenario boards: what participants rate each scenario on, e.g. desirability.
    criteria = models.JSONField(_("rating criteria"), default=list, blank=True)
    participants_cluster = models.BooleanField(_("participants may cluster"), default=False)
    vote_budget = models.PositiveIntegerField(_("votes per person"), default=3)
    votes_visible = models.BooleanField(_("votes shown"), default=False)
    summary = models.TextField(_("summary"), blank=True)
    # Bumped on every save: an edit based on an older version is refused, not lost.
    summary_version = models.PositiveIntegerField(default=0)
    # Head of the event log: the seq of the last BoardEvent, bumped under a row lock.
    seq = models.PositiveBigIntegerField(default=0)
    # Changes when the log can no longer be replayed; clients then load a snapshot.
    epoch = models.PositiveIntegerField(default=new_epoch)

    objects = BreakoutQuerySet.as_manager()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "position"], name="breakout_position")
        ]

    def __str__(self) -> str:
        return self.name


class Invite(models.Model):
    """A link to join a workshop. Only a hash of the token is kept."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="invites")
    label = models.CharField(_("label"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    # A personal invitation may place its person in a breakout from the start.
    breakout = models.ForeignKey(
        "Breakout", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    # A personal invitation always brings back the same participant; a shared link
    # makes a new one for each person who joins.
    personal = models.BooleanField(default=False)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.label

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def is_usable(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()


# People who may still take part: not removed, and their invite not revoked.
ACTIVE = models.Q(removed_at__isnull=True) & (
    models.Q(invite__isnull=True) | models.Q(invite__revoked_at__isnull=True)
)


class ParticipantQuerySet(models.QuerySet):
    def active(self):
        return self.filter(ACTIVE)

    def annotate_active(self):
        return self.annotate(
            active=models.ExpressionWrapper(ACTIVE, output_field=models.BooleanField())
        )


class Participant(models.Model):
    class Role(models.TextChoices):
        FACILITATOR = "facilitator", _("Facilitator")
        PARTICIPANT = "participant", _("Participant")

    class Team(models.TextChoices):
        LEAD = "lead", _("Lead facilitator")
        HOST = "host", _("Breakout host")
        RAPPORTEUR = "rapporteur", _("Rapporteur")
        OBSERVER = "observer", _("Observer")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True
    )
    invite = models.ForeignKey(Invite, on_delete=models.SET_NULL, null=True, blank=True)
    display_name = models.CharField(_("display name"), max_length=DISPLAY_NAME_MAX)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PARTICIPANT)
    team_role = models.CharField(
        _("facilitator role"), max_length=20, choices=Team.choices, blank=True
    )
    email = models.EmailField(_("email"), blank=True)
    language = models.CharField(_("working language"), max_length=10, blank=True)
    preferred_challenge = models.ForeignKey(
        Challenge, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    breakout = models.ForeignKey(
        Breakout, on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["display_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "user"],
                condition=models.Q(user__isnull=False),
                name="one_participant_per_user",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_facilitator(self) -> bool:
        return self.role == self.Role.FACILITATOR

    @property
    def is_lead(self) -> bool:
        return self.is_facilitator and self.team_role == self.Team.LEAD

    @cached_property
    def hosted_ids(self) -> frozenset[int]:
        """The breakouts this person hosts (only a host's count, see roles.py)."""
        if not self.is_facilitator or self.team_role != self.Team.HOST:
            return frozenset()
        return frozenset(self.hosted_breakouts.values_list("pk", flat=True))


class Cluster(models.Model):
    """A theme on a board: cards grouped under a title, with its key points."""

    breakout = models.ForeignKey(Breakout, on_delete=models.CASCADE, related_name="clusters")
    title = models.CharField(_("title"), max_length=200, blank=True)
    position = models.PositiveIntegerField()
    key_points = models.TextField(_("key points"), blank=True)
    key_points_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title or f"#{self.pk}"


class Card(models.Model):
    class Kind(models.TextChoices):
        PRACTICE = "practice", _("Practice")
        DIFFICULTY = "difficulty", _("Difficulty")

    breakout = models.ForeignKey(Breakout, on_delete=models.CASCADE, related_name="cards")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField(max_length=CARD_TEXT_MAX)
    # Chosen by its author or detected; blank for cards older than languages on cards.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    # None for an anonymous card: its author is not kept with it.
    author = models.ForeignKey(Participant, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Hidden by a facilitator: gone for participants, kept for the record.
    hidden_at = models.DateTimeField(null=True, blank=True)
    cluster = models.ForeignKey(
        Cluster, on_delete=models.SET_NULL, null=True, blank=True, related_name="cards"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:50]


class BoardEvent(models.Model):
    """The per-breakout log every client replays: seq is gapless within a breakout."""

    pk = models.CompositePrimaryKey("breakout_id", "seq")
    breakout = models.ForeignKey(Breakout, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveBigIntegerField()
    type = models.CharField(max_length=40)
    payload = models.JSONField()
    actor = models.ForeignKey(Participant, on_delete=models.SET_NULL, null=True, blank=True)
    op_id = models.UUIDField(null=True, blank=True)
    # Digest of the write's content, to tell a resend from a conflicting reuse of op_id.
    op_digest = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["breakout", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["breakout", "actor", "op_id"],
                condition=models.Q(op_id__isnull=False),
                name="one_event_per_op",
            )
        ]

    def __str__(self) -> str:
        return f"{self.breakout_id}#{self.seq} {self.type}"


class Registration(models.Model):
    """A participant signed up for a registration-only agenda segment."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="registrations"
    )
    segment = models.ForeignKey(
        AgendaSegment, on_delete=models.CASCADE, related_name="registrations"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "segment"], name="register_once")
        ]

    def __str__(self) -> str:
        return f"{self.participant} → {self.segment}"


class Message(models.Model):
    """A facilitator's message to every breakout or to one."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="messages")
    breakout = models.ForeignKey(Breakout, on_delete=models.CASCADE, null=True, blank=True)
    author = models.ForeignKey(Participant, on_delete=models.SET_NULL, null=True)
    text = models.TextField(max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:50]


class HelpRequest(models.Model):
    class Kind(models.TextChoices):
        HAND = "hand", _("Raised hand")
        HELP = "help", _("Needs help")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    breakout = models.ForeignKey(Breakout, on_delete=models.SET_NULL, null=True, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.participant}: {self.kind}"


class Presence(models.Model):
    """An open socket of a participant, refreshed by its process's beacon; a row whose
    process died goes stale and is ignored."""

    channel_name = models.CharField(max_length=200, primary_key=True)
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    breakout = models.ForeignKey(Breakout, on_delete=models.CASCADE, null=True, blank=True)
    seen_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.participant} in {self.breakout_id or 'plenary'}"


class Vote(models.Model):
    """One dot of one person on a card or a cluster."""

    breakout = models.ForeignKey(Breakout, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    card = models.ForeignKey(Card, on_delete=models.CASCADE, null=True, blank=True)
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(card__isnull=True) ^ models.Q(cluster__isnull=True),
                name="vote_on_one_thing",
            )
        ]

    def __str__(self) -> str:
        return f"{self.voter} on {self.card_id or self.cluster_id}"


class Suggestion(models.Model):
    """Groups proposed for a board's unclustered cards; accepting can be undone."""

    breakout = models.ForeignKey(Breakout, on_delete=models.CASCADE, related_name="+")
    # [{"title", "card_ids", "confidence", "duplicates", "cluster_id"}]: a new group, or
    # (cluster_id set) loose cards to sort into a cluster the facilitator made.
    groups = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_clusters = models.JSONField(default=list)
    moved_cards = models.JSONField(default=list)  # sorted into existing clusters
    undone_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"suggestion {self.pk} for {self.breakout_id}"


class Recommendation(models.Model):
    """What the workshop recommends, linked to the clusters and cards it came from."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="recommendations")
    text = models.TextField(_("recommendation"))
    position = models.PositiveIntegerField()
    version = models.PositiveIntegerField(default=1)
    clusters = models.ManyToManyField(Cluster, blank=True, related_name="recommendations")
    cards = models.ManyToManyField(Card, blank=True, related_name="recommendations")

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text[:50]


class ReportLink(models.Model):
    """A read-only link to a workshop's report, for people without an account. Only a
    hash of its token is kept."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="report_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(Participant, on_delete=models.SET_NULL, null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"report link of {self.workshop}"


class AnswerLink(models.Model):
    """A practice that answers a difficulty, from any breakout of the workshop."""

    difficulty = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="answer_links")
    practice = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="answers")
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["difficulty", "practice"], name="link_once")]

    def __str__(self) -> str:
        return f"{self.difficulty_id} answered by {self.practice_id}"


class AnswerDismissal(models.Model):
    """A suggested answer the team turned down: never suggested again."""

    difficulty = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="+")
    practice = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="+")
    dismissed_by = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["difficulty", "practice"], name="dismiss_once")
        ]

    def __str__(self) -> str:
        return f"{self.practice_id} dismissed for {self.difficulty_id}"


class Application(models.Model):
    """A person's application to take part in a workshop: one per email and workshop.
    Its link (to see where it stands) and the invitation of an accepted person are
    derived from `key` and SECRET_KEY; only a hash of the link is looked up."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        ACCEPTED = "accepted", _("Accepted")
        WAITLISTED = "waitlisted", _("On the waiting list")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="applications")
    name = models.CharField(_("name"), max_length=DISPLAY_NAME_MAX)
    email = models.EmailField(_("email"))  # stored in lower case
    organisation = models.CharField(_("organisation"), max_length=200)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=100)
    role = models.CharField(_("role"), max_length=200)
    language = models.CharField(_("working language"), max_length=10, choices=settings.LANGUAGES)
    preferred_challenge = models.ForeignKey(
        Challenge,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("challenge you would most like to work on"),
    )
    status = models.CharField(max_length=12, choices=Status.choices)
    key = models.CharField(max_length=64)
    token_hash = models.CharField(max_length=64, unique=True)
    invite = models.OneToOneField(
        Invite, on_delete=models.SET_NULL, null=True, blank=True, related_name="application"
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "email"], name="one_application_per_email")
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.workshop}"


RATING_MAX = 5


class Scenario(models.Model):
    """A prepared scenario that participants of a scenario board react to."""

    breakout = models.ForeignKey(Breakout, on_delete=models.CASCADE, related_name="scenarios")
    position = models.PositiveIntegerField()
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), max_length=5000)
    # Other languages: {"fr": {"title": ..., "text": ...}, "es": {...}}.
    translations = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class Reaction(models.Model):
    """One participant's feedback on one scenario; sending it again replaces it."""

    class Stance(models.TextChoices):
        AGREE = "agree", _("Agree")
        DISAGREE = "disagree", _("Disagree")

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="reactions")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    stance = models.CharField(_("agree or disagree"), max_length=10, choices=Stance.choices)
    reason = models.TextField(_("why"), max_length=1000, blank=True)
    concerns = models.TextField(_("concerns"), max_length=1000, blank=True)
    ideas = models.TextField(_("ideas"), max_length=1000, blank=True)
    ratings = models.JSONField(default=dict, blank=True)  # criterion -> 1..RATING_MAX
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["updated_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "participant"], name="one_reaction_each")
        ]

    def __str__(self) -> str:
        return f"{self.participant} on {self.scenario}"
