"""Review: approve, reject, ask for changes, cancel, spam, hold and comment on an expense."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samen.audit.actions import audit_record
from samen.communities.models import Collective
from samen.expenses.actions._common import (
    _lock,
    _move,
    _notify,
    _require,
    _require_reviewer,
    _reviewers,
)
from samen.expenses.actions.policies import policy_for
from samen.expenses.actions.submission import _check_ready
from samen.expenses.errors import ExpenseError, ExpenseErrorCode
from samen.expenses.models import (
    RESERVING_STATUSES,
    Expense,
    ExpenseApproval,
    ExpenseComment,
    ExpenseStatus,
    SubmitterRestriction,
)
from samen.lib.money import EUR, Money, format_money

if TYPE_CHECKING:
    from samen.accounts.models import User


def available_balance(collective: Collective, *, excluding: Expense | None = None) -> int:
    """The collective's euro balance minus what approved-but-unpaid expenses reserve.

    Call it with the collective row locked when the answer decides a write.
    """
    from samen.ledger.queries import balance

    reserved = Expense.objects.filter(collective=collective, status__in=RESERVING_STATUSES)
    if excluding is not None:
        reserved = reserved.exclude(pk=excluding.pk)
    total_reserved = reserved.aggregate(total=Sum("amount"))["total"] or 0
    return balance(_collective_account(collective)) - total_reserved


def _collective_account(collective: Collective) -> Any:
    from samen.ledger.actions import account_for
    from samen.ledger.models import AccountPurpose, Unit

    return account_for(
        purpose=AccountPurpose.COLLECTIVE_BALANCE, unit=Unit.eur(), collective=collective
    )


@transaction.atomic
def expense_approve(*, actor: User, expense: Expense) -> Expense:
    """A collective or host admin approves; the expense is approved once enough distinct
    people did, and only if the collective's free balance covers it (see module doc)."""
    expense = _lock(expense)
    _require_reviewer(actor, expense)
    if expense.submitter_id == actor.pk:
        raise ExpenseError(ExpenseErrorCode.OWN_EXPENSE)
    _require(expense, ExpenseStatus.PENDING)
    if expense.on_hold:
        raise ExpenseError(ExpenseErrorCode.ON_HOLD)
    if ExpenseApproval.objects.filter(expense=expense, approver=actor).exists():
        raise ExpenseError(ExpenseErrorCode.ALREADY_APPROVED)
    # The host may have started requiring categories after this expense was submitted.
    _check_ready(expense)
    check_decision(expense)
    needed = policy_for(expense.collective).approvals_needed(expense.amount)
    count = expense.approvals.count() + 1
    if count >= needed and available_balance(expense.collective) < expense.amount:
        raise ExpenseError(ExpenseErrorCode.INSUFFICIENT_BALANCE)
    ExpenseApproval.objects.create(expense=expense, approver=actor)
    if count < needed:
        audit_record(
            actor=actor,
            action="expense.approval_add",
            target=expense,
            host=expense.collective.host,
            data={"approvals": count, "needed": needed},
        )
        _notify(expense, "approval_added", [expense.submitter, *_reviewers(expense)], actor)
        return expense
    expense.approved_at = timezone.now()
    _move(expense, actor=actor, to=ExpenseStatus.APPROVED, action="approve", approvals=count)
    _notify(expense, "approved", [expense.submitter, *_reviewers(expense)], actor)
    return expense


def check_decision(expense: Expense) -> None:
    """Refuse when the collective's policy needs a passed decision for an expense of this
    amount (``ExpensePolicy.decision_threshold``) and none is linked, or the linked one
    is still open or did not pass."""
    from samen.decisions.queries import decision_passed

    policy = policy_for(expense.collective)
    if not policy.needs_decision(expense.amount):
        return
    assert policy.decision_threshold is not None
    if expense.decision_id is None:
        limit = format_money(Money(policy.decision_threshold, EUR))
        raise ExpenseError(ExpenseErrorCode.DECISION_REQUIRED, _(
            "The collective's policy needs a passed decision for an expense above %(limit)s: "
            "link one before it can be approved.") % {"limit": limit})  # fmt: skip
    if not decision_passed(expense.decision):  # type: ignore[arg-type]
        raise ExpenseError(ExpenseErrorCode.DECISION_INVALID)


