"""Every write of the expenses app: submit, review, pay, batch, reconcile (DESIGN rule 1).

Locking (DESIGN rule 6). Every decision that spends a collective's money takes the row lock
of the collective first, then the expenses it touches, in primary-key order. Approved and
scheduled expenses *reserve* their amount: an approval is refused when the collective's
ledger balance minus what is already reserved is below the expense's amount. Because every
approval of a collective's expenses holds the same collective row lock, two approvals cannot
both see the same free balance. Payment moves the money in the ledger (collective balance ->
host bank clearing) with an idempotency key derived from the expense, so even a retried or
doubled request posts once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import File
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from samen.audit.actions import audit_record
from samen.communities.models import Collective, Host
from samen.communities.queries import (
    collective_admins,
    host_admins,
    is_collective_admin,
    is_collective_member,
)
from samen.expenses.errors import ExpenseError, ExpenseErrorCode
from samen.expenses.files import sniff_attachment
from samen.expenses.models import (
    RESERVING_STATUSES,
    AccountingCategory,
    Expense,
    ExpenseApproval,
    ExpenseAttachment,
    ExpenseComment,
    ExpenseInvite,
    ExpenseItem,
    ExpensePolicy,
    ExpenseStatus,
    ExpenseType,
    HostExpenseSettings,
    PayeeKind,
    PayoutBatch,
    PayoutMethod,
    SubmitPolicy,
    SubmitterRestriction,
)
from samen.expenses.privacy import SETTLED_STATUSES, payout_methods_settle
from samen.lib.mail import send_message_later

if TYPE_CHECKING:
    from samen.accounts.models import User


@dataclass(frozen=True)
class ItemInput:
    """One expense line as parsed by a form or an API schema (amount in cents)."""

    description: str
    incurred_on: date
    amount: int


# --- notifications ---------------------------------------------------------------------------

_EVENT_TEXT = {
    "submitted": _("%(actor)s submitted the expense “%(title)s” to %(collective)s."),
    "approved": _("The expense “%(title)s” was approved."),
    "approval_added": _("%(actor)s approved the expense “%(title)s”; it needs more approvals."),
    "rejected": _("The expense “%(title)s” was rejected."),
    "changes_requested": _("Changes were asked on the expense “%(title)s”; edit and resubmit it."),
    "canceled": _("The expense “%(title)s” was canceled."),
    "scheduled": _("The expense “%(title)s” is scheduled for payment."),
    "paid": _("The expense “%(title)s” was paid."),
    "commented": _("%(actor)s commented on the expense “%(title)s”."),
    "hold": _("The expense “%(title)s” was put on hold."),
    "released": _("The expense “%(title)s” is no longer on hold."),
}


def _reviewers(expense: Expense) -> list[User]:
    people = list(collective_admins(expense.collective))
    if expense.collective.host is not None:
        people += list(host_admins(expense.collective.host))
    return people


def _notify(
    expense: Expense, event: str, recipients: Iterable[User], actor: Any, note: str = ""
) -> None:
    """E-mail everyone concerned except the actor, each in their own language."""
    seen: set[int] = set()
    url = settings.SITE_URL + reverse("expenses:detail", args=[expense.pk])
    for person in recipients:
        if person.pk in seen or (actor is not None and person.pk == getattr(actor, "pk", None)):
            continue
        seen.add(person.pk)
        if not person.is_active or not person.email:
            continue
        with translation.override(person.language or settings.LANGUAGE_CODE):
            facts = {
                "actor": actor.public_name if actor is not None else str(_("Samen")),
                "title": expense.title,
                "collective": expense.collective.name,
            }
            sentence = str(_EVENT_TEXT[event]) % facts
            subject = str(_("[%(collective)s] Expense: %(title)s")) % facts
            body = render_to_string(
                "expenses/email/notification.txt",
                {"person": person, "sentence": sentence, "note": note, "url": url},
            )
        send_message_later(EmailMessage(subject=subject, body=body, to=[person.email]))


# --- settings ----------------------------------------------------------------------------------


def policy_for(collective: Collective) -> ExpensePolicy:
    """The collective's policy, or the unsaved defaults when it never set one."""
    try:
        return collective.expense_policy
    except ExpensePolicy.DoesNotExist:
        return ExpensePolicy(collective=collective)


