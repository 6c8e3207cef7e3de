import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CARD_TEXT_MAX, DISPLAY_NAME_MAX, Breakout, Card, Workshop


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

    def __init__(self, workshop: Workshop, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["breakout"].queryset = workshop.breakouts.filter(is_open=True)
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
        self.fields["breakout"].queryset = workshop.breakouts.filter(is_open=True)
        self.fields["breakout"].label_from_instance = breakout_label


def breakout_label(breakout: Breakout) -> str:
    return f"{breakout.name} — {breakout.challenge.title}"


class CardForm(forms.Form):
    """Posting a card; the op_id makes a double submit store one card."""

    kind = forms.ChoiceField(choices=Card.Kind.choices, widget=forms.HiddenInput)
    text = forms.CharField(max_length=CARD_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    anonymous = forms.BooleanField(label=_("Post anonymously"), required=False)
    op_id = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, kind: str, *args, allow_anonymous: bool = False, **kwargs):
        kwargs.setdefault("initial", {"kind": kind, "op_id": uuid.uuid4()})
        kwargs.setdefault("auto_id", f"id_{kind}_%s")
        super().__init__(*args, **kwargs)
        self.fields["text"].label = (
            _("New practice") if kind == Card.Kind.PRACTICE else _("New difficulty")
        )
        if not allow_anonymous:
            del self.fields["anonymous"]


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
