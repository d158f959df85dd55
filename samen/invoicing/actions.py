"""Every write of the invoicing app: issuing, correcting and settling documents (payments by
hand or from the bank import), billing profiles.

Numbers come from a locked counter row (``NumberCounter``) inside the issuing transaction, so
they are gap-free per host, series and year even under concurrency and rollbacks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import models, transaction
from django.utils import timezone, translation
from stdnum.be import ogm_vcs
from stdnum.be import vat as be_vat

from samen.audit.actions import audit_record
from samen.invoicing.errors import InvoicingError, InvoicingErrorCode
from samen.invoicing.models import (
    CENT,
    COMMUNICATION_DIGIT,
    NUMBER_PREFIX,
    SELF_BILLED_PREFIX,
    SETTLEMENT_DIGIT,
    Document,
    DocumentKind,
    DocumentLine,
    DocumentPayment,
    DocumentStatus,
    DocumentVat,
    MemberBillingProfile,
    NumberCounter,
    PaymentMethod,
    ProviderVatStatus,
    Statement,
    StatementRun,
    VatCategory,
    VatQuarterExport,
)
from samen.invoicing.vat import (
    EU_COUNTRIES,
    REVERSE_CHARGE_MENTION,
    VatTreatment,
    issuer_treatment,
    normalize_eu_vat_number,
    provider_treatment,
)
from samen.lib.money import to_decimal

#: Printed on exempt documents (EN 16931 BR-E-10 wants a reason); hosts under the small-business
#: scheme or with exempt educational services cite the article that applies to them.
DEFAULT_EXEMPTION_REASON = "Exempt from VAT"
#: The longest VAT number a billing profile and a document hold (``vat_number`` columns).
VAT_NUMBER_LENGTH = 14
#: Statements laid out per WeasyPrint document (see ``statements.statement_pdfs``).
STATEMENT_BATCH = 25


@dataclass(frozen=True)
class SaleBuyer:
    """Who buys in a sale (a campaign's pre-sale), as the document shows them.

    A consumer gets a simplified invoice, a receipt; a buyer who gives an enterprise
    number gets a full invoice with their details (and a Peppol UBL file)."""

    name: str
    email: str = ""
    language: str = ""
    address: str = ""
    country: str = "BE"
    enterprise_number: str = ""
    vat_number: str = ""

    @property
    def is_business(self) -> bool:
        return bool(self.enterprise_number)

    def snapshot(self) -> dict[str, str]:
        """The document's customer fields."""
        return {
            "customer_name": self.name[:200],
            "customer_email": self.email[:254],
            "customer_address": self.address if self.is_business else "",
            "customer_country": self.country or "BE",
            "customer_enterprise_number": self.enterprise_number,
            "customer_vat_number": self.vat_number if self.is_business else "",
        }


@dataclass(frozen=True)
class LineInput:
    """A line to issue. ``vat_rate`` None means exempt from VAT."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal | None
    unit_label: str = ""
    #: The price includes VAT (a unit worth "€50 all-in"): the VAT is taken out of the
    #: total of such lines per rate, rounded once, and the net unit price follows from it.
    price_includes_vat: bool = False


def vat_category(
    rate: Decimal | None, treatment: VatTreatment | None = None
) -> tuple[str, Decimal]:
    """The EN 16931 category and percentage of a line (rate None = no VAT charged).

    Without a ``treatment`` the issuer is VAT-registered and sells in Belgium; with one, lines
    without VAT take the issuer's category (exempt or not subject) and a reverse-charged sale
    has category AE whatever the rate would have been.
    """
    if rate is None:
        category = treatment.exempt_category if treatment else VatCategory.EXEMPT
        return category, Decimal("0.00")
    if treatment is not None and treatment.reverse_charge:
        return VatCategory.REVERSE_CHARGE, Decimal("0.00")
    if rate == 0:
        return VatCategory.ZERO, Decimal("0.00")
    return VatCategory.STANDARD, Decimal(rate).quantize(CENT)


#: Net unit prices derived from a price that includes VAT keep four places.
PRICE_STEP = Decimal("0.0001")


def line_net(quantity: Decimal, unit_price: Decimal) -> Decimal:
    """Quantity times price, rounded half up to the cent."""
    return (quantity * unit_price).quantize(CENT, rounding=ROUND_HALF_UP)


def included_vat(gross: Decimal, rate: Decimal) -> Decimal:
    """The VAT contained in an amount that includes it: gross x rate / (100 + rate), rounded
    half up to the cent once (on the total, never per line)."""
    return (gross * rate / (100 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)


def _sums(
    lines: Sequence[LineInput], treatment: VatTreatment | None
) -> tuple[dict[tuple[str, Decimal], Decimal], dict[tuple[str, Decimal], Decimal]]:
    """Per category and rate: the net amounts of lines priced without VAT, and the gross
    amounts of lines priced with it."""
    net: dict[tuple[str, Decimal], Decimal] = {}
    gross: dict[tuple[str, Decimal], Decimal] = {}
    for line in lines:
        key = vat_category(line.vat_rate, treatment)
        bucket = gross if line.price_includes_vat else net
        bucket[key] = bucket.get(key, Decimal("0.00")) + line_net(line.quantity, line.unit_price)
    return net, gross


def vat_breakdown(
    lines: Sequence[LineInput], treatment: VatTreatment | None = None
) -> list[tuple[str, Decimal, Decimal, Decimal]]:
    """(category, rate, taxable, vat) per category and rate; VAT is rounded once per rate.

    Lines priced with VAT included give their VAT as ``included_vat`` of their total, and
    the rest of that total is taxable; the document's total is then exactly the sum of
    those prices (€50.00 all-in: taxable €41.32, VAT €8.68)."""
    net, gross = _sums(lines, treatment)
    rows = []
    for category, rate in sorted(dict.fromkeys([*net, *gross]), key=lambda key: -key[1]):
        base = net.get((category, rate), Decimal("0.00"))
        inclusive = gross.get((category, rate), Decimal("0.00"))
        inside = included_vat(inclusive, rate)
        amount = (base * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP) + inside
        rows.append((category, rate, base + inclusive - inside, amount))
    return rows


def line_amounts(
    lines: Sequence[LineInput], treatment: VatTreatment | None = None
) -> list[tuple[Decimal, Decimal]]:
    """(net unit price, net amount) per line. A line priced with VAT included gets its share
    of the net of its rate (rounded to the cent, the last such line taking the remainder, so
    the lines add up to the taxable amount of ``vat_breakdown``) and the unit price that
    gives it, to four places."""
    _net, gross = _sums(lines, treatment)
    left = {key: total - included_vat(total, key[1]) for key, total in gross.items()}
    remaining = Counter(
        vat_category(line.vat_rate, treatment) for line in lines if line.price_includes_vat
    )
    amounts = []
    for line in lines:
        if not line.price_includes_vat:
            amounts.append((line.unit_price, line_net(line.quantity, line.unit_price)))
            continue
        key = vat_category(line.vat_rate, treatment)
        remaining[key] -= 1
        own = line_net(line.quantity, line.unit_price)
        share = (
            left[key]
            if remaining[key] == 0
            else (own * 100 / (100 + key[1])).quantize(CENT, rounding=ROUND_HALF_UP)
        )
        left[key] -= share
        price = (share / line.quantity).quantize(PRICE_STEP) if line.quantity else share
        amounts.append((price, share))
    return amounts


def structured_communication(kind: str, year: int, sequence: int) -> str:
    """Twelve digits: series digit, year, sequence (7 digits), mod-97 check digits."""
    base = f"{COMMUNICATION_DIGIT[DocumentKind(kind)]}{year % 100:02d}{sequence % 10_000_000:07d}"
    return base + ogm_vcs.calc_check_digits(base)


def settlement_communication(user_id: int) -> str:
    """The member's own communication for paying a credit debt in euros: the settlement digit,
    the member's id (9 digits) and the mod-97 check digits. It never collides with a document's
    (those start with 1 or 2) and stays the same, so a standing order can use it."""
    base = f"{SETTLEMENT_DIGIT}{user_id % 1_000_000_000:09d}"
    return base + ogm_vcs.calc_check_digits(base)


def format_number(kind: str, year: int, sequence: int) -> str:
    return f"{NUMBER_PREFIX[DocumentKind(kind)]}-{year}-{sequence:06d}"


def normalize_enterprise_number(value: str) -> str:
    """Ten digits (``0403170701``) from any usual spelling, or InvoicingError."""
    text = (value or "").strip()
    if not text:
        return ""
    compact = be_vat.compact(text)
    if not be_vat.is_valid(compact):
        raise InvoicingError(InvoicingErrorCode.BAD_ENTERPRISE_NUMBER)
    return compact


def normalize_vat_number(value: str) -> str:
    """``BE0403170701`` from any usual spelling, or InvoicingError."""
    text = (value or "").strip()
    if not text:
        return ""
    compact = be_vat.compact(text)
    if not be_vat.is_valid(compact):
        raise InvoicingError(InvoicingErrorCode.BAD_VAT_NUMBER)
    return "BE" + compact


def document_content_hash(
    *,
    host: Any,
    customer: Any,
    kind: str,
    lines: Sequence[LineInput],
    delivery_date: dt.date | None,
    corrects: Document | None,
    note: str,
    self_billed: bool = False,
    sale: SaleBuyer | None = None,
) -> str:
    """SHA-256 of what a document says, to tell a retry from a different request under the
    same idempotency key (as the ledger does for postings). The issue date is left out on
    purpose: a retry the next day is still the same request. Documents keep their parties'
    names for seven years anyway, so this hash reveals nothing the row does not."""
    payload: dict[str, Any] = {
        "host": host.pk,
        "customer": customer.pk if customer is not None else None,
        "kind": str(kind),
        "lines": [
            [
                line.description,
                str(Decimal(line.quantity).normalize()),
                str(Decimal(line.unit_price).normalize()),
                None if line.vat_rate is None else str(Decimal(line.vat_rate).normalize()),
                line.unit_label,
                # Only when set, so the hashes of earlier documents stay what they were.
                *(["incl"] if line.price_includes_vat else []),
            ]
            for line in lines
        ],
        "delivery_date": delivery_date.isoformat() if delivery_date else None,
        "corrects": corrects.pk if corrects is not None else None,
        "note": note,
    }
    if self_billed:  # only then, so the hashes of earlier documents stay what they were
        payload["self_billed"] = True
    if sale is not None:
        payload["sale"] = sale.snapshot()
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def tax_point(host: Any, delivery_date: dt.date | None, issue_date: dt.date) -> dt.date:
    """The day VAT becomes due: the day of the service, or the issue day when the document
    comes first; the issue day too when the service's quarter was already exported, so that
    a late document or correction lands in the current period and a filed return never
    changes."""
    from samen.invoicing.queries import quarter_is_exported

    if delivery_date is None or delivery_date >= issue_date:
        return issue_date
    if quarter_is_exported(host, delivery_date):
        return issue_date
    return delivery_date


def ensure_quarter_open(host: Any, day: dt.date) -> None:
    """Refuse anything dated in a quarter already exported for the VAT return
    (``QUARTER_EXPORTED``): its figures were filed and never change."""
    from samen.invoicing.queries import quarter_is_exported

    if quarter_is_exported(host, day):
        raise InvoicingError(InvoicingErrorCode.QUARTER_EXPORTED)


@transaction.atomic
def vat_quarter_export(*, actor: Any, host: Any, year: int, quarter: int) -> VatQuarterExport:
    """Freeze a finished quarter's VAT summary for the host's return; exporting it again
    returns the first export unchanged."""
    from samen.invoicing.queries import quarter_of, vat_quarter_summary

    if not 1 <= quarter <= 4:
        raise InvoicingError(InvoicingErrorCode.QUARTER_NOT_ENDED)
    if (year, quarter) >= quarter_of(timezone.localdate()):
        raise InvoicingError(InvoicingErrorCode.QUARTER_NOT_ENDED)
    # The counters' lock orders this against documents being issued for the host right now.
    list(NumberCounter.objects.select_for_update().filter(host=host).order_by("pk"))
    export, created = VatQuarterExport.objects.get_or_create(
        host=host,
        year=year,
        quarter=quarter,
        defaults={
            "data": vat_quarter_summary(host, year, quarter),
            "exported_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    if created:
        audit_record(
            actor=actor,
            action="invoicing.vat_quarter_export",
            target=export,
            host=host,
            data={"year": year, "quarter": quarter, "grids": export.data["grids"]},
        )
    return export


def _allocate_sequence(host: Any, kind: str, year: int) -> int:
    """The next number of the series, under a row lock held until the caller commits."""
    counter, _created = NumberCounter.objects.get_or_create(host=host, kind=kind, year=year)
    locked = NumberCounter.objects.select_for_update().get(pk=counter.pk)
    locked.last += 1
    locked.save(update_fields=["last"])
    return locked.last


def _issuer_snapshot(host: Any) -> dict[str, str]:
    # The communities app owns the host's legal details; older rows may lack them.
    enterprise = getattr(host, "enterprise_number", "") or ""
    vat_number = getattr(host, "vat_number", "") or ""
    try:
        enterprise = normalize_enterprise_number(enterprise) if enterprise else ""
    except InvoicingError:
        enterprise = ""
    if vat_number:
        try:
            vat_number = normalize_vat_number(vat_number)
        except InvoicingError:
            vat_number = vat_number.replace(" ", "").replace(".", "").upper()
    return {
        "issuer_name": getattr(host, "legal_name", "") or host.name,
        "issuer_address": getattr(host, "address", "") or "",
        "issuer_country": getattr(host, "country", "") or "BE",
        "issuer_enterprise_number": enterprise,
        "issuer_vat_number": vat_number,
        "issuer_iban": (getattr(host, "iban", "") or "").replace(" ", "").upper(),
        "issuer_bic": getattr(host, "bic", "") or "",
        "issuer_email": getattr(host, "contact_email", "") or "",
    }


def _customer_snapshot(host: Any, customer: Any) -> dict[str, str]:
    profile = MemberBillingProfile.objects.filter(host=host, user=customer).first()
    if profile is None:
        return {"customer_name": customer.public_name}
    return {
        "customer_name": profile.company_name or customer.public_name,
        "customer_address": profile.address,
        "customer_country": profile.country,
        "customer_enterprise_number": profile.enterprise_number,
        "customer_vat_number": profile.vat_number,
    }


def _issued_before(
    idempotency_key: str, digest: str, host: Any, customer: Any, kind: str
) -> Document | None:
    """The document already issued under this key, if its content is the same; a
    different content under the same key is a conflict."""
    existing = Document.objects.filter(idempotency_key=idempotency_key).first()
    if existing is None:
        return None
    # Documents issued before the hash existed are compared on their parties and kind.
    same = (
        existing.content_hash == digest
        if existing.content_hash
        else (existing.host_id, existing.customer_id, existing.kind)
        == (host.pk, getattr(customer, "pk", None), kind)
    )
    if not same:
        raise InvoicingError(InvoicingErrorCode.IDEMPOTENCY_CONFLICT)
    return existing


def _check_correction(kind: str, corrects: Document | None, host: Any, customer: Any) -> None:
    """Only a credit note corrects, and only an invoice of the same host and customer."""
    if corrects is not None and (
        kind != DocumentKind.CREDIT_NOTE
        or corrects.kind != DocumentKind.INVOICE
        or corrects.host_id != host.pk
        or corrects.customer_id != getattr(customer, "pk", None)
    ):
        raise InvoicingError(InvoicingErrorCode.BAD_CORRECTION)


def _agreed_to_self_billing(profile: MemberBillingProfile | None, issue_date: dt.date) -> bool:
    """A VAT-registered member who agreed to self-billing on or before the issue date."""
    return (
        profile is not None
        and profile.vat_status == ProviderVatStatus.REGISTERED
        and profile.self_billing_agreed_on is not None
        and profile.self_billing_agreed_on <= issue_date
    )


def _document_vat(
    host: Any,
    customer_details: dict[str, Any],
    language: str,
    status: str,
    lines: Sequence[LineInput],
    exemption_reason: str,
) -> tuple[Any, dict[str, str]]:
    """The VAT treatment of a document and the legal mention per VAT category, in the
    customer's language. ``status`` is the earning member's VAT status (``UNSET`` for
    anything but their credit note): a provider who charges no VAT decides it, not the
    host; a VAT rate on a line that may carry none is refused."""
    with translation.override(language):
        treatment = issuer_treatment(
            host,
            customer_details.get("customer_country", "BE"),
            customer_details.get("customer_vat_number", ""),
        )
        provider = provider_treatment(status)
        if not provider.charges_vat:
            if any(line.vat_rate is not None for line in lines):
                raise InvoicingError(InvoicingErrorCode.PROVIDER_CHARGES_NO_VAT)
            # The member's status, not the host's, decides the VAT of their services.
            treatment = replace(
                treatment,
                may_charge=False,
                exempt_category=provider.category,
                exempt_mention=provider.mention,
                reverse_charge=False,
            )
        mentions: dict[str, str] = {
            VatCategory.EXEMPT: treatment.exempt_mention or exemption_reason,
            VatCategory.NOT_SUBJECT: treatment.exempt_mention,
            VatCategory.REVERSE_CHARGE: str(REVERSE_CHARGE_MENTION),
        }
    if not treatment.may_charge and any(line.vat_rate is not None for line in lines):
        raise InvoicingError(InvoicingErrorCode.HOST_CANNOT_CHARGE_VAT)
    return treatment, mentions


def _next_number(host: Any, kind: str, year: int, self_billed: bool) -> tuple[int, str]:
    """The next gap-free sequence of the host's series for this kind and year, and the
    document number it gives (a self-billed invoice shares the credit notes' series)."""
    sequence = _allocate_sequence(host, kind, year)
    if self_billed:
        return sequence, f"{SELF_BILLED_PREFIX}-{year}-{sequence:06d}"
    return sequence, format_number(kind, year, sequence)


def _create_lines(
    document: Document,
    lines: Sequence[LineInput],
    treatment: Any,
    vat_rows: list[Any],
    mentions: dict[str, str],
) -> None:
    """The document's lines and its VAT rows, each with its category's mention."""
    DocumentLine.objects.bulk_create(
        DocumentLine(
            document=document,
            position=position,
            description=line.description[:300],
            quantity=line.quantity,
            unit_label=line.unit_label,
            unit_price=price,
            vat_category=vat_category(line.vat_rate, treatment)[0],
            vat_rate=vat_category(line.vat_rate, treatment)[1],
            line_net=amount,
        )
        for position, (line, (price, amount)) in enumerate(
            zip(lines, line_amounts(lines, treatment), strict=True), start=1
        )
    )
    DocumentVat.objects.bulk_create(
        DocumentVat(
            document=document,
            category=category,
            rate=rate,
            taxable=taxable,
            amount=amount,
            exemption_reason=mentions.get(category, ""),
        )
        for category, rate, taxable, amount in vat_rows
    )


def _parties(
    host: Any, customer: Any, sale: SaleBuyer | None
) -> tuple[MemberBillingProfile | None, dict[str, str], str]:
    """The customer's billing profile, their details as the document shows them, and the
    document's language: from the sale's buyer, else the member's profile."""
    profile = MemberBillingProfile.objects.filter(host=host, user=customer).first()
    details = sale.snapshot() if sale else _customer_snapshot(host, customer)
    language = (
        (sale.language if sale else "")
        or getattr(customer, "language", "")
        or settings.LANGUAGE_CODE
    )
    return profile, details, language


@transaction.atomic
def document_issue(
    *,
    actor: Any,
    host: Any,
    customer: Any,
    kind: str,
    lines: Sequence[LineInput],
    idempotency_key: str,
    issue_date: dt.date | None = None,
    due_days: int = 14,
    delivery_date: dt.date | None = None,
    corrects: Document | None = None,
    cause: models.Model | None = None,
    note: str = "",
    exemption_reason: str = DEFAULT_EXEMPTION_REASON,
    self_billed: bool = False,
    sale: SaleBuyer | None = None,
) -> Document:
    """Issue an invoice or a credit note with the next gap-free number of its series.

    ``sale`` makes it a sale (``sale_issue``, ``sale_refund``): the buyer's details come from
    it rather than a billing profile, ``customer`` may be None (a guest), and a consumer's
    invoice is a simplified one, a receipt.

    A credit note for services the member gave follows their billing profile's VAT status
    (``vat.provider_treatment``): a private person's or an exempt small enterprise's lines
    carry no VAT (a rate is refused, ``PROVIDER_CHARGES_NO_VAT``) and get that status's
    category and legal mention. ``self_billed`` makes it a self-billed invoice (UBL 389)
    instead, for a VAT-registered member who agreed to self-billing by the issue date, else
    ``SELF_BILLING_NOT_AGREED``.

    The same ``idempotency_key`` with the same content (``document_content_hash``) returns
    the first document instead of issuing a second one; with other content it is a conflict.
    The PDF and UBL files are rendered after commit.
    """
    kind = DocumentKind(kind)
    digest = document_content_hash(
        host=host,
        customer=customer,
        kind=kind,
        lines=lines,
        delivery_date=delivery_date,
        corrects=corrects,
        note=note,
        self_billed=self_billed,
        sale=sale,
    )
    existing = _issued_before(idempotency_key, digest, host, customer, kind)
    if existing is not None:
        return existing
    if not lines:
        raise InvoicingError(InvoicingErrorCode.NO_LINES)
    _check_correction(kind, corrects, host, customer)

    profile, customer_details, language = _parties(host, customer, sale)
    issue_date = issue_date or timezone.localdate()
    ensure_quarter_open(host, issue_date)
    earning = kind == DocumentKind.CREDIT_NOTE and corrects is None
    status = profile.vat_status if profile is not None else ProviderVatStatus.UNSET
    if self_billed and not (earning and _agreed_to_self_billing(profile, issue_date)):
        raise InvoicingError(InvoicingErrorCode.SELF_BILLING_NOT_AGREED)
    treatment, mentions = _document_vat(
        host,
        customer_details,
        language,
        status if earning else ProviderVatStatus.UNSET,
        lines,
        exemption_reason,
    )
    year = issue_date.year
    sequence, number = _next_number(host, kind, year, self_billed)
    vat_rows = vat_breakdown(lines, treatment)
    net_total = sum((row[2] for row in vat_rows), Decimal("0.00"))
    vat_total = sum((row[3] for row in vat_rows), Decimal("0.00"))
    document = Document.objects.create(
        host=host,
        customer=customer,
        kind=kind,
        year=year,
        sequence=sequence,
        number=number,
        self_billed=self_billed,
        is_sale=sale is not None,
        simplified=sale is not None and kind == DocumentKind.INVOICE and not sale.is_business,
        issue_date=issue_date,
        due_date=issue_date + dt.timedelta(days=due_days),
        delivery_date=delivery_date,
        tax_point=tax_point(host, delivery_date, issue_date),
        language=language,
        corrects=corrects,
        note=note,
        net_total=net_total,
        vat_total=vat_total,
        gross_total=net_total + vat_total,
        structured_communication=structured_communication(kind, year, sequence),
        idempotency_key=idempotency_key,
        content_hash=digest,
        cause_type=ContentType.objects.get_for_model(cause) if cause is not None else None,
        cause_id=str(cause.pk) if cause is not None else "",
        **_issuer_snapshot(host),
        **customer_details,
    )
    _create_lines(document, lines, treatment, vat_rows, mentions)
    if corrects is not None:
        Document.objects.filter(pk=corrects.pk).update(status=DocumentStatus.CREDITED)
    audit_record(
        actor=actor,
        action=f"invoicing.{kind}_issue",
        target=document,
        host=host,
        data={"number": document.number, "gross_total": str(document.gross_total)},
    )
    from samen.invoicing.tasks import render_document_files
    from samen.lib.tasks import enqueue_on_commit

    enqueue_on_commit(render_document_files, document_id=document.pk)
    return document


@transaction.atomic
def document_correct(
    *, actor: Any, invoice: Document, reason: str, idempotency_key: str
) -> Document:
    """Cancel an open invoice with a credit note that repeats its lines and refers to it."""
    invoice = Document.objects.select_for_update().get(pk=invoice.pk)
    if invoice.kind != DocumentKind.INVOICE or invoice.status != DocumentStatus.OPEN:
        existing = Document.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None and existing.corrects_id == invoice.pk:
            return existing
        raise InvoicingError(InvoicingErrorCode.BAD_CORRECTION)
    lines = [
        LineInput(
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            vat_rate=None
            if line.vat_category in (VatCategory.EXEMPT, VatCategory.NOT_SUBJECT)
            else line.vat_rate,
            unit_label=line.unit_label,
        )
        for line in invoice.lines.all()
    ]
    return document_issue(
        actor=actor,
        host=invoice.host,
        customer=invoice.customer,
        kind=DocumentKind.CREDIT_NOTE,
        lines=lines,
        idempotency_key=idempotency_key,
        delivery_date=invoice.delivery_date,
        corrects=invoice,
        note=reason,
    )


def sale_lines(*, description: str, gross: Decimal, vat_rate: Decimal | None) -> list[LineInput]:
    """One line for a sale priced VAT included: the net price whose VAT, rounded once,
    brings the total back to ``gross`` (when no cent fits exactly, the nearest one below)."""
    if not vat_rate:
        return [LineInput(description, Decimal(1), gross, vat_rate)]
    factor = 1 + Decimal(vat_rate) / 100
    estimate = (gross / factor).quantize(CENT, rounding=ROUND_HALF_UP)

    def total(net: Decimal) -> Decimal:
        return net + (net * Decimal(vat_rate) / 100).quantize(CENT, rounding=ROUND_HALF_UP)

    # Below the price rather than above when no cent fits: the cent left over is a gift.
    candidates = [estimate + CENT * step for step in (0, -1, 1, -2, 2)]
    net = min(candidates, key=lambda c: (abs(total(c) - gross), total(c) > gross))
    return [LineInput(description, Decimal(1), net, vat_rate)]


@transaction.atomic
def sale_issue(
    *,
    actor: Any,
    host: Any,
    customer: Any,
    buyer: SaleBuyer,
    description: str,
    gross: Decimal,
    vat_rate: Decimal | None,
    idempotency_key: str,
    cause: models.Model | None = None,
    paid_on: dt.date | None = None,
) -> Document:
    """Issue the document of a sale paid when it was made (a campaign's pre-sale) from the
    host's invoice series, and record it paid (``PaymentMethod.SALE``).

    A consumer gets a simplified invoice (a receipt), a buyer with an enterprise number a
    full invoice and a Peppol UBL file. ``gross`` is the price paid, VAT included. A host
    that may not charge VAT sells without it (its exemption's category and mention).
    Idempotent by ``idempotency_key``: a replayed payment returns the first document.
    """
    existing = Document.objects.filter(idempotency_key=idempotency_key, is_sale=True).first()
    if existing is not None:
        return existing
    may_charge = issuer_treatment(host, buyer.country, buyer.vat_number).may_charge
    document = document_issue(
        actor=actor,
        host=host,
        customer=customer,
        kind=DocumentKind.INVOICE,
        lines=sale_lines(
            description=description, gross=gross, vat_rate=vat_rate if may_charge else None
        ),
        idempotency_key=idempotency_key,
        issue_date=paid_on,
        due_days=0,
        delivery_date=paid_on,
        cause=cause,
        sale=buyer,
    )
    document_payment_record(
        actor=actor, document=document, paid_on=paid_on, method=PaymentMethod.SALE
    )
    return Document.objects.get(pk=document.pk)


@transaction.atomic
def sale_refund(
    *, actor: Any, sale: Document, reason: str, idempotency_key: str, paid_on: dt.date | None = None
) -> Document:
    """The credit note of a refunded sale: it repeats the sale's lines, refers to it, and is
    recorded paid back the way the sale was paid. Idempotent by ``idempotency_key``."""
    existing = Document.objects.filter(idempotency_key=idempotency_key, corrects=sale).first()
    if existing is not None:
        return existing
    if not sale.is_sale or sale.kind != DocumentKind.INVOICE:
        raise InvoicingError(InvoicingErrorCode.BAD_CORRECTION)
    lines = [
        LineInput(
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            vat_rate=None if line.without_rate else line.vat_rate,
            unit_label=line.unit_label,
        )
        for line in sale.lines.all()
    ]
    buyer = SaleBuyer(
        name=sale.customer_name,
        email=sale.customer_email,
        language=sale.language,
        address=sale.customer_address,
        country=sale.customer_country,
        enterprise_number=sale.customer_enterprise_number,
        vat_number=sale.customer_vat_number,
    )
    note = str(reason).strip()[:500]
    credit_note = document_issue(
        actor=actor,
        host=sale.host,
        customer=sale.customer,
        kind=DocumentKind.CREDIT_NOTE,
        lines=lines,
        idempotency_key=idempotency_key,
        issue_date=paid_on,
        due_days=0,
        delivery_date=sale.delivery_date,
        corrects=sale,
        note=note,
        sale=buyer,
    )
    document_payment_record(
        actor=actor, document=credit_note, paid_on=paid_on, method=PaymentMethod.SALE
    )
    return Document.objects.get(pk=credit_note.pk)


@transaction.atomic
def document_payment_record(
    *,
    actor: Any,
    document: Document,
    amount: Decimal | None = None,
    paid_on: dt.date | None = None,
    bank_line: Any = None,
    method: str | None = None,
    offsets: Document | None = None,
) -> DocumentPayment:
    """Record money received for an invoice, or paid out for a credit note, in euros.

    This is the one path that makes a document paid: it stays open (partly paid) while its
    payments add up to less than its total and becomes paid, dated on the last payment's day,
    when they reach it. More than what is still due is refused (``OVERPAID``), and so is any
    payment on a document that is paid or credited (``ALREADY_PAID``): such money waits for a
    host admin. With a ``bank_line`` (``samen.funding.models.BankLine`` of the document's host:
    incoming for an invoice, outgoing for a credit note) the amount and day are the line's,
    and the line is marked matched in the same transaction; recording the same line again
    returns its first payment and changes nothing. ``method`` names how money without a
    bank line of its own came (``MANUAL`` by default; ``SETTLEMENT`` for a share of a
    credit settlement, whose bank line is the settlement's; ``COMPENSATION``, with the
    document of the other side as ``offsets``, for a set-off made by
    ``samen.invoicing.compensation``).
    """
    from samen.banking.actions import bank_line_mark_matched
    from samen.funding.models import BankLine, LineStatus

    if method is not None and (bank_line is not None or method not in PaymentMethod.values):
        raise ValueError("A payment with a bank line is a bank payment; methods are PaymentMethod.")
    if (method == PaymentMethod.COMPENSATION) != (offsets is not None):
        raise ValueError("A compensation, and only a compensation, names the other document.")
    if bank_line is not None:
        # Lock order: the bank line, then the document (as funding's confirmations do).
        bank_line = BankLine.objects.select_for_update().get(pk=bank_line.pk)
        earlier = DocumentPayment.objects.filter(bank_line=bank_line).first()
        if earlier is not None:
            if earlier.document_id != document.pk:
                raise InvoicingError(InvoicingErrorCode.BAD_BANK_LINE)
            return earlier
        if bank_line.status != LineStatus.UNMATCHED:
            raise InvoicingError(InvoicingErrorCode.BAD_BANK_LINE)
    document = Document.objects.select_for_update().select_related("host").get(pk=document.pk)
    if bank_line is not None:
        sign = 1 if document.is_invoice else -1
        if (
            bank_line.host_id != document.host_id
            or bank_line.currency != "EUR"
            or bank_line.amount * sign <= 0
        ):
            raise InvoicingError(InvoicingErrorCode.BAD_BANK_LINE)
        amount = to_decimal(abs(bank_line.amount), 2)
        paid_on = bank_line.booking_date
    if document.status != DocumentStatus.OPEN:
        raise InvoicingError(InvoicingErrorCode.ALREADY_PAID)
    due = document.amount_due
    amount = Decimal(amount if amount is not None else due).quantize(CENT)
    if amount < 0 or (amount == 0 and due != 0):
        raise InvoicingError(InvoicingErrorCode.BAD_AMOUNT)
    if amount > due:
        raise InvoicingError(InvoicingErrorCode.OVERPAID)
    paid_on = paid_on or timezone.localdate()
    payment = DocumentPayment.objects.create(
        document=document,
        amount=amount,
        paid_on=paid_on,
        method=PaymentMethod.BANK if bank_line is not None else (method or PaymentMethod.MANUAL),
        bank_line=bank_line,
        offsets=offsets,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    document.amount_paid += amount
    changed = ["amount_paid"]
    if offsets is not None:
        document.amount_compensated += amount
        changed.append("amount_compensated")
    if document.amount_paid == document.gross_total:
        document.status = DocumentStatus.PAID
        document.paid_on = paid_on
        document.paid_at = timezone.now()
        changed += ["status", "paid_on", "paid_at"]
    document.save(update_fields=changed)
    if bank_line is not None:
        bank_line_mark_matched(line=bank_line, target=document, actor=actor)
    audit_record(
        actor=actor,
        action="invoicing.document_payment",
        target=document,
        host=document.host,
        data={
            "number": document.number,
            "amount": str(amount),
            "paid_on": paid_on.isoformat(),
            "due": str(document.amount_due),
            "bank_line": bank_line.pk if bank_line is not None else None,
            "offsets": offsets.number if offsets is not None else None,
        },
    )
    if document.status == DocumentStatus.PAID:
        audit_record(
            actor=actor,
            action="invoicing.document_paid",
            target=document,
            host=document.host,
            data={"number": document.number, "paid_on": paid_on.isoformat()},
        )
    return payment


@transaction.atomic
def document_mark_paid(
    *, actor: Any, document: Document, paid_on: dt.date | None = None
) -> Document:
    """A host admin records that the rest of a document was settled outside the bank import
    (cash, a transfer booked elsewhere): one payment of the amount still due."""
    payment = document_payment_record(actor=actor, document=document, paid_on=paid_on)
    return Document.objects.select_related("host", "corrects").get(pk=payment.document_id)


@transaction.atomic
def billing_profile_save(
    *,
    actor: Any,
    host: Any,
    user: Any,
    company_name: str = "",
    enterprise_number: str = "",
    vat_number: str = "",
    address: str = "",
    country: str = "BE",
    vat_status: str | None = None,
    self_billing: bool | None = None,
) -> MemberBillingProfile:
    """Create or change how ``user`` appears on ``host``'s documents (from the next one on).

    ``vat_status`` (a ``ProviderVatStatus``, chosen by a host admin) and ``self_billing``
    (the member agreed that the host issues their invoices) are kept as they are when None.
    Refused, with nothing written: a VAT-registered member without a valid VAT number, a
    private person with an enterprise or VAT number, self-billing for anyone but a
    VAT-registered member.
    """
    country = (country or "BE").strip().upper()
    enterprise = normalize_enterprise_number(enterprise_number) if country == "BE" else ""
    if country == "BE":
        vat_id = normalize_vat_number(vat_number)
    else:
        # A business elsewhere in the EU is reverse-charged on its VAT number, so the number
        # must be one of its country; outside the EU it is kept without separators.
        checked = normalize_eu_vat_number(vat_number, country)
        if country in EU_COUNTRIES and checked is None:
            raise InvoicingError(InvoicingErrorCode.BAD_VAT_NUMBER)
        vat_id = checked or re.sub(r"[\s.\-/]", "", vat_number).upper()
        if len(vat_id) > VAT_NUMBER_LENGTH:
            raise InvoicingError(InvoicingErrorCode.BAD_VAT_NUMBER)
    current = MemberBillingProfile.objects.filter(host=host, user=user).first()
    status = ProviderVatStatus(
        vat_status if vat_status is not None else (current.vat_status if current else "")
    )
    agreed_on = current.self_billing_agreed_on if current else None
    if self_billing is not None:
        agreed_on = (agreed_on or timezone.localdate()) if self_billing else None
    if status == ProviderVatStatus.REGISTERED and not vat_id:
        raise InvoicingError(InvoicingErrorCode.REGISTERED_NEEDS_VAT_NUMBER)
    if status == ProviderVatStatus.PRIVATE and (enterprise or vat_id):
        raise InvoicingError(InvoicingErrorCode.PRIVATE_WITH_ENTERPRISE)
    if agreed_on is not None and status != ProviderVatStatus.REGISTERED:
        raise InvoicingError(InvoicingErrorCode.SELF_BILLING_NOT_AGREED)
    profile, created = MemberBillingProfile.objects.update_or_create(
        host=host,
        user=user,
        defaults={
            "company_name": company_name.strip(),
            "enterprise_number": enterprise,
            "vat_number": vat_id,
            "address": address.strip(),
            "country": country,
            "vat_status": status,
            "self_billing_agreed_on": agreed_on,
        },
    )
    audit_record(
        actor=actor,
        action="invoicing.profile_create" if created else "invoicing.profile_change",
        target=profile,
        host=host,
        data={
            "enterprise_number": enterprise,
            "vat_number": vat_id,
            "vat_status": status,
            "self_billing_agreed_on": agreed_on.isoformat() if agreed_on else None,
        },
    )
    return profile


@transaction.atomic
def billing_status_set(
    *, actor: Any, host: Any, user: Any, vat_status: str, self_billing: bool
) -> MemberBillingProfile:
    """A host admin chooses a member's VAT status (and records their self-billing
    agreement), keeping the rest of their billing profile: the same checks as
    ``billing_profile_save`` apply (a VAT-registered member needs a valid VAT number on
    their profile first)."""
    current = MemberBillingProfile.objects.select_for_update().filter(host=host, user=user).first()
    return billing_profile_save(
        actor=actor,
        host=host,
        user=user,
        company_name=current.company_name if current else "",
        enterprise_number=current.enterprise_number if current else "",
        vat_number=current.vat_number if current else "",
        address=current.address if current else "",
        country=current.country if current else "BE",
        vat_status=vat_status,
        self_billing=self_billing,
    )


def document_render_files(*, document: Document) -> Document:
    """Render and store the PDF (and the UBL file when the member gets one); idempotent.

    Not atomic on purpose: rendering takes time and the files are written before the paths
    are saved, so a crash leaves at worst an orphan file that the next run overwrites.
    """
    from samen.invoicing.rendering import document_pdf, document_ubl

    storage = storages["private"]
    base = f"invoicing/{document.host_id}/{document.year}/{document.number}"
    changed = []
    if not document.pdf_path:
        name = f"{base}.pdf"
        if storage.exists(name):
            storage.delete(name)
        document.pdf_path = storage.save(name, ContentFile(document_pdf(document)))
        changed.append("pdf_path")
    if document.has_ubl and not document.ubl_path:
        name = f"{base}.xml"
        if storage.exists(name):
            storage.delete(name)
        document.ubl_path = storage.save(name, ContentFile(document_ubl(document)))
        changed.append("ubl_path")
    if changed:
        Document.objects.filter(pk=document.pk).update(
            **{field: getattr(document, field) for field in changed}
        )
    return document


def statements_compensate(*, scheme: Any) -> int:
    """Before a statement run: set off the open invoices and credit notes of every member of
    the scheme's host who has both, each in its own transaction under the member's lock (a
    confirmation may have left some when it was refused or ran before this rule). Returns the
    number of members whose documents were set off."""
    from samen.credits.actions import member_compensate
    from samen.invoicing.compensation import compensable

    open_kinds = (
        compensable(scheme.host_id)
        .values("customer_id")
        .annotate(kinds=models.Count("kind", distinct=True))
        .filter(kinds=2)
        .order_by("customer_id")
    )
    User = get_user_model()
    done = 0
    for row in open_kinds:
        member = User.objects.get(pk=row["customer_id"])
        if member_compensate(actor=None, scheme=scheme, member=member) > 0:
            done += 1
    return done


def statements_prepare(*, host: Any, month: dt.date) -> list[int]:
    """Set off what can be (``statements_compensate``), then create the month's missing
    statements of ``host`` (data only); return the ids of the statements still to render or
    e-mail. Existing statements are kept as they are, so a
    second run of the same month adds nothing and sends nothing twice."""
    from samen.credits.models import CreditScheme
    from samen.invoicing.statements import month_bounds, statement_data

    scheme = CreditScheme.objects.select_related("unit", "host").get(host=host)
    first, _last = month_bounds(month)
    statements_compensate(scheme=scheme)
    with transaction.atomic():
        run, created = StatementRun.objects.get_or_create(host=host, month=first)
        if created:
            audit_record(
                actor=None,
                action="invoicing.statements_run",
                target=run,
                host=host,
                data={"month": first.isoformat()},
            )
    existing = set(
        Statement.objects.filter(host=host, month=first).values_list("user_id", flat=True)
    )
    rows = [
        Statement(
            host=host,
            user_id=user_id,
            month=first,
            opening=data["opening"],
            closing=data["closing"],
            data=data,
            language=data["language"],
        )
        for user_id, data in statement_data(scheme, first).items()
        if user_id not in existing
    ]
    Statement.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    pending = Statement.objects.filter(host=host, month=first).filter(
        models.Q(pdf_path="") | models.Q(emailed_at__isnull=True)
    )
    return list(pending.order_by("pk").values_list("pk", flat=True))


def statements_render(*, statements: Sequence[Statement]) -> None:
    """Render and store the PDFs still missing (in one WeasyPrint batch); then queue each
    statement's e-mail, which is sent once however often this runs."""
    from samen.credits.models import CreditScheme
    from samen.invoicing.statements import statement_pdfs
    from samen.invoicing.tasks import deliver_statement
    from samen.lib.tasks import enqueue_on_commit

    missing = [s for s in statements if not s.pdf_path]
    if missing:
        scheme = CreditScheme.objects.select_related("unit", "host").get(host=missing[0].host_id)
        storage = storages["private"]
        by_id = {s.pk: s for s in missing}
        for statement_id, pdf in statement_pdfs(missing, scheme).items():
            statement = by_id[statement_id]
            name = f"statements/{statement.host_id}/{statement.month:%Y-%m}/{statement.user_id}.pdf"
            if storage.exists(name):
                storage.delete(name)
            statement.pdf_path = storage.save(name, ContentFile(pdf))
    # One commit per batch: the paths, and the e-mails queued once they are committed.
    with transaction.atomic():
        if missing:
            Statement.objects.bulk_update(missing, ["pdf_path"])
        for statement in statements:
            if statement.emailed_at is None and statement.pdf_path:
                enqueue_on_commit(deliver_statement, statement_id=statement.pk)


def statements_finish(*, host: Any, month: dt.date) -> StatementRun:
    first = month.replace(day=1)
    run = StatementRun.objects.get(host=host, month=first)
    run.statements = Statement.objects.filter(host=host, month=first).count()
    run.finished_at = timezone.now()
    run.save(update_fields=["statements", "finished_at"])
    return run


def statements_run(*, host: Any, month: dt.date) -> StatementRun:
    """The month's statements of one host, start to end, in this process; restartable."""
    ids = statements_prepare(host=host, month=month)
    for start in range(0, len(ids), STATEMENT_BATCH):
        batch = Statement.objects.filter(pk__in=ids[start : start + STATEMENT_BATCH])
        statements_render(statements=list(batch.order_by("pk")))
    return statements_finish(host=host, month=month)


@transaction.atomic
def statement_mark_emailed(*, statement_id: int) -> Statement | None:
    """Lock the statement and claim its e-mail: None when it was already sent."""
    statement = Statement.objects.select_for_update().filter(pk=statement_id).first()
    if statement is None or statement.emailed_at is not None or not statement.pdf_path:
        return None
    statement.emailed_at = timezone.now()
    statement.save(update_fields=["emailed_at"])
    return statement


def statement_email(*, statement_id: int) -> bool:
    """E-mail the statement's PDF to the member, at most once; False when already sent.

    The statement is claimed (``emailed_at`` set) before sending; if sending fails the claim
    is released so the next run tries again.
    """
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string

    statement = statement_mark_emailed(statement_id=statement_id)
    if statement is None:
        return False
    user = statement.user
    with translation.override(statement.language or settings.LANGUAGE_CODE):
        context = {"statement": statement, "host": statement.host, "site_url": settings.SITE_URL}
        subject = render_to_string("invoicing/email/statement_subject.txt", context).strip()
        body = render_to_string("invoicing/email/statement_body.txt", context)
    message = EmailMessage(subject=subject, body=body, to=[user.email])
    with storages["private"].open(statement.pdf_path) as handle:
        message.attach(f"statement-{statement.month:%Y-%m}.pdf", handle.read(), "application/pdf")
    try:
        message.send()
    except Exception:
        Statement.objects.filter(pk=statement.pk).update(emailed_at=None)
        raise
    return True


@transaction.atomic
def document_mark_emailed(*, document_id: int) -> Document | None:
    """Lock the document and claim its e-mail: None when it was already sent (or has no PDF)."""
    document = Document.objects.select_for_update().filter(pk=document_id).first()
    if document is None or document.emailed_at is not None or not document.pdf_path:
        return None
    document.emailed_at = timezone.now()
    document.save(update_fields=["emailed_at"])
    return document


def document_email(*, document_id: int) -> bool:
    """E-mail an issued document to the member with its PDF (and UBL file), at most once.

    Like a statement's e-mail: the document is claimed (``emailed_at``) before sending and
    released if sending fails, so a retry sends it and a second run sends nothing. The message
    is sent here, in the background task, rather than through ``send_message_later``: that
    queue carries text and HTML only, not attachments.
    """
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string

    document = document_mark_emailed(document_id=document_id)
    if document is None:
        return False
    with translation.override(document.language or settings.LANGUAGE_CODE):
        context = {"document": document, "site_url": settings.SITE_URL}
        subject = render_to_string("invoicing/email/document_subject.txt", context).strip()
        body = render_to_string("invoicing/email/document_body.txt", context)
    address = document.customer.email if document.customer is not None else document.customer_email
    if not address:
        return False
    message = EmailMessage(subject=subject, body=body, to=[address])
    storage = storages["private"]
    with storage.open(document.pdf_path) as handle:
        message.attach(f"{document.number}.pdf", handle.read(), "application/pdf")
    if document.ubl_path:
        with storage.open(document.ubl_path) as handle:
            message.attach(f"{document.number}.xml", handle.read(), "application/xml")
    try:
        message.send()
    except Exception:
        Document.objects.filter(pk=document.pk).update(emailed_at=None)
        raise
    return True
