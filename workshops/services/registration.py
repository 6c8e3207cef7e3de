"""Applying to take part in a workshop, and the organisers' review of applications.

An application has a private link (where it stands, withdraw, my data) and, once
accepted, a personal invitation; both are derived from the application's `key` and
SECRET_KEY, so they can be shown again without being stored. Mail goes out after the
commit, through Django's email backend (the console by default).
"""

import secrets

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from workshops.errors import Forbidden, Invalid, NotFound
from workshops.models import Application, Invite, Workshop

from .board import acting
from .publish import access_changed, control_rows

Status = Application.Status
FIELDS = ("name", "organisation", "city", "country", "role", "language")


def application_token(application: Application) -> str:
    """The applicant's private link to their application."""
    return salted_hmac("facilitate.application", application.key, algorithm="sha256").hexdigest()


def invitation_token(application: Application) -> str:
    """The personal invitation of an accepted applicant."""
    return salted_hmac("facilitate.invitation", application.key, algorithm="sha256").hexdigest()


def _new_key(application: Application) -> None:
    application.key = secrets.token_urlsafe(32)
    application.token_hash = Invite.hash_token(application_token(application))


def application_for_token(token: str) -> Application:
    application = (
        Application.objects.select_related("workshop")
        .filter(token_hash=Invite.hash_token(token))
        .first()
    )
    if application is None:
        raise NotFound(
            _(
                "This registration link is not valid any more: the registration was "
                "deleted, or a newer link was sent to your email address."
            )
        )
    return application


def member_rule_allows(workshop: Workshop, email: str, organisation: str) -> bool:
    domain = email.rsplit("@", 1)[-1].casefold()
    domains = {d.casefold().lstrip("@") for d in workshop.member_domains}
    organisations = {o.casefold().strip() for o in workshop.member_organisations}
    return domain in domains or organisation.casefold().strip() in organisations


def application_submit(
    *, workshop_id: int, email: str, base_url: str, owned_ids=(), **details
) -> tuple[Application, bool]:
    """Apply to a workshop. Returns the application and whether it is a new one. The same
    email applying again is merged into the first application: from the browser that
    made it (`owned_ids`), the details are updated; from anywhere else nothing changes,
    and the link to the application is mailed to that address."""
    email = email.strip().lower()
    with transaction.atomic():
        workshop = Workshop.objects.select_for_update().get(pk=workshop_id)
        if not workshop.registration_is_open():
            raise Forbidden(_("Registration for this session is closed."))
        challenge = details.get("preferred_challenge")
        if challenge is not None and challenge.workshop_id != workshop.pk:
            raise NotFound(_("This challenge does not exist."))
        if workshop.members_only and not member_rule_allows(
            workshop, email, details["organisation"]
        ):
            raise Forbidden(_("This session is for members only."))
        earlier = Application.objects.filter(workshop=workshop, email=email).first()
        if earlier is not None and earlier.status != Status.WITHDRAWN:
            if earlier.pk in owned_ids:
                _set_details(earlier, details)
                earlier.save()
            else:
                _mail_on_commit(earlier, base_url, "again")
            return earlier, False
        application = earlier or Application(workshop=workshop, email=email)
        _set_details(application, details)
        _new_key(application)
        application.created_at = timezone.now()
        application.status = Status.PENDING
        if workshop.registration == Workshop.Registration.OPEN:
            application.status = Status.ACCEPTED if _has_room(workshop) else Status.WAITLISTED
        application.save()
        if application.status == Status.ACCEPTED:
            _accept(application)
        _mail_on_commit(application, base_url, application.status)
        return application, True


def _set_details(application: Application, details: dict) -> None:
    for name in FIELDS:
        setattr(application, name, details[name].strip())
    application.preferred_challenge = details.get("preferred_challenge")


def _has_room(workshop: Workshop) -> bool:
    accepted = workshop.applications.filter(status=Status.ACCEPTED).count()
    return workshop.capacity is None or accepted < workshop.capacity


def _accept(application: Application) -> None:
    """Give the accepted person their personal invitation (again, if it was revoked)."""
    application.status = Status.ACCEPTED
    application.decided_at = timezone.now()
    token_hash = Invite.hash_token(invitation_token(application))
    invite = application.invite
    if invite is None:
        invite = Invite.objects.create(
            workshop=application.workshop,
            label=application.name,
            email=application.email,
            language=application.language,
            personal=True,
            token_hash=token_hash,
        )
    else:
        invite.token_hash, invite.revoked_at = token_hash, None
        invite.save(update_fields=["token_hash", "revoked_at"])
    application.invite = invite
    application.save()


def _take_back_invitation(application: Application) -> None:
    """The invitation stops working and whoever joined with it leaves."""
    invite = application.invite
    if invite is None or invite.revoked_at is not None:
        return
    invite.revoked_at = timezone.now()
    invite.save(update_fields=["revoked_at"])
    joined = list(invite.participant_set.values_list("pk", "breakout_id"))
    access_changed(pk for pk, _room in joined)
    control_rows(invite.workshop_id, [room for _pk, room in joined])


