"""Host-level suspensions: a host's admins keep a person from writing anywhere in the host
(topics, replies, comments, reactions, messages, expense claims in every collective it
carries) for a while or indefinitely. Each decision is audited and the person is told why."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from samen.audit.actions import audit_record
from samen.communities.models import Host, HostSuspension
from samen.communities.queries import is_host_admin
from samen.conversations import access, kinds
from samen.conversations.actions.moderation import _reason
from samen.conversations.errors import ConversationError
from samen.conversations.errors import ConversationErrorCode as Code
from samen.notifications.actions import notify


def _end_of(until: date | None) -> datetime | None:
    """A suspension "until 10 December" ends as that day begins, in the site's time zone."""
    if until is None:
        return None
    end = timezone.make_aware(datetime.combine(until, time.min))
    if end <= timezone.now():
        raise ConversationError(Code.BAD_UNTIL, field="until")
    return end


def _tell(person: Any, kind: str, suspension: HostSuspension, actor: Any, reason: str) -> None:
    data = {"community": suspension.host.name, "reason": reason}
    with translation.override(getattr(person, "language", "") or settings.LANGUAGE_CODE):
        if suspension.until is None:
            data["until"] = gettext("no end date")
        else:
            end = date_format(timezone.localtime(suspension.until), "DATETIME_FORMAT")
            data["until"] = gettext("until %(until)s") % {"until": end}
    notify(
        [person],
        kind,
        None,
        actor=actor,
        url=reverse("communities:host", args=[suspension.host.slug]),
        data=data,
    )


@transaction.atomic
def host_suspend(
    *, actor: Any, host: Host, person: Any, reason: str, until: date | None = None
) -> HostSuspension:
    """Suspend ``person`` across ``host`` until the start of ``until`` (indefinitely when
    None). A running suspension of the same person is replaced, so there is one at a time.
    The host's own admins cannot be suspended, nor can anyone suspend themselves."""
    access.require(access.can_suspend(actor, host))
    if person.pk == actor.pk or is_host_admin(person, host) or person.is_superuser:
        raise ConversationError(Code.TEAM_MEMBER)
    reason = _reason(reason)
    end = _end_of(until)
    now = timezone.now()
    HostSuspension.objects.select_for_update().filter(
        host=host, user=person, lifted_at__isnull=True
    ).update(lifted_at=now, lifted_by=actor)
    suspension = HostSuspension.objects.create(
        host=host, user=person, reason=reason, until=end, created_by=actor
    )
    audit_record(actor=actor, action="conversations.host.suspend", target=suspension, host=host,
                 data={"user": person.pk, "reason": reason,
                       "until": end.isoformat() if end else None})  # fmt: skip
    _tell(person, kinds.SUSPENDED, suspension, actor, reason)
    return suspension


@transaction.atomic
def host_suspension_lift(
    *, actor: Any, suspension: HostSuspension, reason: str = ""
) -> HostSuspension:
    """End a running suspension now; the row stays as history."""
    access.require(access.can_suspend(actor, suspension.host))
    reason = _reason(reason, required=False)
    locked = HostSuspension.objects.select_for_update().get(pk=suspension.pk)
    now = timezone.now()
    if locked.lifted_at is not None or (locked.until is not None and locked.until <= now):
        raise ConversationError(Code.NOT_SUSPENDED)
    locked.lifted_at, locked.lifted_by = now, actor
    locked.save(update_fields=["lifted_at", "lifted_by"])
    audit_record(actor=actor, action="conversations.host.lift", target=locked,
                 host=locked.host, data={"user": locked.user_id, "reason": reason})  # fmt: skip
    _tell(locked.user, kinds.SUSPENSION_LIFTED, locked, actor, reason)
    return locked
