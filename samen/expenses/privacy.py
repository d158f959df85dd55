"""What the expenses app holds about a person, for their data export and erasure
(docs/privacy.md).

An expense the collective approved, scheduled or paid is a supporting document of the host's
books (Belgian accounting law: 7 years): it stays, with its items, receipts and comments, and
its submitter shows as "Former member". An approved expense counts too: the collective has
acknowledged the debt and reserved the money, and its payment, even after the erasure, needs
the claim behind it. Every other expense (draft, pending, changes requested, canceled,
rejected, spam) never moved money and is deleted with its files.

The payout account is needed in full only while an expense may still be paid to it. After
that the host's bank statement holds the account that was paid, so an erased person's
payout method keeps only its masked IBAN (country and last four digits, enough to match the
statement line) and loses its BIC and, unless it names an organisation that was paid, its
account holder.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext

from samen.audit.models import AuditEntry
from samen.communities.models import Collective
from samen.expenses.models import (
    Expense,
    ExpenseApproval,
    ExpenseAttachment,
    ExpenseComment,
    ExpenseInvite,
    ExpenseStatus,
    PayeeKind,
    PayoutMethod,
    PendingUpload,
    SubmitterRestriction,
)
from samen.ledger.actions import counterparty_erase

if TYPE_CHECKING:
    from samen.accounts.models import User

# Accounting records: money left, or the collective committed to pay.
KEPT_STATUSES = (ExpenseStatus.APPROVED, ExpenseStatus.SCHEDULED, ExpenseStatus.PAID)
# Nothing more will be paid: the full payout account is no longer needed.
SETTLED_STATUSES = (
    ExpenseStatus.PAID,
    ExpenseStatus.REJECTED,
    ExpenseStatus.CANCELED,
    ExpenseStatus.SPAM,
)


def _theirs(user: User) -> QuerySet[Expense]:
    """Expenses the person submitted or that pay their bank account."""
    return Expense.objects.filter(Q(submitter=user) | Q(payout_method__owner=user))


def _file_name(expense: Expense, position: int, attachment: ExpenseAttachment) -> str:
    """The attachment's path in the export zip (``apps/expenses/<name>``)."""
    original = attachment.original_name.replace("\\", "/").rsplit("/", 1)[-1] or "attachment"
    return f"expense-{expense.pk}/{position}-{original}"


def export_data(user: User) -> dict[str, Any]:
    """The person's expenses with their items, attachments (files beside this JSON), their
    own comments and the payout account, their payout methods with the full IBAN, and the
    comments and approvals they gave on other people's expenses. Never anyone's e-mail."""
    ids = set(_theirs(user).values_list("pk", flat=True))
    expenses = (
        Expense.objects.filter(pk__in=ids)
        .select_related("collective", "category")
        .prefetch_related("items", "attachments")
        .order_by("created_at", "pk")
    )
    own_comments: dict[int, list[dict[str, Any]]] = {}
    on_others = []
    for c in (
        ExpenseComment.objects.filter(author=user)
        .select_related("expense__collective")
        .order_by("created_at", "pk")
    ):
        row = {"created": c.created_at.isoformat(), "body": c.body}
        if c.expense_id in ids:
            own_comments.setdefault(c.expense_id, []).append(row)
        else:
            on_others.append(
                {"expense": c.expense_id, "collective": c.expense.collective.slug, **row}
            )
    return {
        "expenses": [
            {
                "id": e.pk,
                "collective": e.collective.slug,
                "title": e.title,
                "type": e.type,
                "status": e.status,
                "on_hold": e.on_hold,
                "payee": e.payee_kind,
                "payee_organisation": e.payee_organisation,
                "amount_cents": e.amount,
                "vat_cents": e.vat_amount,
                "payment_fee_cents": e.payment_fee,
                "category": str(e.category) if e.category else None,
                "tags": e.tags,
                "created": e.created_at.isoformat(),
                "submitted": e.submitted_at.isoformat() if e.submitted_at else None,
                "approved": e.approved_at.isoformat() if e.approved_at else None,
                "paid_on": e.paid_on.isoformat() if e.paid_on else None,
                "bank_reference": e.bank_reference,
                "payout_method": e.payout_method_id,
                "items": [
                    {
                        "description": i.description,
                        "date": i.incurred_on.isoformat(),
                        "amount_cents": i.amount,
                    }
                    for i in e.items.all()
                ],
                "attachments": [
                    {
                        "name": a.original_name,
                        "content_type": a.content_type,
                        "size": a.size,
                        "uploaded": a.created_at.isoformat(),
                        "file": _file_name(e, n, a),
                    }
                    for n, a in enumerate(e.attachments.all(), start=1)
                ],
                "comments": own_comments.get(e.pk, []),
            }
            for e in expenses
        ],
        "payout_methods": [
            {
                "id": m.pk,
                "iban": m.iban,
                "bic": m.bic,
                "account_holder": m.account_holder,
                "created": m.created_at.isoformat(),
            }
            for m in PayoutMethod.objects.filter(owner=user).order_by("pk")
        ],
        "comments_on_other_expenses": on_others,
        "approvals_given": [
            {
                "expense": a.expense_id,
                "collective": a.expense.collective.slug,
                "created": a.created_at.isoformat(),
            }
            for a in ExpenseApproval.objects.filter(approver=user)
            .select_related("expense__collective")
            .order_by("created_at", "pk")
        ],
        "invited_to_submit": [
            i.collective.slug
            for i in ExpenseInvite.objects.filter(user=user).select_related("collective")
        ],
        "submitting_restricted_since": next(
            (
                r.created_at.isoformat()
                for r in SubmitterRestriction.objects.filter(user=user).only("created_at")
            ),
            None,
        ),
    }