def host_settings_for(host: Host) -> HostExpenseSettings:
    try:
        return host.expense_settings
    except HostExpenseSettings.DoesNotExist:
        return HostExpenseSettings(host=host)


@transaction.atomic
def expense_policy_set(
    *,
    actor: User,
    collective: Collective,
    submit_policy: str,
    approvals_required: int = 2,
    multi_approval_threshold: int | None = None,
) -> ExpensePolicy:
    """Set who may submit expenses to a collective and when several approvals are needed."""
    if submit_policy not in SubmitPolicy.values or approvals_required < 1:
        raise ExpenseError(ExpenseErrorCode.INVALID)
    if multi_approval_threshold is not None and multi_approval_threshold < 0:
        raise ExpenseError(ExpenseErrorCode.INVALID)
    policy, _created = ExpensePolicy.objects.update_or_create(
        collective=collective,
        defaults={
            "submit_policy": submit_policy,
            "approvals_required": approvals_required,
            "multi_approval_threshold": multi_approval_threshold,
        },
    )
    audit_record(
        actor=actor,
        action="expense_policy.set",
        target=collective,
        host=collective.host,
        data={
            "submit_policy": submit_policy,
            "approvals_required": approvals_required,
            "multi_approval_threshold": multi_approval_threshold,
        },
    )
    return policy


@transaction.atomic
def host_expense_settings_set(
    *, actor: User, host: Host, require_category: bool
) -> HostExpenseSettings:
    """Whether the host's collectives must pick an accounting category on every expense."""
    row, _created = HostExpenseSettings.objects.update_or_create(
        host=host, defaults={"require_category": require_category}
    )
    audit_record(
        actor=actor,
        action="expense_settings.set",
        target=host,
        host=host,
        data={"require_category": require_category},
    )
    return row


@transaction.atomic
def accounting_category_save(
    *, actor: User, host: Host, code: str, name: str, is_active: bool = True
) -> AccountingCategory:
    """Add or rename one line of the host's chart of accounts (keyed by its code)."""
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise ExpenseError(ExpenseErrorCode.INVALID)
    category, _created = AccountingCategory.objects.update_or_create(
        host=host, code=code, defaults={"name": name, "is_active": is_active}
    )
    audit_record(
        actor=actor,
        action="expense_category.save",
        target=category,
        host=host,
        data={"code": code, "name": name, "is_active": is_active},
    )
    return category


@transaction.atomic
def expense_invite_create(*, actor: User, collective: Collective, user: User) -> ExpenseInvite:
    """Let ``user`` submit expenses to a collective that only accepts invited submitters."""
    invite, _created = ExpenseInvite.objects.get_or_create(
        collective=collective, user=user, defaults={"invited_by": actor}
    )
    audit_record(
        actor=actor,
        action="expense_invite.create",
        target=collective,
        host=collective.host,
        data={"user": user.pk},
    )
    return invite


# --- payout methods ----------------------------------------------------------------------------


def normalise_iban(text: str) -> IBAN:
    """Parse an IBAN (spaces allowed) or raise ExpenseError(bad_iban)."""
    try:
        return IBAN(text.replace(" ", "").upper())
    except (SchwiftyException, ValueError):
        raise ExpenseError(ExpenseErrorCode.BAD_IBAN) from None


