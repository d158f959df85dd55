"""Hosting: a collective's application to a host, then freezing and unhosting."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from samen.audit.actions import audit_record
from samen.communities import queries
from samen.communities.actions._common import (
    _lock_collective,
    _notify,
    _pair_answers,
    _require_collective_admin,
    _require_host_admin,
)
from samen.communities.errors import CommunityError, CommunityErrorCode
from samen.communities.models import ApplicationStatus, Collective, Host, HostApplication
from samen.communities.validation import clean_fee

# --- applications ---------------------------------------------------------------------------


@transaction.atomic
def application_submit(
    *,
    actor: Any,
    collective: Collective,
    host: Host,
    answers: list[str],
    terms_accepted: bool,
    message: str = "",
) -> HostApplication:
    """A collective admin asks ``host`` to carry the collective, answering its questions
    and accepting its terms. One open application per collective at a time."""
    _require_collective_admin(actor, collective)
    collective = _lock_collective(collective)
    if collective.host_id is not None:
        raise CommunityError(CommunityErrorCode.ALREADY_HOSTED)
    if not host.accepts_applications:
        raise CommunityError(CommunityErrorCode.NOT_ACCEPTING)
    if not terms_accepted:
        raise CommunityError(CommunityErrorCode.TERMS_NOT_ACCEPTED, field="terms_accepted")
    paired = _pair_answers(list(host.application_questions or []), answers)
    if collective.applications.filter(
        status__in=[ApplicationStatus.PENDING, ApplicationStatus.NEEDS_INFO]
    ).exists():
        raise CommunityError(CommunityErrorCode.APPLICATION_OPEN)
    application = HostApplication.objects.create(
        host=host,
        collective=collective,
        answers=paired,
        message=message.strip(),
        terms_accepted_at=timezone.now(),
        applied_by=actor,
    )
    audit_record(actor=actor, action="application.submit", target=application, host=host)
    _notify(
        queries.host_admins(host),
        "communities/email/application_received",
        {"application": application, "collective": collective, "host": host},
    )
    return application


def _lock_open_application(application: HostApplication) -> HostApplication:
    locked = (
        HostApplication.objects.select_for_update()
        .select_related("host", "collective")
        .get(pk=application.pk)
    )
    if not locked.is_open:
        raise CommunityError(CommunityErrorCode.APPLICATION_CLOSED)
    return locked


def _tell_collective(application: HostApplication) -> None:
    _notify(
        queries.collective_admins(application.collective),
        "communities/email/application_decided",
        {
            "application": application,
            "collective": application.collective,
            "host": application.host,
        },
    )


@transaction.atomic
def application_approve(
    *, actor: Any, application: HostApplication, custom_fee_percent: Decimal | str | None = None
) -> HostApplication:
    """A host admin accepts the collective, optionally at a fee other than the default.
    Only host admins decide: a collective admin cannot approve their own application."""
    _require_host_admin(actor, application.host)
    fee = clean_fee(custom_fee_percent, "custom_fee_percent")
    application = _lock_open_application(application)
    collective = _lock_collective(application.collective)
    if collective.host_id is not None:
        raise CommunityError(CommunityErrorCode.ALREADY_HOSTED)
    now = timezone.now()
    application.status = ApplicationStatus.APPROVED
    application.decided_by = actor
    application.decided_at = now
    application.custom_fee_percent = fee
    application.save()
    collective.host = application.host
    collective.hosted_since = now
    collective.custom_fee_percent = fee
    collective.is_frozen = False
    collective.save(update_fields=["host", "hosted_since", "custom_fee_percent", "is_frozen"])
    application.collective = collective
    audit_record(
        actor=actor,
        action="application.approve",
        target=application,
        host=application.host,
        data={"collective": collective.slug, "custom_fee_percent": str(fee) if fee else None},
    )
    _tell_collective(application)
    return application


@transaction.atomic
def application_reject(*, actor: Any, application: HostApplication, reason: str) -> HostApplication:
    """A host admin declines, with a reason the collective's admins read."""
    _require_host_admin(actor, application.host)
    application = _lock_open_application(application)
    application.status = ApplicationStatus.REJECTED
    application.reason = reason.strip()
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.save()
    audit_record(
        actor=actor,
        action="application.reject",
        target=application,
        host=application.host,
        data={"reason": application.reason},
    )
    _tell_collective(application)
    return application


