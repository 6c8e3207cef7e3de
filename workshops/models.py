import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CARD_TEXT_MAX = 1000
DISPLAY_NAME_MAX = 80


def new_epoch() -> int:
    return secrets.randbelow(2**31 - 1) + 1


class Workshop(models.Model):
    title = models.CharField(_("title"), max_length=200)
    background = models.TextField(_("background"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    allow_anonymous = models.BooleanField(_("allow anonymous cards"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.title


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


class Breakout(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="breakouts")
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="breakouts")
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveIntegerField(_("position"))
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    is_open = models.BooleanField(_("open for joining"), default=True)
    # Head of the event log: the seq of the last BoardEvent, bumped under a row lock.
    seq = models.PositiveBigIntegerField(default=0)
    # Changes when the log can no longer be replayed; clients then load a snapshot.
    epoch = models.PositiveIntegerField(default=new_epoch)

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


class ParticipantQuerySet(models.QuerySet):
    def active(self):
        """People who may still take part: not removed, and their invite not revoked."""
        return self.filter(
            models.Q(invite__isnull=True) | models.Q(invite__revoked_at__isnull=True),
            removed_at__isnull=True,
        )


class Participant(models.Model):
    class Role(models.TextChoices):
        FACILITATOR = "facilitator", _("Facilitator")
        PARTICIPANT = "participant", _("Participant")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True
    )
    invite = models.ForeignKey(Invite, on_delete=models.SET_NULL, null=True, blank=True)
    display_name = models.CharField(_("display name"), max_length=DISPLAY_NAME_MAX)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PARTICIPANT)
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


class Card(models.Model):
    class Kind(models.TextChoices):
        PRACTICE = "practice", _("Practice")
        DIFFICULTY = "difficulty", _("Difficulty")

    breakout = models.ForeignKey(Breakout, on_delete=models.CASCADE, related_name="cards")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField(max_length=CARD_TEXT_MAX)
    # None for an anonymous card: its author is not kept with it.
    author = models.ForeignKey(Participant, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

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