@transaction.atomic
def payout_method_create(*, actor: User, iban: str, account_holder: str) -> PayoutMethod:
    """Store a bank account of ``actor`` (validated with schwifty); it stays private."""
    parsed = normalise_iban(iban)
    holder = account_holder.strip()
    if not holder:
        raise ExpenseError(ExpenseErrorCode.INVALID, str(_("Enter the account holder's name.")))
    bic = ""
    try:
        bic = str(parsed.bic) if parsed.bic else ""
    except SchwiftyException:
        bic = ""
    method, _created = PayoutMethod.objects.get_or_create(
        owner=actor,
        iban=parsed.compact,
        account_holder=holder[:70],
        defaults={"bic": bic},
    )
    # Never the IBAN itself in the audit log: it is personal data.
    audit_record(actor=actor, action="payout_method.create", target=None, data={"id": method.pk})
    return method


# --- submission --------------------------------------------------------------------------------


def may_submit(user: Any, collective: Collective) -> ExpenseErrorCode | None:
    """None when ``user`` may submit to ``collective``, else the reason why not."""
    if collective.host_id is None:
        return ExpenseErrorCode.NOT_HOSTED
    if SubmitterRestriction.objects.filter(user=user).exists():
        return ExpenseErrorCode.SUBMITTER_RESTRICTED
    policy = policy_for(collective)
    if policy.submit_policy == SubmitPolicy.ANYONE:
        return None
    if policy.submit_policy == SubmitPolicy.MEMBERS and is_collective_member(user, collective):
        return None
    if policy.submit_policy == SubmitPolicy.INVITED and (
        is_collective_admin(user, collective)
        or ExpenseInvite.objects.filter(collective=collective, user=user).exists()
    ):
        return None
    return ExpenseErrorCode.SUBMIT_NOT_ALLOWED


def _check_content(
    *,
    collective: Collective,
    type: str,
    title: str,
    items: Sequence[ItemInput],
    payee_kind: str,
    payee_organisation: str,
    vat_amount: int,
    category: AccountingCategory | None,
) -> int:
    if type not in ExpenseType.values or payee_kind not in PayeeKind.values:
        raise ExpenseError(ExpenseErrorCode.INVALID)
    if not title.strip():
        raise ExpenseError(ExpenseErrorCode.INVALID, str(_("Give the expense a title.")))
    if not items:
        raise ExpenseError(ExpenseErrorCode.NO_ITEMS)
    if any(i.amount <= 0 or not i.description.strip() for i in items):
        raise ExpenseError(
            ExpenseErrorCode.INVALID, str(_("Every item needs a description and an amount."))
        )
    total = sum(i.amount for i in items)
    if vat_amount < 0 or vat_amount > total or (vat_amount and type != ExpenseType.INVOICE):
        raise ExpenseError(
            ExpenseErrorCode.INVALID,
            str(_("VAT applies to invoices only and cannot exceed the total.")),
        )
    if payee_kind == PayeeKind.ORGANISATION and not payee_organisation.strip():
        raise ExpenseError(ExpenseErrorCode.INVALID, str(_("Enter the organisation's name.")))
    if category is not None and (category.host_id != collective.host_id or not category.is_active):
        raise ExpenseError(ExpenseErrorCode.CATEGORY_INVALID)
    return total


def _check_ready(expense: Expense) -> None:
    """What must hold before an expense leaves draft (or incomplete) for review."""
    host = expense.collective.host
    if host is not None and host_settings_for(host).require_category and not expense.category_id:
        raise ExpenseError(ExpenseErrorCode.CATEGORY_REQUIRED)
    if not expense.items.exists():
        raise ExpenseError(ExpenseErrorCode.NO_ITEMS)


def _check_files(files: Sequence[File[Any]]) -> list[tuple[File[Any], str]]:
    """Every file's content type, checked before anything is written (a bad second file must
    not leave the first one stored for a rolled-back expense)."""
    checked = []
    for upload in files:
        content_type = sniff_attachment(upload, upload.size or 0)
        if content_type is None:
            raise ExpenseError(ExpenseErrorCode.BAD_FILE)
        checked.append((upload, content_type))
    return checked


