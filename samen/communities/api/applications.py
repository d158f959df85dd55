"""Applications: a collective asks a host to carry it; the host decides."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Status

from samen.api.auth import api_auth
from samen.api.pagination import CursorParams, page_of, paginate
from samen.communities import actions
from samen.communities.access import Need, access_application, access_collective, access_host
from samen.communities.api._common import _person, router
from samen.communities.api.schemas import (
    ApplicationIn,
    ApplicationOut,
    ApproveIn,
    MessageIn,
    RequiredReasonIn,
)
from samen.communities.models import HostApplication


def _applications() -> QuerySet[HostApplication]:
    return HostApplication.objects.select_related("host", "collective")


@router.get(
    "/hosts/{slug}/applications",
    response=page_of(ApplicationOut),
    auth=api_auth,
    operation_id="host_applications",
)
def host_applications(
    request: HttpRequest, slug: str, params: Query[CursorParams], status: str = ""
) -> Any:
    """The host's applications (admins and accountants), newest first."""
    host = access_host(request.user, slug, Need.FINANCE)
    qs = _applications().filter(host=host)
    if status:
        qs = qs.filter(status=status)
    return paginate(qs, params, order=("-created_at", "-id"))


@router.get(
    "/collectives/{slug}/applications",
    response=page_of(ApplicationOut),
    auth=api_auth,
    operation_id="collective_applications",
)
def collective_applications(request: HttpRequest, slug: str, params: Query[CursorParams]) -> Any:
    collective = access_collective(request.user, slug, Need.ADMIN)
    return paginate(
        _applications().filter(collective=collective), params, order=("-created_at", "-id")
    )


@router.post(
    "/hosts/{slug}/applications",
    response={201: ApplicationOut},
    auth=api_auth,
    operation_id="application_submit",
)
def application_submit(request: HttpRequest, slug: str, payload: ApplicationIn) -> Any:
    host = access_host(request.user, slug)
    collective = access_collective(request.user, payload.collective, Need.ADMIN)
    application = actions.application_submit(
        actor=_person(request),
        collective=collective,
        host=host,
        answers=payload.answers,
        terms_accepted=payload.terms_accepted,
        message=payload.message,
    )
    return Status(201, application)


@router.get(
    "/applications/{pk}", response=ApplicationOut, auth=api_auth, operation_id="application_get"
)
def application_get(request: HttpRequest, pk: int) -> Any:
    return access_application(request.user, pk)


def _decide(request: HttpRequest, pk: int, need: Need, do: Callable[..., Any], **kw: Any) -> Any:
    application = access_application(request.user, pk)
    if need == Need.ADMIN:
        access_application(request.user, pk, need)
    do(actor=_person(request), application=application, **kw)
    return access_application(request.user, pk)


@router.post(
    "/applications/{pk}/approve",
    response=ApplicationOut,
    auth=api_auth,
    operation_id="application_approve",
)
def application_approve(request: HttpRequest, pk: int, payload: ApproveIn) -> Any:
    """Host admins only; a collective admin approving their own application gets 403
    ``not_host_admin``."""
    return _decide(
        request,
        pk,
        Need.HOST_ADMIN,
        actions.application_approve,
        custom_fee_percent=payload.custom_fee_percent,
    )


@router.post(
    "/applications/{pk}/reject",
    response=ApplicationOut,
    auth=api_auth,
    operation_id="application_reject",
)
def application_reject(request: HttpRequest, pk: int, payload: RequiredReasonIn) -> Any:
    return _decide(request, pk, Need.HOST_ADMIN, actions.application_reject, reason=payload.reason)


@router.post(
    "/applications/{pk}/request-info",
    response=ApplicationOut,
    auth=api_auth,
    operation_id="application_request_info",
)
def application_request_info(request: HttpRequest, pk: int, payload: RequiredReasonIn) -> Any:
    return _decide(
        request, pk, Need.HOST_ADMIN, actions.application_request_info, question=payload.reason
    )


@router.post(
    "/applications/{pk}/reply",
    response=ApplicationOut,
    auth=api_auth,
    operation_id="application_reply",
)
def application_reply(request: HttpRequest, pk: int, payload: MessageIn) -> Any:
    return _decide(request, pk, Need.ADMIN, actions.application_reply, message=payload.message)


@router.post(
    "/applications/{pk}/withdraw",
    response=ApplicationOut,
    auth=api_auth,
    operation_id="application_withdraw",
)
def application_withdraw(request: HttpRequest, pk: int) -> Any:
    return _decide(request, pk, Need.ADMIN, actions.application_withdraw)
