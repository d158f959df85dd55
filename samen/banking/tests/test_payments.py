"""Issue 10, items 10 and 11: one EPC QR builder, and SEPA files only for SEPA accounts."""

from __future__ import annotations

import base64
import re
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from urllib.parse import unquote

import pytest
from segno import helpers

from samen.banking.epc import QUIET_ZONE, Transfer, epc_qr
from samen.banking.sepa import Payment, SepaFileError, pain001
from samen.communities.models import Host
from samen.expenses import actions
from samen.expenses.errors import ExpenseError, ExpenseErrorCode
from samen.invoicing.models import DocumentKind
from samen.invoicing.rendering import epc_qr_svg

BRAZIL = "BR1800360305000010009795493C1"
SWITZERLAND = "CH9300762011623852957"


def _svg_width(data_uri: str) -> int:
    payload = data_uri.split(",", 1)[1]
    svg = base64.b64decode(payload).decode() if ";base64" in data_uri else unquote(payload)
    match = re.search(r"width=['\"](\d+)", svg)
    assert match
    return int(match.group(1))


def test_invoice_qr_uses_the_structured_reference_and_a_four_module_quiet_zone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: dict[str, Any] = {}
    real = helpers.make_epc_qr

    def spy(**kwargs: Any) -> Any:
        seen.update(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(helpers, "make_epc_qr", spy)
    invoice = SimpleNamespace(
        kind=DocumentKind.INVOICE,
        gross_total=Decimal("60.50"),
        issuer_name="Brussels Commons",
        issuer_iban="BE68539007547034",
        issuer_bic="",
        structured_communication="125000012320",
        communication_display="+++125/0000/12320+++",
        is_sale=False,
    )
    uri = epc_qr_svg(invoice)  # type: ignore[arg-type]
    assert seen["reference"] == invoice.structured_communication
    assert not seen.get("text")
    qr = epc_qr(
        Transfer(
            name="Brussels Commons",
            iban="BE68539007547034",
            amount_cents=6050,
            reference=invoice.structured_communication,
        )
    )
    assert qr is not None
    assert _svg_width(uri) == qr.symbol_size(scale=3, border=QUIET_ZONE)[0]


def test_payout_to_an_account_outside_sepa_is_refused(community) -> None:
    with pytest.raises(ExpenseError) as error:
        actions.payout_method_create(actor=community.chloe, iban=BRAZIL, account_holder="Chloé")
    assert error.value.code == ExpenseErrorCode.NOT_SEPA


def test_swiss_payout_needs_a_bic(community) -> None:
    with pytest.raises(ExpenseError) as error:
        actions.payout_method_create(
            actor=community.chloe, iban=SWITZERLAND, account_holder="Chloé"
        )
    assert error.value.code == ExpenseErrorCode.BIC_REQUIRED
    method = actions.payout_method_create(
        actor=community.chloe, iban=SWITZERLAND, account_holder="Chloé", bic="UBSWCHZH80A"
    )
    assert method.bic == "UBSWCHZH80A"


@pytest.mark.parametrize(
    ("iban", "bic", "message"),
    [(BRAZIL, "", "cannot receive a SEPA transfer"), (SWITZERLAND, "", "needs the bank's BIC")],
)
def test_pain001_refuses_payees_a_bank_would_reject(db, iban: str, bic: str, message: str) -> None:
    host = Host.objects.create(name="Host", slug="host", iban="BE68539007547034")
    payment = Payment(
        name="Payee", iban=iban, bic=bic, amount_cents=1000, description="x", end_to_end_id="E1"
    )
    with pytest.raises(SepaFileError) as error:
        pain001(host=host, payments=[payment], execution_date=date(2026, 12, 4))
    assert message in error.value.message


def test_pain001_pays_a_swiss_payee_with_a_bic(db) -> None:
    host = Host.objects.create(name="Host", slug="host", iban="BE68539007547034")
    payment = Payment(
        name="Payee",
        iban=SWITZERLAND,
        bic="UBSWCHZH80A",
        amount_cents=1000,
        description="x",
        end_to_end_id="E1",
    )
    xml = pain001(host=host, payments=[payment], execution_date=date(2026, 12, 4))
    assert "UBSWCHZH80A" in xml
