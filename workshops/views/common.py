"""Who is asking, for every view: members only, and each page by the table of roles."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from workshops import queries, roles
from workshops.models import Participant, Workshop


def membership(
    request: HttpRequest, workshop_id: int, action: str = "workshop.view"
) -> tuple[Workshop, Participant]:
    """The workshop and who this browser is in it, if they may do `action` there."""
    workshop = get_object_or_404(Workshop, pk=workshop_id)
    participant = queries.participant_for(request.session, request.user, workshop.pk)
    if participant is None:
        raise PermissionDenied(_("This workshop is open to its invited members only."))
    permit(participant, action)
    return workshop, participant


def permit(participant: Participant, action: str, breakout=None) -> None:
    """Refuse the page (403) unless the table of roles lets this person do `action`."""
    if not roles.allows(participant, action, breakout):
        raise PermissionDenied(roles.RULES[action].refusal)


def place_of(participant: Participant):
    """Where this person belongs now: their board while breakouts run, else the main page."""
    in_breakouts = participant.workshop.mode == Workshop.Mode.BREAKOUTS
    if participant.breakout_id and not participant.is_facilitator and in_breakouts:
        return redirect("workshops:board", participant.workshop_id, participant.breakout_id)
    return redirect("workshops:workshop", participant.workshop_id)


def redirect_back(request: HttpRequest, fallback: str, *args):
    """To the form's `next` page when it is on this site, else to `fallback`."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback, *args)
