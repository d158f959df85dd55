"""Shared by the expenses actions: notifications, the row lock and the state machine's moves."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from samen.audit.actions import audit_record
from samen.communities.models import Collective
from samen.communities.queries import collective_admins, host_admins
from samen.expenses.errors import ExpenseError, ExpenseErrorCode
from samen.expenses.models import Expense, ExpenseStatus
from samen.expenses.privacy import SETTLED_STATUSES, payout_methods_settle
from samen.lib.mail import send_message_later

if TYPE_CHECKING:
    from samen.accounts.models import User


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


def _lock(expense: Expense) -> Expense:
    """Re-read the expense under a row lock (the collective's row first: see module doc)."""
    Collective.objects.select_for_update().filter(pk=expense.collective_id).first()
    return (
        Expense.objects.select_for_update(of=("self",))
        .select_related("collective", "collective__host", "submitter", "payout_method")
        .get(pk=expense.pk)
    )


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
