"""Test data for the invoicing app, made through the actions wherever one exists."""

from __future__ import annotations

from decimal import Decimal
from itertools import count
from typing import Any

from samen.communities.models import Host
from samen.invoicing.actions import LineInput, billing_profile_save, document_issue
from samen.invoicing.models import Document, DocumentKind

_keys = count(1)


def make_host(slug: str = "netwerk", **extra: Any) -> Host:
    """A Belgian host with the legal details a document needs (the communities app owns hosts)."""
    defaults = {
        "name": "Innovatienetwerk",
        "legal_name": "Innovatienetwerk vzw",
        "enterprise_number": "0403170701",
        "vat_number": "BE0403170701",
        "iban": "BE68539007547034",
        "address": "Kunstlaan 1\n1000 Brussel",
        "country": "BE",
        "contact_email": "boekhouding@netwerk.test",
    }
    defaults.update(extra)
    host, _ = Host.objects.update_or_create(slug=slug, defaults=defaults)
    return host


def make_company_profile(host: Host, user: Any, number: str = "0202239951") -> Any:
    return billing_profile_save(
        actor=user,
        host=host,
        user=user,
        company_name=f"{user.public_name} BV",
        enterprise_number=number,
        vat_number=f"BE{number}",
        address="Veldstraat 10\n9000 Gent",
    )


def issue(
    host: Host,
    customer: Any,
    kind: str = DocumentKind.INVOICE,
    lines: list[LineInput] | None = None,
    **extra: Any,
) -> Document:
    if lines is None:
        # A coaching session at 21 %, or without VAT from a host that has no VAT number (and
        # so may not charge it: see ``samen.invoicing.vat``).
        rate = Decimal(21) if host.vat_number else None
        lines = [LineInput("Coaching session", Decimal("1"), Decimal("50.00"), rate)]
    return document_issue(
        actor=None,
        host=host,
        customer=customer,
        kind=kind,
        lines=lines,
        idempotency_key=extra.pop("idempotency_key", f"test-{next(_keys)}"),
        **extra,
    )


def session_cycle(community: Any) -> Any:
    """Bram gives Chloé a session today and she confirms it: Bram gets a credit note, Chloé
    an invoice of €60.50 (the credits scheme's unit is worth €50, 21 % VAT)."""
    from django.utils import timezone

    from samen.credits.actions import delivery_confirm, delivery_record
    from samen.credits.tests.factories import make_scheme

    scheme = make_scheme(community)
    delivery = delivery_record(
        actor=community.bram,
        scheme=scheme,
        service_code="session",
        on=timezone.localdate(),
        member=community.chloe,
    )
    delivery_confirm(actor=community.chloe, delivery=delivery)
    return scheme
