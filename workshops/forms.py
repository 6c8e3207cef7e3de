import csv
import io
import uuid
from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from .export.report import SECTION_TITLES
from .models import (
    CARD_TEXT_MAX,
    DISPLAY_NAME_MAX,
    RATING_MAX,
    AgendaSegment,
    Application,
    Breakout,
    Card,
    Challenge,
    Cluster,
    HelpRequest,
    Invite,
    Participant,
    Reaction,
    Series,
    Workshop,
)

LANGUAGE_CHOICES = [("", _("No preference")), *settings.LANGUAGES]


class JoinForm(forms.Form):
    display_name = forms.CharField(
        label=_("Your name"),
        max_length=DISPLAY_NAME_MAX,
        help_text=_("Shown to the others in your breakout."),
    )
    breakout = forms.ModelChoiceField(
        label=_("Breakout"),
        queryset=Breakout.objects.none(),
        required=False,
        empty_label=None,
        widget=forms.RadioSelect,
    )
    preferred_challenge = forms.ModelChoiceField(
        label=_("The challenge you would most like to work on"),
        queryset=Challenge.objects.none(),
        required=False,
        empty_label=_("No preference"),
    )
    language = forms.ChoiceField(
        label=_("Language you prefer to work in"), choices=LANGUAGE_CHOICES, required=False
    )

    def __init__(self, invite: Invite, *args, **kwargs):
        initial = {"display_name": invite.label if invite.personal else ""}
        initial["language"] = invite.language
        application = Application.objects.filter(invite=invite).first()
        if application is not None:  # what they gave when they applied
            initial["preferred_challenge"] = application.preferred_challenge_id
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        workshop = invite.workshop
        self.fields["preferred_challenge"].queryset = workshop.challenges.all()
        if invite.breakout_id:
            del self.fields["breakout"]  # placed by the facilitator
        else:
            self.fields["breakout"].queryset = workshop.breakouts.open().select_related("challenge")
            self.fields["breakout"].label_from_instance = breakout_label