@transaction.atomic
def application_request_info(
    *, actor: Any, application: HostApplication, question: str
) -> HostApplication:
    """A host admin asks the collective for more information before deciding."""
    _require_host_admin(actor, application.host)
    application = _lock_open_application(application)
    application.status = ApplicationStatus.NEEDS_INFO
    application.reason = question.strip()
    application.save(update_fields=["status", "reason"])
    audit_record(
        actor=actor,
        action="application.request_info",
        target=application,
        host=application.host,
        data={"question": application.reason},
    )
    _tell_collective(application)
    return application


@transaction.atomic
def application_reply(*, actor: Any, application: HostApplication, message: str) -> HostApplication:
    """The collective answers a request for more information; the application is pending
    again and the host's admins are told."""
    _require_collective_admin(actor, application.collective)
    application = _lock_open_application(application)
    application.message = f"{application.message}\n\n{message.strip()}".strip()
    application.status = ApplicationStatus.PENDING
    application.save(update_fields=["message", "status"])
    audit_record(actor=actor, action="application.reply", target=application, host=application.host)
    _notify(
        queries.host_admins(application.host),
        "communities/email/application_received",
        {
            "application": application,
            "collective": application.collective,
            "host": application.host,
        },
    )
    return application


@transaction.atomic
def application_withdraw(*, actor: Any, application: HostApplication) -> HostApplication:
    _require_collective_admin(actor, application.collective)
    application = _lock_open_application(application)
    application.status = ApplicationStatus.WITHDRAWN
    application.save(update_fields=["status"])
    audit_record(
        actor=actor, action="application.withdraw", target=application, host=application.host
    )
    return application


# --- hosting: freeze and unhost --------------------------------------------------------------


@transaction.atomic
def collective_freeze(*, actor: Any, collective: Collective, reason: str = "") -> Collective:
    """The host stops money moving for the collective; the money stays with the host."""
    collective = _lock_collective(collective)
    if collective.host is None:
        raise CommunityError(CommunityErrorCode.NOT_HOSTED)
    _require_host_admin(actor, collective.host)
    if collective.is_frozen:
        raise CommunityError(CommunityErrorCode.ALREADY_FROZEN)
    collective.is_frozen = True
    collective.save(update_fields=["is_frozen"])
    audit_record(
        actor=actor,
        action="collective.freeze",
        target=collective,
        host=collective.host,
        data={"reason": reason},
    )
    return collective


@transaction.atomic
def collective_unfreeze(*, actor: Any, collective: Collective) -> Collective:
    collective = _lock_collective(collective)
    if collective.host is None:
        raise CommunityError(CommunityErrorCode.NOT_HOSTED)
    _require_host_admin(actor, collective.host)
    if not collective.is_frozen:
        raise CommunityError(CommunityErrorCode.NOT_FROZEN)
    collective.is_frozen = False
    collective.save(update_fields=["is_frozen"])
    audit_record(actor=actor, action="collective.unfreeze", target=collective, host=collective.host)
    return collective


@transaction.atomic
def collective_unhost(*, actor: Any, collective: Collective, reason: str = "") -> Collective:
    """The host stops carrying the collective. Its balance stays with the host until the
    ledger settles it (ledger issue); the collective can apply elsewhere."""
    collective = _lock_collective(collective)
    host = collective.host
    if host is None:
        raise CommunityError(CommunityErrorCode.NOT_HOSTED)
    _require_host_admin(actor, host)
    collective.host = None
    collective.hosted_since = None
    collective.custom_fee_percent = None
    collective.is_frozen = False
    collective.save(update_fields=["host", "hosted_since", "custom_fee_percent", "is_frozen"])
    audit_record(
        actor=actor,
        action="collective.unhost",
        target=collective,
        host=host,
        data={"reason": reason},
    )
    return collective
