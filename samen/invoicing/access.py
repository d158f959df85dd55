"""The one way to turn a document or statement id from a request into an object."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from samen.communities.access import Need, access_host, can
from samen.communities.models import Host
from samen.invoicing.models import Document, Statement


def _visible(user: Any, customer_id: int | None, host: Host) -> bool:
    # A guest's purchase (no customer) is seen by the host's finance people only.
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(
        (customer_id is not None and user.pk == customer_id) or can(user, Need.FINANCE, host)
    )


def access_document(user: Any, pk: int, need: str = "view") -> Document:
    """An invoice or credit note: its member and the host's admins and accountants see it;
    for everyone else it does not exist (Http404). ``need="manage"`` (mark paid, correct)
    is for the host's admins only (PermissionDenied for the others who see it)."""
    document = Document.objects.select_related("host", "customer", "corrects").filter(pk=pk).first()
    if document is None or not _visible(user, document.customer_id, document.host):
        raise Http404
    if need == "manage" and not can(user, Need.HOST_ADMIN, document.host):
        raise PermissionDenied
    return document


def access_statement(user: Any, pk: int) -> Statement:
    statement = Statement.objects.select_related("host", "user").filter(pk=pk).first()
    if statement is None or not _visible(user, statement.user_id, statement.host):
        raise Http404
    return statement


def access_host_books(user: Any, host_slug: str) -> Host:
    """A host's documents and exports: host admins and accountants (PermissionDenied for
    other people who can see the host)."""
    return access_host(user, host_slug, Need.FINANCE)
