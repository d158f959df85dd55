"""Expense claims, their approvals, private payout details and SEPA payout batches.

Amounts are euro cents (integers). Private data (attachments, IBANs) is never exposed through
a public URL: attachments live in ``STORAGES["private"]`` and both are served only by views
that go through ``samen.expenses.access``.
"""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.db import models
from django.db.models import Q
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _

from samen.communities.models import Collective, Host


class _PrivateStorage(LazyObject):
    """``storages["private"]``, looked up on first use and again after ``STORAGES`` changes.

    A FileField calls its storage callable once, when the model class is built; returning
    the storage itself would pin the one configured at import, so tests that swap the
    private storage for a temporary folder would still write to the real one.
    """

    def _setup(self) -> None:
        self._wrapped = storages["private"]


_private_storage = _PrivateStorage()


@receiver(setting_changed)
def _forget_private_storage(*, setting: str, **kwargs: Any) -> None:
    if setting == "STORAGES":
        _private_storage._wrapped = empty  # type: ignore[assignment]  # LazyObject's sentinel


def private_storage() -> Storage:
    """The private storage for attachments (the FileField's storage callable)."""
    return cast(Storage, _private_storage)


class ExpenseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    SCHEDULED = "scheduled", _("Scheduled for payment")
    PAID = "paid", _("Paid")
    REJECTED = "rejected", _("Rejected")
    INCOMPLETE = "incomplete", _("Changes requested")
    CANCELED = "canceled", _("Canceled")
    SPAM = "spam", _("Spam")


# Approved-but-unpaid expenses keep their amount reserved on the collective's balance.
RESERVING_STATUSES = (ExpenseStatus.APPROVED, ExpenseStatus.SCHEDULED)


class ExpenseType(models.TextChoices):
    INVOICE = "invoice", _("Invoice (work or services)")
    RECEIPT = "receipt", _("Receipt (reimbursement)")
    GRANT = "grant", _("Grant request")


class PayeeKind(models.TextChoices):
    SELF = "self", _("Myself")
    ORGANISATION = "organisation", _("An organisation")


class SubmitPolicy(models.TextChoices):
    MEMBERS = "members", _("Members of the collective")
    ANYONE = "anyone", _("Anyone signed in")
    INVITED = "invited", _("Invited people only")


class ExpensePolicy(models.Model):
    """A collective's rules for expenses: who may submit and how many approvals are needed.

    A collective without a row uses the defaults (members submit, one approval).
    """

    collective = models.OneToOneField(
        Collective,
        verbose_name=_("collective"),
        on_delete=models.CASCADE,
        related_name="expense_policy",
    )
    submit_policy = models.CharField(
        _("who may submit expenses"),
        max_length=16,
        choices=SubmitPolicy.choices,
        default=SubmitPolicy.MEMBERS,
    )
    approvals_required = models.PositiveSmallIntegerField(
        _("approvals required above the threshold"), default=2
    )
    multi_approval_threshold = models.BigIntegerField(
        _("threshold for several approvals (cents)"),
        null=True,
        blank=True,
        help_text=_("Expenses above this amount need several approvals; empty means one."),
    )
    decision_threshold = models.BigIntegerField(
        _("threshold for a decision (cents)"),
        null=True,
        blank=True,
        help_text=_(
            "Expenses above this amount need a passed decision of the collective, linked "
            "to the expense, before they can be approved; empty means never."
        ),
    )

    class Meta:
        verbose_name = _("expense policy")
        verbose_name_plural = _("expense policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(approvals_required__gte=1), name="expense_policy_approvals_positive"
            ),
        ]

    def __str__(self) -> str:
        return str(self.collective)

    def approvals_needed(self, amount: int) -> int:
        """How many distinct approvers an expense of ``amount`` cents needs."""
        if self.multi_approval_threshold is not None and amount > self.multi_approval_threshold:
            return self.approvals_required
        return 1

    def needs_decision(self, amount: int) -> bool:
        """Whether an expense of ``amount`` cents needs a passed decision to be approved."""
        return self.decision_threshold is not None and amount > self.decision_threshold


