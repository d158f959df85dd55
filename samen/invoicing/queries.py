"""Reads of the invoicing app for pages, the API and the accounting export."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet, Sum

from samen.invoicing.models import Document, DocumentKind, DocumentPayment, Statement


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


def vat_per_quarter(host: Any) -> list[dict[str, Any]]:
    """VAT charged on invoices and credited on credit notes, per quarter (newest first)."""
    rows = (
        Document.objects.filter(host=host)
        .order_by()
        .values("year", "kind", "issue_date__quarter")
        .annotate(net=Sum("net_total"), vat=Sum("vat_total"))
    )
    quarters: dict[tuple[int, int], dict[str, Any]] = defaultdict(
        lambda: {
            "invoiced_net": Decimal("0.00"),
            "invoiced_vat": Decimal("0.00"),
            "credited_net": Decimal("0.00"),
            "credited_vat": Decimal("0.00"),
        }
    )
    for row in rows:
        bucket = quarters[(row["year"], row["issue_date__quarter"])]
        prefix = "invoiced" if row["kind"] == DocumentKind.INVOICE else "credited"
        bucket[f"{prefix}_net"] += row["net"] or 0
        bucket[f"{prefix}_vat"] += row["vat"] or 0
    return [
        {
            "year": year,
            "quarter": quarter,
            **values,
            "balance_vat": values["invoiced_vat"] - values["credited_vat"],
        }
        for (year, quarter), values in sorted(quarters.items(), reverse=True)
    ]
