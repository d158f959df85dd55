"""Money in: bank statements, contributions, recurring gifts, campaigns and rewards."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from samen.banking.rules import format_ogm


class StatementFormat(models.TextChoices):
    CODA = "coda", _("CODA")
    CAMT053 = "camt053", _("camt.053 (ISO 20022)")


class BankStatement(models.Model):
    """One imported bank statement file of a host's account.

    The file's SHA-256 is unique per host, so importing the same file again is recognised
    before anything is written.
    """

    host = models.ForeignKey(
        "communities.Host",
        verbose_name=_("host"),
        on_delete=models.PROTECT,
        related_name="bank_statements",
    )
    format = models.CharField(_("format"), max_length=10, choices=StatementFormat.choices)
    file_hash = models.CharField(_("file hash"), max_length=64)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    account_iban = models.CharField(_("account"), max_length=34, blank=True)
    reference = models.CharField(_("statement reference"), max_length=120, blank=True)
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    line_count = models.PositiveIntegerField(_("lines"), default=0)
    new_line_count = models.PositiveIntegerField(_("new lines"), default=0)
    # A camt.053 file may hold the statements of several accounts: one row each, in file order.
    sequence = models.PositiveSmallIntegerField(_("statement in file"), default=0)

    class Meta:
        verbose_name = _("bank statement")
        verbose_name_plural = _("bank statements")
        ordering = ["-imported_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["host", "file_hash", "sequence"], name="funding_statement_once"
            ),
        ]

    def __str__(self) -> str:
        return self.filename or self.reference or f"#{self.pk}"


class LineStatus(models.TextChoices):
    UNMATCHED = "unmatched", _("Unmatched")
    MATCHED = "matched", _("Matched")
    IGNORED = "ignored", _("Ignored")
    # Looks like a line of an earlier, overlapping statement: never matched automatically;
    # a host admin releases it (a real second payment) or sets it aside (the same one).
    HELD = "held", _("Held as a possible duplicate")


class BankLine(models.Model):
    """One movement on a host's bank account, as its bank reported it.

    ``fingerprint`` (a digest of the account, the statement, the line's entry and detail
    position and the bank's reference) is unique per host: no two real lines can share it,
    and importing the same statement again adds nothing. A line that looks like one of an
    earlier statement (same date, amount, counterparty and communication) is ``HELD``
    with ``duplicate_of`` until a host admin decides. The counterparty IBAN is private: it
    is shown to host admins only, never on public pages.
    """

    statement = models.ForeignKey(
        BankStatement, verbose_name=_("statement"), on_delete=models.CASCADE, related_name="lines"
    )
    host = models.ForeignKey(
        "communities.Host", verbose_name=_("host"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveIntegerField(_("position"))
    fingerprint = models.CharField(max_length=200)
    booking_date = models.DateField(_("date"))
    value_date = models.DateField(_("value date"), null=True, blank=True)
    amount = models.BigIntegerField(_("amount"), help_text=_("In cents; negative is money out."))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    counterparty_name = models.CharField(_("counterparty"), max_length=140, blank=True)
    counterparty_iban = models.CharField(_("counterparty account"), max_length=34, blank=True)
    communication = models.CharField(_("communication"), max_length=500, blank=True)
    structured_communication = models.CharField(
        _("structured communication"), max_length=12, blank=True, db_index=True
    )
    end_to_end_id = models.CharField(_("end-to-end id"), max_length=70, blank=True, db_index=True)
    bank_reference = models.CharField(_("bank reference"), max_length=70, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("possible duplicate of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=LineStatus.choices, default=LineStatus.UNMATCHED
    )
    matched_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    matched_id = models.CharField(max_length=64, blank=True)
    matched_at = models.DateTimeField(_("matched"), null=True, blank=True)
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("matched by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("bank line")
        verbose_name_plural = _("bank lines")
        ordering = ["-booking_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "position"], name="funding_line_position"),
            models.UniqueConstraint(fields=["host", "fingerprint"], name="funding_line_once"),
        ]
        indexes = [models.Index(fields=["host", "status", "-booking_date"])]

    def __str__(self) -> str:
        return f"{self.booking_date} {self.amount / 100:+.2f} {self.counterparty_name}"


# Contributions ---------------------------------------------------------------------------------


class Interval(models.TextChoices):
    ONE_TIME = "one_time", _("One time")
    MONTHLY = "monthly", _("Monthly")
    YEARLY = "yearly", _("Yearly")


class TierKind(models.TextChoices):
    DONATION = "donation", _("Donation")
    MEMBERSHIP = "membership", _("Membership")
    PRODUCT = "product", _("Product")
    TICKET = "ticket", _("Ticket")


class FundingSettings(models.Model):
    """A collective's own rules for money in (only the minimum for now)."""

    collective = models.OneToOneField(
        "communities.Collective", on_delete=models.CASCADE, related_name="funding_settings"
    )
    minimum_amount = models.PositiveIntegerField(
        _("minimum contribution"), default=100, help_text=_("In cents.")
    )

    class Meta:
        verbose_name = _("funding settings")
        verbose_name_plural = _("funding settings")

    def __str__(self) -> str:
        return str(self.collective)


class Tier(models.Model):
    """A named way to give to a collective, at a fixed or a minimum amount."""

    collective = models.ForeignKey(
        "communities.Collective",
        verbose_name=_("collective"),
        on_delete=models.CASCADE,
        related_name="tiers",
    )
    name = models.CharField(_("name"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(
        _("type"), max_length=12, choices=TierKind.choices, default=TierKind.DONATION
    )
    amount = models.PositiveIntegerField(_("amount"), help_text=_("In cents."))
    amount_is_minimum = models.BooleanField(_("the amount is a minimum"), default=False)
    interval = models.CharField(
        _("interval"),
        max_length=10,
        choices=Interval.choices,
        blank=True,
        help_text=_("Empty: the supporter chooses."),
    )
    quantity = models.PositiveIntegerField(_("limited quantity"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        ordering = ["position", "amount", "id"]

    def __str__(self) -> str:
        return self.name


class CampaignModel(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", _("All or nothing")
    KEEP_IT_ALL = "keep_it_all", _("Keep what you raise")


class GoalType(models.TextChoices):
    MONEY = "money", _("Amount of money")
    PREORDERS = "preorders", _("Number of pre-orders")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Funded")
    FAILED = "failed", _("Not funded")


def _campaign_image_path(instance: Campaign, filename: str) -> str:
    return f"campaigns/{instance.collective_id}/{filename}"


class Campaign(models.Model):
    """A crowdfunding campaign of a collective, with a goal, a deadline and a model.

    All-or-nothing pledges are booked on the collective's pledges account and moved to its
    balance only when the goal is met at the deadline; otherwise they are refunded.
    """

    collective = models.ForeignKey(
        "communities.Collective",
        verbose_name=_("collective"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    slug = models.SlugField(_("slug"), max_length=60)
    title = models.CharField(_("title"), max_length=140)
    summary = models.CharField(_("summary"), max_length=280, blank=True)
    story = models.TextField(_("story"), blank=True, help_text=_("Markdown."))
    image = models.ImageField(_("image"), upload_to=_campaign_image_path, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    goal_type = models.CharField(
        _("goal type"), max_length=10, choices=GoalType.choices, default=GoalType.MONEY
    )
    goal_amount = models.PositiveBigIntegerField(
        _("goal amount"), default=0, help_text=_("In cents.")
    )
    goal_count = models.PositiveIntegerField(_("goal in pre-orders"), default=0)
    starts_at = models.DateTimeField(_("starts"))
    deadline = models.DateTimeField(_("deadline"))
    model = models.CharField(
        _("model"),
        max_length=20,
        choices=CampaignModel.choices,
        default=CampaignModel.ALL_OR_NOTHING,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.RUNNING
    )
    settled_at = models.DateTimeField(_("settled"), null=True, blank=True)
    spending_url = models.URLField(_("how the money is spent"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["collective", "slug"], name="funding_campaign_slug"),
        ]

    def __str__(self) -> str:
        return self.title

    def ledger_description(self, txn: Any) -> str:
        """The release of the pledges, in the reader's language (``ledger.queries``)."""
        from samen.ledger.models import TransactionKind

        if txn.kind == TransactionKind.TRANSFER:
            return str(_("%(campaign)s reached its goal: pledges released") % {"campaign": self})
        return ""

    @property
    def is_all_or_nothing(self) -> bool:
        return self.model == CampaignModel.ALL_OR_NOTHING


class RewardKind(models.TextChoices):
    """What a reward is: a thank-you for a gift, or something sold (a pre-sale).

    A product or a ticket is a sale: it carries a VAT rate and its pledge, once paid, gets a
    receipt or an invoice from the host's invoicing series (docs/funding.md, *Pre-sales*)."""

    GIFT = "gift", _("thank-you for a gift")
    PRODUCT = "product", _("product")
    TICKET = "ticket", _("ticket")


class VatRate(models.IntegerChoices):
    """The Belgian VAT rates a sold reward can carry."""

    STANDARD = 21, _("21 %")
    REDUCED = 12, _("12 %")
    LOW = 6, _("6 %")
    ZERO = 0, _("0 %")


class Reward(models.Model):
    """Something a backer receives for a pledge; ``quantity`` None means unlimited.

    A gift's reward is a thank-you (no VAT); a product or a ticket is sold, VAT included in
    its price at ``vat_rate``."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="rewards"
    )
    title = models.CharField(_("title"), max_length=140)
    description = models.TextField(_("description"), blank=True)
    price = models.PositiveIntegerField(_("price"), help_text=_("In cents."))
    quantity = models.PositiveIntegerField(_("limited quantity"), null=True, blank=True)
    estimated_delivery = models.DateField(_("estimated delivery"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(
        _("kind"), max_length=10, choices=RewardKind.choices, default=RewardKind.GIFT
    )
    vat_rate = models.PositiveSmallIntegerField(
        _("VAT rate"),
        choices=VatRate.choices,
        null=True,
        blank=True,
        help_text=_("For a product or a ticket: the VAT included in its price."),
    )

    class Meta:
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        ordering = ["position", "price", "id"]
        constraints = [
            # A sale always says its VAT rate; a thank-you for a gift never has one.
            models.CheckConstraint(
                condition=(models.Q(kind="gift") & models.Q(vat_rate__isnull=True))
                | (~models.Q(kind="gift") & models.Q(vat_rate__in=[21, 12, 6, 0])),
                name="funding_reward_vat_by_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_sale(self) -> bool:
        """A product or a ticket: its pledge is a purchase, not a gift."""
        return self.kind != RewardKind.GIFT


class CampaignUpdate(models.Model):
    """News from the team to backers; e-mailed to them when published."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="updates")
    title = models.CharField(_("title"), max_length=140)
    body = models.TextField(_("text"), help_text=_("Markdown."))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), auto_now_add=True)

    class Meta:
        verbose_name = _("campaign update")
        verbose_name_plural = _("campaign updates")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        """The campaign's page, which shows its updates with their comments."""
        from django.urls import reverse

        campaign = self.campaign
        return reverse("funding:campaign", args=[campaign.collective.slug, campaign.slug])


class MatchingPledge(models.Model):
    """An organisation multiplies each donation to a campaign, up to caps.

    The matched amounts are posted as the sponsor's contribution when the campaign succeeds.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="matching")
    sponsor_name = models.CharField(_("sponsor"), max_length=140)
    factor = models.DecimalField(
        _("factor"), max_digits=5, decimal_places=2, help_text=_("1.00 doubles every donation.")
    )
    cap_per_donation = models.PositiveIntegerField(
        _("cap per donation"), null=True, blank=True, help_text=_("In cents.")
    )
    total_cap = models.PositiveBigIntegerField(_("total cap"), help_text=_("In cents."))
    posted_contribution = models.OneToOneField(
        "Contribution", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("matching pledge")
        verbose_name_plural = _("matching pledges")

    def __str__(self) -> str:
        return self.sponsor_name


class Method(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    STRIPE = "stripe", _("Card or Bancontact")
    ADDED_FUNDS = "added_funds", _("Added funds")
    MATCHING = "matching", _("Matchfunding")


class ContributionStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting payment")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")
    DISPUTED = "disputed", _("Disputed")


class RecurringStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    CANCELLED = "cancelled", _("Cancelled")


class RecurringContribution(models.Model):
    """A promise to give every month or year; each due payment is a new Contribution."""

    collective = models.ForeignKey(
        "communities.Collective", on_delete=models.PROTECT, related_name="recurring_contributions"
    )
    contributor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="recurring_contributions"
    )
    organisation_name = models.CharField(_("on behalf of"), max_length=140, blank=True)
    tier = models.ForeignKey(
        Tier, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    amount = models.PositiveIntegerField(_("amount"), help_text=_("In cents."))
    interval = models.CharField(_("interval"), max_length=10, choices=Interval.choices)
    method = models.CharField(_("payment method"), max_length=16, choices=Method.choices)
    is_incognito = models.BooleanField(_("incognito"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=RecurringStatus.choices, default=RecurringStatus.ACTIVE
    )
    next_due = models.DateField(_("next payment"))
    failures = models.PositiveSmallIntegerField(default=0)
    stripe_customer = models.CharField(max_length=64, blank=True)
    stripe_payment_method = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)

    class Meta:
        verbose_name = _("recurring contribution")
        verbose_name_plural = _("recurring contributions")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_due"])]

    def __str__(self) -> str:
        return f"{self.collective} {self.amount / 100:.2f} {self.interval}"


class Contribution(models.Model):
    """One payment to a collective, expected, paid or undone.

    A bank transfer is expected with its own structured communication (12 digits, unique);
    a Stripe payment is known by its Checkout session. Once paid it is posted to the ledger
    as exactly one balanced transaction (``ledger_transaction``).
    """

    collective = models.ForeignKey(
        "communities.Collective",
        verbose_name=_("collective"),
        on_delete=models.PROTECT,
        related_name="contributions",
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contributions",
    )
    reward = models.ForeignKey(
        Reward,
        verbose_name=_("reward"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contributions",
    )
    tier = models.ForeignKey(
        Tier,
        verbose_name=_("tier"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contributions",
    )
    recurring = models.ForeignKey(
        RecurringContribution,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    # The due date a recurring payment is for; unique per recurring gift, so the scheduler
    # can run twice without creating a second payment for the same month.
    period = models.DateField(_("period"), null=True, blank=True)
    contributor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contributor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contributions",
    )
    organisation_name = models.CharField(_("on behalf of"), max_length=140, blank=True)
    guest_name = models.CharField(_("name"), max_length=140, blank=True)
    guest_email = models.EmailField(_("e-mail"), blank=True)
    # Set when a host admin erased the guest's name, e-mail and message on their request
    # (``guest_erase``); the amounts and dates stay for the books.
    guest_erased_at = models.DateTimeField(_("guest data erased"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=5, default="en")
    is_incognito = models.BooleanField(_("incognito"), default=False)
    message = models.CharField(_("public message"), max_length=500, blank=True)
    amount = models.PositiveIntegerField(_("amount"), help_text=_("In cents."))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    interval = models.CharField(
        _("interval"), max_length=10, choices=Interval.choices, default=Interval.ONE_TIME
    )
    method = models.CharField(_("payment method"), max_length=16, choices=Method.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ContributionStatus.choices,
        default=ContributionStatus.PENDING,
    )
    is_pledge = models.BooleanField(
        _("all-or-nothing pledge"),
        default=False,
        help_text=_("Kept apart until the campaign reaches its goal."),
    )
    structured_communication = models.CharField(
        _("structured communication"), max_length=12, null=True, blank=True, unique=True
    )
    stripe_session_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    stripe_payment_intent = models.CharField(max_length=255, blank=True, db_index=True)
    host_fee = models.PositiveIntegerField(_("host fee"), default=0)
    processor_fee = models.PositiveIntegerField(_("processor fee"), default=0)
    reason = models.CharField(_("reason"), max_length=280, blank=True)
    ledger_transaction_id = models.BigIntegerField(null=True, blank=True, editable=False)
    refund_transaction_id = models.BigIntegerField(null=True, blank=True, editable=False)
    bank_line = models.OneToOneField(
        BankLine, null=True, blank=True, on_delete=models.PROTECT, related_name="contribution"
    )
    hold_until = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(_("reward delivered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("refunded"), null=True, blank=True)
    refund_iban = models.CharField(_("refund to account"), max_length=34, blank=True)
    refund_executed_at = models.DateTimeField(_("refund paid out"), null=True, blank=True)
    # A buyer of a product or a ticket who wants a full invoice gives their enterprise number
    # (and address); without it the sale gets a simplified invoice, a receipt.
    buyer_enterprise_number = models.CharField(_("enterprise number"), max_length=10, blank=True)
    buyer_address = models.TextField(_("invoicing address"), blank=True)
    # The invoicing documents of a purchase (``invoicing.Document`` ids, as the ledger's
    # transactions are kept): its receipt or invoice, and the credit note of its refund.
    sale_document_id = models.BigIntegerField(null=True, blank=True, editable=False)
    sale_credit_note_id = models.BigIntegerField(null=True, blank=True, editable=False)
    # The unguessable address of a guest's payment page (they have no account to log in).
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recurring", "period"], name="funding_one_per_period"),
        ]
        indexes = [
            models.Index(fields=["collective", "status", "-created_at"]),
            models.Index(fields=["campaign", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.collective} {self.amount / 100:.2f} {self.status}"

    @property
    def is_purchase(self) -> bool:
        """A pledge for a product or a ticket: a sale (with VAT), not a gift."""
        return self.reward_id is not None and self.reward.is_sale  # type: ignore[union-attr]

    @property
    def sale_price(self) -> int:
        """The part of the amount that buys the reward (VAT included); the rest is a gift."""
        return min(self.reward.price, self.amount) if self.is_purchase else 0  # type: ignore[union-attr]

    def describe(self) -> str:
        """What this payment is, in the active language (the ledger, the card provider)."""
        if self.is_purchase:
            return str(
                _("Purchase: %(reward)s (%(campaign)s)")
                % {"reward": self.reward, "campaign": self.campaign}
            )
        if self.campaign_id:
            return str(_("Gift to %(campaign)s") % {"campaign": self.campaign})
        if self.method == Method.ADDED_FUNDS:
            return str(_("Added funds: %(reason)s") % {"reason": self.reason})
        return str(_("Gift to %(collective)s") % {"collective": self.collective})

    def ledger_description(self, txn: Any) -> str:
        """A posting this contribution caused, in the reader's language; "" keeps the sealed
        text (a refund's reason, typed by a person). See ``ledger.queries.description``."""
        from samen.ledger.models import TransactionKind

        if txn.kind == TransactionKind.CONTRIBUTION:
            return self.describe()
        if txn.kind == TransactionKind.ADJUSTMENT:
            return str(_("The host covers a refund"))
        return ""

    @property
    def supporter_name(self) -> str:
        """The name a supporter chose to show; "" for an incognito gift."""
        if self.is_incognito:
            return ""
        if self.organisation_name:
            return self.organisation_name
        if self.contributor_id:
            return str(self.contributor.public_name)  # type: ignore[union-attr]
        return self.guest_name

    @property
    def private_name(self) -> str:
        """The supporter's real name, for the team and the host; never for public pages."""
        if self.organisation_name:
            return self.organisation_name
        if self.contributor_id:
            return str(self.contributor.display_name or self.contributor.public_name)  # type: ignore[union-attr]
        if self.guest_erased_at:
            return str(_("Erased guest"))
        return self.guest_name

    @property
    def email(self) -> str:
        return self.contributor.email if self.contributor_id else self.guest_email  # type: ignore[union-attr]

    @property
    def formatted_communication(self) -> str:
        return format_ogm(self.structured_communication or "")


class StripeEvent(models.Model):
    """A Stripe webhook event we processed; the unique id makes redelivery harmless."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=80)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")

    def __str__(self) -> str:
        return self.event_id
