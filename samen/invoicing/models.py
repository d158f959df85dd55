"""Invoices, credit notes, their gap-free numbering and the members' billing details.

A document is a legal record: once issued it never changes except for its payment status (with
the payments recorded against it) and the paths of its rendered files. It therefore keeps a
snapshot of both parties (name, address, enterprise and VAT numbers, IBAN) as they were on the
day it was issued.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")


class DocumentKind(models.TextChoices):
    """The two numbering series: the member owes the host, or the host owes the member."""

    INVOICE = "invoice", _("invoice")
    CREDIT_NOTE = "credit_note", _("credit note")


class DocumentStatus(models.TextChoices):
    OPEN = "open", _("open")
    PAID = "paid", _("paid")
    CREDITED = "credited", _("credited")


class PaymentState(models.TextChoices):
    """How much of a document is settled, as shown to people: derived from status and payments."""

    OPEN = "open", _("open")
    PARTLY_PAID = "partly_paid", _("partly paid")
    PAID = "paid", _("paid")
    #: Paid entirely by compensation: the member's own services repaid it (or it repaid theirs).
    COMPENSATED = "compensated", _("settled by compensation")
    CREDITED = "credited", _("credited")


class PaymentMethod(models.TextChoices):
    BANK = "bank", _("bank transfer")
    MANUAL = "manual", _("recorded by hand")
    #: A share of a member's euro settlement of their credit debt (``credits.Settlement``,
    #: which holds the bank line when the money came by bank).
    SETTLEMENT = "settlement", _("settlement of a credit debt")
    #: An invoice and a credit note of the same member and host set off against each other:
    #: the services the member gave repay the ones they received. The payment names the
    #: other document (``DocumentPayment.offsets``); each set-off is two payments, one per side.
    COMPENSATION = "compensation", _("compensation")
    #: Paid out to the member in a SEPA payout batch at the end of the year, when the host
    #: chose to pay a positive net position out rather than keep it as credit.
    PAYOUT = "payout", _("paid out at year end")
    #: A sale paid when it was made: a pre-sale's pledge, paid by card or transfer to the
    #: collective (``samen.funding``), or its refund paid back the same way.
    SALE = "sale", _("paid with the purchase")


class ProviderVatStatus(models.TextChoices):
    """Who a member is for VAT when they earn: it decides the document of the earning side
    (``samen.invoicing.vat.provider_treatment``; docs/credits.md gives each case)."""

    #: Not chosen yet: the earning documents carry the unit's VAT rate, as before the status
    #: existed. A host chooses one of the three below for each member who earns.
    UNSET = "", _("not chosen yet")
    PRIVATE = "private", _("private person")
    SMALL = "small", _("small enterprise exempt from VAT")
    REGISTERED = "registered", _("VAT-registered")


class VatCategory(models.TextChoices):
    """UNCL5305 codes used by EN 16931 (see ``samen.invoicing.vat`` for when each applies)."""

    STANDARD = "S", _("standard rate")
    ZERO = "Z", _("zero rate")
    EXEMPT = "E", _("exempt from VAT")
    #: Intra-EU services to a business: the customer accounts for the VAT.
    REVERSE_CHARGE = "AE", _("reverse charge")
    #: A host that is not a VAT taxable person: its sales are outside the scope of VAT.
    NOT_SUBJECT = "O", _("not subject to VAT")


#: Categories whose lines carry no VAT rate of their own (the rate is 0 by definition).
CATEGORIES_WITHOUT_RATE = frozenset(
    {VatCategory.EXEMPT, VatCategory.REVERSE_CHARGE, VatCategory.NOT_SUBJECT}
)


#: The number prefix per series; numbers read like ``INV-2026-000042``.
NUMBER_PREFIX = {DocumentKind.INVOICE: "INV", DocumentKind.CREDIT_NOTE: "CN"}
#: The prefix of a self-billed invoice, which shares the credit-note sequence.
SELF_BILLED_PREFIX = "SB"
#: First digit of the structured communication, so that the two series never collide.
COMMUNICATION_DIGIT = {DocumentKind.INVOICE: "1", DocumentKind.CREDIT_NOTE: "2"}
#: First digit of the communication a member pays a credit debt in euros with (one per member).
SETTLEMENT_DIGIT = "3"


def format_communication(digits: str) -> str:
    """Twelve digits as printed on Belgian transfers: ``+++123/4567/89002+++``."""
    return f"+++{digits[:3]}/{digits[3:7]}/{digits[7:]}+++" if len(digits) == 12 else ""


class MemberBillingProfile(models.Model):
    """How a member appears on the documents of one host (a company, a self-employed person).

    Without an enterprise number the member is a private person: documents get a PDF only.
    With a Belgian enterprise number they also get a Peppol UBL file.
    """

    host = models.ForeignKey(
        "communities.Host", verbose_name=_("host"), on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="billing_profiles",
    )
    company_name = models.CharField(_("company name"), max_length=200, blank=True)
    enterprise_number = models.CharField(
        _("enterprise number"),
        max_length=10,
        blank=True,
        help_text=_("Belgian enterprise number (KBO/BCE), ten digits."),
    )
    vat_number = models.CharField(_("VAT number"), max_length=14, blank=True)
    address = models.TextField(
        _("address"), blank=True, help_text=_("Street and number, then postcode and city.")
    )
    country = models.CharField(_("country"), max_length=2, default="BE")
    vat_status = models.CharField(
        _("VAT status"),
        max_length=12,
        choices=ProviderVatStatus.choices,
        blank=True,
        default=ProviderVatStatus.UNSET,
        help_text=_("Decides whether the services this member gives carry VAT."),
    )
    # The day the member (VAT-registered) agreed that the host issues their invoices for the
    # services they give (self-billing, article 53 § 2 of the Belgian VAT Code); None: not.
    self_billing_agreed_on = models.DateField(_("self-billing agreed on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("billing profile")
        verbose_name_plural = _("billing profiles")
        constraints = [
            models.UniqueConstraint(fields=["host", "user"], name="invoicing_profile_unique"),
        ]

    def __str__(self) -> str:
        return self.company_name or str(self.user)


class NumberCounter(models.Model):
    """The last number used in one series of one host in one year.

    Issuing a document locks this row (SELECT ... FOR UPDATE) and increments it in the same
    transaction as the document itself, so numbers are gap-free even when a transaction rolls
    back: a database sequence would skip numbers on rollback, which Belgian law forbids.
    """

    host = models.ForeignKey("communities.Host", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["host", "kind", "year"], name="invoicing_counter_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.host_id}/{self.kind}/{self.year}: {self.last}"


class Document(models.Model):
    """An invoice (the member owes the host) or a credit note (the host owes the member).

    Amounts are euros with two decimals. VAT is computed once per rate on the document's
    total (``DocumentVat``), not per line, as the VAT code allows and EN 16931 expects.
    """

    host = models.ForeignKey(
        "communities.Host", verbose_name=_("host"), on_delete=models.PROTECT, related_name="+"
    )
    # None for a sale to a guest (a buyer without an account): the snapshot below is all
    # there is of them.
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoicing_documents",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    # A simplified invoice (a receipt): a sale to a consumer, who needs no address or VAT
    # number on it (article 13 of Royal Decree no. 1 on VAT). Numbered in the invoice series.
    simplified = models.BooleanField(_("simplified invoice (receipt)"), default=False)
    # A sale of goods or a ticket (a campaign's pre-sale), paid when it was made, or the
    # credit note of its refund: never part of a member's credit position or compensation.
    is_sale = models.BooleanField(_("sale"), default=False)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(_("number"), max_length=24)
    status = models.CharField(
        _("status"), max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.OPEN
    )
    issue_date = models.DateField(_("issue date"))
    due_date = models.DateField(_("due date"))
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    # The day the VAT became due, which decides the quarter of the VAT return: the day of the
    # service, unless that quarter was already exported (then the issue day: a late document
    # never changes a filed return).
    tax_point = models.DateField(_("tax point"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    note = models.TextField(_("note"), blank=True)
    # A self-billed invoice (UBL 389): the host, as the buyer, issues the invoice of a
    # VAT-registered member for the services they gave, in the member's name. Numbered in
    # the credit-note series (what the host owes), with the prefix SB.
    self_billed = models.BooleanField(_("self-billed invoice"), default=False)

    issuer_name = models.CharField(_("issuer"), max_length=200)
    issuer_address = models.TextField(_("issuer address"), blank=True)
    issuer_country = models.CharField(max_length=2, default="BE")
    issuer_enterprise_number = models.CharField(max_length=10, blank=True)
    issuer_vat_number = models.CharField(max_length=14, blank=True)
    issuer_iban = models.CharField(max_length=34, blank=True)
    issuer_bic = models.CharField(max_length=11, blank=True)
    issuer_email = models.CharField(max_length=254, blank=True)

    customer_name = models.CharField(_("customer"), max_length=200)
    customer_address = models.TextField(_("customer address"), blank=True)
    customer_country = models.CharField(max_length=2, default="BE")
    customer_enterprise_number = models.CharField(max_length=10, blank=True)
    customer_vat_number = models.CharField(max_length=14, blank=True)
    # Where the document is e-mailed when the customer has no account (a guest's sale).
    customer_email = models.EmailField(blank=True)

    net_total = models.DecimalField(_("total excluding VAT"), max_digits=12, decimal_places=2)
    vat_total = models.DecimalField(_("VAT"), max_digits=12, decimal_places=2)
    gross_total = models.DecimalField(_("total including VAT"), max_digits=12, decimal_places=2)
    structured_communication = models.CharField(max_length=12)

    idempotency_key = models.CharField(max_length=200, unique=True)
    # SHA-256 of the request (``actions.document_content_hash``): the same key with other
    # content is a conflict, not the first document. Empty on documents issued before it.
    content_hash = models.CharField(max_length=64, blank=True, default="")
    cause_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cause_id = models.CharField(max_length=64, blank=True)

    pdf_path = models.CharField(max_length=300, blank=True)
    ubl_path = models.CharField(max_length=300, blank=True)
    # The sum of the document's payments, kept under the document's row lock by
    # ``document_payment_record``; the document is paid when it reaches ``gross_total``.
    amount_paid = models.DecimalField(
        _("amount paid"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    # The part of ``amount_paid`` that is compensation (set off against documents of the
    # other side), kept with it by ``document_payment_record``.
    amount_compensated = models.DecimalField(
        _("amount set off by compensation"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
    )
    # When it became paid: ``paid_on`` is the day the money arrived (a bank line's booking
    # date), ``paid_at`` the moment it was recorded.
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    # Set when the document is claimed for its e-mail to the member, so it is sent once.
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-issue_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["host", "kind", "year", "sequence"], name="invoicing_number_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(sequence__gte=1), name="invoicing_sequence_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "host", "-issue_date"]),
            models.Index(fields=["host", "issue_date"]),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def kind_label(self) -> str:
        """ "invoice", "credit note" or, for a self-billed invoice, "self-billed invoice"."""
        if self.self_billed:
            return str(_("self-billed invoice"))
        if self.simplified:
            return str(_("receipt"))
        return str(self.get_kind_display())

    @property
    def is_invoice(self) -> bool:
        return self.kind == DocumentKind.INVOICE

    @property
    def has_ubl(self) -> bool:
        """Peppol documents go to businesses that Peppol reaches: a Belgian enterprise number,
        or the VAT number of a business elsewhere in the EU."""
        from samen.invoicing.vat import peppol_endpoint

        customer = peppol_endpoint(
            country=self.customer_country,
            enterprise=self.customer_enterprise_number,
            vat_number=self.customer_vat_number,
        )
        return bool(customer and self.issuer_enterprise_number)

    @property
    def communication_display(self) -> str:
        """The structured communication as printed: ``+++123/4567/89002+++``."""
        return format_communication(self.structured_communication)

    @property
    def amount_due(self) -> Decimal:
        """What is still to pay on an open document (nothing once paid or credited)."""
        if self.status != DocumentStatus.OPEN:
            return Decimal("0.00")
        return self.gross_total - self.amount_paid

    @property
    def payment_state(self) -> str:
        """Open, partly paid, paid, settled by compensation or credited (``PaymentState``)."""
        if self.status == DocumentStatus.PAID:
            if self.amount_compensated == self.gross_total:
                return PaymentState.COMPENSATED
            return PaymentState.PAID
        if self.status == DocumentStatus.CREDITED:
            return PaymentState.CREDITED
        return PaymentState.PARTLY_PAID if self.amount_paid > 0 else PaymentState.OPEN

    def get_payment_state_display(self) -> str:
        return str(PaymentState(self.payment_state).label)


class DocumentPayment(models.Model):
    """Money received for an invoice (or paid out for a credit note): all of it or a part.

    A payment found on a bank statement links to its bank line, and a line pays at most one
    document (``bank_line`` is unique), so matching the same line twice records nothing new.
    Payments by hand (cash, a transfer booked elsewhere) have no bank line, and neither have
    the shares of a credit settlement, which pays several invoices from one line: the line
    is the settlement's.
    """

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="payments"
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    method = models.CharField(_("method"), max_length=16, choices=PaymentMethod.choices)
    offsets = models.ForeignKey(
        "Document",
        verbose_name=_("set off against"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("For a compensation: the document of the other side."),
    )
    bank_line = models.OneToOneField(
        "funding.BankLine",
        verbose_name=_("bank line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["document", "paid_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="invoicing_payment_not_negative"
            ),
            # A compensation names the other document, and only a compensation does.
            models.CheckConstraint(
                condition=models.Q(method="compensation", offsets__isnull=False)
                | (~models.Q(method="compensation") & models.Q(offsets__isnull=True)),
                name="invoicing_payment_offsets_compensation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_id}: {self.amount} on {self.paid_on}"


class DocumentLine(models.Model):
    """One priced line: a quantity of credits at the unit's euro value."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit_label = models.CharField(_("unit"), max_length=20, blank=True)
    # Four places: a price whose euro value includes VAT (50.00 all-in at 21 %) has a net
    # unit price of 41.3223; the line's net amount is still rounded to the cent.
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=4)
    vat_category = models.CharField(max_length=2, choices=VatCategory.choices)
    vat_rate = models.DecimalField(_("VAT rate"), max_digits=5, decimal_places=2)
    line_net = models.DecimalField(_("net amount"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(fields=["document", "position"], name="invoicing_line_unique"),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def without_rate(self) -> bool:
        return self.vat_category in CATEGORIES_WITHOUT_RATE


class DocumentVat(models.Model):
    """The VAT breakdown of a document: one row per category and rate, rounded once."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="vat_rows")
    category = models.CharField(max_length=2, choices=VatCategory.choices)
    rate = models.DecimalField(max_digits=5, decimal_places=2)
    taxable = models.DecimalField(max_digits=12, decimal_places=2)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    exemption_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["document", "-rate"]

    def __str__(self) -> str:
        return f"{self.category} {self.rate}%"

    @property
    def without_rate(self) -> bool:
        """Exempt, reverse-charged or outside the scope of VAT: shown with its mention."""
        return self.category in CATEGORIES_WITHOUT_RATE


class VatQuarterExport(models.Model):
    """A host's VAT summary of one quarter, frozen when the host exported it for its return.

    ``data`` holds the amounts per grid as exported; documents whose service falls in an
    exported quarter count in the quarter of their issue instead, so this never changes.
    """

    host = models.ForeignKey(
        "communities.Host", verbose_name=_("host"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    data: models.JSONField[Any, Any] = models.JSONField(default=dict)
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    exported_at = models.DateTimeField(_("exported"), auto_now_add=True)

    class Meta:
        verbose_name = _("exported VAT quarter")
        verbose_name_plural = _("exported VAT quarters")
        constraints = [
            models.UniqueConstraint(
                fields=["host", "year", "quarter"], name="invoicing_vat_quarter_once"
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4),
                name="invoicing_vat_quarter_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.host_id} {self.year} Q{self.quarter}"


class Statement(models.Model):
    """A member's monthly account statement for one host's credit.

    ``data`` is the snapshot shown on the site and printed in the PDF: opening and closing
    balance, the month's movements and the open invoices, so the page never recomputes
    history. One per member and month: running a month twice finds it and sends nothing.
    """

    host = models.ForeignKey(
        "communities.Host", verbose_name=_("host"), on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="credit_statements",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    opening = models.BigIntegerField(_("opening balance"))
    closing = models.BigIntegerField(_("closing balance"))
    data: models.JSONField[Any, Any] = models.JSONField(default=dict)
    language = models.CharField(max_length=8)
    pdf_path = models.CharField(max_length=300, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["-month", "user_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["host", "user", "month"], name="invoicing_statement_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.month:%Y-%m}"


class StatementRun(models.Model):
    """One month's statement run of a host: when it started and finished, how many."""

    host = models.ForeignKey("communities.Host", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    statements = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["host", "month"], name="invoicing_run_once"),
        ]

    def __str__(self) -> str:
        return f"{self.host_id} {self.month:%Y-%m}"
