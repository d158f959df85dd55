"""The EPC QR code ("scan to pay") that European banking apps read to prefill a transfer.

One builder for every payable thing (a pending contribution, an open invoice), so every QR
Samen prints carries the same payload: a structured communication goes in the structured
remittance field, where Belgian banking apps look for it, never in the free text.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import segno
from segno import helpers

# ISO/IEC 18004 asks for a quiet zone of four modules around a QR code; with less, some
# scanners (and printers cropping the margin) fail to read it.
QUIET_ZONE = 4


@dataclass(frozen=True)
class Transfer:
    """What a payer's banking app should prefill: payee, account, amount and communication.

    ``reference`` is a structured communication (12 digits), ``text`` free remittance text;
    the EPC format allows one of the two, and a reference always wins.
    """

    name: str
    iban: str
    amount_cents: int
    reference: str = ""
    text: str = ""
    bic: str = ""


def epc_qr(transfer: Transfer) -> segno.QRCode | None:
    """The EPC QR code for ``transfer``; None without an account or an amount to pay."""
    iban = (transfer.iban or "").replace(" ", "").upper()
    if not iban or transfer.amount_cents <= 0:
        return None
    qr: segno.QRCode = helpers.make_epc_qr(
        name=transfer.name[:70],
        iban=iban,
        amount=Decimal(transfer.amount_cents) / 100,
        reference=transfer.reference or None,
        text=None if transfer.reference else (transfer.text[:140] or None),
        bic=transfer.bic or None,
    )
    return qr


def epc_qr_svg_inline(transfer: Transfer) -> str:
    """The EPC QR code as an inline ``<svg>`` for web pages ("" when impossible)."""
    qr = epc_qr(transfer)
    if qr is None:
        return ""
    return str(
        qr.svg_inline(
            scale=4,
            border=QUIET_ZONE,
            title=None,
            svgclass="epc-qr",
            lineclass=None,
            omitsize=False,
        )
    )


def epc_qr_data_uri(transfer: Transfer) -> str:
    """The EPC QR code as an SVG data URI for PDFs ("" when impossible)."""
    qr = epc_qr(transfer)
    if qr is None:
        return ""
    return str(qr.svg_data_uri(scale=3, border=QUIET_ZONE))
