"""The communities router, and the helpers its endpoints share."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router

from samen.api.errors import ApiError, ErrorCode
from samen.communities.access import Need, can
from samen.communities.api.schemas import HostFinanceOut, HostOut
from samen.communities.models import Chapter, Collective, Host

router = Router(tags=["communities"])

Owner = Collective | Host


def _person(request: HttpRequest) -> Any:
    return request.user


def _chapters(slugs: list[str]) -> list[Chapter]:
    found = list(Chapter.objects.filter(slug__in=slugs))
    if len(found) != len(set(slugs)):
        raise ApiError(400, ErrorCode.INVALID, "Unknown chapter.")
    return found


def _collective_out(request: HttpRequest, collective: Collective) -> Collective:
    """The collective, with the fee filled in only for those who see its finances."""
    collective.fee_percent = (  # type: ignore[attr-defined]
        collective.effective_fee_percent if can(request.user, Need.FINANCE, collective) else None
    )
    return collective


def _host_out(request: HttpRequest, host: Host) -> Any:
    if can(request.user, Need.FINANCE, host):
        return HostFinanceOut.from_orm(host)
    return HostOut.from_orm(host)


def _collectives_list() -> QuerySet[Collective]:
    return Collective.objects.select_related("host").prefetch_related("tags", "chapters")
