"""SEPA credit transfer files (pain.001) from the host's account, built with sepaxml.

The one pain.001 builder: funding's refunds and expenses' payout batches both describe
their transfers as :class:`Payment` and get a file validated against the bank's schema.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from sepaxml import SepaTransfer
from sepaxml.validation import ValidationError as SepaValidationError

from samen.banking.rules import (
    InvalidBankDetail,
    bic_of,
    bic_required,
    iban_in_sepa,
    parse_iban,
)
from samen.communities.models import Host

SCHEMA_V03 = "pain.001.001.03"
SCHEMA_V09 = "pain.001.001.09"


class SepaFileError(ValueError):
    """The file cannot be written; ``message`` tells the host admin why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Payment:
    """One credit transfer: to whom, how much (cents), why, and the id the bank echoes."""

    name: str
    iban: str
    amount_cents: int
    description: str
    end_to_end_id: str
    bic: str = ""


def pain001(
    *,
    host: Host,
    payments: Sequence[Payment],
    execution_date: date,
    schema: str = SCHEMA_V03,
    message_id: str = "",
) -> str:
    """A pain.001 file paying ``payments`` from ``host``'s account on ``execution_date``.

    Raises :class:`SepaFileError` when the host has no valid IBAN or the file would not be
    valid. ``message_id`` lets two versions of one batch carry the same id.
    """
    try:
        debtor = parse_iban(host.iban)
    except InvalidBankDetail:
        raise SepaFileError(_("The host has no valid IBAN to pay from.")) from None
    config: dict[str, Any] = {
        "name": (host.legal_name or host.name)[:70],
        "IBAN": debtor.compact,
        "batch": True,
        "currency": "EUR",
    }
    bic = host.bic or bic_of(debtor)
    if bic:
        config["BIC"] = bic
    transfer = SepaTransfer(config, schema=schema, clean=True)
    if message_id:
        header_id = transfer._xml.find("CstmrCdtTrfInitn/GrpHdr/MsgId")
        if header_id is not None:
            header_id.text = message_id
    for payment in payments:
        _check_payee(payment)
        entry: dict[str, Any] = {
            "name": (payment.name or "?")[:70],
            "IBAN": payment.iban,
            "amount": payment.amount_cents,
            "execution_date": execution_date,
            "description": payment.description[:140],
            "endtoend_id": payment.end_to_end_id,
        }
        if payment.bic:
            entry["BIC"] = payment.bic
        transfer.add_payment(entry)
    try:
        # export() validates against sepaxml's bundled XSD when xmlschema is installed.
        return str(transfer.export(validate=True).decode("utf-8"))
    except SepaValidationError as exc:
        raise SepaFileError(
            _("The SEPA file would not be valid: %(error)s") % {"error": exc}
        ) from exc


def _check_payee(payment: Payment) -> None:
    """A bank refuses the whole file for one payee it cannot reach: say which, and why."""
    try:
        iban = parse_iban(payment.iban)
    except InvalidBankDetail:
        raise SepaFileError(
            _("The IBAN of %(name)s is not valid.") % {"name": payment.name}
        ) from None
    if not iban_in_sepa(iban):
        raise SepaFileError(
            _("%(name)s's account (%(country)s) cannot receive a SEPA transfer.")
            % {"name": payment.name, "country": iban.country_code}
        )
    if bic_required(iban) and not payment.bic:
        raise SepaFileError(
            _("A transfer to %(name)s's account (%(country)s) needs the bank's BIC.")
            % {"name": payment.name, "country": iban.country_code}
        )


def end_to_end_ids(xml: str) -> list[str]:
    """The end-to-end ids in a pain.001 file (used by tests and the dashboard)."""
    root = ET.fromstring(xml)  # noqa: S314
    return [el.text or "" for el in root.iter() if el.tag.endswith("EndToEndId")]
