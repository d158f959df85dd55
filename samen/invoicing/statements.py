"""Monthly credit statements: what each member's month looked like, computed for a whole host
at once (a handful of queries per batch, not per member), and rendered to PDF.

The numbers come from the ledger (entries of the members' credit wallets, by effective date);
the service and counterparty of each movement come from the credits delivery that caused it,
or from the settlement in euros that bought credits back.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from samen.credits.models import CreditScheme, Delivery, Settlement
from samen.invoicing.compensation import NetPosition, net_positions
from samen.invoicing.models import (
    CENT,
    Document,
    DocumentKind,
    DocumentPayment,
    DocumentStatus,
    Statement,
)
from samen.invoicing.templatetags.euros import euros
from samen.ledger.models import Account, AccountPurpose, Entry
from samen.lib.money import to_decimal


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the month that contains ``month``."""
    first = month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, last


def parse_month(text: str) -> dt.date:
    """``2026-03`` -> 2026-03-01; ValueError on anything else."""
    year, _, month = text.partition("-")
    if len(year) != 4 or len(month) != 2:
        raise ValueError(text)
    return dt.date(int(year), int(month), 1)


def _public_name(row: Any) -> str:
    if row.get("erased_at"):
        return gettext("Former member")
    return str(row["display_name"] or gettext("Member #%(id)s") % {"id": row["id"]})


def statement_data(
    scheme: CreditScheme, month: dt.date, user_ids: Iterable[int] | None = None
) -> dict[int, dict[str, Any]]:
    """Per member id: opening, closing, movements and open invoices for the month.

    Open invoices and credit notes are those still open at the end of the month
    (``_open_at``), with what was still due on each, so a statement made late (or again from
    the data of a later month) tells the month as it was.

    Only members with a movement in the month or a non-zero closing balance are included.
    Amounts in the JSON are integers (smallest credit step) and euro strings, so the data can
    be stored as is on the ``Statement`` row.
    """
    start, end = month_bounds(month)
    unit = scheme.unit
    euro_value = Decimal(unit.euro_value or 0)
    if getattr(scheme, "euro_value_includes_vat", False) and unit.vat_rate:
        # The rows show euros excluding VAT: take the VAT out of an all-in euro value.
        euro_value = euro_value * 100 / (100 + Decimal(unit.vat_rate))
    # A person who erased their account gets no more statements (their wallet stays in the
    # ledger, kept for the host's books, and they show as "Former member" on others').
    wallets = Account.objects.filter(
        unit=unit, purpose=AccountPurpose.CREDIT_WALLET, user__erased_at__isnull=True
    )
    if user_ids is not None:
        wallets = wallets.filter(user_id__in=list(user_ids))
    owner = dict(wallets.values_list("pk", "user_id"))
    if not owner:
        return {}
    before = (
        Entry.objects.filter(account_id__in=owner, transaction__effective_date__lt=start)
        .values("account_id")
        .annotate(total=Sum("amount"))
    )
    opening = {row["account_id"]: int(row["total"]) for row in before}
    month_entries = list(
        Entry.objects.filter(account_id__in=owner, transaction__effective_date__range=(start, end))
        .order_by("transaction__effective_date", "transaction_id")
        .values(
            "account_id",
            "amount",
            "transaction_id",
            "transaction__effective_date",
            "transaction__description",
        )
    )
    deliveries: dict[int, dict[str, Any]] = {
        row["transaction_id"]: dict(row)
        for row in Delivery.objects.filter(
            transaction_id__in={e["transaction_id"] for e in month_entries}
        ).values(
            "transaction_id",
            "date",
            "provider_id",
            "recipient_id",
            "service__name",
            "service__name_en",
            "service__name_nl",
            "service__name_fr",
        )
    }
    # Euros a member paid for credits back (credits.Settlement): the payment's amount.
    settled = dict(
        Settlement.objects.filter(
            transaction_id__in={e["transaction_id"] for e in month_entries}
        ).values_list("transaction_id", "amount")
    )
    people_ids = set(owner.values())
    for row in deliveries.values():
        people_ids.update(i for i in (row["provider_id"], row["recipient_id"]) if i)
    people = {
        row["id"]: row
        for row in get_user_model()
        .objects.filter(pk__in=people_ids)
        .values("id", "display_name", "erased_at", "language")
    }
    movements: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for entry in month_entries:
        user_id = owner[entry["account_id"]]
        language = (people[user_id]["language"] or settings.LANGUAGE_CODE)[:2]
        delivery = deliveries.get(entry["transaction_id"])
        if delivery is not None:
            # The original column holds the first name written, whatever its language.
            service = delivery[f"service__name_{language}"] or delivery["service__name"]
            other_id = (
                delivery["recipient_id"]
                if delivery["provider_id"] == user_id
                else delivery["provider_id"]
            )
            with translation.override(language):
                other = _public_name(people[other_id]) if other_id else scheme.host.name
        elif entry["transaction_id"] in settled:
            with translation.override(language):
                service = gettext("Settlement in euros (%(amount)s paid)") % {
                    "amount": euros(to_decimal(settled[entry["transaction_id"]], 2))
                }
            other = scheme.host.name
        else:
            service, other = entry["transaction__description"], ""
        credits = int(entry["amount"])
        movements[user_id].append(
            {
                "date": entry["transaction__effective_date"].isoformat(),
                "delivered": delivery["date"].isoformat() if delivery else "",
                "service": service,
                "counterparty": other,
                "credits": credits,
                "euros": str(_euros(credits, unit.decimals, euro_value)),
            }
        )
    open_documents = _open_at(scheme.host_id, set(owner.values()), end)
    positions = net_positions(scheme.host_id, set(owner.values()))
    result = {}
    for account_id, user_id in owner.items():
        start_balance = opening.get(account_id, 0)
        moved = movements.get(user_id, [])
        closing = start_balance + sum(m["credits"] for m in moved)
        if not moved and closing == 0:
            continue
        result[user_id] = {
            "opening": start_balance,
            "closing": closing,
            "closing_euros": str(_euros(closing, unit.decimals, euro_value)),
            "movements": moved,
            "open_invoices": open_documents[DocumentKind.INVOICE].get(user_id, []),
            "open_credit_notes": open_documents[DocumentKind.CREDIT_NOTE].get(user_id, []),
            "net_position": _net_data(open_documents, user_id, positions[user_id].vat_not_offset),
            "language": people[user_id]["language"] or settings.LANGUAGE_CODE,
            "name": _public_name(people[user_id]),
        }
    return result