class ChooseBreakoutForm(forms.Form):
    breakout = forms.ModelChoiceField(
        label=_("Breakout"),
        queryset=Breakout.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
    )

    def __init__(self, workshop: Workshop, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["breakout"].queryset = workshop.breakouts.open().select_related("challenge")
        self.fields["breakout"].label_from_instance = breakout_label


def breakout_label(breakout: Breakout) -> str:
    return f"{breakout.name} — {breakout.challenge.title}"


class CardForm(forms.Form):
    """Posting a card; the op_id makes a double submit store one card."""

    kind = forms.ChoiceField(choices=Card.Kind.choices, widget=forms.HiddenInput)
    text = forms.CharField(max_length=CARD_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    anonymous = forms.BooleanField(label=_("Post anonymously"), required=False)
    language = forms.ChoiceField(
        choices=[("", _("Detect it from the text")), *settings.LANGUAGES], required=False
    )
    op_id = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, kind: str, *args, **kwargs):
        kwargs.setdefault("initial", {"kind": kind, "op_id": uuid.uuid4()})
        kwargs.setdefault("auto_id", f"id_{kind}_%s")
        super().__init__(*args, **kwargs)
        practice = kind == Card.Kind.PRACTICE
        self.fields["text"].label = _("New practice") if practice else _("New difficulty")
        self.fields["language"].label = (
            _("Language of this practice") if practice else _("Language of this difficulty")
        )


class InviteForm(forms.Form):
    label = forms.CharField(
        label=_("Label"),
        max_length=200,
        help_text=_("Who the link is for, e.g. “Workshop link” or a person’s name."),
    )
    expires_at = forms.DateTimeField(
        label=_("Joining closes at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Optional, in the workshop’s time zone. People who joined stay in."),
    )


# Steering from the control room ------------------------------------------------------


class WorkshopScopedForm(forms.Form):
    """Its model choices offer only rows of this workshop: another workshop's ids are
    invalid choices, refused before any service runs."""

    def __init__(self, workshop: Workshop, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = in_workshop(field.queryset.model, workshop)


def in_workshop(model, workshop: Workshop):
    if model is Breakout:
        return workshop.breakouts.all()
    if model is Participant:
        return workshop.participants.active().filter(role=Participant.Role.PARTICIPANT)
    if model is HelpRequest:
        return HelpRequest.objects.filter(participant__workshop=workshop)
    if model is Cluster:
        return Cluster.objects.filter(breakout__workshop=workshop).select_related("breakout")
    if model is Card:
        return Card.objects.filter(breakout__workshop=workshop, hidden_at=None)
    raise ValueError(model)


def optional_breakout(label=None):
    """A breakout, or empty for every breakout of the workshop."""
    return forms.ModelChoiceField(
        label=label or _("Breakout"),
        queryset=Breakout.objects.none(),
        required=False,
        empty_label=_("All breakouts"),
    )


class PhaseForm(WorkshopScopedForm):
    breakout = optional_breakout()
    phase = forms.ChoiceField(label=_("Phase"), choices=Breakout.Phase.choices)


class TimerForm(WorkshopScopedForm):
    COMMANDS = [
        ("start", _("Start")),
        ("pause", _("Pause")),
        ("resume", _("Resume")),
        ("extend", _("Add minutes")),
        ("stop", _("Stop")),
    ]
    breakout = optional_breakout()
    command = forms.ChoiceField(choices=COMMANDS)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=600, required=False)
    action = forms.ChoiceField(
        label=_("When it ends"), choices=Breakout.TimerAction.choices, required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("command") in ("start", "extend") and not data.get("minutes"):
            self.add_error("minutes", _("Give the number of minutes."))
        data["minutes"] = data.get("minutes") or 0
        return data


class MessageForm(WorkshopScopedForm):
    breakout = optional_breakout(_("To"))
    text = forms.CharField(
        label=_("Message"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ModeForm(WorkshopScopedForm):
    mode = forms.ChoiceField(choices=Workshop.Mode.choices)


class AnonymousForm(WorkshopScopedForm):
    allowed = forms.BooleanField(label=_("Allow anonymous cards"), required=False)


class SpreadForm(WorkshopScopedForm):
    by = forms.ChoiceField(
        label=_("Keep together by"),
        required=False,
        choices=[
            ("", _("Nothing: just even numbers")),
            ("preference", _("Preferred challenge")),
            ("language", _("Working language")),
        ],
    )


class MoveForm(WorkshopScopedForm):
    participant = forms.ModelChoiceField(label=_("Person"), queryset=Participant.objects.none())
    breakout = forms.ModelChoiceField(
        label=_("Move to"),
        queryset=Breakout.objects.none(),
        required=False,
        empty_label=_("No breakout (main page)"),
    )


class SwapForm(WorkshopScopedForm):
    participant_1 = forms.ModelChoiceField(label=_("Swap"), queryset=Participant.objects.none())
    participant_2 = forms.ModelChoiceField(label=_("with"), queryset=Participant.objects.none())


class HelpHandledForm(WorkshopScopedForm):
    request = forms.ModelChoiceField(queryset=HelpRequest.objects.none(), widget=forms.HiddenInput)


class RemoveForm(WorkshopScopedForm):
    participant = forms.ModelChoiceField(
        queryset=Participant.objects.none(), widget=forms.HiddenInput
    )


# Participants -------------------------------------------------------------------------


class HelpForm(forms.Form):
    kind = forms.ChoiceField(choices=HelpRequest.Kind.choices, widget=forms.HiddenInput)
    note = forms.CharField(label=_("What do you need? (optional)"), max_length=300, required=False)


class RegistrationForm(forms.Form):
    segment = forms.ModelChoiceField(
        queryset=AgendaSegment.objects.none(), widget=forms.HiddenInput
    )
    registered = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, workshop, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["segment"].queryset = workshop.segments.filter(registration_required=True)


# Preparing a workshop -------------------------------------------------------------------

TIME_ZONES = sorted(available_timezones())
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class WorkshopForm(forms.ModelForm):
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=[(name, name) for name in TIME_ZONES],
        help_text=_("Dates and times of the workshop and its agenda are in this time zone."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages of interpretation"),
        choices=settings.LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Workshop
        fields = [
            "title",
            "background",
            "audience",
            "timezone",
            "starts_at",
            "ends_at",
            "language",
            "languages",
            "allow_anonymous",
        ]
        widgets = {
            "starts_at": DATETIME_INPUT,
            "ends_at": DATETIME_INPUT,
            "background": forms.Textarea(attrs={"rows": 5}),
            "audience": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].required = False

    def clean_language(self):
        return self.cleaned_data["language"] or settings.LANGUAGE_CODE

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The workshop must end after it starts."))
        return data


class SegmentForm(forms.ModelForm):
    class Meta:
        model = AgendaSegment
        fields = ["kind", "title", "starts_at", "duration_minutes", "registration_required"]
        widgets = {"starts_at": DATETIME_INPUT}

    def __init__(self, workshop, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duration_minutes"].min_value = 1
        self.fields["duration_minutes"].widget.attrs["min"] = 1


class ChallengeForm(forms.ModelForm):
    class Meta:
        model = Challenge
        fields = ["title", "question"]
        widgets = {"question": forms.Textarea(attrs={"rows": 2})}


class LinesField(forms.CharField):
    """One item per line, as a list."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


class BreakoutForm(forms.ModelForm):
    class Meta:
        model = Breakout
        fields = ["challenge", "name", "capacity", "kind", "criteria"]

    criteria = LinesField(
        label=_("Rating criteria of scenarios"),
        required=False,
        help_text=_("One per line, e.g. desirability and feasibility (scenario boards only)."),
    )

    def __init__(self, workshop, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["challenge"].queryset = workshop.challenges.all()
        self.fields["kind"].required = False
        self.fields["capacity"].help_text = _("Leave empty for no limit.")

    def clean_kind(self):
        return self.cleaned_data["kind"] or Breakout.Kind.CARDS


class DuplicateForm(forms.Form):
    title = forms.CharField(label=_("Title of the copy"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DATETIME_INPUT)


class PersonalInvitesForm(forms.Form):
    """One person per line: name, email[, breakout name][, language]."""

    people = forms.CharField(
        label=_("People, one per line: name, email, breakout (optional), language (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    file = forms.FileField(label=_("Or a CSV file with the same columns"), required=False)

    def __init__(self, workshop, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.workshop = workshop

    def clean(self):
        data = super().clean()
        text = data.get("people") or ""
        if data.get("file"):
            try:
                text = data["file"].read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValidationError(_("The file must be UTF-8 text (CSV).")) from None
        data["rows"] = self.rows(text)
        if not data["rows"]:
            raise ValidationError(_("Paste at least one person or choose a file."))
        return data

    def rows(self, text: str) -> list[dict]:
        breakouts = {b.name.casefold(): b for b in self.workshop.breakouts.all()}
        languages = {code for code, _name in settings.LANGUAGES}
        rows, errors = [], []
        for number, line in enumerate(csv.reader(io.StringIO(text)), start=1):
            cells = [cell.strip() for cell in line] + ["", "", "", ""]
            name, email, breakout, language = cells[:4]
            if not any(cells) or (number == 1 and email.casefold() == "email"):
                continue
            try:
                validate_email(email)
            except ValidationError:
                errors.append(
                    _("Line %(n)d: “%(email)s” is not an email address.")
                    % {"n": number, "email": email}
                )
                continue
            if not name or len(name) > DISPLAY_NAME_MAX:
                errors.append(_("Line %(n)d: give a name of 1 to 80 characters.") % {"n": number})
            if breakout and breakout.casefold() not in breakouts:
                errors.append(
                    _("Line %(n)d: there is no breakout called “%(name)s”.")
                    % {"n": number, "name": breakout}
                )
            if language and language not in languages:
                errors.append(_("Line %(n)d: the language must be en, fr or es.") % {"n": number})
            rows.append(
                {
                    "name": name,
                    "email": email,
                    "breakout": breakouts.get(breakout.casefold()),
                    "language": language,
                }
            )
        if errors:
            raise ValidationError(errors)
        return rows


class TeamAddForm(WorkshopScopedForm):
    username = forms.CharField(label=_("Username or email of their account"), max_length=254)
    team_role = forms.ChoiceField(label=_("Role"), choices=Participant.Team.choices)


class TeamMemberForm(WorkshopScopedForm):
    participant = forms.ModelChoiceField(
        queryset=Participant.objects.none(), widget=forms.HiddenInput
    )
    team_role = forms.ChoiceField(label=_("Role"), choices=Participant.Team.choices)
    hosted = forms.ModelMultipleChoiceField(
        label=_("Hosts"),
        queryset=Breakout.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, workshop, *args, **kwargs):
        super().__init__(workshop, *args, **kwargs)
        self.fields["participant"].queryset = workshop.participants.active().filter(
            role=Participant.Role.FACILITATOR
        )


class RecommendationForm(WorkshopScopedForm):
    text = forms.CharField(
        label=_("Recommendation"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    clusters = forms.ModelMultipleChoiceField(
        label=_("From the clusters"),
        queryset=Cluster.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cards = forms.ModelMultipleChoiceField(
        label=_("From the cards"),
        queryset=Card.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, workshop, *args, **kwargs):
        super().__init__(workshop, *args, **kwargs)
        self.fields["clusters"].label_from_instance = lambda c: f"{c.breakout.name}: {c}"
        self.fields["cards"].label_from_instance = lambda c: c.text[:100]


class ReportOptionsForm(forms.Form):
    sections = forms.MultipleChoiceField(
        label=_("Sections of the report"),
        choices=[(key, title) for key, title in SECTION_TITLES.items()],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    authors = forms.BooleanField(
        label=_("Show the names of the cards’ authors (never of anonymous cards)"),
        required=False,
    )


# Registration ----------------------------------------------------------------------------


class ApplicationForm(forms.ModelForm):
    """Applying to a session. `website` is a trap for robots: people never see it."""

    website = forms.CharField(label=_("Leave this field empty"), required=False)

    class Meta:
        model = Application
        fields = [
            "name",
            "email",
            "organisation",
            "role",
            "city",
            "country",
            "language",
            "preferred_challenge",
        ]
        labels = {"name": _("Your name"), "role": _("Your role or position")}

    def __init__(self, workshop, *args, **kwargs):
        super().__init__(*args, **kwargs)
        challenges = self.fields["preferred_challenge"]
        challenges.queryset = workshop.challenges.all()
        challenges.empty_label = _("No preference")
        if not challenges.queryset.exists():
            del self.fields["preferred_challenge"]
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def details(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("website", None)
        data.setdefault("preferred_challenge", None)
        return data


class RegistrationRulesForm(forms.ModelForm):
    member_organisations = LinesField(
        label=_("Member organisations"), required=False, help_text=_("One per line.")
    )
    member_domains = LinesField(
        label=_("Members’ email domains"),
        required=False,
        help_text=_("One per line, e.g. metropolis.org."),
    )

    class Meta:
        model = Workshop
        fields = [
            "registration",
            "registration_closes_at",
            "capacity",
            "members_only",
            "member_organisations",
            "member_domains",
            "registration_contact",
        ]
        widgets = {
            "registration_closes_at": DATETIME_INPUT,
            "registration_contact": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "registration_closes_at": _("Empty: when the workshop starts."),
            "capacity": _("Leave empty for no limit; past it, people join the waiting list."),
            "registration_contact": _("Shown to people the members-only rule turns away."),
        }


class DecisionForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (Application.Status.ACCEPTED, _("Accept")),
            (Application.Status.WAITLISTED, _("Waiting list")),
            (Application.Status.DECLINED, _("Decline")),
        ]
    )


# Series --------------------------------------------------------------------------------


class SeriesForm(forms.ModelForm):
    themes = LinesField(label=_("Thematic areas"), required=False, help_text=_("One per line."))

    class Meta:
        model = Series
        fields = ["title", "slug", "description", "themes"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        help_texts = {"slug": _("The end of the public page’s address, e.g. covid-exchange.")}


class SessionForm(forms.Form):
    workshop = forms.ModelChoiceField(label=_("Workshop"), queryset=Workshop.objects.none())
    theme = forms.ChoiceField(label=_("Thematic area"), required=False)
    region = forms.CharField(
        label=_("Regional focus"),
        max_length=100,
        required=False,
        help_text=_("Empty for a global session."),
    )

    def __init__(self, series, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workshop"].queryset = Workshop.objects.filter(
            participants__user=user,
            participants__team_role=Participant.Team.LEAD,
            participants__removed_at=None,
        )
        self.fields["theme"].choices = [("", _("None")), *((t, t) for t in series.themes)]


class SeriesFilterForm(forms.Form):
    theme = forms.ChoiceField(label=_("Thematic area"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)

    def __init__(self, series, *args, **kwargs):
        super().__init__(*args, **kwargs)
        regions = sorted({r for r in series.sessions.values_list("region", flat=True) if r})
        self.fields["theme"].choices = [("", _("All")), *((t, t) for t in series.themes)]
        self.fields["region"].choices = [
            ("", _("All")),
            ("global", _("Global")),
            *((r, r) for r in regions),
        ]


# Scenario feedback boards ------------------------------------------------------------------


class ScenarioForm(forms.Form):
    """A facilitator posts a prepared scenario, optionally in French and Spanish too."""

    title = forms.CharField(label=_("Title of the scenario"), max_length=200)
    text = forms.CharField(label=_("The scenario"), widget=forms.Textarea(attrs={"rows": 5}))
    title_fr = forms.CharField(label=_("Title in French"), max_length=200, required=False)
    text_fr = forms.CharField(
        label=_("The scenario in French"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    title_es = forms.CharField(label=_("Title in Spanish"), max_length=200, required=False)
    text_es = forms.CharField(
        label=_("The scenario in Spanish"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    op_id = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"op_id": uuid.uuid4()})
        kwargs.setdefault("prefix", "scenario")
        super().__init__(*args, **kwargs)

    def scenario(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "text": data["text"],
            "translations": {
                code: {"title": data[f"title_{code}"], "text": data[f"text_{code}"]}
                for code in ("fr", "es")
            },
            "op_id": data["op_id"],
        }


RATING_CHOICES = [("", _("No rating")), *((str(n), str(n)) for n in range(1, RATING_MAX + 1))]


class ReactionForm(forms.Form):
    """A participant's feedback on one scenario; the board's criteria are rated 1 to 5."""

    stance = forms.ChoiceField(
        label=_("Do you agree with this scenario?"),
        choices=Reaction.Stance.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Why?"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    concerns = forms.CharField(
        label=_("Concerns"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    ideas = forms.CharField(
        label=_("Ideas"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    op_id = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, scenario, criteria: list[str], *args, **kwargs):
        kwargs.setdefault("initial", {"op_id": uuid.uuid4()})
        kwargs.setdefault("prefix", f"reaction-{scenario['id']}")
        super().__init__(*args, **kwargs)
        self.scenario_id = scenario["id"]
        self.criteria = criteria
        for number, criterion in enumerate(criteria):
            self.fields[f"rating_{number}"] = forms.TypedChoiceField(
                label=_("%(criterion)s (1 to %(max)d)")
                % {"criterion": criterion, "max": RATING_MAX},
                choices=RATING_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
            )
        for field in ("stance", "reason", "concerns", "ideas"):
            self.fields[field].widget.attrs["aria-describedby"] = f"scenario-title-{scenario['id']}"

    def reaction(self) -> dict:
        data = self.cleaned_data
        ratings = {
            criterion: data[f"rating_{number}"]
            for number, criterion in enumerate(self.criteria)
            if data.get(f"rating_{number}") is not None
        }
        texts = {name: data[name] for name in ("stance", "reason", "concerns", "ideas")}
        return {**texts, "ratings": ratings, "op_id": data["op_id"]}
