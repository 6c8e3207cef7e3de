"""The whole workshop as JSON, and back: to keep it, or to move it to another server.

The ids in the file are the original ones and only link its parts together; `load`
gives every row a new one. Left out, as they belong to this server: invitations and
report links (their tokens), presence, cluster suggestions and the boards' event logs
(a restored board starts a new log in a new epoch, and its clients load a snapshot).
"""

import json
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from uuid import UUID
from zoneinfo import available_timezones

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

from workshops.errors import Invalid
from workshops.models import (
    REPORT_SECTIONS,
    AgendaSegment,
    AnswerDismissal,
    AnswerLink,
    Breakout,
    Card,
    Challenge,
    Cluster,
    HelpRequest,
    Message,
    Participant,
    Reaction,
    Recommendation,
    Registration,
    Scenario,
    Vote,
    Workshop,
)

FORMAT = "facilitate-workshop"
VERSION = 2  # 2: languages of cards, answers, scenario boards, series and registration
NOT_OURS = _("This file is not a workshop backup from Facilitate.")


class ImportRefused(Invalid):
    """The file cannot be restored; `message` tells the person importing it why."""


@dataclass(frozen=True)
class Part:
    """One list of the file: the rows of `model` found through `owner` (the path to the
    workshop), their own fields, their links (field -> the part it points into) and
    their many-to-many links; `extra` keys are read and written by code of their own."""

    model: type[models.Model]
    owner: str
    fields: tuple[str, ...]
    links: dict[str, str] = field(default_factory=dict)
    many: dict[str, str] = field(default_factory=dict)
    extra: tuple[str, ...] = ()

    def keys(self) -> list[str]:
        return ["id", *self.fields, *self.links, *self.many, *self.extra]


WORKSHOP_FIELDS = (
    "uid",
    "title",
    "background",
    "audience",
    "starts_at",
    "ends_at",
    "timezone",
    "language",
    "languages",
    "mode",
    "allow_anonymous",
    "report_sections",
    "report_authors",
    "created_at",
    # Version 2: its place in a series, and who may register.
    "theme",
    "region",
    "report_published",
    "registration",
    "registration_closes_at",
    "capacity",
    "members_only",
    "member_organisations",
    "member_domains",
    "registration_contact",
)

# In the order they are restored: each part points only into the parts before it.
PARTS = {
    "segments": Part(
        AgendaSegment,
        "workshop",
        ("kind", "title", "starts_at", "duration_minutes", "registration_required"),
    ),
    "challenges": Part(Challenge, "workshop", ("position", "title", "question")),
    "breakouts": Part(
        Breakout,
        "workshop",
        (
            "name",
            "position",
            "capacity",
            "phase",
            "timer_ends_at",
            "timer_paused_seconds",
            "timer_action",
            "participants_cluster",
            "vote_budget",
            "votes_visible",
            "summary",
            "summary_version",
            "kind",
            "criteria",
        ),
        links={"challenge": "challenges"},
    ),
    "participants": Part(
        Participant,
        "workshop",
        ("display_name", "role", "team_role", "email", "language", "joined_at", "removed_at"),
        links={"preferred_challenge": "challenges", "breakout": "breakouts"},
        many={"hosted_breakouts": "breakouts"},
        extra=("user",),
    ),
    "clusters": Part(
        Cluster,
        "breakout__workshop",
        ("title", "position", "key_points", "key_points_version", "created_at"),
        links={"breakout": "breakouts"},
    ),
    "cards": Part(
        Card,
        "breakout__workshop",
        ("kind", "text", "language", "created_at", "hidden_at"),
        links={"breakout": "breakouts", "author": "participants", "cluster": "clusters"},
    ),
    "votes": Part(
        Vote,
        "breakout__workshop",
        ("created_at",),
        links={
            "breakout": "breakouts",
            "voter": "participants",
            "card": "cards",
            "cluster": "clusters",
        },
    ),
    "messages": Part(
        Message,
        "workshop",
        ("text", "created_at"),
        links={"breakout": "breakouts", "author": "participants"},
    ),
    "help_requests": Part(
        HelpRequest,
        "participant__workshop",
        ("kind", "note", "created_at", "handled_at"),
        links={"participant": "participants", "breakout": "breakouts"},
    ),
    "registrations": Part(
        Registration,
        "participant__workshop",
        ("created_at",),
        links={"participant": "participants", "segment": "segments"},
    ),
    "recommendations": Part(
        Recommendation,
        "workshop",
        ("text", "position", "version"),
        many={"clusters": "clusters", "cards": "cards"},
    ),
    "answer_links": Part(
        AnswerLink,
        "difficulty__breakout__workshop",
        ("note", "created_at"),
        links={"difficulty": "cards", "practice": "cards", "created_by": "participants"},
    ),
    "scenarios": Part(
        Scenario,
        "breakout__workshop",
        ("position", "title", "text", "translations", "created_at"),
        links={"breakout": "breakouts"},
    ),
    "reactions": Part(
        Reaction,
        "scenario__breakout__workshop",
        ("stance", "reason", "concerns", "ideas", "ratings", "updated_at"),
        links={"scenario": "scenarios", "participant": "participants"},
    ),
    "answer_dismissals": Part(
        AnswerDismissal,
        "difficulty__breakout__workshop",
        ("created_at",),
        links={"difficulty": "cards", "practice": "cards", "dismissed_by": "participants"},
    ),
}
# Links into these parts stay on the board of the row that has them (whose own link to
# its breakout comes first, so it is restored by then), if it is on a board: answers
# link cards of any boards.
ON_A_BOARD = ("clusters", "cards")


