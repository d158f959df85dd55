"""The host's SEPA refund file: a pain.001 credit transfer for bank-transfer refunds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.utils import timezone
from sepaxml import SepaTransfer
from sepaxml.validation import ValidationError as SepaValidationError

from samen.communities.models import Host
from samen.funding.errors import FundingError, FundingErrorCode
from samen.funding.models import Contribution

SCHEMA = "pain.001.001.03"


def refund_end_to_end_id(contribution: Contribution) -> str:
    return f"SAMEN-REFUND-{contribution.pk}"


def build_refund_file(
    *, host: Host, refunds: Sequence[Contribution], execution_date: date | None = None
) -> str:
    """pain.001 for the refunds that know the payer's IBAN (others are paid by hand).

    Raises FundingError(WRONG_STATE) when the host has no IBAN or nothing can be paid.
    """
    payable = [r for r in refunds if r.refund_iban]
    if not host.iban or not payable:
        raise FundingError(FundingErrorCode.WRONG_STATE)
    config: dict[str, Any] = {
        "name": (host.legal_name or host.name)[:70],
        "IBAN": "".join(host.iban.split()).upper(),
        "batch": True,
        "currency": "EUR",
    }
    if host.bic:
        config["BIC"] = host.bic
    transfer = SepaTransfer(config, schema=SCHEMA, clean=True)
    when = execution_date or timezone.localdate()
    for refund in payable:
        payee = refund.bank_line.counterparty_name if refund.bank_line else refund.private_name
        transfer.add_payment(
            {
                "name": (payee or refund.private_name or "?")[:70],
                "IBAN": refund.refund_iban,
                "amount": refund.amount,
                "execution_date": when,
                "description": f"Refund {refund.formatted_communication}"[:140],
                "endtoend_id": refund_end_to_end_id(refund),
            }
        )
    try:
        return str(transfer.export(validate=True).decode("utf-8"))
    except SepaValidationError as exc:
        raise FundingError(FundingErrorCode.WRONG_STATE, str(exc)) from exc
