"""SEPA credit transfer files (pain.001) for a batch of expenses, built with sepaxml."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from sepaxml import SepaTransfer
from sepaxml.validation import ValidationError as SepaValidationError

from samen.communities.models import Host
from samen.expenses.errors import ExpenseError, ExpenseErrorCode
from samen.expenses.models import Expense

SCHEMAS = ("pain.001.001.03", "pain.001.001.09")


@dataclass(frozen=True)
class CreditTransferFiles:
    message_id: str
    v03: str
    v09: str


def _build(
    host: Host, expenses: Sequence[Expense], execution_date: date, schema: str, msg_id: str
) -> str:
    from samen.expenses.actions import normalise_iban

    debtor = normalise_iban(host.iban) if host.iban else None
    if debtor is None:
        raise ExpenseError(ExpenseErrorCode.NO_HOST_IBAN)
    config: dict[str, Any] = {
        "name": (host.legal_name or host.name)[:70],
        "IBAN": debtor.compact,
        "batch": True,
        "currency": "EUR",
    }
    bic = host.bic or (str(debtor.bic) if debtor.bic else "")
    if bic:
        config["BIC"] = bic
    transfer = SepaTransfer(config, schema=schema, clean=True)
    # Both files carry the same message id so the bank and the host speak of one batch.
    header_id = transfer._xml.find("CstmrCdtTrfInitn/GrpHdr/MsgId")
    if header_id is not None:
        header_id.text = msg_id
    for expense in expenses:
        method = expense.payout_method
        payment: dict[str, Any] = {
            "name": method.account_holder,
            "IBAN": method.iban,
            "amount": expense.amount,
            "execution_date": execution_date,
            "description": f"{expense.title} (Samen {expense.pk})",
            "endtoend_id": expense.end_to_end_id,
        }
        if method.bic:
            payment["BIC"] = method.bic
        transfer.add_payment(payment)
    try:
        # export() validates against sepaxml's bundled XSD when xmlschema is installed.
        return transfer.export(validate=True).decode("utf-8")
    except SepaValidationError as exc:
        raise ExpenseError(
            ExpenseErrorCode.INVALID,
            _("The SEPA file would not be valid: %(error)s") % {"error": exc},
        ) from exc


def build_credit_transfer(
    *, host: Host, expenses: Sequence[Expense], execution_date: date
) -> CreditTransferFiles:
    """Both pain.001 versions for ``expenses`` (which carry their end-to-end ids)."""
    msg_id = f"SAMEN-{host.pk}-{timezone.now():%Y%m%d%H%M%S}-{expenses[0].pk}"[:35]
    v03 = _build(host, expenses, execution_date, "pain.001.001.03", msg_id)
    v09 = _build(host, expenses, execution_date, "pain.001.001.09", msg_id)
    return CreditTransferFiles(message_id=msg_id, v03=v03, v09=v09)


def end_to_end_ids(xml: str) -> list[str]:
    """The end-to-end ids in a pain.001 file (used by tests and the dashboard)."""
    root = ET.fromstring(xml)  # noqa: S314
    return [el.text or "" for el in root.iter() if el.tag.endswith("EndToEndId")]
