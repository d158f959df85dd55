"""The ledger: units, accounts, immutable transactions and entries, balances and seals.

Only ``samen.ledger.actions`` writes these rows (DESIGN rule 5). Transactions, entries and
seals are append-only: the models refuse updates and deletes here, and on PostgreSQL
triggers refuse them in the database too (migration 0003). A transaction's public
counterparty name lives beside it in ``CounterpartyName``, which erasure may blank: the
sealed row holds only a salted commitment to the name.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

EUR_CODE = "EUR"


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete a ledger row: post a reversal instead."""


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """A queryset that can add and read rows, never change or remove them."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only.")

    def update_or_create(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only.")


class AppendOnlyModel(models.Model):
    """Rows are written once (``save`` on a new row) and never changed or deleted."""

    objects: ClassVar[Any] = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only.")


class Unit(models.Model):
    """What an amount counts: EUR in cents, or a host's credit with its own decimals.

    A transaction never mixes units in one sum: each unit balances on its own.
    """

    code = models.CharField(
        _("code"),
        max_length=24,
        validators=[
            RegexValidator(
                r"^[A-Z][A-Z0-9]{1,23}$",
                _("Two to 24 capital letters or digits, starting with a letter."),
            )
        ],
    )
    name = models.CharField(_("name"), max_length=80)
    decimals = models.PositiveSmallIntegerField(_("decimal places"), default=2)
    host = models.ForeignKey(
        "communities.Host",
        verbose_name=_("host"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
        help_text=_("Empty for units shared by every host, such as the euro."),
    )
    euro_value = models.DecimalField(
        _("euro value per unit"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    vat_rate = models.DecimalField(
        _("VAT rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["host_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["host", "code"], name="ledger_unit_host_code"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(host__isnull=True), name="ledger_unit_global_code"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @classmethod
    def eur(cls) -> Unit:
        """The global euro unit (created by migration 0002; recreated if a test flushed it)."""
        unit, _created = cls.objects.get_or_create(
            code=EUR_CODE, host=None, defaults={"name": "Euro", "decimals": 2}
        )
        return unit


class AccountPurpose(models.TextChoices):
    COLLECTIVE_BALANCE = "collective_balance", _("Collective balance")
    COLLECTIVE_PLEDGES = "collective_pledges", _("Pledged funds (all-or-nothing)")
    HOST_BALANCE = "host_balance", _("Host balance")
    HOST_FEE_INCOME = "host_fee_income", _("Host fee income")
    PROCESSOR_FEES = "processor_fees", _("Payment processor fees")
    #: VAT on a host's sales (a campaign's pre-sold products and tickets), owed to the state.
    SALES_VAT = "sales_vat", _("Sales VAT payable")
    BANK_CLEARING = "bank_clearing", _("Bank clearing")
    OUTSIDE_WORLD = "outside_world", _("Outside world")
    CREDIT_WALLET = "credit_wallet", _("Credit wallet")
    CREDIT_ISSUANCE = "credit_issuance", _("Credit issuance")
    ADJUSTMENTS = "adjustments", _("Adjustments")
    PLATFORM = "platform", _("Platform")


class Account(models.Model):
    """A place amounts of one unit are kept: owned by a host, a collective, a person or nobody.

    ``floor`` is the lowest balance a posting may leave (0 for a collective's euros, minus
    the credit limit for a member's wallet; empty for no floor). It is mirrored on the
    account's ``Balance`` row, which postings lock, so the check holds under concurrency;
    change it only with ``ledger_set_floor``.
    """

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT)
    purpose = models.CharField(_("purpose"), max_length=32, choices=AccountPurpose.choices)
    host = models.ForeignKey(
        "communities.Host",
        verbose_name=_("host"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
    )
    collective = models.ForeignKey(
        "communities.Collective",
        verbose_name=_("collective"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
    )
    floor = models.BigIntegerField(_("floor"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(host__isnull=True, collective__isnull=True)
                    | Q(host__isnull=True, user__isnull=True)
                    | Q(collective__isnull=True, user__isnull=True)
                ),
                name="ledger_account_one_owner",
            ),
            # One account per (unit, purpose, owner); NULL owners are spelled out per owner
            # kind because SQLite has no NULLS NOT DISTINCT.
            models.UniqueConstraint(
                fields=["unit", "purpose", "host"],
                condition=Q(host__isnull=False),
                name="ledger_account_host_unique",
            ),
            models.UniqueConstraint(
                fields=["unit", "purpose", "collective"],
                condition=Q(collective__isnull=False),
                name="ledger_account_collective_unique",
            ),
            models.UniqueConstraint(
                fields=["unit", "purpose", "user"],
                condition=Q(user__isnull=False),
                name="ledger_account_user_unique",
            ),
            models.UniqueConstraint(
                fields=["unit", "purpose"],
                condition=Q(host__isnull=True, collective__isnull=True, user__isnull=True),
                name="ledger_account_ownerless_unique",
            ),
        ]

    def __str__(self) -> str:
        owner = self.owner
        label = AccountPurpose(self.purpose).label
        return f"{label} · {owner} · {self.unit_id and self.unit.code}" if owner else str(label)

    @property
    def owner(self) -> Any:
        if self.collective_id:
            return self.collective
        if self.host_id:
            return self.host
        if self.user_id:
            return self.user
        return None


class Balance(models.Model):
    """The current balance of one account, kept in step with its entries by every posting.

    Postings update it with ``F()`` under a row lock taken in account-id order, so reading a
    balance is one primary-key lookup whatever the history length. ``floor`` mirrors
    ``Account.floor`` so the floor check happens inside the same conditional UPDATE.
    """

    account = models.OneToOneField(
        Account,
        verbose_name=_("account"),
        primary_key=True,
        on_delete=models.PROTECT,
        related_name="balance_row",
    )
    amount = models.BigIntegerField(_("balance"), default=0)
    floor = models.BigIntegerField(_("floor"), null=True, blank=True)

    class Meta:
        verbose_name = _("balance")
        verbose_name_plural = _("balances")

    def __str__(self) -> str:
        return f"{self.account_id}: {self.amount}"


class BalanceStripe(models.Model):
    """Credits to an account not yet folded into its ``Balance`` row.

    A credit can never breach a floor, so it needs no lock on the balance row: it adds to
    one of a few stripe rows picked at random. Many postings into one busy collective then
    commit in parallel instead of queueing on a single row lock. Stripes only ever hold
    credits, so they are never negative and the balance row alone is a safe lower bound
    for a floor check; when it is not enough, the debit locks the stripes and folds them
    into the balance row first. The balance is the row plus its stripes (at most
    ``STRIPES`` rows: still constant time).
    """

    STRIPES = 8

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="stripes"
    )
    stripe = models.PositiveSmallIntegerField(_("stripe"))
    amount = models.BigIntegerField(_("amount"), default=0)

    class Meta:
        verbose_name = _("balance stripe")
        verbose_name_plural = _("balance stripes")
        constraints = [
            models.UniqueConstraint(fields=["account", "stripe"], name="ledger_stripe_unique")
        ]

    def __str__(self) -> str:
        return f"{self.account_id}/{self.stripe}: {self.amount}"


class TransactionKind(models.TextChoices):
    CONTRIBUTION = "contribution", _("Contribution")
    REFUND = "refund", _("Refund")
    EXPENSE = "expense", _("Expense")
    PAYOUT = "payout", _("Payout")
    HOST_FEE = "host_fee", _("Host fee")
    PROCESSOR_FEE = "processor_fee", _("Payment processor fee")
    TRANSFER = "transfer", _("Transfer")
    CREDIT_EARNED = "credit_earned", _("Credits earned")
    CREDIT_SPENT = "credit_spent", _("Credits spent")
    #: A member in debt paid euros for credits back (``credits.Settlement``).
    CREDIT_SETTLED = "credit_settled", _("Credits settled in euros")
    ADJUSTMENT = "adjustment", _("Adjustment")
    REVERSAL = "reversal", _("Reversal")


class Transaction(AppendOnlyModel):
    """One immutable posting: why money moved, when, who asked, and what caused it.

    ``idempotency_key`` is unique: posting again with the same key and the same content
    (``content_hash``, and the same counterparty name) returns this row; a different content
    is refused. ``reverses`` links a reversal to the transaction it undoes (one reversal at
    most). ``counterparty_commitment`` is ``sha256(salt + name)`` of the public name kept in
    ``CounterpartyName`` (or "" when there is none): it is what the seals cover, so the name
    itself can be erased without breaking them.
    """

    kind = models.CharField(_("kind"), max_length=32, choices=TransactionKind.choices)
    description = models.CharField(_("description"), max_length=500)
    effective_date = models.DateField(_("effective date"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    content_hash = models.CharField(_("content hash"), max_length=64)
    cause_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cause_id = models.CharField(max_length=64, blank=True)
    cause = GenericForeignKey("cause_type", "cause_id")
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    counterparty_commitment = models.CharField(
        _("counterparty commitment"), max_length=64, blank=True
    )
    is_public = models.BooleanField(_("public"), default=True)

    class Meta:
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        indexes = [models.Index(fields=["cause_type", "cause_id"], name="ledger_txn_cause")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()}: {self.description}"


class CounterpartyName(models.Model):
    """The public name of a transaction's counterparty, next to its sealed commitment.

    One row per transaction posted with a name. Not append-only: erasure blanks ``name``
    and ``salt`` and sets ``erased_at`` (``counterparty_erase``). The transaction keeps its
    ``counterparty_commitment``, so its row hash and every seal stay valid, and with the
    random 128-bit salt gone the name cannot be recovered by trying candidates.
    """

    SALT_BYTES = 16

    transaction = models.OneToOneField(
        Transaction,
        verbose_name=_("transaction"),
        primary_key=True,
        on_delete=models.PROTECT,
        related_name="counterparty",
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    salt = models.CharField(_("salt"), max_length=32, blank=True)
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)

    class Meta:
        verbose_name = _("counterparty")
        verbose_name_plural = _("counterparties")

    def __str__(self) -> str:
        return f"{self.transaction_id}: {self.name}"


class Entry(AppendOnlyModel):
    """One signed amount on one account; per transaction and unit the entries sum to zero.

    A positive amount raises the account's balance. ``unit`` repeats the account's unit so
    the zero-sum check and per-unit reports need no join.
    """

    transaction = models.ForeignKey(
        Transaction,
        verbose_name=_("transaction"),
        on_delete=models.PROTECT,
        related_name="entries",
    )
    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="entries"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT)
    amount = models.BigIntegerField(_("amount"))

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        indexes = [
            # Keyset pages of one account's history, newest first.
            models.Index(fields=["account", "-id"], name="ledger_entry_account_id"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.amount}"


class Seal(AppendOnlyModel):
    """A SHA-256 digest over every transaction since the previous seal, chained to it.

    Covers transaction ids ``first_transaction_id..last_transaction_id`` inclusive;
    docs/ledger.md says how anyone can recompute ``digest`` from the public export.
    """

    sealed_at = models.DateTimeField(_("sealed at"), auto_now_add=True)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("previous seal"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_seal",
    )
    previous_digest = models.CharField(_("previous digest"), max_length=64)
    first_transaction_id = models.BigIntegerField(_("first transaction"))
    last_transaction_id = models.BigIntegerField(_("last transaction"))
    transaction_count = models.PositiveIntegerField(_("transactions"))
    digest = models.CharField(_("digest"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("seal")
        verbose_name_plural = _("seals")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.digest[:12]}"
