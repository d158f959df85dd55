"""The knowledge-exchange currency of a host: its scheme, its versioned rate card, deliveries.

Credit amounts are integers in the unit's smallest step (thousandths of a credit for a unit
with three decimals), like every ledger amount. Balances live in the ledger: a member's
``CREDIT_WALLET`` account, whose floor is minus their credit limit.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from samen.lib.money import to_decimal


class YearEndPolicy(models.TextChoices):
    """What happens to a member's positive net position (the network owes them euros) at
    the end of the year."""

    KEEP = "keep", _("keep it as credit")
    PAY_OUT = "pay_out", _("pay it out by bank transfer")


class CreditScheme(models.Model):
    """How one host runs its credit: the ledger unit, default limit, settlement and confirmation.

    The unit (``ledger.Unit``) carries the code, name, decimals, euro value and VAT rate; a
    VAT rate left empty means the credit's services are exempt from VAT.
    """

    host = models.OneToOneField(
        "communities.Host",
        verbose_name=_("host"),
        on_delete=models.CASCADE,
        related_name="credit_scheme",
    )
    unit = models.OneToOneField(
        "ledger.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    default_credit_limit = models.BigIntegerField(
        _("default credit limit"),
        default=0,
        help_text=_("How far below zero a member may go, in the unit's smallest step."),
    )
    settle_in_euros = models.BooleanField(
        _("debts may be settled in euros"),
        default=True,
    )
    auto_confirm_days = models.PositiveSmallIntegerField(
        _("confirm automatically after (days)"), default=14
    )
    vat_exemption_reason = models.CharField(
        _("VAT exemption reason"),
        max_length=200,
        blank=True,
        help_text=_("Printed on documents when the unit has no VAT rate."),
    )
    #: A unit "worth €50 all-in": documents take the VAT out of the price instead of adding
    #: it (``invoicing.actions.vat_breakdown``). Part of the unit: set when it is created.
    euro_value_includes_vat = models.BooleanField(
        _("the euro value includes VAT"),
        default=False,
        help_text=_(
            "On: one credit costs exactly its euro value, VAT included. Off: VAT is added to it."
        ),
    )
    year_end_positive = models.CharField(
        _("a positive net position at the end of the year"),
        max_length=8,
        choices=YearEndPolicy.choices,
        default=YearEndPolicy.KEEP,
        help_text=_(
            "Kept, it is set off against the member's next invoices; paid out, it goes into "
            "a SEPA payout batch on 1 January."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit scheme")
        verbose_name_plural = _("credit schemes")
        constraints = [
            models.CheckConstraint(
                condition=Q(default_credit_limit__gte=0), name="credits_default_limit_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.host} · {self.unit_id}"


class CreditLimit(models.Model):
    """A member's own credit limit, overriding the scheme's default (changes are audited)."""

    scheme = models.ForeignKey(CreditScheme, on_delete=models.CASCADE, related_name="limits")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE
    )
    limit = models.BigIntegerField(_("credit limit"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("credit limit")
        verbose_name_plural = _("credit limits")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "user"], name="credits_limit_once"),
            models.CheckConstraint(condition=Q(limit__gte=0), name="credits_limit_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.limit}"


class RateCard(models.Model):
    """One version of a host's menu of services; a delivery uses the version in force on its
    date, so changing prices never changes past deliveries."""

    scheme = models.ForeignKey(CreditScheme, on_delete=models.CASCADE, related_name="rate_cards")
    version = models.PositiveIntegerField(_("version"))
    valid_from = models.DateField(_("valid from"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("rate card")
        verbose_name_plural = _("rate cards")
        ordering = ["scheme", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "version"], name="credits_ratecard_version"),
            models.UniqueConstraint(fields=["scheme", "valid_from"], name="credits_ratecard_date"),
        ]

    def __str__(self) -> str:
        return f"v{self.version} ({self.valid_from})"


class Direction(models.TextChoices):
    EARNS = "earns", _("earns credits")
    COSTS = "costs", _("costs credits")


class Counterparty(models.TextChoices):
    """Who is on the other side: a fellow member (a peer session) or the host itself (a
    workshop the network organises, an article it commissions)."""

    MEMBER = "member", _("another member")
    HOST = "host", _("the network")


class Service(models.Model):
    """One line of the rate card, its name and description written per site language.

    Peer services (counterparty MEMBER) always earn for the member who gives and cost the
    member who receives. Host services earn (an article) or cost (a workshop) the member.
    """

    rate_card = models.ForeignKey(RateCard, on_delete=models.CASCADE, related_name="services")
    code = models.SlugField(_("code"), max_length=40)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # Per language (``name_en``, ``name_nl``, ``name_fr``...): samen/credits/translation.py.
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    # The columns modeltranslation adds, declared for the type checker only.
    name_en: str | None
    name_nl: str | None
    name_fr: str | None
    description_en: str | None
    description_nl: str | None
    description_fr: str | None
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    counterparty = models.CharField(
        _("counterparty"), max_length=8, choices=Counterparty.choices, default=Counterparty.HOST
    )
    value = models.BigIntegerField(_("value"), help_text=_("In the unit's smallest step."))

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["rate_card", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rate_card", "code"], name="credits_service_code"),
            models.CheckConstraint(condition=Q(value__gt=0), name="credits_service_value"),
            models.CheckConstraint(
                condition=~Q(counterparty="member") | Q(direction="earns"),
                name="credits_peer_service_earns",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def name_in(self, language: str | None) -> str:
        """The name in ``language`` (a reader who is not the active request: an e-mail, a
        statement), falling back as ``obj.name`` does to a language the host wrote."""
        with override((language or settings.LANGUAGE_CODE)[:2]):
            return str(self.name or "")

    @property
    def is_peer(self) -> bool:
        return self.counterparty == Counterparty.MEMBER


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("waiting for confirmation")
    CONFIRMED = "confirmed", _("confirmed")
    REJECTED = "rejected", _("rejected")
    CANCELLED = "cancelled", _("cancelled")


class Side(models.TextChoices):
    PROVIDER = "provider", _("provider")
    RECIPIENT = "recipient", _("recipient")


class Delivery(models.Model):
    """A service given once: the provider earns ``credits``, the recipient spends them.

    An empty provider or recipient is the host itself (its ``CREDIT_ISSUANCE`` account).
    ``awaiting`` names the side that must confirm: the one that did not record it.
    Deliveries recorded together (a workshop's participants) share a ``group``.
    """

    scheme = models.ForeignKey(CreditScheme, on_delete=models.PROTECT, related_name="deliveries")
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("date"))
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    credits = models.BigIntegerField(_("credits"))
    provider = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("given by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliveries_given",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliveries_received",
    )
    awaiting = models.CharField(max_length=10, choices=Side.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    note = models.TextField(_("note"), blank=True)
    group = models.UUIDField(null=True, blank=True, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    auto_confirmed = models.BooleanField(default=False)
    # The quarter's deadline (``actions.deliveries.quarter_confirm_by``): when the awaited
    # side was reminded, and when the host was told that it could not be confirmed in time.
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    flagged_at = models.DateTimeField(_("flagged to the host"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    transaction = models.ForeignKey(
        "ledger.Transaction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    help_request = models.ForeignKey(
        "credits.HelpRequest",
        verbose_name=_("request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="offers",
        help_text=_("The open request this session answers, if any."),
    )

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(provider__isnull=False) | Q(recipient__isnull=False),
                name="credits_delivery_has_member",
            ),
            models.CheckConstraint(condition=Q(credits__gt=0), name="credits_delivery_positive"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="credits_delivery_quantity"),
        ]
        indexes = [
            models.Index(fields=["scheme", "status", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.service} · {self.date}"

    def ledger_description(self, txn: Any) -> str:
        """The service, named in the reader's language (``ledger.queries.description``)."""
        return self.service.name


class RequestStatus(models.TextChoices):
    OPEN = "open", _("open")
    ANSWERED = "answered", _("answered")
    CLOSED = "closed", _("closed")


class HelpRequest(models.Model):
    """A member asks the network for help with the skills it needs.

    Another member answers by recording a peer delivery linked to it (giver: the helper,
    receiver: the requester); when the requester (or the scheme's delay) confirms that
    delivery, the request is answered. The rate-card service is stored by its code: the
    price is the one in force when the delivery is recorded, like every delivery.
    """

    scheme = models.ForeignKey(CreditScheme, on_delete=models.CASCADE, related_name="requests")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.CASCADE,
        related_name="help_requests",
    )
    title = models.CharField(_("title"), max_length=140)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    service_code = models.SlugField(
        _("service"),
        max_length=40,
        blank=True,
        help_text=_("The rate-card service it would be priced with; empty: the helper chooses."),
    )
    skills = models.ManyToManyField(
        "accounts.Skill", verbose_name=_("skills wanted"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)
    answered_by = models.OneToOneField(
        Delivery,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="answered_request",
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["scheme", "status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="answered") | Q(answered_at__isnull=False),
                name="credits_request_answered_at",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == RequestStatus.OPEN


class RequestDigest(models.Model):
    """One e-mail to a member in debt listing new requests they could answer: at most one per
    member, scheme and day, so the daily job can run again without sending twice."""

    scheme = models.ForeignKey(CreditScheme, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    requests = models.ManyToManyField(HelpRequest, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("request digest")
        verbose_name_plural = _("request digests")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "user", "day"], name="credits_digest_daily"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.day}"


class Settlement(models.Model):
    """A member in debt paid euros for credits back, by bank transfer or by hand.

    The euros pay the member's open invoices, oldest first (one ``DocumentPayment`` each,
    the last one possibly in part: ``payments``); the credits they buy (euros divided by
    the unit's euro value plus VAT, in the unit's smallest step, rounded down with the
    remainder carried to the member's next settlement, never more than the debt) go from
    the host's issuance account to the member's wallet in one ledger transaction. No
    document is issued: the invoices exist already. A bank line books at most one
    settlement, and a settlement is never booked twice under the same key.
    """

    scheme = models.ForeignKey(CreditScheme, on_delete=models.PROTECT, related_name="settlements")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="credit_settlements",
    )
    amount = models.BigIntegerField(_("amount (euro cents)"))
    credits = models.BigIntegerField(
        _("credits"), help_text=_("Restored, in the unit's smallest step.")
    )
    paid_on = models.DateField(_("paid on"))
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
        help_text=_("Empty when the bank import booked it."),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    transaction = models.ForeignKey(
        "ledger.Transaction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payments = models.ManyToManyField(
        "invoicing.DocumentPayment", verbose_name=_("invoice payments"), related_name="+"
    )
    idempotency_key = models.CharField(max_length=100, unique=True)

    class Meta:
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="credits_settlement_amount"),
            models.CheckConstraint(condition=Q(credits__gt=0), name="credits_settlement_credits"),
        ]
        indexes = [models.Index(fields=["scheme", "member"])]

    def __str__(self) -> str:
        return f"{self.member_id} · {self.paid_on} · {self.amount}"

    def ledger_description(self, txn: Any) -> str:
        """The credits bought back, in the reader's language (``ledger.queries``)."""
        return str(_("Settlement in euros"))

    @property
    def euros(self) -> Decimal:
        return to_decimal(self.amount, 2)


class YearEndClose(models.Model):
    """One scheme's year end (``credits.actions.year_end_close``): what happened to each
    member's positive net position, under the policy in force then. One row per scheme and
    year, so running the task again does nothing."""

    scheme = models.ForeignKey(CreditScheme, on_delete=models.PROTECT, related_name="year_ends")
    year = models.PositiveSmallIntegerField(_("year"))
    policy = models.CharField(_("policy"), max_length=8, choices=YearEndPolicy.choices)
    batch = models.ForeignKey(
        "expenses.PayoutBatch",
        verbose_name=_("payout batch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    #: Per member: ``user_id``, ``euros`` owed, ``credits`` paid out and ``outcome``
    #: (``kept``, ``paid_out`` or ``no_bank_account``).
    members = models.JSONField(_("members"), default=list)
    closed_at = models.DateTimeField(_("closed"), auto_now_add=True)

    class Meta:
        verbose_name = _("year end")
        verbose_name_plural = _("year ends")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "year"], name="credits_one_year_end"),
        ]

    def __str__(self) -> str:
        return f"{self.scheme_id} · {self.year}"
