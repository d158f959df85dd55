"""Reads of the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from samen.audit.models import AuditEntry


def entries_for_host(host: Any) -> QuerySet[AuditEntry]:
    """What happened in ``host`` and its collectives, newest first, for its admins' dashboard.

    Actor and target type come in the same query, so a page costs one query whatever its
    length.
    """
    return (
        AuditEntry.objects.filter(host=host)
        .select_related("actor", "target_type")
        .order_by("-created_at", "-id")
    )


def entries_by_actor(user: Any) -> QuerySet[AuditEntry]:
    """What a person did, newest first (their data export and their own security page)."""
    return (
        AuditEntry.objects.filter(actor=user)
        .select_related("target_type")
        .order_by("-created_at", "-id")
    )


def entries_for_target(target: Any, actions: list[str]) -> QuerySet[AuditEntry]:
    """The ``actions`` done to ``target``, oldest first, with their actors: one query (a
    decision's timeline)."""
    return (
        AuditEntry.objects.filter(
            target_type=ContentType.objects.get_for_model(target),
            target_id=str(target.pk),
            action__in=actions,
        )
        .select_related("actor")
        .order_by("created_at", "id")
    )