def _store_attachments(expense: Expense, actor: Any, checked: list[tuple[File[Any], str]]) -> None:
    stored: list[str] = []
    storage = ExpenseAttachment._meta.get_field("file").storage
    # Files are not transactional: when storing one fails, remove the ones already stored.
    try:
        for upload, content_type in checked:
            name = (getattr(upload, "name", "") or "attachment").rsplit("/", 1)[-1][:200]
            attachment = ExpenseAttachment(
                expense=expense,
                original_name=name,
                content_type=content_type,
                size=upload.size or 0,
                uploaded_by=actor,
            )
            # The stored name is random: the original name is personal and not unique.
            extension = {"application/pdf": "pdf", "image/jpeg": "jpg"}.get(
                content_type, content_type.split("/")[-1]
            )
            attachment.file.save(f"{uuid.uuid4().hex}.{extension}", upload, save=False)
            stored.append(attachment.file.name)
            attachment.save()
    except Exception:
        for name in stored:
            storage.delete(name)
        raise


@transaction.atomic
def expense_create(
    *,
    actor: User,
    collective: Collective,
    type: str,
    title: str,
    items: Sequence[ItemInput],
    payout_method: PayoutMethod,
    payee_kind: str = PayeeKind.SELF,
    payee_organisation: str = "",
    vat_amount: int = 0,
    category: AccountingCategory | None = None,
    tags: Sequence[str] = (),
    attachments: Sequence[File[Any]] = (),
    submit: bool = True,
) -> Expense:
    """File an expense to a hosted collective: as a draft, or submitted for review."""
    reason = may_submit(actor, collective)
    if reason is not None:
        raise ExpenseError(reason)
    if payout_method.owner_id != actor.pk:
        raise ExpenseError(ExpenseErrorCode.INVALID)
    total = _check_content(
        collective=collective,
        type=type,
        title=title,
        items=items,
        payee_kind=payee_kind,
        payee_organisation=payee_organisation,
        vat_amount=vat_amount,
        category=category,
    )
    checked = _check_files(attachments)
    expense = Expense.objects.create(
        collective=collective,
        submitter=actor,
        type=type,
        title=title.strip()[:200],
        payee_kind=payee_kind,
        payee_organisation=payee_organisation.strip()[:120]
        if payee_kind == PayeeKind.ORGANISATION
        else "",
        payout_method=payout_method,
        amount=total,
        vat_amount=vat_amount,
        category=category,
        tags=_clean_tags(tags),
    )
    ExpenseItem.objects.bulk_create(
        ExpenseItem(
            expense=expense,
            description=i.description.strip()[:200],
            incurred_on=i.incurred_on,
            amount=i.amount,
        )
        for i in items
    )
    _store_attachments(expense, actor, checked)
    audit_record(
        actor=actor,
        action="expense.create",
        target=expense,
        host=collective.host,
        data={"amount": total, "type": type},
    )
    if submit:
        expense_submit(actor=actor, expense=expense)
        expense.refresh_from_db()
    return expense


def _clean_tags(tags: Sequence[str]) -> list[str]:
    seen: list[str] = []
    for tag in tags:
        t = tag.strip().lower()[:30]
        if t and t not in seen:
            seen.append(t)
    return seen[:10]


def _lock(expense: Expense) -> Expense:
    """Re-read the expense under a row lock (the collective's row first: see module doc)."""
    Collective.objects.select_for_update().filter(pk=expense.collective_id).first()
    return (
        Expense.objects.select_for_update(of=("self",))
        .select_related("collective", "collective__host", "submitter", "payout_method")
        .get(pk=expense.pk)
    )


