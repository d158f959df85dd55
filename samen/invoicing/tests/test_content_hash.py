"""The documents' content hash is a stored format: every issued document keeps it, and a
retry is compared with it, so its canonical text (sorted keys, no spaces, UTF-8 as is,
optional fields only when set) must never change. Written against the survivors of
``make mutation`` on ``invoicing/actions.py``."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from types import SimpleNamespace

import pytest

from samen.invoicing.actions import LineInput, SaleBuyer, _issued_before, document_content_hash
from samen.invoicing.errors import InvoicingError, InvoicingErrorCode
from samen.invoicing.models import Document
from samen.invoicing.tests.factories import issue, make_host


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_a_plain_documents_hash() -> None:
    digest = document_content_hash(
        host=SimpleNamespace(pk=3),
        customer=None,
        kind="invoice",
        lines=[LineInput("Atelier", Decimal("2"), Decimal("12.50"), None)],
        delivery_date=None,
        corrects=None,
        note="",
    )
    assert digest == _sha(
        '{"corrects":null,"customer":null,"delivery_date":null,"host":3,"kind":"invoice",'
        '"lines":[["Atelier","2","12.5",null,""]],"note":""}'
    )


def test_every_field_of_a_documents_hash() -> None:
    digest = document_content_hash(
        host=SimpleNamespace(pk=3),
        customer=SimpleNamespace(pk=5),
        kind="credit_note",
        lines=[
            LineInput("Séance", Decimal("1.000"), Decimal("50.00"), Decimal("21.00"), "SIF", True)
        ],
        delivery_date=dt.date(2026, 10, 25),
        corrects=SimpleNamespace(pk=9),  # type: ignore[arg-type]
        note="Correction",
        self_billed=True,
        sale=SaleBuyer(name="Zoë", email="zoe@example.org"),
    )
    assert digest == _sha(
        '{"corrects":9,"customer":5,"delivery_date":"2026-10-25","host":3,"kind":"credit_note",'
        '"lines":[["Séance","1","5E+1","21","SIF","incl"]],"note":"Correction",'
        '"sale":{"customer_address":"","customer_country":"BE","customer_email":'
        '"zoe@example.org","customer_enterprise_number":"","customer_name":"Zoë",'
        '"customer_vat_number":""},"self_billed":true}'
    )


@pytest.mark.django_db
def test_a_document_without_a_hash_is_not_the_same_as_one_without_a_customer(anna) -> None:
    """Documents from before the hash are compared on parties and kind: asked again with
    no customer, the key used for anna's invoice is a conflict, not a crash."""
    host = make_host()
    first = issue(host, anna, idempotency_key="old")
    Document.objects.filter(pk=first.pk).update(content_hash="")
    with pytest.raises(InvoicingError) as refused:
        _issued_before("old", "new content", host, None, first.kind)
    assert refused.value.code == InvoicingErrorCode.IDEMPOTENCY_CONFLICT
