"""Settings: expense policies, host settings, accounting categories and invitations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from samen.audit.actions import audit_record
from samen.communities.models import Collective, Host
from samen.expenses.errors import ExpenseError, ExpenseErrorCode
from samen.expenses.models import (
    AccountingCategory,
    ExpenseInvite,
    ExpensePolicy,
    HostExpenseSettings,
    SubmitPolicy,
)
from samen.lib.translations import pop_translations

if TYPE_CHECKING:
    from samen.accounts.models import User


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
    decision_threshold: int | None = None,
) -> ExpensePolicy:
    """Set who may submit expenses to a collective, when several approvals are needed,
    and above which amount (cents) an expense needs a passed decision of the collective."""
    if submit_policy not in SubmitPolicy.values or approvals_required < 1:
        raise ExpenseError(ExpenseErrorCode.INVALID)
    for threshold in (multi_approval_threshold, decision_threshold):
        if threshold is not None and threshold < 0:
            raise ExpenseError(ExpenseErrorCode.INVALID)
    policy, _created = ExpensePolicy.objects.update_or_create(
        collective=collective,
        defaults={
            "submit_policy": submit_policy,
            "approvals_required": approvals_required,
            "multi_approval_threshold": multi_approval_threshold,
            "decision_threshold": decision_threshold,
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
            "decision_threshold": decision_threshold,
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
    *,
    actor: User,
    host: Host,
    code: str,
    name: str,
    is_active: bool = True,
    **translations: str,
) -> AccountingCategory:
    """Add or rename one line of the host's chart of accounts (keyed by its code); its name
    per language comes as ``name_nl``, ``name_fr``, ``name_en``."""
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise ExpenseError(ExpenseErrorCode.INVALID)
    names = pop_translations(AccountingCategory, translations)
    if translations:
        raise TypeError(f"Unknown category fields: {sorted(translations)}")
    category, _created = AccountingCategory.objects.update_or_create(
        host=host,
        code=code,
        defaults={"name": name, "is_active": is_active, **{k: v.strip() for k, v in names.items()}},
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