# Dump ---------------------------------------------------------------------------------


def dump(workshop: Workshop) -> dict:
    """Everything of the workshop, as JSON-ready data."""
    data = {
        "format": FORMAT,
        "version": VERSION,
        "workshop": {name: plain(getattr(workshop, name)) for name in WORKSHOP_FIELDS},
    }
    for name, part in PARTS.items():
        data[name] = dump_part(workshop, part)
    return data


def to_json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1).encode()


def dump_part(workshop: Workshop, part: Part) -> list[dict]:
    rows = part.model.objects.filter(**{part.owner: workshop}).order_by("pk")
    if part.model is Participant:
        rows = rows.select_related("user", "invite")
    return [dump_row(obj, part) for obj in rows.prefetch_related(*part.many)]


def dump_row(obj: models.Model, part: Part) -> dict:
    row = {"id": obj.pk}
    row |= {name: plain(getattr(obj, name)) for name in part.fields}
    row |= {name: getattr(obj, f"{name}_id") for name in part.links}
    row |= {name: sorted(other.pk for other in getattr(obj, name).all()) for name in part.many}
    if isinstance(obj, Participant):
        row |= person_specifics(obj)
    return row


def person_specifics(person: Participant) -> dict:
    """A facilitator's account by its username. The invitations stay here, so a person
    whose invitation was withdrawn comes back removed: either way they no longer take
    part."""
    removed = person.removed_at
    if removed is None and person.invite_id:
        removed = person.invite.revoked_at
    return {"user": person.user.username if person.user_id else None, "removed_at": plain(removed)}