@transaction.atomic
def expense_update(
    *,
    actor: User,
    expense: Expense,
    type: str,
    title: str,
    items: Sequence[ItemInput],
    payout_method: PayoutMethod,
    payee_kind: str = PayeeKind.SELF,
    payee_organisation: str = "",
    vat_amount: int = 0,
    category: AccountingCategory | None = None,
    tags: Sequence[str] = (),
    attachments: Sequence[File[Any]] = (),
) -> Expense:
    """The submitter edits a draft or an expense with changes asked (items are replaced)."""
    expense = _lock(expense)
    if expense.submitter_id != actor.pk or not expense.is_editable:
        raise ExpenseError(ExpenseErrorCode.NOT_EDITABLE)
    if payout_method.owner_id != actor.pk:
        raise ExpenseError(ExpenseErrorCode.INVALID)
    total = _check_content(
        collective=expense.collective,
        type=type,
        title=title,
        items=items,
        payee_kind=payee_kind,
        payee_organisation=payee_organisation,
        vat_amount=vat_amount,
        category=category,
    )
    checked = _check_files(attachments)
    expense.type = type
    expense.title = title.strip()[:200]
    expense.payee_kind = payee_kind
    expense.payee_organisation = (
        payee_organisation.strip()[:120] if payee_kind == PayeeKind.ORGANISATION else ""
    )
    expense.payout_method = payout_method
    expense.amount = total
    expense.vat_amount = vat_amount
    expense.category = category
    expense.tags = _clean_tags(tags)
    expense.save()
    expense.items.all().delete()
    ExpenseItem.objects.bulk_create(
        ExpenseItem(
            expense=expense,
            description=i.description.strip()[:200],
            incurred_on=i.incurred_on,
            amount=i.amount,
        )
        for i in items
    )
    _store_attachments(expense, actor, checked)
    audit_record(
        actor=actor,
        action="expense.update",
        target=expense,
        host=expense.collective.host,
        data={"amount": total},
    )
    return expense


@transaction.atomic
def expense_attach(*, actor: User, expense: Expense, files: Sequence[File[Any]]) -> Expense:
    """The submitter adds receipts to an expense that is not decided yet."""
    expense = _lock(expense)
    if expense.submitter_id != actor.pk or expense.status not in (
        ExpenseStatus.DRAFT,
        ExpenseStatus.INCOMPLETE,
        ExpenseStatus.PENDING,
    ):
        raise ExpenseError(ExpenseErrorCode.NOT_EDITABLE)
    _store_attachments(expense, actor, _check_files(files))
    audit_record(
        actor=actor,
        action="expense.attach",
        target=expense,
        host=expense.collective.host,
        data={"files": len(files)},
    )
    return expense


# --- the state machine -------------------------------------------------------------------------


def _move(expense: Expense, *, actor: Any, to: ExpenseStatus, action: str, **data: Any) -> None:
    before = expense.status
    expense.status = to
    expense.save()
    audit_record(
        actor=actor,
        action=f"expense.{action}",
        target=expense,
        host=expense.collective.host,
        data={"from": before, "to": to, **data},
    )
    if to in SETTLED_STATUSES and expense.submitter.erased_at is not None:
        # An expense kept through its submitter's erasure is settled now: their full IBAN
        # is no longer needed for it (samen/expenses/privacy.py).
        payout_methods_settle(expense.submitter)


def _require(expense: Expense, *allowed: ExpenseStatus) -> None:
    if expense.status not in allowed:
        raise ExpenseError(ExpenseErrorCode.INVALID_TRANSITION)


def _require_reviewer(actor: Any, expense: Expense) -> None:
    from samen.expenses.access import is_reviewer

    if not is_reviewer(actor, expense):
        raise ExpenseError(ExpenseErrorCode.INVALID_TRANSITION, str(_("You may not do this.")))


def _require_payer(actor: Any, expense: Expense) -> None:
    from samen.expenses.access import is_payer

    if not is_payer(actor, expense):
        raise ExpenseError(ExpenseErrorCode.INVALID_TRANSITION, str(_("You may not do this.")))