def export_files(user: User) -> Iterator[tuple[str, bytes]]:
    """The receipts and invoices attached to the person's expenses, under the names the
    JSON gives them; a file missing from the storage is left out."""
    expenses = (
        Expense.objects.filter(pk__in=_theirs(user).values("pk"))
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )
    for expense in expenses:
        for n, attachment in enumerate(expense.attachments.all(), start=1):
            try:
                with attachment.file.open("rb") as handle:
                    content = bytes(handle.read())
            except FileNotFoundError:
                continue
            yield _file_name(expense, n, attachment), content


def must_keep(user: User) -> str | None:
    reasons = []
    if _theirs(user).filter(status__in=KEPT_STATUSES).exists():
        reasons.append(
            gettext("approved and paid expense claims (accounting records, kept 7 years)")
        )
    if ExpenseApproval.objects.filter(approver=user, expense__status__in=KEPT_STATUSES).exists():
        reasons.append(gettext("your approvals of expenses (accounting records, kept 7 years)"))
    return "; ".join(reasons) or None


def erase_data(user: User) -> None:
    """Delete the expenses that never moved money (with their files, once committed), the
    person's invitations and restriction, and what their payout methods hold beyond what
    kept expenses need; erase their name from the public ledger rows of the expenses paid
    to them. Comments they wrote on kept expenses stay, signed "Former member"."""
    ids = set(_theirs(user).values_list("pk", flat=True))
    # The lock order of samen.expenses.actions (collectives, then expenses, by primary key):
    # a payment being posted right now commits first, so its ledger row is found below.
    collective_ids = sorted(
        set(Expense.objects.filter(pk__in=ids).values_list("collective_id", flat=True))
    )
    list(Collective.objects.select_for_update().filter(pk__in=collective_ids).order_by("pk"))
    locked = list(Expense.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk"))
    gone = [e.pk for e in locked if e.status not in KEPT_STATUSES]
    kept = [e for e in locked if e.status in KEPT_STATUSES]

    files = list(
        ExpenseAttachment.objects.filter(expense_id__in=gone).values_list("file", flat=True)
    )
    Expense.objects.filter(pk__in=gone).delete()
    # Audit rows of deleted expenses named them by their title.
    AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(Expense),
        target_id__in=[str(pk) for pk in gone],
    ).update(target_repr=Concat(Value("#"), F("target_id")))
    storage = ExpenseAttachment._meta.get_field("file").storage

    def delete_files() -> None:
        for name in files:
            storage.delete(name)

    transaction.on_commit(delete_files)

    ExpenseInvite.objects.filter(user=user).delete()
    SubmitterRestriction.objects.filter(user=user).delete()
    pending = list(PendingUpload.objects.filter(user=user).values_list("file", flat=True))
    PendingUpload.objects.filter(user=user).delete()
    files += pending
    payout_methods_settle(user)

    # A payment to an organisation keeps the organisation's name: it names the supplier that
    # was paid, not the person who submitted the claim.
    to_organisation = [
        e for e in kept if e.payee_kind == PayeeKind.ORGANISATION and e.payee_organisation
    ]
    counterparty_erase(actor=user, causes=[e for e in kept if e not in to_organisation])


def payout_methods_settle(owner: User) -> None:
    """Reduce an erased person's payout methods to what their expenses still need.

    A method no expense uses is deleted. One that only settled expenses use (paid, or
    refused after the erasure) keeps its masked IBAN; the account holder stays only when
    every expense paid to it names an organisation, since then it names the supplier. One
    that an expense may still be paid to stays whole until that expense is settled; the
    expense actions call this again then. Idempotent."""
    methods = PayoutMethod.objects.select_for_update().filter(owner=owner, erased_at=None)
    for method in methods.order_by("pk"):
        uses = list(method.expenses.values_list("status", "payee_kind"))
        if not uses:
            method.delete()
            continue
        if any(status not in SETTLED_STATUSES for status, _kind in uses):
            continue
        method.iban = method.masked_iban
        method.bic = ""
        if any(kind != PayeeKind.ORGANISATION for _status, kind in uses):
            method.account_holder = ""
        method.erased_at = timezone.now()
        method.save(update_fields=["iban", "bic", "account_holder", "erased_at"])
