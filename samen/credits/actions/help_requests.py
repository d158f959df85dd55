"""Requests for help: asked, answered with an offer, closed, and the weekly digests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from samen.accounts.actions import skills_get_or_create
from samen.audit.actions import audit_record
from samen.communities.queries import host_members, is_host_admin
from samen.credits.actions._common import _credits_text, _require_member
from samen.credits.actions.rate_cards import service_on
from samen.credits.errors import CreditsError, CreditsErrorCode
from samen.credits.models import CreditScheme, Delivery, HelpRequest, RequestDigest, RequestStatus
from samen.lib.mail import send_message_later

MAX_TITLE_LENGTH = 140
MAX_DESCRIPTION_LENGTH = 4000


def _lock_request(help_request: HelpRequest) -> HelpRequest:
    return (
        HelpRequest.objects.select_for_update(of=("self",))
        .select_related("scheme__host", "requester")
        .get(pk=help_request.pk)
    )


def _check_answer(
    actor: Any, scheme: CreditScheme, help_request: HelpRequest, service_code: str, member: Any
) -> None:
    """May ``actor`` answer this request with this service, given to ``member``?"""
    if help_request.scheme_id != scheme.pk or not help_request.is_open:
        raise CreditsError(CreditsErrorCode.REQUEST_NOT_OPEN)
    if help_request.requester_id == actor.pk:
        raise CreditsError(CreditsErrorCode.OWN_REQUEST)
    if member is not None and member.pk != help_request.requester_id:
        raise CreditsError(
            CreditsErrorCode.INVALID, _("A request is answered with a session for its requester.")
        )
    if help_request.service_code and service_code != help_request.service_code:
        raise CreditsError(
            CreditsErrorCode.REQUEST_SERVICE,
            _("This request is answered with the service it names."),
        )


def _request_url(help_request: HelpRequest) -> str:
    return settings.SITE_URL + reverse("credits:request", args=[help_request.pk])


def _notify_offer(delivery: Delivery, help_request: HelpRequest) -> None:
    """E-mail the requester, in their language, that someone recorded help for them."""
    person = help_request.requester
    if not person.is_active or not person.email:
        return
    scheme = delivery.scheme
    with translation.override(person.language or settings.LANGUAGE_CODE):
        context = {
            "person": person,
            "helper": delivery.provider.public_name if delivery.provider else "",
            "request": help_request,
            "service": delivery.service.name_in(translation.get_language()),
            "credits": _credits_text(delivery.credits, scheme.unit),
            "date": delivery.date,
            "host": scheme.host.name,
            "url": _request_url(help_request),
            "confirm_url": settings.SITE_URL + reverse("credits:home", args=[scheme.host.slug]),
        }
        subject = render_to_string("credits/email/offer_subject.txt", context).strip()
        body = render_to_string("credits/email/offer_body.txt", context)
    send_message_later(EmailMessage(subject=subject, body=body, to=[person.email]))


def _answer_request(actor: Any, delivery: Delivery, request_id: int) -> None:
    """The delivery was confirmed: its request, if still open, is answered by it."""
    help_request = HelpRequest.objects.select_for_update().get(pk=request_id)
    if help_request.status != RequestStatus.OPEN:
        return
    help_request.status = RequestStatus.ANSWERED
    help_request.answered_by = delivery
    help_request.answered_at = timezone.now()
    help_request.save(update_fields=["status", "answered_by", "answered_at"])
    audit_record(
        actor=actor,
        action="credits.request_answer",
        target=help_request,
        host=delivery.scheme.host,
        data={"delivery": delivery.pk, "helper": delivery.provider_id},
    )


@transaction.atomic
def help_request_create(
    *,
    actor: Any,
    scheme: CreditScheme,
    title: str,
    description: str = "",
    skills: Sequence[str] = (),
    service_code: str = "",
) -> HelpRequest:
    """A member of the host asks for help: what, which skills, and optionally the peer
    service of the rate card it would be priced with (checked against today's card)."""
    _require_member(actor, scheme.host)
    title = " ".join(title.split())
    description = description.strip()
    if not title or len(title) > MAX_TITLE_LENGTH or len(description) > MAX_DESCRIPTION_LENGTH:
        raise CreditsError(
            CreditsErrorCode.INVALID,
            _(
                "A request needs a title of at most %(title)s characters and a description of at "
                "most %(text)s."
            )
            % {"title": MAX_TITLE_LENGTH, "text": MAX_DESCRIPTION_LENGTH},
        )
    if service_code and not service_on(scheme, service_code, timezone.localdate()).is_peer:
        raise CreditsError(CreditsErrorCode.REQUEST_SERVICE)
    try:
        wanted = skills_get_or_create(list(skills))
    except ValueError as exc:
        raise CreditsError(CreditsErrorCode.INVALID, _("List at most 20 skills.")) from exc
    help_request = HelpRequest.objects.create(
        scheme=scheme,
        requester=actor,
        title=title,
        description=description,
        service_code=service_code,
    )
    help_request.skills.set(wanted)
    audit_record(
        actor=actor,
        action="credits.request_create",
        target=help_request,
        host=scheme.host,
        data={"skills": [s.name for s in wanted], "service": service_code},
    )
    return help_request


def can_close_request(user: Any, help_request: HelpRequest) -> bool:
    """Its requester withdraws it; a host admin may close any."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return (
        user.pk == help_request.requester_id
        or is_host_admin(user, help_request.scheme.host)
        or bool(getattr(user, "is_superuser", False))
    )


@transaction.atomic
def help_request_close(*, actor: Any, help_request: HelpRequest) -> HelpRequest:
    """Withdraw an open request (its requester) or close it (a host admin). Sessions already
    recorded for it stay as they are: they can still be confirmed or rejected."""
    help_request = _lock_request(help_request)
    if not can_close_request(actor, help_request):
        raise CreditsError(CreditsErrorCode.NOT_ALLOWED)
    if not help_request.is_open:
        raise CreditsError(CreditsErrorCode.REQUEST_NOT_OPEN)
    help_request.status = RequestStatus.CLOSED
    help_request.closed_by = actor
    help_request.closed_at = timezone.now()
    help_request.save(update_fields=["status", "closed_by", "closed_at"])
    audit_record(
        actor=actor,
        action="credits.request_close",
        target=help_request,
        host=help_request.scheme.host,
        data={"by_requester": actor.pk == help_request.requester_id},
    )
    return help_request


#: A digest mentions requests posted at most this long ago, each once per member.
DIGEST_WINDOW = dt.timedelta(days=7)


def request_digests_send(*, now: dt.datetime | None = None) -> int:
    """E-mail each member in debt the new open requests matching their skills: at most one
    digest per member, scheme and day, and never the same request twice. Safe to re-run."""
    from samen.credits.queries import debtor_ids, requests_for

    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    user_model = get_user_model()
    for scheme in CreditScheme.objects.select_related("host", "unit").order_by("pk"):
        members = set(host_members(scheme.host).values_list("pk", flat=True))
        for user in user_model.objects.filter(
            pk__in=[pk for pk in debtor_ids(scheme) if pk in members], is_active=True
        ).order_by("pk"):
            if RequestDigest.objects.filter(scheme=scheme, user=user, day=today).exists():
                continue
            mentioned = RequestDigest.requests.through.objects.filter(
                requestdigest__scheme=scheme, requestdigest__user=user
            ).values("helprequest_id")
            new = list(
                requests_for(user, scheme)
                .filter(created_at__gt=now - DIGEST_WINDOW, created_at__lte=now)
                .exclude(pk__in=mentioned)[:10]
            )
            if new and _send_digest(scheme, user, today, new):
                sent += 1
    return sent


@transaction.atomic
def _send_digest(
    scheme: CreditScheme, user: Any, day: dt.date, requests: list[HelpRequest]
) -> bool:
    digest, created = RequestDigest.objects.get_or_create(scheme=scheme, user=user, day=day)
    if not created:
        return False
    digest.requests.set(requests)
    if user.email:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            context = {
                "person": user,
                "host": scheme.host.name,
                "requests": [(r, _request_url(r)) for r in requests],
                "url": settings.SITE_URL + reverse("credits:requests", args=[scheme.host.slug]),
            }
            subject = render_to_string("credits/email/digest_subject.txt", context).strip()
            body = render_to_string("credits/email/digest_body.txt", context)
        send_message_later(EmailMessage(subject=subject, body=body, to=[user.email]))
    audit_record(
        actor=None,
        action="credits.request_digest",
        target=digest,
        host=scheme.host,
        data={"user": user.pk, "requests": [r.pk for r in requests]},
    )
    return True
