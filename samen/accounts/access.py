"""The one way to turn a person id from a request into a User (DESIGN rule 3)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from samen.accounts.models import User


def access_person(viewer: Any, person_id: int | str) -> User:
    """The person whose public profile ``viewer`` asked for.

    Every active person has a public profile (its fields filtered by visibility); erased and
    deactivated accounts, and ids that are not numbers, are simply not found.
    """
    try:
        pk = int(person_id)
    except (TypeError, ValueError):
        raise Http404 from None
    person = (
        User.objects.filter(pk=pk, is_active=True, erased_at__isnull=True)
        .select_related("profile")
        .first()
    )
    if person is None:
        raise Http404
    return person


def may_curate_skills(user: Any) -> bool:
    """Host admins and platform staff look after the shared list of skills."""
    from samen.communities.models import HostMembership, HostRole

    return bool(
        getattr(user, "is_authenticated", False)
        and (
            user.is_staff or HostMembership.objects.filter(user=user, role=HostRole.ADMIN).exists()
        )
    )


def access_skill_curation(user: Any) -> None:
    """The list of skills may be changed by host admins and staff only (403 for others)."""
    if not may_curate_skills(user):
        raise PermissionDenied
