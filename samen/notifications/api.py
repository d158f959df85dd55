"""The caller's notifications and preferences. Errors are ``{"detail", "code"}``
(docs/api.md): 401 without a person, 404 for someone else's notification, 422 ``invalid``
for an unknown kind or delivery."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from samen.api.auth import api_auth
from samen.api.errors import ApiError, ErrorCode
from samen.api.pagination import CursorParams, page_of, paginate
from samen.notifications import actions, queries
from samen.notifications.access import access_notification
from samen.notifications.models import Notification
from samen.notifications.registry import all_kinds

router = Router(tags=["notifications"], auth=api_auth)

DeliveryName = Literal["email", "digest", "in_app", "none"]


class NotificationOut(Schema):
    id: int
    kind: str
    text: str = Field(description="The message in the caller's language.")
    url: str
    created_at: datetime
    read_at: datetime | None


class UnreadOut(Schema):
    unread: int


class PreferenceOut(Schema):
    kind: str
    label: str
    delivery: DeliveryName


class PreferenceIn(Schema):
    kind: str
    delivery: DeliveryName


@router.get("/", response=page_of(NotificationOut), operation_id="notifications_list")
def notifications(request: HttpRequest, params: Query[CursorParams]) -> Any:
    """The caller's notifications, newest first."""
    return paginate(queries.notifications_of(request.user), params, order=("-id",))


@router.get("/unread", response=UnreadOut, operation_id="notifications_unread")
def unread(request: HttpRequest) -> Any:
    return {"unread": queries.unread_count(request.user)}


@router.post("/{pk}/read", response=NotificationOut, operation_id="notifications_read")
def mark_read(request: HttpRequest, pk: int) -> Notification:
    notification = access_notification(request.user, pk)
    actions.notification_mark_read(actor=request.user, notification=notification)
    return access_notification(request.user, pk)


def _preferences(request: HttpRequest) -> list[dict[str, str]]:
    return [
        {"kind": kind.key, "label": str(kind.label), "delivery": str(delivery)}
        for kind, delivery in queries.preferences_of(request.user).items()
    ]


@router.get("/preferences", response=list[PreferenceOut], operation_id="notification_prefs")
def preferences(request: HttpRequest) -> Any:
    """Every kind with the caller's choice (or its default)."""
    return _preferences(request)


@router.put("/preferences", response=list[PreferenceOut], operation_id="notification_prefs_set")
def preferences_set(request: HttpRequest, payload: list[PreferenceIn]) -> Any:
    """Change some kinds; nothing changes when one kind is unknown (422 ``invalid``)."""
    known = {kind.key for kind in all_kinds()}
    unknown = [item.kind for item in payload if item.kind not in known]
    if unknown:
        detail = _("Unknown kind: %(kinds)s") % {"kinds": ", ".join(unknown)}
        raise ApiError(422, ErrorCode.INVALID, detail)
    for item in payload:
        actions.preference_set(actor=request.user, kind=item.kind, delivery=item.delivery)
    return _preferences(request)