@transaction.atomic
def expense_decision_link(*, actor: User, expense: Expense, decision: Any) -> Expense:
    """Link the collective's decision an expense rests on (its submitter while it waits,
    or its reviewers); ``None`` unlinks it. The decision must be the collective's own,
    closed and passed."""
    from samen.decisions.queries import decision_passed

    expense = _lock(expense)
    if expense.submitter_id != actor.pk:
        _require_reviewer(actor, expense)
    _require(expense, ExpenseStatus.PENDING)
    if decision is not None:  # read afresh: whether it is closed is the database's word
        decision = type(decision).objects.get(pk=decision.pk)
    if decision is not None and (
        decision.collective_id != expense.collective_id or not decision_passed(decision)
    ):
        raise ExpenseError(ExpenseErrorCode.DECISION_INVALID)
    expense.decision = decision
    expense.save(update_fields=["decision", "updated_at"])
    audit_record(actor=actor, action="expense.decision_link", target=expense,
                 host=expense.collective.host,
                 data={"decision": decision.pk if decision else None})  # fmt: skip
    return expense


def expenses_approve_many(
    *, actor: User, host: Any, expense_ids: list[int]
) -> tuple[list[Expense], list[tuple[Expense, str]]]:
    """Approve the selected pending expenses of ``host``'s collectives, each on its own.

    Each approval is its own transaction with its own locks and checks (balance, own
    expense, on hold), so one refusal does not undo the others; the refusals come back
    with their reason for the page to show.
    """
    approved: list[Expense] = []
    refused: list[tuple[Expense, str]] = []
    chosen = Expense.objects.filter(
        collective__host=host, pk__in=expense_ids, status=ExpenseStatus.PENDING
    ).order_by("pk")
    for expense in chosen:
        try:
            approved.append(expense_approve(actor=actor, expense=expense))
        except ExpenseError as error:
            refused.append((expense, str(error.message)))
    return approved, refused


@transaction.atomic
def expense_unapprove(*, actor: User, expense: Expense) -> Expense:
    """approved -> pending (before it is scheduled): frees the reserved balance."""
    expense = _lock(expense)
    _require_reviewer(actor, expense)
    _require(expense, ExpenseStatus.APPROVED)
    expense.approvals.all().delete()
    expense.approved_at = None
    _move(expense, actor=actor, to=ExpenseStatus.PENDING, action="unapprove")
    return expense


@transaction.atomic
def expense_reject(*, actor: User, expense: Expense, reason: str = "") -> Expense:
    """pending, incomplete or approved -> rejected."""
    expense = _lock(expense)
    _require_reviewer(actor, expense)
    _require(expense, ExpenseStatus.PENDING, ExpenseStatus.INCOMPLETE, ExpenseStatus.APPROVED)
    _move(expense, actor=actor, to=ExpenseStatus.REJECTED, action="reject")
    _notify(expense, "rejected", [expense.submitter], actor, note=reason)
    return expense


@transaction.atomic
def expense_request_changes(*, actor: User, expense: Expense, reason: str = "") -> Expense:
    """pending or approved -> incomplete: the submitter edits and resubmits."""
    expense = _lock(expense)
    _require_reviewer(actor, expense)
    _require(expense, ExpenseStatus.PENDING, ExpenseStatus.APPROVED)
    expense.approvals.all().delete()
    expense.approved_at = None
    if reason.strip():
        ExpenseComment.objects.create(expense=expense, author=actor, body=reason.strip())
    _move(expense, actor=actor, to=ExpenseStatus.INCOMPLETE, action="request_changes")
    _notify(expense, "changes_requested", [expense.submitter], actor, note=reason)
    return expense


