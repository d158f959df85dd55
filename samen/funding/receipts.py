"""Receipt and yearly summary PDFs, rendered from HTML templates with WeasyPrint."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import translation

from samen.funding.models import Contribution, ContributionStatus


def _pdf(template: str, context: dict[str, Any], language: str) -> bytes:
    from weasyprint import HTML

    with translation.override(language or settings.LANGUAGE_CODE):
        html = render_to_string(template, {**context, "language": language})
    # No base_url: the templates carry their own styles and never load outside resources.
    return bytes(HTML(string=html).write_pdf())


def receipt_filename(contribution: Contribution) -> str:
    return f"receipt-{contribution.pk}.pdf"


def receipt_pdf(contribution: Contribution, language: str) -> bytes:
    """The receipt of one paid contribution: a purchase names its VAT and sales document."""
    from samen.funding.queries import sale_documents

    return _pdf(
        "funding/pdf/receipt.html",
        {
            "contribution": contribution,
            "host": contribution.collective.host,
            **sale_documents(contribution),
        },
        language,
    )


def paid_contributions_of(user: Any, year: int) -> QuerySet[Contribution]:
    return (
        Contribution.objects.filter(
            contributor=user, status=ContributionStatus.PAID, paid_at__year=year
        )
        .select_related("collective__host")
        .order_by("paid_at", "pk")
    )


def yearly_summary_pdf(user: Any, year: int, language: str) -> bytes:
    """Everything a supporter gave in ``year``, for their own records."""
    contributions = list(paid_contributions_of(user, year))
    total = sum(c.amount for c in contributions)
    return _pdf(
        "funding/pdf/yearly_summary.html",
        {"user": user, "year": year, "contributions": contributions, "total": total},
        language,
    )
