"""Guests' data: erasing what a host holds about a guest supporter, at their request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from samen.audit.actions import audit_record
from samen.audit.models import AuditEntry
from samen.communities import queries as community_queries
from samen.communities.models import Host
from samen.funding.actions._common import _signed_in
from samen.funding.errors import FundingError, FundingErrorCode
from samen.funding.models import Contribution, ContributionStatus
from samen.ledger.actions import counterparty_erase
from samen.lib.tasks import task_records_forget


@dataclass(frozen=True)
class GuestErasure:
    """What ``guest_erase`` did: how many contributions and ledger transactions it touched."""

    contributions: int
    ledger_transactions: int


def _guest_digest(email: str) -> str:
    """A keyed hash of a guest's address, for the audit log: it lets a host check a later
    request against an earlier one, but nobody without the secret key can test addresses
    against it."""
    return salted_hmac("samen.funding.guest_erase", email.strip().lower()).hexdigest()


@transaction.atomic
def _sale_documents_forget_email(contributions: list[Contribution]) -> None:
    """A guest's purchase documents are accounting records and keep the buyer's name, but
    no longer the address they were e-mailed to."""
    from samen.invoicing.models import Document

    ids = [
        pk
        for c in contributions
        for pk in (c.sale_document_id, c.sale_credit_note_id)
        if pk is not None
    ]
    if ids:
        Document.objects.filter(pk__in=ids).update(customer_email="")


def guest_erase(*, actor: Any, host: Host, email: str) -> GuestErasure:
    """Erase, at their request, what a host's collectives hold about a guest supporter (one
    who gave with a name and an e-mail address, without an account).

    Their contributions to the host's collectives keep amounts, dates, fees and payment
    references (accounting records, kept 7 years) but lose the name (shown as "Erased
    guest" to the host and the team, "Anonymous" in public), the e-mail address and the
    public message, and become incognito; unpaid promises are cancelled; a refund already
    paid out forgets the account it was paid to (the bank statement holds it). Their name
    leaves the public ledger rows of those contributions and their refunds (the sealed
    commitments stay, so every seal still verifies). Host admins only. The audit row holds
    a keyed hash of the address, never the address.
    """
    if not _signed_in(actor) or not (
        actor.is_superuser or community_queries.is_host_admin(actor, host)
    ):
        raise FundingError(FundingErrorCode.NOT_ALLOWED)
    address = email.strip()
    digest = _guest_digest(address)
    ids = sorted(
        Contribution.objects.filter(
            collective__host=host, contributor__isnull=True, guest_email__iexact=address
        ).values_list("pk", flat=True)
        if address
        else []
    )
    if not ids:
        earlier = AuditEntry.objects.filter(
            action="funding.guest_erase", host=host, data__email_hmac=digest
        )
        if address and earlier.exists():
            raise FundingError(FundingErrorCode.GUEST_ALREADY_ERASED)
        raise FundingError(FundingErrorCode.GUEST_NOT_FOUND)
    # The row locks first: a payment or refund being posted right now holds them, so its
    # ledger row exists when the names are erased below.
    locked = list(Contribution.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    Contribution.objects.filter(pk__in=ids, status=ContributionStatus.PENDING).update(
        status=ContributionStatus.CANCELLED, hold_until=None
    )
    Contribution.objects.filter(pk__in=ids).update(
        guest_name="",
        guest_email="",
        message="",
        is_incognito=True,
        guest_erased_at=timezone.now(),
    )
    Contribution.objects.filter(pk__in=ids, refund_executed_at__isnull=False).update(refund_iban="")
    _sale_documents_forget_email(locked)
    erased = counterparty_erase(actor=actor, causes=locked)
    task_records_forget(address)
    audit_record(
        actor=actor,
        action="funding.guest_erase",
        host=host,
        data={"email_hmac": digest, "contributions": ids, "ledger_transactions": erased},
    )
    return GuestErasure(contributions=len(ids), ledger_transactions=len(erased))