@transaction.atomic
def expense_cancel(*, actor: User, expense: Expense) -> Expense:
    """The submitter withdraws an expense that is not scheduled or paid yet."""
    expense = _lock(expense)
    if expense.submitter_id != actor.pk:
        raise ExpenseError(ExpenseErrorCode.NOT_EDITABLE)
    _require(
        expense,
        ExpenseStatus.DRAFT,
        ExpenseStatus.PENDING,
        ExpenseStatus.INCOMPLETE,
        ExpenseStatus.APPROVED,
    )
    was_draft = expense.status == ExpenseStatus.DRAFT
    _move(expense, actor=actor, to=ExpenseStatus.CANCELED, action="cancel")
    if not was_draft:
        _notify(expense, "canceled", _reviewers(expense), actor)
    return expense


@transaction.atomic
def expense_mark_spam(*, actor: User, expense: Expense) -> Expense:
    """Mark as spam: hidden from the public, and the submitter may no longer submit."""
    expense = _lock(expense)
    _require_reviewer(actor, expense)
    _require(expense, ExpenseStatus.PENDING, ExpenseStatus.INCOMPLETE, ExpenseStatus.REJECTED)
    _move(expense, actor=actor, to=ExpenseStatus.SPAM, action="spam")
    SubmitterRestriction.objects.get_or_create(
        user=expense.submitter,
        defaults={"restricted_by": actor, "reason": f"expense {expense.pk} marked as spam"},
    )
    audit_record(
        actor=actor,
        action="expense.restrict_submitter",
        target=expense,
        host=expense.collective.host,
        data={"user": expense.submitter_id},
    )
    return expense


@transaction.atomic
def expense_unrestrict_submitter(*, actor: User, expense: Expense) -> Expense:
    """A reviewer judged the spam verdict a mistake: the submitter may submit again (the
    expense itself stays spam; they can file it anew)."""
    expense = _lock(expense)
    _require_reviewer(actor, expense)
    _require(expense, ExpenseStatus.SPAM)
    deleted, _rows = SubmitterRestriction.objects.filter(user=expense.submitter).delete()
    if deleted:
        audit_record(
            actor=actor,
            action="expense.unrestrict_submitter",
            target=expense,
            host=expense.collective.host,
            data={"user": expense.submitter_id},
        )
    return expense


@transaction.atomic
def expense_set_hold(*, actor: User, expense: Expense, on_hold: bool) -> Expense:
    """Put an undecided or unpaid expense on hold (nobody can approve or pay it) or release it."""
    expense = _lock(expense)
    _require_reviewer(actor, expense)
    _require(
        expense,
        ExpenseStatus.PENDING,
        ExpenseStatus.INCOMPLETE,
        ExpenseStatus.APPROVED,
        ExpenseStatus.SCHEDULED,
    )
    if expense.on_hold == on_hold:
        return expense
    expense.on_hold = on_hold
    expense.save(update_fields=["on_hold", "updated_at"])
    audit_record(
        actor=actor,
        action="expense.hold" if on_hold else "expense.release",
        target=expense,
        host=expense.collective.host,
    )
    _notify(expense, "hold" if on_hold else "released", [expense.submitter], actor)
    return expense


@transaction.atomic
def expense_comment(*, actor: User, expense: Expense, body: str) -> ExpenseComment:
    """Add a message to the private thread between the submitter and the admins."""
    from samen.expenses.access import can_see_private

    text = body.strip()
    if not text:
        raise ExpenseError(ExpenseErrorCode.INVALID, str(_("Write a message.")))
    if not can_see_private(actor, expense):
        raise ExpenseError(ExpenseErrorCode.INVALID, str(_("You may not do this.")))
    comment = ExpenseComment.objects.create(expense=expense, author=actor, body=text[:5000])
    audit_record(
        actor=actor, action="expense.comment", target=expense, host=expense.collective.host
    )
    _notify(expense, "commented", [expense.submitter, *_reviewers(expense)], actor, note=text)
    return comment
