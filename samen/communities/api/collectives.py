"""Collectives and hosts: the directory, pages, creation, changes and hosting."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import Query, Status

from samen.api.auth import api_auth
from samen.api.errors import ApiError, ErrorCode
from samen.api.pagination import CursorParams, page_of, paginate
from samen.api.schemas import translation_kwargs
from samen.communities import actions, queries
from samen.communities.access import Need, access_collective, access_host
from samen.communities.api._common import (
    _chapters,
    _collective_out,
    _collectives_list,
    _host_out,
    _person,
    router,
)
from samen.communities.api.schemas import (
    CollectiveDetailOut,
    CollectiveIn,
    CollectiveOut,
    CollectivePatch,
    DirectoryParams,
    HostFinanceOut,
    HostIn,
    HostingIn,
    HostOut,
    HostPatch,
    LanguageParams,
)
from samen.communities.models import Collective, Host

# --- collectives ----------------------------------------------------------------------------


@router.get("/collectives", response=page_of(CollectiveOut), operation_id="collectives_list")
def collectives_list(request: HttpRequest, params: Query[DirectoryParams]) -> Any:
    """The directory. With ``q`` the answer is ranked by relevance (one page)."""
    if params.q.strip():
        results = queries.search_collectives(text=params.q, tag=params.tag, city=params.city)
        return {"items": list(results[: params.limit]), "next_cursor": None}
    qs = queries.search_collectives(tag=params.tag, city=params.city)
    return paginate(qs, params, order=("name", "id"))


@router.post(
    "/collectives",
    response={201: CollectiveDetailOut},
    auth=api_auth,
    operation_id="collective_create",
)
def collective_create(request: HttpRequest, payload: CollectiveIn) -> Any:
    collective = actions.collective_create(
        actor=_person(request),
        **payload.dict(exclude={"chapters", "translations"}),
        chapters=_chapters(payload.chapters),
        translations=translation_kwargs(payload.translations),
    )
    return Status(201, _collective_out(request, queries.collective_detail(collective.slug)))


@router.get("/collectives/{slug}", response=CollectiveDetailOut, operation_id="collective_get")
def collective_get(request: HttpRequest, slug: str, params: Query[LanguageParams]) -> Any:
    """One collective; its texts in the language asked for (``samen.lib.translations``)."""
    return _collective_out(request, access_collective(request.user, slug))


@router.patch(
    "/collectives/{slug}",
    response=CollectiveDetailOut,
    auth=api_auth,
    operation_id="collective_update",
)
def collective_update(request: HttpRequest, slug: str, payload: CollectivePatch) -> Any:
    collective = access_collective(request.user, slug, Need.ADMIN)
    changes = payload.dict(exclude_unset=True, exclude={"translations"})
    changes.update(translation_kwargs(payload.translations))
    if "chapters" in changes:
        changes["chapters"] = _chapters(changes["chapters"] or [])
    collective = actions.collective_update(actor=_person(request), collective=collective, **changes)
    return _collective_out(request, queries.collective_detail(collective.slug))


# --- hosts ----------------------------------------------------------------------------------


@router.get("/hosts", response=page_of(HostOut), operation_id="hosts_list")
def hosts_list(request: HttpRequest, params: Query[CursorParams]) -> Any:
    return paginate(Host.objects.all(), params, order=("name", "id"))


@router.post("/hosts", response={201: HostFinanceOut}, auth=api_auth, operation_id="host_create")
def host_create(request: HttpRequest, payload: HostIn) -> Any:
    data = payload.dict()
    host = actions.host_create(
        actor=_person(request), name=data.pop("name"), slug=data.pop("slug"), **data
    )
    return Status(201, host)


@router.get("/hosts/{slug}", response=HostFinanceOut | HostOut, operation_id="host_get")
def host_get(request: HttpRequest, slug: str) -> Any:
    """Bank details (IBAN, BIC) are shown to the host's admins and accountants only."""
    return _host_out(request, access_host(request.user, slug))


@router.patch("/hosts/{slug}", response=HostFinanceOut, auth=api_auth, operation_id="host_update")
def host_update(request: HttpRequest, slug: str, payload: HostPatch) -> Any:
    host = access_host(request.user, slug, Need.ADMIN)
    return actions.host_update(
        actor=_person(request), host=host, **payload.dict(exclude_unset=True)
    )


@router.get(
    "/hosts/{slug}/collectives", response=page_of(CollectiveOut), operation_id="host_collectives"
)
def host_collectives(request: HttpRequest, slug: str, params: Query[CursorParams]) -> Any:
    host = access_host(request.user, slug)
    return paginate(_collectives_list().filter(host=host), params, order=("name", "id"))


def _hosting(
    request: HttpRequest, slug: str, collective_slug: str, do: Callable[..., Collective], **kw: Any
) -> Any:
    host = access_host(request.user, slug, Need.HOST_ADMIN)
    collective = access_collective(request.user, collective_slug, Need.HOST_ADMIN)
    if collective.host_id != host.pk:
        raise ApiError(404, ErrorCode.NOT_FOUND)
    do(actor=_person(request), collective=collective, **kw)
    return _collective_out(request, queries.collective_detail(collective.slug))


@router.post(
    "/hosts/{slug}/collectives/{collective_slug}/freeze",
    response=CollectiveDetailOut,
    auth=api_auth,
    operation_id="collective_freeze",
)
def collective_freeze(
    request: HttpRequest, slug: str, collective_slug: str, payload: HostingIn
) -> Any:
    return _hosting(
        request, slug, collective_slug, actions.collective_freeze, reason=payload.reason
    )


@router.post(
    "/hosts/{slug}/collectives/{collective_slug}/unfreeze",
    response=CollectiveDetailOut,
    auth=api_auth,
    operation_id="collective_unfreeze",
)
def collective_unfreeze(request: HttpRequest, slug: str, collective_slug: str) -> Any:
    return _hosting(request, slug, collective_slug, actions.collective_unfreeze)


@router.post(
    "/hosts/{slug}/collectives/{collective_slug}/unhost",
    response=CollectiveDetailOut,
    auth=api_auth,
    operation_id="collective_unhost",
)
def collective_unhost(
    request: HttpRequest, slug: str, collective_slug: str, payload: HostingIn
) -> Any:
    return _hosting(
        request, slug, collective_slug, actions.collective_unhost, reason=payload.reason
    )
