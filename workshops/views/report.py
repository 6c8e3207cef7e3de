"""The report of a workshop: each breakout's clusters, key points, votes and summary,
and the recommendations of the whole workshop, linked to where they came from."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workshops import forms, queries, services
from workshops.models import Recommendation

from .common import membership


@login_required
def report(request: HttpRequest, workshop_id: int, new_form=None) -> HttpResponse:
    workshop, actor = membership(request, workshop_id, "report.view")
    items = [
        (
            item,
            forms.RecommendationForm(
                workshop,
                initial={
                    "text": item.text,
                    "version": item.version,
                    "clusters": list(item.clusters.all()),
                    "cards": list(item.cards.all()),
                },
                prefix=f"rec-{item.pk}",
            ),
        )
        for item in queries.recommendations(workshop)
    ]
    context = {
        "workshop": workshop,
        "participant": actor,
        "sections": queries.report(workshop),
        "items": items,
        "new_form": new_form or forms.RecommendationForm(workshop, prefix="new"),
    }
    return render(request, "workshops/report.html", context)


@login_required
@require_POST
def recommendation_save(request, workshop_id: int, recommendation_id: int | None = None):
    workshop, actor = membership(request, workshop_id, "report.view")
    prefix = f"rec-{recommendation_id}" if recommendation_id else "new"
    form = forms.RecommendationForm(workshop, request.POST, prefix=prefix)
    if not form.is_valid():
        messages.error(request, _("Check the recommendation."))
        return report(request, workshop_id, new_form=None if recommendation_id else form)
    try:
        services.recommendation_save(
            actor_id=actor.pk,
            workshop_id=workshop.pk,
            text=form.cleaned_data["text"],
            clusters=list(form.cleaned_data["clusters"]),
            cards=list(form.cleaned_data["cards"]),
            recommendation_id=recommendation_id,
            version=form.cleaned_data["version"] or 0,
        )
    except services.TextConflict as exc:
        messages.error(
            request,
            _("%(why)s Their text: %(text)s") % {"why": exc.message, "text": exc.data["current"]},
        )
    except services.ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Saved."))
    return redirect(reverse("workshops:report", args=[workshop.pk]) + "#recommendations")


@login_required
@require_POST
def recommendation_delete(request, workshop_id: int, recommendation_id: int):
    workshop, actor = membership(request, workshop_id, "report.view")
    get_object_or_404(Recommendation, pk=recommendation_id, workshop=workshop)
    try:
        services.recommendation_delete(
            actor_id=actor.pk, workshop_id=workshop.pk, recommendation_id=recommendation_id
        )
    except services.ServiceError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("workshops:report", args=[workshop.pk]) + "#recommendations")
