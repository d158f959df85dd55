"""Bank matching: incoming bank lines that pay a contribution."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from samen.banking.matching import line_pays
from samen.funding.actions._common import _is_host_admin
from samen.funding.actions.contributions import contribution_mark_paid
from samen.funding.errors import FundingError, FundingErrorCode
from samen.funding.models import BankLine, Contribution, ContributionStatus, LineStatus, Method


def match_incoming_by_communication(line: BankLine) -> bool:
    """Matcher for incoming lines: the structured communication names the contribution.

    Overpayment is accepted as a bigger gift; underpayment is left for a host admin, who
    sees it among the suggestions.
    """
    if not line.structured_communication or not line_pays(line, incoming=True):
        return False
    contribution = (
        Contribution.objects.filter(
            structured_communication=line.structured_communication,
            collective__host_id=line.host_id,
            method=Method.BANK_TRANSFER,
        )
        .exclude(
            status__in=[
                ContributionStatus.PAID,
                ContributionStatus.REFUNDED,
                ContributionStatus.DISPUTED,
            ]
        )
        .first()
    )
    if contribution is None or not line_pays(line, incoming=True, at_least=contribution.amount):
        return False
    contribution_mark_paid(
        actor=None, contribution=contribution, bank_line=line, amount=line.amount
    )
    return True


@transaction.atomic
def contribution_confirm_bank_line(
    *, actor: Any, line: BankLine, contribution: Contribution
) -> Contribution:
    """A host admin says an unmatched line pays ``contribution`` (the amount that arrived)."""
    line = BankLine.objects.select_for_update(of=("self",)).get(pk=line.pk)
    contribution = Contribution.objects.select_related("collective__host").get(pk=contribution.pk)
    if not _is_host_admin(actor, contribution.collective):
        raise FundingError(FundingErrorCode.NOT_ALLOWED)
    if (
        line.status != LineStatus.UNMATCHED
        or not line_pays(line, incoming=True)
        or line.host_id != contribution.collective.host_id
        or contribution.method != Method.BANK_TRANSFER
        or contribution.status == ContributionStatus.PAID
    ):
        raise FundingError(FundingErrorCode.WRONG_STATE)
    return contribution_mark_paid(
        actor=actor, contribution=contribution, bank_line=line, amount=line.amount
    )
