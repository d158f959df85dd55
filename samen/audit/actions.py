from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from samen.audit.context import client_ip
from samen.audit.models import AuditEntry


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    host: Any = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit row inside the caller's transaction.

    ``action`` is a dotted verb such as ``"collective.create"``; ``data`` holds the facts a
    reader needs later (old and new values), never secrets or personal data beyond names.
    """
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if is_person else None,
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        host=host,
        ip_address=client_ip.get(),
        data=data or {},
    )
