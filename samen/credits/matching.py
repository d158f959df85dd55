"""Incoming bank lines that settle a member's credit debt, found by the member's settlement
communication (first digit 3, ``invoicing.actions.settlement_communication``); the shared
import lives in ``samen.banking``.

A line in euros for at most the euros that settle the member's debt (and their open
invoices still due) is booked as a settlement; anything else stays among the host's
unmatched lines, where ``explain_lines`` tells the host admin why.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _

from samen.banking.matching import LineNote, line_pays
from samen.credits.actions import Settled, settled_by, settlement_check, settlement_record
from samen.credits.errors import CreditsError
from samen.credits.models import CreditScheme
from samen.credits.queries import open_invoices_due
from samen.invoicing.actions import settlement_communication
from samen.invoicing.models import SETTLEMENT_DIGIT
from samen.ledger.models import Account, AccountPurpose
from samen.ledger.queries import account_totals


def member_id_of(communication: str) -> int | None:
    """The member id a settlement communication names, or None for any other."""
    if len(communication) != 12 or not communication.startswith(SETTLEMENT_DIGIT):
        return None
    member_id = int(communication[1:10])
    if not member_id or settlement_communication(member_id) != communication:
        return None
    return member_id


def _candidate(line: Any) -> int | None:
    if line.amount <= 0 or not line.structured_communication:
        return None
    return member_id_of(line.structured_communication)


def match_settlement(line: Any) -> bool:
    """The matcher registered with the shared bank import.

    Claims an incoming euro line carrying a member's settlement communication, of a host
    with a credit scheme, when ``settlement_record`` accepts it: the open invoices are paid,
    the credits restored and the line marked matched, in the import's transaction. Safe to
    run twice on a line: the second run finds the settlement.
    """
    member_id = _candidate(line)
    if member_id is None or not line_pays(line, incoming=True):
        return False
    scheme = CreditScheme.objects.select_related("unit", "host").filter(host=line.host_id).first()
    member = get_user_model().objects.filter(pk=member_id).first()
    if scheme is None or member is None:
        return False
    try:
        settlement_record(
            actor=None,
            scheme=scheme,
            member=member,
            amount=line.amount,
            paid_on=line.booking_date,
            bank_line=line,
        )
    except CreditsError:
        # No debt, more than the debt or the open invoices: the line waits for a host
        # admin, who is told why by ``explain_lines``.
        return False
    return True


def explain_lines(lines: Sequence[Any]) -> dict[int, LineNote]:
    """Why unmatched lines carrying a settlement communication were not booked.

    Registered with the shared bank import, whose list of lines to look at shows the reason
    next to each line. A fixed number of queries per host, whatever the number of lines.
    """
    candidates: dict[int, list[tuple[Any, int]]] = defaultdict(list)
    for line in lines:
        member_id = _candidate(line)
        if member_id is not None:
            candidates[line.host_id].append((line, member_id))
    notes: dict[int, LineNote] = {}
    for host_id, found in candidates.items():
        scheme = CreditScheme.objects.select_related("unit", "host").filter(host=host_id).first()
        if scheme is None:
            continue
        member_ids = {member_id for _line, member_id in found}
        people = get_user_model().objects.in_bulk(member_ids)
        wallets = dict(
            Account.objects.filter(
                unit=scheme.unit, purpose=AccountPurpose.CREDIT_WALLET, user_id__in=member_ids
            ).values_list("pk", "user_id")
        )
        debts = {wallets[pk]: -int(total) for pk, total in account_totals(list(wallets)).items()}
        open_due = open_invoices_due(scheme, list(member_ids))
        settled = settled_by(scheme, list(member_ids))
        url = reverse("credits:settlements", args=[scheme.host.slug])
        for line, member_id in found:
            member = people.get(member_id)
            if member is None:
                continue
            notes[line.pk] = LineNote(
                text=_reason(
                    scheme,
                    member,
                    line,
                    debts.get(member_id, 0),
                    open_due.get(member_id, Decimal("0.00")),
                    settled.get(member_id, Settled()),
                ),
                url=f"{url}?member={member_id}&line={line.pk}#settle",
            )
    return notes


def _reason(
    scheme: CreditScheme, member: Any, line: Any, debt: int, open_due: Decimal, settled: Settled
) -> str:
    name = member.public_name
    if line.currency != "EUR":
        return _("A credit settlement of %(name)s is paid in euros only.") % {"name": name}
    try:
        settlement_check(scheme, member, line.amount, debt, open_due, settled)
    except CreditsError as exc:
        return _(
            "Not booked as a credit settlement of %(name)s: %(reason)s Refund it, or book "
            "what applies by hand, then set this line aside."
        ) % {"name": name, "reason": exc.message}
    return _("Could settle the credit debt of %(name)s.") % {"name": name}