def _open_at(
    host_id: int, customer_ids: set[int], end: dt.date
) -> dict[str, dict[int, list[dict[str, Any]]]]:
    """Per kind and member: the documents that were open at the end of the day ``end``.

    A document counts when it was issued by then, no correction of it was issued by then,
    and its payments dated by then (bank transfers, settlements, compensations, each dated
    on the day it took effect) leave something due. One query, whatever the number of
    members: only documents still open today, credited, or paid after ``end`` can qualify.
    """
    payments = DocumentPayment.objects.filter(document=OuterRef("pk"), paid_on__lte=end)
    paid_by_end = Subquery(
        payments.values("document").annotate(total=Sum("amount")).values("total")[:1]
    )
    corrected_by_end = Document.objects.filter(corrects=OuterRef("pk"), issue_date__lte=end)
    paid_later = DocumentPayment.objects.filter(document=OuterRef("pk"), paid_on__gt=end)
    documents = (
        Document.objects.filter(host_id=host_id, customer_id__in=customer_ids, issue_date__lte=end)
        .exclude(kind=DocumentKind.CREDIT_NOTE, corrects__isnull=False)
        .filter(~Q(status=DocumentStatus.PAID) | Exists(paid_later))
        .exclude(Exists(corrected_by_end))
        .annotate(paid_by_end=Coalesce(paid_by_end, Value(Decimal("0.00"))))
        .filter(gross_total__gt=F("paid_by_end"))
        .order_by("issue_date", "pk")
    )
    result: dict[str, dict[int, list[dict[str, Any]]]] = {
        DocumentKind.INVOICE: defaultdict(list),
        DocumentKind.CREDIT_NOTE: defaultdict(list),
    }
    for kind, number, customer_id, issued, due, total, paid in documents.values_list(
        "kind", "number", "customer_id", "issue_date", "due_date", "gross_total", "paid_by_end"
    ):
        result[kind][customer_id].append(
            {
                "number": number,
                "issue_date": issued.isoformat(),
                "due_date": due.isoformat(),
                "total": str(total),
                "paid": str(paid),
                "amount_due": str(total - paid),
            }
        )
    return result


def _net_data(
    open_documents: dict[str, dict[int, list[dict[str, Any]]]], user_id: int, vat: Decimal
) -> dict[str, str]:
    """The statement's net position: the open documents it lists, set off."""
    invoices = sum(
        (Decimal(d["amount_due"]) for d in open_documents[DocumentKind.INVOICE].get(user_id, [])),
        Decimal("0.00"),
    )
    notes = sum(
        (
            Decimal(d["amount_due"])
            for d in open_documents[DocumentKind.CREDIT_NOTE].get(user_id, [])
        ),
        Decimal("0.00"),
    )
    net = invoices - notes
    return NetPosition(
        amount=net,
        open_invoices=invoices,
        open_credit_notes=notes,
        vat_not_offset=min(vat, max(net, Decimal("0.00"))),
    ).as_data()


