"""Bank matching: incoming bank lines that pay a contribution."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from samen.audit.actions import audit_record
from samen.banking.matching import line_pays
from samen.communities.models import Collective
from samen.funding.actions._common import _is_host_admin
from samen.funding.actions.contributions import contribution_mark_paid
from samen.funding.errors import FundingError, FundingErrorCode
from samen.funding.models import BankLine, Contribution, ContributionStatus, LineStatus, Method
from samen.lib.money import AmountKind, check_amount


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


def _earlier_gift(line: BankLine, collective: Collective) -> Contribution | None:
    """The gift this line was already booked as, to this collective: a repeated request
    (a double click, a retried form) gets it back instead of an error."""
    if line.status != LineStatus.MATCHED:
        return None
    return Contribution.objects.filter(bank_line=line, collective=collective).first()


@transaction.atomic
def contribution_from_bank_line(
    *, actor: Any, line: BankLine, collective: Collective, language: str = "en"
) -> Contribution:
    """A host admin books an unmatched incoming line as a gift to one of its collectives.

    For a transfer that came without a contribution (say "gift voor de moestuin"): a paid
    bank-transfer contribution of the amount that arrived is made and booked in one step.
    The sender never chose to appear in public, so the gift is shown without their name;
    the name stays with the host, as on the bank line. The line is locked first: booked
    once, whoever asks again (at the same time, or later) gets the same gift back for the
    same collective, and a refusal for another.
    """
    line = BankLine.objects.select_for_update(of=("self",)).get(pk=line.pk)
    collective = Collective.objects.select_related("host").get(pk=collective.pk)
    if not _is_host_admin(actor, collective):
        raise FundingError(FundingErrorCode.NOT_ALLOWED)
    earlier = _earlier_gift(line, collective)
    if earlier is not None:
        return earlier
    if (
        line.status != LineStatus.UNMATCHED
        or not line_pays(line, incoming=True)
        or line.host_id != collective.host_id
    ):
        raise FundingError(FundingErrorCode.WRONG_STATE)
    if not collective.can_receive_money:
        raise FundingError(FundingErrorCode.NOT_HOSTED)
    contribution = Contribution.objects.create(
        collective=collective,
        guest_name=line.counterparty_name[:140],
        is_incognito=True,
        language=(language or "en")[:5],
        amount=check_amount(line.amount, 2, kind=AmountKind.CONTRIBUTION),
        method=Method.BANK_TRANSFER,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="funding.contribution_from_bank_line",
        target=contribution,
        host=collective.host,
        data={"line": line.pk, "amount": line.amount},
    )
    return contribution_mark_paid(
        actor=actor, contribution=contribution, bank_line=line, amount=line.amount
    )