def _promote_waiting(workshop: Workshop, base_url: str) -> bool:
    """In an open session, a place that frees up goes to the first on the waiting list.
    Returns whether someone got it."""
    if workshop.registration != Workshop.Registration.OPEN or not _has_room(workshop):
        return False
    first = workshop.applications.filter(status=Status.WAITLISTED).order_by("created_at").first()
    if first is None:
        return False
    _accept(first)
    _mail_on_commit(first, base_url, Status.ACCEPTED)
    return True


def _locked_application(application_id: int) -> Application:
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("invite")
        .filter(pk=application_id)
    ).first()
    if application is None:
        raise NotFound(_("This application does not exist."))
    return application


def application_decide(*, actor_id: int, application_id: int, status: str, base_url: str) -> None:
    """The organisers accept, wait-list or decline an application."""
    if status not in (Status.ACCEPTED, Status.WAITLISTED, Status.DECLINED):
        raise Invalid(_("Unknown decision."))
    with transaction.atomic():
        workshop_id = Application.objects.filter(pk=application_id).values("workshop_id")
        workshop = Workshop.objects.select_for_update().filter(pk__in=workshop_id).first()
        if workshop is None:
            raise NotFound(_("This application does not exist."))
        acting(actor_id, workshop.pk, "registrations.manage")
        application = _locked_application(application_id)
        if application.status == status:
            return
        if application.status == Status.WITHDRAWN:
            raise Forbidden(_("This person withdrew their application."))
        if status == Status.ACCEPTED:
            if not _has_room(workshop):
                raise Forbidden(
                    _("The session is full: add places, or put the person on the waiting list.")
                )
            _accept(application)
        else:
            freed = application.status == Status.ACCEPTED
            _take_back_invitation(application)
            application.status, application.decided_at = status, timezone.now()
            application.save()
            if freed:
                _promote_waiting(workshop, base_url)
        _mail_on_commit(application, base_url, status)


def application_withdraw(*, token: str, base_url: str) -> Application:
    """The applicant takes their application back; their place goes to the next."""
    with transaction.atomic():
        application = application_for_token(token)
        workshop = Workshop.objects.select_for_update().get(pk=application.workshop_id)
        application = _locked_application(application.pk)
        freed = application.status == Status.ACCEPTED
        _take_back_invitation(application)
        application.status, application.decided_at = Status.WITHDRAWN, timezone.now()
        application.save()
        if freed:
            _promote_waiting(workshop, base_url)
        return application


def _forget(application: Application, base_url: str) -> None:
    """Delete the application and the personal data kept with the person who joined."""
    workshop = Workshop.objects.select_for_update().get(pk=application.workshop_id)
    freed = application.status == Status.ACCEPTED
    _take_back_invitation(application)
    if application.invite is not None:
        application.invite.participant_set.update(email="")
        Invite.objects.filter(pk=application.invite_id).update(label="—", email="")
    application.delete()
    if freed:
        _promote_waiting(workshop, base_url)


def application_forget(*, token: str, base_url: str) -> None:
    """The applicant deletes their application and its personal data."""
    with transaction.atomic():
        _forget(application_for_token(token), base_url)


def application_delete(*, actor_id: int, application_id: int, base_url: str) -> None:
    """The organisers delete an application and its personal data, on request."""
    with transaction.atomic():
        application = Application.objects.select_related("invite").filter(pk=application_id)
        application = application.first()
        if application is None:
            raise NotFound(_("This application does not exist."))
        acting(actor_id, application.workshop_id, "registrations.manage")
        _forget(application, base_url)


def registration_rules_save(*, actor_id: int, workshop_id: int, base_url: str, **rules) -> None:
    """How people may apply: closed, open or reviewed; places; members only. Places
    added to an open session go to the waiting list's first people."""
    if rules["members_only"] and not (rules["member_organisations"] or rules["member_domains"]):
        raise Invalid(_("List the member organisations or email domains."))
    with transaction.atomic():
        workshop = Workshop.objects.select_for_update().get(pk=workshop_id)
        acting(actor_id, workshop_id, "registrations.manage")
        for name, value in rules.items():
            setattr(workshop, name, value)
        workshop.save(update_fields=list(rules))
        while _promote_waiting(workshop, base_url):
            pass


# Mail ----------------------------------------------------------------------------------------

SUBJECTS = {
    "again": _("Your registration for %(title)s"),
    Status.PENDING: _("We received your registration for %(title)s"),
    Status.WAITLISTED: _("You are on the waiting list for %(title)s"),
    Status.ACCEPTED: _("You are registered for %(title)s: your invitation"),
    Status.DECLINED: _("Your registration for %(title)s"),
}


def _mail_on_commit(application: Application, base_url: str, what: str) -> None:
    """Tell the applicant, in their working language, once the change is stored."""
    if what not in SUBJECTS or not base_url:
        return
    workshop = application.workshop
    context = {
        "application": application,
        "workshop": workshop,
        "what": what,
        "status_url": f"{base_url}/apply/status/{application_token(application)}/",
        "join_url": f"{base_url}/join/{invitation_token(application)}/",
    }
    with translation.override(application.language or workshop.language):
        subject = str(SUBJECTS[what] % {"title": workshop.title})
        body = render_to_string("workshops/application_mail.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, None, [application.email]))