def plain(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    return value


# Load ---------------------------------------------------------------------------------


def load(data: dict | str | bytes) -> Workshop:
    """Restore a dumped workshop (its data, or the JSON text of it) with new ids, in one
    transaction; refuse with ImportRefused, changing nothing, what cannot be restored."""
    if isinstance(data, str | bytes):
        data = parsed(data)
    check_format(data)
    upgrade(data)
    try:
        with transaction.atomic():
            return restore(data)
    except IntegrityError as error:
        raise ImportRefused(
            _("This backup could not be stored: %(error)s") % {"error": error}
        ) from error


def parsed(text: str | bytes) -> dict:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportRefused(
            _(
                "This file is not valid JSON (line %(line)d, column %(column)d):"
                " it may be cut short."
            )
            % {"line": error.lineno, "column": error.colno}
        ) from error
    except ValueError as error:  # not even text
        raise ImportRefused(NOT_OURS) from error


def check_format(data) -> None:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportRefused(NOT_OURS)
    version = data.get("version")
    if type(version) is not int or version < 1:
        raise damaged("version", _("it should be a whole number."))
    if version > VERSION:
        raise ImportRefused(
            _(
                "This backup was made by a newer version of Facilitate (format %(version)d;"
                " this server reads up to %(known)d). Update this server, then import it again."
            )
            % {"version": version, "known": VERSION}
        )


# What version 2 added, filled with the fields' defaults in an older backup.
ADDED_IN_2 = {
    "workshop": (Workshop, WORKSHOP_FIELDS[WORKSHOP_FIELDS.index("theme") :]),
    "breakouts": (Breakout, ("kind", "criteria")),
    "cards": (Card, ("language",)),
}
PARTS_ADDED_IN_2 = ("answer_links", "answer_dismissals", "scenarios", "reactions")


def upgrade(data: dict) -> None:
    """An older format as this version writes it."""
    if data["version"] >= 2:
        return
    for key, (model, names) in ADDED_IN_2.items():
        rows = data.get(key)
        for row in [rows] if isinstance(rows, dict) else rows if isinstance(rows, list) else []:
            if isinstance(row, dict):
                for name in names:
                    row.setdefault(name, plain(model._meta.get_field(name).get_default()))
    for part in PARTS_ADDED_IN_2:
        data.setdefault(part, [])


def damaged(place: str, problem) -> ImportRefused:
    return ImportRefused(
        _("This backup is damaged (%(place)s): %(problem)s") % {"place": place, "problem": problem}
    )


def restore(data: dict) -> Workshop:
    workshop = restore_workshop(data.get("workshop"))
    restored = {"users": accounts(rows_of(data, "participants"))}
    for name, part in PARTS.items():
        restored[name] = {}
        for number, row in enumerate(rows_of(data, name), start=1):
            place = f"{name} #{number}"
            check_row(row, part, restored[name], place)
            restored[name][row["id"]] = restore_row(workshop, part, row, restored, place)
    return workshop


def rows_of(data: dict, name: str) -> list:
    rows = data.get(name)
    if not isinstance(rows, list):
        raise damaged(name, _("it should be a list."))
    return rows


def restore_workshop(details) -> Workshop:
    check_keys(details, WORKSHOP_FIELDS, "workshop")
    workshop = Workshop(**own_fields(Workshop, details, WORKSHOP_FIELDS, "workshop"))
    validate(workshop, [], "workshop")
    check_choices(workshop.languages, [code for code, _name in settings.LANGUAGES], "languages")
    check_choices(workshop.report_sections, REPORT_SECTIONS, "report_sections")
    if workshop.timezone not in time_zones():
        raise damaged("workshop", _("unknown time zone “%(zone)s”.") % {"zone": workshop.timezone})
    here = Workshop.objects.filter(uid=workshop.uid).first()
    if here is not None:
        raise ImportRefused(
            _("This workshop was already imported: “%(title)s” is here with the same identifier.")
            % {"title": here.title}
        )
    created_at = workshop.created_at
    workshop.save()
    Workshop.objects.filter(pk=workshop.pk).update(created_at=created_at)
    workshop.created_at = created_at
    return workshop


@cache
def time_zones() -> frozenset[str]:
    return frozenset(available_timezones())  # slow: it reads the zones' files


def check_keys(row, keys, place: str) -> None:
    if not isinstance(row, dict):
        raise damaged(place, _("it should be an object."))
    for key in keys:
        if key not in row:
            raise damaged(place, _("“%(key)s” is missing.") % {"key": key})


def check_row(row, part: Part, seen: dict, place: str) -> None:
    check_keys(row, part.keys(), place)
    if not isinstance(row["id"], int | str) or row["id"] in seen:
        raise damaged(place, _("its id is missing or repeated."))
    for name in part.many:
        if not isinstance(row[name], list):
            raise damaged(place, _("“%(key)s” should be a list.") % {"key": name})


def own_fields(model: type[models.Model], row: dict, names, place: str) -> dict:
    """The values of these fields, each of the JSON kind the field is written as."""
    for name in names:
        if not of_its_kind(model._meta.get_field(name), row[name]):
            raise damaged(place, _("“%(key)s” has a value of the wrong kind.") % {"key": name})
    return {name: row[name] for name in names}


def of_its_kind(model_field: models.Field, value) -> bool:
    if value is None:
        return model_field.null
    if isinstance(model_field, models.JSONField):
        return True
    if isinstance(model_field, models.BooleanField):
        return isinstance(value, bool)
    if isinstance(model_field, models.IntegerField):
        return type(value) is int
    return isinstance(value, str)  # texts, and dates and uids written as text


def check_choices(values, allowed, key: str) -> None:
    if not isinstance(values, list) or any(value not in allowed for value in values):
        raise damaged("workshop", _("“%(key)s” has an unknown value.") % {"key": key})


def validate(obj: models.Model, links: list[str], place: str) -> None:
    """Check and convert the fields read from the file (dates from text, choices...);
    the links are checked by `linked`, the constraints by the database."""
    try:
        obj.full_clean(exclude=links, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        problems = "; ".join(
            f"“{key}”: {' '.join(messages)}" for key, messages in error.message_dict.items()
        )
        raise damaged(place, problems) from error


def accounts(people: list) -> dict:
    """The facilitators' accounts by username: the user of that name on this server, or
    a new one who cannot log in until given a password."""
    users = {}
    for number, person in enumerate(people, start=1):
        place = f"participants #{number}"
        username = person.get("user") if isinstance(person, dict) else None
        if username is not None and not isinstance(username, str):
            raise damaged(place, _("“%(key)s” has an unknown value.") % {"key": "user"})
        if username is None or username in users:
            continue
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            user = get_user_model()(username=username)
            user.set_unusable_password()
            validate(user, [], place)
            user.save()
        users[username] = user
    return users


def restore_row(workshop: Workshop, part: Part, row: dict, restored: dict, place: str):
    obj = part.model(**own_fields(part.model, row, part.fields, place))
    if has_field(part.model, "workshop"):
        obj.workshop = workshop
    if isinstance(obj, Participant):
        obj.user = restored["users"].get(row["user"])
    validate(obj, [*part.links, "workshop", "user"], place)
    for name, target in part.links.items():
        if row[name] is None and obj._meta.get_field(name).null:
            continue
        other = linked(row[name], name, target, restored, place)
        on_a_board = hasattr(obj, "breakout_id")
        if target in ON_A_BOARD and on_a_board and other.breakout_id != obj.breakout_id:
            raise damaged(place, _("“%(key)s” points to another board.") % {"key": name})
        setattr(obj, name, other)
    auto_times = {name: getattr(obj, name) for name in part.fields if is_auto_now(part.model, name)}
    obj.save()
    if auto_times:
        part.model.objects.filter(pk=obj.pk).update(**auto_times)
    for name, target in part.many.items():
        getattr(obj, name).set([linked(id, name, target, restored, place) for id in row[name]])
    return obj


def linked(old_id, key: str, target: str, restored: dict, place: str) -> models.Model:
    """The row restored from the one with `old_id` in part `target`."""
    other = restored[target].get(old_id) if isinstance(old_id, int | str) else None
    if other is None:
        raise damaged(
            place,
            _("“%(key)s” points to %(target)s %(id)s, which is not in the file.")
            % {"key": key, "target": target, "id": json.dumps(old_id)},
        )
    return other


def has_field(model: type[models.Model], name: str) -> bool:
    return any(each.name == name for each in model._meta.fields)


def is_auto_now(model: type[models.Model], name: str) -> bool:
    return getattr(model._meta.get_field(name), "auto_now_add", False)