class HostExpenseSettings(models.Model):
    """A host's rules for the expenses of all the collectives it carries."""

    host = models.OneToOneField(
        Host, verbose_name=_("host"), on_delete=models.CASCADE, related_name="expense_settings"
    )
    require_category = models.BooleanField(_("require an accounting category"), default=False)

    class Meta:
        verbose_name = _("host expense settings")
        verbose_name_plural = _("host expense settings")

    def __str__(self) -> str:
        return str(self.host)


class AccountingCategory(models.Model):
    """One line of a host's chart of accounts (for example 6130 Rent), chosen on expenses."""

    host = models.ForeignKey(
        Host, verbose_name=_("host"), on_delete=models.CASCADE, related_name="expense_categories"
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=120)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("accounting category")
        verbose_name_plural = _("accounting categories")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["host", "code"], name="expense_category_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ExpenseInvite(models.Model):
    """Permission for one person to submit expenses to a collective with the invited-only rule."""

    collective = models.ForeignKey(
        Collective, verbose_name=_("collective"), on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("expense invitation")
        verbose_name_plural = _("expense invitations")
        constraints = [
            models.UniqueConstraint(fields=["collective", "user"], name="expense_invite_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.collective}"


class SubmitterRestriction(models.Model):
    """A person whose expense was marked as spam: they may no longer submit expenses."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="expense_restriction",
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    restricted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("restricted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("restricted submitter")
        verbose_name_plural = _("restricted submitters")

    def __str__(self) -> str:
        return str(self.user)


class PayoutMethod(models.Model):
    """A person's bank account for reimbursements. Private: only its owner and the admins
    handling an expense paid to it ever see the IBAN.

    Once erased (``erased_at``), ``iban`` holds the masked form (``BE•• •••• 6769``), which
    still matches the payment on the host's bank statement."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="payout_methods",
    )
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    account_holder = models.CharField(_("account holder"), max_length=70)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Set when its owner erased their account and no expense can still be paid to it: the
    # IBAN then keeps only its masked form (samen/expenses/privacy.py).
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("payout method")
        verbose_name_plural = _("payout methods")

    def __str__(self) -> str:
        return f"{self.account_holder} ••{self.iban[-4:]}"

    @property
    def masked_iban(self) -> str:
        """Enough to recognise the account, not enough to use it."""
        return f"{self.iban[:2]}•• •••• {self.iban[-4:]}"


class PayoutBatch(models.Model):
    """One SEPA credit transfer file (pain.001) paying several approved expenses of a host."""

    host = models.ForeignKey(
        Host, verbose_name=_("host"), on_delete=models.PROTECT, related_name="payout_batches"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    execution_date = models.DateField(_("execution date"))
    message_id = models.CharField(_("message id"), max_length=35, unique=True)
    total = models.BigIntegerField(_("total (cents)"))
    xml_v03 = models.TextField(_("pain.001.001.03 file"))
    xml_v09 = models.TextField(_("pain.001.001.09 file"))

    class Meta:
        verbose_name = _("payout batch")
        verbose_name_plural = _("payout batches")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.message_id


class Expense(models.Model):
    """A claim for money out of a collective's balance, from submission to payment."""

    collective = models.ForeignKey(
        Collective, verbose_name=_("collective"), on_delete=models.PROTECT, related_name="expenses"
    )
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="expenses",
    )
    type = models.CharField(_("type"), max_length=16, choices=ExpenseType.choices)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ExpenseStatus.choices,
        default=ExpenseStatus.DRAFT,
        db_index=True,
    )
    on_hold = models.BooleanField(_("on hold"), default=False)
    payee_kind = models.CharField(
        _("payee"), max_length=16, choices=PayeeKind.choices, default=PayeeKind.SELF
    )
    payee_organisation = models.CharField(_("organisation name"), max_length=120, blank=True)
    payout_method = models.ForeignKey(
        PayoutMethod,
        verbose_name=_("payout method"),
        on_delete=models.PROTECT,
        related_name="expenses",
    )
    # Sum of the items, kept in the row so that lists and balance reservations need no join.
    amount = models.BigIntegerField(_("amount (cents)"), default=0)
    decision = models.ForeignKey(
        "decisions.Poll",
        verbose_name=_("decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The collective's passed decision this expense rests on."),
    )
    vat_amount = models.BigIntegerField(_("VAT (cents)"), default=0)
    category = models.ForeignKey(
        AccountingCategory,
        verbose_name=_("accounting category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="expenses",
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    # Bank costs of the payment borne by the collective (usually 0 for a SEPA transfer).
    payment_fee = models.BigIntegerField(_("payment fee (cents)"), default=0)
    bank_reference = models.CharField(_("bank reference"), max_length=140, blank=True)
    batch = models.ForeignKey(
        PayoutBatch,
        verbose_name=_("payout batch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expenses",
    )
    # The SEPA end-to-end id the bank statement echoes back; unique so a line matches one expense.
    end_to_end_id = models.CharField(_("end-to-end id"), max_length=35, blank=True)
    ledger_transaction_id = models.BigIntegerField(_("ledger transaction"), null=True, blank=True)

    class Meta:
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["collective", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="expense_amount_positive"),
            models.CheckConstraint(condition=Q(vat_amount__gte=0), name="expense_vat_positive"),
            models.CheckConstraint(condition=Q(payment_fee__gte=0), name="expense_fee_positive"),
            models.UniqueConstraint(
                fields=["end_to_end_id"],
                condition=~Q(end_to_end_id=""),
                name="expense_unique_end_to_end",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def ledger_description(self, txn: Any) -> str:
        """The payment of this expense, in the reader's language (``ledger.queries``)."""
        from samen.ledger.models import TransactionKind

        if txn.kind == TransactionKind.EXPENSE:
            return str(_("Expense #%(id)s: %(title)s") % {"id": self.pk, "title": self.title})
        return ""

    @property
    def payee_public_name(self) -> str:
        """The payee as shown publicly: the organisation or the submitter's public name."""
        if self.payee_kind == PayeeKind.ORGANISATION and self.payee_organisation:
            return self.payee_organisation
        return self.submitter.public_name

    @property
    def is_editable(self) -> bool:
        return self.status in (ExpenseStatus.DRAFT, ExpenseStatus.INCOMPLETE)


class ExpenseItem(models.Model):
    """One line of an expense: what, when, how much."""

    expense = models.ForeignKey(
        Expense, verbose_name=_("expense"), on_delete=models.CASCADE, related_name="items"
    )
    description = models.CharField(_("description"), max_length=200)
    incurred_on = models.DateField(_("date"))
    amount = models.BigIntegerField(_("amount (cents)"))

    class Meta:
        verbose_name = _("expense item")
        verbose_name_plural = _("expense items")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="expense_item_amount_positive")
        ]

    def __str__(self) -> str:
        return self.description


class ExpenseAttachment(models.Model):
    """A receipt or invoice file (PDF or image), stored in the private storage."""

    expense = models.ForeignKey(
        Expense, verbose_name=_("expense"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), storage=private_storage, upload_to="expenses/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class PendingUpload(models.Model):
    """A receipt a person attached to an expense form that came back with an error, kept
    in the private storage for that person only, so that they need not pick the file
    again: the form offers it back by its random ``token``. It becomes an attachment when
    the expense is saved, and is deleted then, or after a day."""

    token = models.UUIDField(unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(_("file"), storage=private_storage, upload_to="pending/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("receipt kept for a form")
        verbose_name_plural = _("receipts kept for a form")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class ExpenseApproval(models.Model):
    """One admin's approval; an expense is approved once enough distinct people approved."""

    expense = models.ForeignKey(
        Expense, verbose_name=_("expense"), on_delete=models.CASCADE, related_name="approvals"
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approver"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        constraints = [
            models.UniqueConstraint(fields=["expense", "approver"], name="expense_approval_once")
        ]

    def __str__(self) -> str:
        return f"{self.approver} ✓ {self.expense}"


class ExpenseComment(models.Model):
    """A message in the thread between the submitter and the admins (private to them)."""

    expense = models.ForeignKey(
        Expense, verbose_name=_("expense"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(_("message"), max_length=5000)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:40]
