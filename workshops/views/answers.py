"""The workshop-wide view of difficulties and the practices that answer them, with the
suggested answers and the themes that recur across breakouts."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workshops import queries, services

from .common import membership


@login_required
def answers(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop, actor = membership(request, workshop_id, "control.view")
    return _page(request, workshop, actor)


def _page(request, workshop, actor, error: str = "", status: int = 200) -> HttpResponse:
    context = {
        "workshop": workshop,
        "participant": actor,
        "error": error,
        **queries.answers_page(workshop, actor),
    }
    return render(request, "workshops/answers.html", context, status=status)


def _numbers(request, *names: str) -> list[int]:
    return [int(request.POST.get(name, "")) for name in names]


def _done(workshop_id: int, difficulty_id: int):
    return redirect(
        reverse("workshops:answers", args=[workshop_id]) + f"#difficulty-{difficulty_id}"
    )


def _write(request, workshop_id: int, write, names: tuple[str, ...], **extra):
    """Call a service with the numbers of the form; the page again with the error if
    it refuses."""
    workshop, actor = membership(request, workshop_id, "control.view")
    try:
        values = dict(zip(names, _numbers(request, *names), strict=True))
    except ValueError:
        return _page(request, workshop, actor, _("Choose a practice for this difficulty."), 400)
    try:
        write(actor_id=actor.pk, **values, **extra)
    except services.ServiceError as exc:
        return _page(request, workshop, actor, str(exc.message), 400)
    return _done(workshop.pk, int(request.POST.get("difficulty_id", 0)))


@login_required
@require_POST
def link(request: HttpRequest, workshop_id: int) -> HttpResponse:
    note = request.POST.get("note", "")
    names = ("difficulty_id", "practice_id")
    return _write(request, workshop_id, services.answer_link, names, note=note)


@login_required
@require_POST
def dismiss(request: HttpRequest, workshop_id: int) -> HttpResponse:
    return _write(request, workshop_id, services.answer_dismiss, ("difficulty_id", "practice_id"))


@login_required
@require_POST
def unlink(request: HttpRequest, workshop_id: int) -> HttpResponse:
    return _write(request, workshop_id, services.answer_unlink, ("link_id",))