def _euros(amount: int, decimals: int, euro_value: Decimal) -> Decimal:
    return (to_decimal(amount, decimals) * euro_value).quantize(CENT, rounding=ROUND_HALF_UP)


@lru_cache(maxsize=1)
def _stylesheet() -> Any:
    # Parsed once per process: WeasyPrint's CSS parsing is a noticeable part of a small
    # document's rendering time, and statement runs render thousands of them.
    from weasyprint import CSS

    return CSS(string=render_to_string("invoicing/pdf/statement.css"))


def _statement_context(statement: Statement, scheme: CreditScheme) -> dict[str, Any]:
    data = statement.data
    unit = scheme.unit
    return {
        "statement": statement,
        "host": scheme.host,
        "unit": unit,
        "opening": to_decimal(statement.opening, unit.decimals),
        "closing": to_decimal(statement.closing, unit.decimals),
        "closing_euros": Decimal(data.get("closing_euros", "0")),
        "movements": [
            {
                **m,
                "date": dt.date.fromisoformat(m["date"]),
                "credits": to_decimal(m["credits"], unit.decimals),
                "euros": Decimal(m["euros"]),
            }
            for m in data.get("movements", [])
        ],
        "open_invoices": [
            {
                **i,
                "due_date": dt.date.fromisoformat(i["due_date"]),
                "total": Decimal(i["total"]),
                # Statements made before partial payments were recorded lack the amount due.
                "amount_due": Decimal(i.get("amount_due", i["total"])),
            }
            for i in data.get("open_invoices", [])
        ],
        "open_credit_notes": [
            {**i, "total": Decimal(i["total"]), "amount_due": Decimal(i["amount_due"])}
            for i in data.get("open_credit_notes", [])
        ],
        "position": statement_position(statement),
        "as_of": month_bounds(statement.month)[1],
    }


def statement_position(statement: Statement) -> NetPosition | None:
    """The net position a statement recorded (None for statements made before it was)."""
    data = statement.data.get("net_position")
    if not data:
        return None
    return NetPosition(
        amount=Decimal(data["net"]),
        open_invoices=Decimal(data["open_invoices"]),
        open_credit_notes=Decimal(data["open_credit_notes"]),
        vat_not_offset=Decimal(data["vat_not_offset"]),
    )


def statement_body(statement: Statement, scheme: CreditScheme) -> str:
    """One statement's section, in the member's language."""
    with translation.override(statement.language or settings.LANGUAGE_CODE):
        return render_to_string(
            "invoicing/pdf/statement_body.html", _statement_context(statement, scheme)
        )


def statements_html(statements: Iterable[Statement], scheme: CreditScheme) -> str:
    bodies = "".join(statement_body(s, scheme) for s in statements)
    return f'<!doctype html><html><head><meta charset="utf-8"></head><body>{bodies}</body></html>'


def statement_html(statement: Statement, scheme: CreditScheme) -> str:
    return statements_html([statement], scheme)


def statement_pdfs(statements: list[Statement], scheme: CreditScheme) -> dict[int, bytes]:
    """One PDF per statement, laid out together: WeasyPrint's fixed cost per document is
    paid once per batch, then the pages of each statement (found by the anchor at the top of
    its section) are written as a PDF of their own."""
    from weasyprint import HTML

    document = HTML(string=statements_html(statements, scheme)).render(stylesheets=[_stylesheet()])
    return {
        pk: bytes(document.copy(own).write_pdf())
        for pk, own in pages_by_statement(document).items()
    }


def pages_by_statement(document: Any) -> dict[int, list[Any]]:
    """The pages of each statement of a batch, found by the anchor atop its section."""
    pages: dict[int, list[Any]] = defaultdict(list)
    current: int | None = None
    for page in document.pages:
        for anchor in page.anchors:
            if anchor.startswith("statement-"):
                current = int(anchor.removeprefix("statement-"))
        if current is not None:
            pages[current].append(page)
    return pages


def warm_up() -> None:
    """Load WeasyPrint, its fonts and the statement stylesheet in this process."""
    from weasyprint import HTML

    HTML(string="<p>.</p>").write_pdf(stylesheets=[_stylesheet()])


def statement_pdf(statement: Statement, scheme: CreditScheme) -> bytes:
    """The statement as a PDF in the member's language (one simple page, fast to render)."""
    return statement_pdfs([statement], scheme)[statement.pk]
