"""The one way to turn a host slug, a delivery id or a request id from an HTTP request into
an object."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from samen.communities.access import Need as CommunityNeed
from samen.communities.access import access_host, can
from samen.communities.queries import is_host_member
from samen.credits.models import CreditScheme, Delivery, HelpRequest


class Need(models.TextChoices):
    MEMBER = "member"  # takes part: sees their balance, records and confirms deliveries
    FINANCE = "finance"  # host admins and accountants: every member's balance, documents
    ADMIN = "admin"  # host admins: rate card, limits, workshops


def access_scheme(user: Any, host_slug: str, need: Need | str = Need.MEMBER) -> CreditScheme:
    """The host's credit scheme; Http404 if the host or its scheme is invisible or absent,
    PermissionDenied when the person may see the host but not do this."""
    host = access_host(user, host_slug, CommunityNeed.VIEW)
    scheme = CreditScheme.objects.select_related("unit", "host").filter(host=host).first()
    if scheme is None:
        raise Http404
    allowed = {
        Need.MEMBER: lambda: is_host_member(user, host),
        Need.FINANCE: lambda: can(user, CommunityNeed.FINANCE, host),
        Need.ADMIN: lambda: can(user, CommunityNeed.HOST_ADMIN, host),
    }[Need(need)]()
    if not allowed:
        raise PermissionDenied
    return scheme


def access_delivery(user: Any, pk: int) -> Delivery:
    """A delivery its parties, its recorder and the host's finance people may see."""
    delivery = (
        Delivery.objects.select_related(
            "scheme__host", "scheme__unit", "service", "provider", "recipient"
        )
        .filter(pk=pk)
        .first()
    )
    if delivery is None or not getattr(user, "is_authenticated", False):
        raise Http404
    involved = user.pk in {delivery.provider_id, delivery.recipient_id, delivery.recorded_by_id}
    if not involved and not can(user, CommunityNeed.FINANCE, delivery.scheme.host):
        raise Http404
    return delivery


def access_help_request(user: Any, pk: int) -> HelpRequest:
    """A request the members of its host may see (like their scheme); Http404 for anyone
    else, so a stranger cannot tell whether it exists. Who may close or answer it is the
    action's rule (``can_close_request``, ``delivery_record``)."""
    help_request = (
        HelpRequest.objects.select_related(
            "scheme__host", "scheme__unit", "requester", "answered_by__provider", "closed_by"
        )
        .prefetch_related("skills")
        .filter(pk=pk)
        .first()
    )
    if help_request is None or not getattr(user, "is_authenticated", False):
        raise Http404
    host = help_request.scheme.host
    if not is_host_member(user, host):
        raise Http404
    return help_request
