"""The EPC QR code ("scan to pay") that European banking apps read to prefill a transfer."""

from __future__ import annotations

from decimal import Decimal

import segno
from segno import helpers

from samen.funding.models import Contribution


def epc_qr(contribution: Contribution) -> segno.QRCode | None:
    """The EPC QR code of a pending bank transfer (None when impossible).

    The structured communication goes in the structured remittance field, as Belgian banks
    expect; the amount is exact (Decimal from cents).
    """
    host = contribution.collective.host
    if host is None or not host.iban or not contribution.structured_communication:
        return None
    qr: segno.QRCode = helpers.make_epc_qr(
        name=(host.legal_name or host.name)[:70],
        iban=host.iban.replace(" ", ""),
        amount=Decimal(contribution.amount) / 100,
        reference=contribution.structured_communication,
        bic=host.bic or None,
    )
    return qr


def epc_qr_svg(contribution: Contribution) -> str:
    """``epc_qr`` as an inline SVG ("" when impossible)."""
    qr = epc_qr(contribution)
    if qr is None:
        return ""
    return str(
        qr.svg_inline(scale=4, title=None, svgclass="epc-qr", lineclass=None, omitsize=False)
    )