@transaction.atomic
def expense_submit(*, actor: User, expense: Expense) -> Expense:
    """draft or incomplete -> pending; earlier approvals no longer count after changes."""
    expense = _lock(expense)
    if expense.submitter_id != actor.pk:
        raise ExpenseError(ExpenseErrorCode.NOT_EDITABLE)
    _require(expense, ExpenseStatus.DRAFT, ExpenseStatus.INCOMPLETE)
    reason = may_submit(actor, expense.collective)
    if reason is not None:
        raise ExpenseError(reason)
    _check_ready(expense)
    expense.approvals.all().delete()
    expense.submitted_at = timezone.now()
    _move(expense, actor=actor, to=ExpenseStatus.PENDING, action="submit")
    _notify(expense, "submitted", _reviewers(expense), actor)
    return expense


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


# --- payment -----------------------------------------------------------------------------------


def payment_idempotency_key(expense: Expense) -> str:
    """One ledger payment per expense, whoever asks and however often."""
    return f"expense:{expense.pk}:payment"


def _post_payment(*, actor: Any, expense: Expense, paid_on: date, fee: int) -> int:
    from samen.ledger.actions import account_for, ledger_post
    from samen.ledger.errors import LedgerError
    from samen.ledger.models import AccountPurpose, TransactionKind, Unit

    host = expense.collective.host
    assert host is not None
    clearing = account_for(purpose=AccountPurpose.BANK_CLEARING, unit=Unit.eur(), host=host)
    lines = [
        (_collective_account(expense.collective), -(expense.amount + fee)),
        (clearing, expense.amount),
    ]
    if fee:
        fees = account_for(purpose=AccountPurpose.PROCESSOR_FEES, unit=Unit.eur(), host=host)
        lines.append((fees, fee))
    try:
        tx = ledger_post(
            actor=actor,
            kind=TransactionKind.EXPENSE,
            description=f"Expense #{expense.pk}: {expense.title}",
            lines=lines,
            idempotency_key=payment_idempotency_key(expense),
            effective_date=paid_on,
            cause=expense,
            counterparty_name=expense.payee_public_name,
        )
    except LedgerError as exc:
        raise ExpenseError(ExpenseErrorCode.INSUFFICIENT_BALANCE, str(exc.message)) from exc
    return int(tx.pk)


@transaction.atomic
def expense_pay(
    *,
    actor: User | None,
    expense: Expense,
    paid_on: date,
    bank_reference: str = "",
    fee: int = 0,
    from_statement: bool = False,
) -> Expense:
    """A host admin marks an approved or scheduled expense paid: collective balance -> bank
    clearing in the ledger (and the bank's ``fee``, if any, from the collective to the host's
    fee account). Under the expense's row lock a second payer finds it paid.

    ``from_statement``: the bank statement shows the money left, so a hold no longer applies.
    """
    expense = _lock(expense)
    if actor is not None:
        _require_payer(actor, expense)
    if expense.status == ExpenseStatus.PAID:
        raise ExpenseError(ExpenseErrorCode.ALREADY_PAID)
    _require(expense, ExpenseStatus.APPROVED, ExpenseStatus.SCHEDULED)
    if expense.on_hold and not from_statement:
        raise ExpenseError(ExpenseErrorCode.ON_HOLD)
    if fee < 0:
        raise ExpenseError(ExpenseErrorCode.INVALID)
    expense.on_hold = False
    expense.payment_fee = fee
    expense.ledger_transaction_id = _post_payment(
        actor=actor, expense=expense, paid_on=paid_on, fee=fee
    )
    expense.paid_on = paid_on
    expense.bank_reference = bank_reference.strip()[:140]
    _move(
        expense,
        actor=actor,
        to=ExpenseStatus.PAID,
        action="pay",
        amount=expense.amount,
        fee=fee,
        bank_reference=expense.bank_reference,
    )
    _notify(expense, "paid", [expense.submitter], actor)
    return expense


def end_to_end_id(expense: Expense) -> str:
    """The id the bank echoes back on the statement line (max 35 characters, ASCII)."""
    return f"SAMEN-EXP-{expense.pk}"


