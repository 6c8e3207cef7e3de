"""Who is asking, for every view: members only, and facilitators by role."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from workshops import queries
from workshops.models import Participant, Workshop


def membership(request: HttpRequest, workshop_id: int) -> tuple[Workshop, Participant]:
    """The workshop and who this browser is in it; members only."""
    workshop = get_object_or_404(Workshop, pk=workshop_id)
    participant = queries.participant_for(request.session, request.user, workshop.pk)
    if participant is None:
        raise PermissionDenied(_("This workshop is open to its invited members only."))
    return workshop, participant


def facilitation(request: HttpRequest, workshop_id: int) -> tuple[Workshop, Participant]:
    workshop, participant = membership(request, workshop_id)
    if not participant.is_facilitator:
        raise PermissionDenied(_("Only facilitators can open this page."))
    return workshop, participant


def place_of(participant: Participant):
    """Where this person belongs now: their board while breakouts run, else the main page."""
    in_breakouts = participant.workshop.mode == Workshop.Mode.BREAKOUTS
    if participant.breakout_id and not participant.is_facilitator and in_breakouts:
        return redirect("workshops:board", participant.workshop_id, participant.breakout_id)
    return redirect("workshops:workshop", participant.workshop_id)
