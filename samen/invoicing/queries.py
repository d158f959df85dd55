"""Reads of the invoicing app for pages, the API and the accounting export."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet, Sum
from django.db.models.functions import Coalesce

from samen.invoicing.models import (
    Document,
    DocumentKind,
    DocumentPayment,
    DocumentVat,
    Statement,
    VatQuarterExport,
)


def provider_terms(host: Any, member: Any, on: dt.date) -> tuple[bool, bool]:
    """(charges VAT, self-billed) for the document issued on ``on`` for services ``member``
    gives ``host``: from their billing profile's VAT status (``vat.provider_treatment``) and
    a self-billing agreement made by that day. Without a profile or a chosen status: VAT at
    the unit's rate, a credit note."""
    from samen.invoicing.models import MemberBillingProfile, ProviderVatStatus
    from samen.invoicing.vat import provider_treatment

    profile = MemberBillingProfile.objects.filter(host=host, user=member).first()
    if profile is None:
        return True, False
    self_billed = (
        profile.vat_status == ProviderVatStatus.REGISTERED
        and profile.self_billing_agreed_on is not None
        and profile.self_billing_agreed_on <= on
    )
    return provider_treatment(profile.vat_status).charges_vat, self_billed


def documents_of(user: Any) -> QuerySet[Document]:
    """A member's invoices and credit notes, newest first."""
    return (
        Document.objects.filter(customer=user).select_related("host").order_by("-issue_date", "-pk")
    )


def net_positions_of(user: Any) -> list[dict[str, Any]]:
    """Per host the member has documents with: the host and their net position there
    (``samen.invoicing.compensation.NetPosition``), hosts by name."""
    from samen.communities.models import Host
    from samen.invoicing.compensation import net_positions

    host_ids = Document.objects.filter(customer=user).values("host_id").distinct()
    return [
        {"host": host, "position": net_positions(host.pk, [user.pk])[user.pk]}
        for host in Host.objects.filter(pk__in=host_ids).order_by("name")
    ]


def statements_of(user: Any) -> QuerySet[Statement]:
    return Statement.objects.filter(user=user).select_related("host").order_by("-month", "pk")


def host_documents(
    host: Any, *, start: dt.date | None = None, end: dt.date | None = None
) -> QuerySet[Document]:
    documents = Document.objects.filter(host=host).select_related("customer")
    if start:
        documents = documents.filter(issue_date__gte=start)
    if end:
        documents = documents.filter(issue_date__lte=end)
    return documents.order_by("issue_date", "kind", "sequence")


def with_payments(documents: QuerySet[Document]) -> QuerySet[Document]:
    """``documents`` with their payments and the bank lines behind them, in one more query."""
    return documents.prefetch_related(
        Prefetch("payments", queryset=DocumentPayment.objects.select_related("bank_line"))
    )


def unmatched_document_lines(host: Any) -> int:
    """How many of the host's unmatched incoming bank lines name one of its documents."""
    from samen.funding.models import BankLine, LineStatus

    communications = Document.objects.filter(host=host).values("structured_communication")
    return BankLine.objects.filter(
        host=host,
        status=LineStatus.UNMATCHED,
        amount__gt=0,
        structured_communication__in=communications,
    ).count()


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_is_exported(host: Any, day: dt.date) -> bool:
    """Whether the VAT quarter of ``day`` was exported for the host's return (locked)."""
    year, quarter = quarter_of(day)
    return VatQuarterExport.objects.filter(host=host, year=year, quarter=quarter).exists()


def _quarter_rows(host: Any, only: tuple[int, int] | None = None) -> dict[tuple[int, int], Any]:
    """Live amounts per quarter of tax point: net and VAT invoiced and credited, and the
    amounts per grid of the Belgian VAT return (``vat.return_grids``), as strings."""
    from samen.invoicing.vat import return_grids

    rows = DocumentVat.objects.filter(document__host=host)
    if only is not None:
        rows = rows.filter(document__tax_point__year=only[0], document__tax_point__quarter=only[1])
    grouped: Any = (
        rows.order_by()
        .values(
            "document__tax_point__year",
            "document__tax_point__quarter",
            "document__kind",
            "category",
            "rate",
            corrected=Coalesce("document__corrects_id", 0),
        )
        .annotate(taxable_sum=Sum("taxable"), vat_sum=Sum("amount"))
    )
    quarters: dict[tuple[int, int], dict[str, Any]] = {}
    for row in grouped:
        key = (row["document__tax_point__year"], row["document__tax_point__quarter"])
        bucket = quarters.setdefault(
            key,
            {
                "invoiced_net": Decimal("0.00"),
                "invoiced_vat": Decimal("0.00"),
                "credited_net": Decimal("0.00"),
                "credited_vat": Decimal("0.00"),
                "grids": defaultdict(lambda: Decimal("0.00")),
            },
        )
        prefix = "invoiced" if row["document__kind"] == DocumentKind.INVOICE else "credited"
        bucket[f"{prefix}_net"] += row["taxable_sum"] or 0
        bucket[f"{prefix}_vat"] += row["vat_sum"] or 0
        base_grid, vat_grid = return_grids(
            kind=row["document__kind"],
            corrects=bool(row["corrected"]),
            category=row["category"],
            rate=row["rate"],
        )
        if base_grid:
            bucket["grids"][base_grid] += row["taxable_sum"] or 0
        if vat_grid:
            bucket["grids"][vat_grid] += row["vat_sum"] or 0
    for bucket in quarters.values():
        bucket["grids"] = {grid: str(amount) for grid, amount in sorted(bucket["grids"].items())}
    return quarters


def vat_quarter_summary(host: Any, year: int, quarter: int) -> dict[str, Any]:
    """One quarter's amounts as they stand now (what an export freezes), JSON-ready."""
    values = _quarter_rows(host, (year, quarter)).get((year, quarter))
    if values is None:
        return {"invoiced_net": "0.00", "invoiced_vat": "0.00", "credited_net": "0.00",
                "credited_vat": "0.00", "grids": {}}  # fmt: skip
    return {key: value if key == "grids" else str(value) for key, value in values.items()}


def vat_per_quarter(host: Any) -> list[dict[str, Any]]:
    """VAT per quarter of tax point (newest first): net and VAT invoiced and credited, the
    amounts per VAT return grid, and whether the quarter was exported. An exported quarter
    shows what was exported: documents issued later count in their own quarter."""
    quarters: dict[tuple[int, int], dict[str, Any]] = {
        key: {k: v if k == "grids" else str(v) for k, v in values.items()}
        for key, values in _quarter_rows(host).items()
    }
    exported = {
        (export.year, export.quarter): export
        for export in VatQuarterExport.objects.filter(host=host)
    }
    for key, export in exported.items():
        quarters[key] = export.data
    return [
        {
            "year": year,
            "quarter": quarter,
            "invoiced_net": Decimal(values["invoiced_net"]),
            "invoiced_vat": Decimal(values["invoiced_vat"]),
            "credited_net": Decimal(values["credited_net"]),
            "credited_vat": Decimal(values["credited_vat"]),
            "balance_vat": Decimal(values["invoiced_vat"]) - Decimal(values["credited_vat"]),
            "grids": values["grids"],
            "grid_rows": [(grid, Decimal(amount)) for grid, amount in values["grids"].items()],
            "exported_at": exported[(year, quarter)].exported_at
            if (year, quarter) in exported
            else None,
        }
        for (year, quarter), values in sorted(quarters.items(), reverse=True)
    ]