@transaction.atomic
def payout_batch_create(
    *, actor: User, host: Host, expense_ids: Sequence[int], execution_date: date
) -> PayoutBatch:
    """Schedule approved expenses of the host's collectives in one SEPA credit transfer file
    (both pain.001.001.03 and pain.001.001.09, each validated against sepaxml's XSD)."""
    from samen.communities.queries import is_host_admin

    if not is_host_admin(actor, host):
        raise ExpenseError(ExpenseErrorCode.WRONG_HOST, str(_("You may not do this.")))
    ids = sorted(set(expense_ids))
    if not ids:
        raise ExpenseError(ExpenseErrorCode.EMPTY_BATCH)
    rows = Expense.objects.filter(pk__in=ids).values_list("collective_id", flat=True)
    collective_ids = sorted(set(rows))
    list(Collective.objects.select_for_update().filter(pk__in=collective_ids).order_by("pk"))
    expenses = list(
        Expense.objects.select_for_update(of=("self",))
        .select_related("collective", "payout_method", "submitter")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    if len(expenses) != len(ids) or any(e.collective.host_id != host.pk for e in expenses):
        raise ExpenseError(ExpenseErrorCode.WRONG_HOST)
    for e in expenses:
        if e.status != ExpenseStatus.APPROVED:
            raise ExpenseError(
                ExpenseErrorCode.INVALID_TRANSITION,
                str(_("“%(title)s” is not approved.")) % {"title": e.title},
            )
        if e.on_hold:
            raise ExpenseError(ExpenseErrorCode.ON_HOLD)
        e.end_to_end_id = end_to_end_id(e)
    from samen.expenses.sepa import build_credit_transfer

    files = build_credit_transfer(host=host, expenses=expenses, execution_date=execution_date)
    batch = PayoutBatch.objects.create(
        host=host,
        created_by=actor,
        execution_date=execution_date,
        message_id=files.message_id,
        total=sum(e.amount for e in expenses),
        xml_v03=files.v03,
        xml_v09=files.v09,
    )
    for e in expenses:
        e.batch = batch
        _move(e, actor=actor, to=ExpenseStatus.SCHEDULED, action="schedule", batch=batch.pk)
        _notify(e, "scheduled", [e.submitter], actor)
    audit_record(
        actor=actor,
        action="payout_batch.create",
        target=batch,
        host=host,
        data={"expenses": ids, "total": batch.total},
    )
    return batch


@transaction.atomic
def expense_unschedule(*, actor: User, expense: Expense) -> Expense:
    """scheduled -> approved, out of its batch (the bank refused the file, or the host will
    pay it differently). The end-to-end id stays: if the bank executed the transfer after
    all, the statement line still finds the expense."""
    expense = _lock(expense)
    _require_payer(actor, expense)
    _require(expense, ExpenseStatus.SCHEDULED)
    batch_id = expense.batch_id
    expense.batch = None
    _move(expense, actor=actor, to=ExpenseStatus.APPROVED, action="unschedule", batch=batch_id)
    return expense


@transaction.atomic
def expense_reconcile_line(
    *, host: Host, end_to_end: str, amount: int, booked_on: date, reference: str
) -> Expense | None:
    """A bank statement line paying out a scheduled expense: mark it paid.

    ``amount`` is the line's signed amount (negative for money out). Returns the expense
    when the line matched one, None otherwise (the import then leaves the line unmatched).
    A line that matched before matches again harmlessly: the expense is already paid.
    """
    e2e = (end_to_end or "").strip()
    if not e2e:
        return None
    expense = Expense.objects.filter(end_to_end_id=e2e, collective__host=host).first()
    if expense is None or -amount != expense.amount:
        return None
    expense = _lock(expense)
    if expense.status == ExpenseStatus.PAID:
        return expense
    if expense.status not in (ExpenseStatus.SCHEDULED, ExpenseStatus.APPROVED):
        return None
    return expense_pay(
        actor=None,
        expense=expense,
        paid_on=booked_on,
        bank_reference=reference,
        from_statement=True,
    )
