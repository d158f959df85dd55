"""Permission checks shared by the funding actions."""

from __future__ import annotations

from typing import Any

from samen.communities import queries as community_queries
from samen.communities.models import Collective


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _is_host_admin(user: Any, collective: Collective) -> bool:
    if not _signed_in(user):
        return False
    return bool(user.is_superuser) or community_queries.is_host_admin(user, collective.host)


def _is_collective_admin(user: Any, collective: Collective) -> bool:
    if not _signed_in(user):
        return False
    return bool(user.is_superuser) or community_queries.is_collective_admin(user, collective)
