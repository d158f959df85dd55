"""Invoicing in a person's data export and account erasure (docs/privacy.md)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.storage import storages
from django.utils import timezone, translation

from samen.accounts.actions import user_erase
from samen.invoicing import privacy
from samen.invoicing.actions import statements_run
from samen.invoicing.models import Document, DocumentKind, MemberBillingProfile, Statement
from samen.invoicing.tests.factories import issue, make_company_profile, session_cycle

pytestmark = pytest.mark.django_db

REASON = "invoices and credit notes (accounting records, kept 7 years)"


@pytest.fixture
def billed(community: Any, django_capture_on_commit_callbacks: Any) -> Any:
    """Chloé has a company on the host's documents; Bram gives her a session, so she gets
    an invoice (PDF and UBL) and he a credit note; the month's statements are made."""
    with django_capture_on_commit_callbacks(execute=True):
        session_cycle(community)
        make_company_profile(community.host, community.chloe, number="0417497106")
    # The profile came after the session: issue her a second invoice that carries it.
    with django_capture_on_commit_callbacks(execute=True):
        issue(community.host, community.chloe)
        statements_run(host=community.host, month=timezone.localdate().replace(day=1))
    return community


def test_export_holds_billing_profile_documents_and_statements(billed: Any) -> None:
    c = billed
    data = privacy.export_data(c.chloe)
    text = json.dumps(data)
    (profile,) = data["billing_profiles"]
    assert profile["host"] == "brussels-commons"
    assert profile["company_name"] == "Chloé BV"
    assert profile["enterprise_number"] == "0417497106"
    documents = data["documents"]
    assert [(d["kind"], d["payment_state"]) for d in documents] == [
        (DocumentKind.INVOICE, "open"),
        (DocumentKind.INVOICE, "open"),
    ]
    first, second = documents
    assert first["gross_total"] == "60.50"
    assert set(first["files"]) == {"pdf"}  # a private person then: no Peppol file
    assert set(second["files"]) == {"pdf", "ubl"}
    assert second["customer_name"] == "Chloé BV"
    (statement,) = data["statements"]
    assert statement["month"] == timezone.localdate().strftime("%Y-%m")
    assert statement["file"] == f"brussels-commons/statement-{statement['month']}.pdf"
    # Bram's credit note and anyone's e-mail address stay out.
    bram_note = Document.objects.get(customer=c.bram)
    assert bram_note.number not in text
    assert "@example.org" not in text


def test_export_files_are_the_rendered_pdf_and_ubl(billed: Any) -> None:
    data = privacy.export_data(billed.chloe)
    files = dict(privacy.export_files(billed.chloe))
    named = {name for d in data["documents"] for name in d["files"].values()}
    named.add(data["statements"][0]["file"])
    assert set(files) == named
    for name, content in files.items():
        assert content.startswith(b"<?xml" if name.endswith(".xml") else b"%PDF-"), name


def test_must_keep_names_the_documents_only_when_there_are_some(billed: Any) -> None:
    assert privacy.must_keep(billed.chloe) == REASON
    with translation.override("nl"):  # the delete page lists it in the person's language
        assert privacy.must_keep(billed.chloe) == (
            "facturen en creditnota's (boekhoudkundige stukken, 7 jaar bewaard)"
        )
    make_company_profile(billed.host, billed.eva, number="0202239951")
    assert privacy.must_keep(billed.eva) is None


def test_erasure_keeps_documents_as_issued_and_deletes_profile_and_statements(
    billed: Any, django_capture_on_commit_callbacks: Any
) -> None:
    c = billed
    chloe_id = c.chloe.pk
    storage = storages["private"]
    statement_pdf = Statement.objects.get(user=c.chloe).pdf_path
    invoice_pdfs = list(
        Document.objects.filter(customer=c.chloe).values_list("pdf_path", flat=True)
    )
    assert storage.exists(statement_pdf)

    with django_capture_on_commit_callbacks(execute=True):
        result = user_erase(actor=c.chloe, user=c.chloe)

    assert not result.deleted
    assert REASON in result.kept_because
    documents = Document.objects.filter(customer_id=chloe_id).select_related("customer")
    assert documents.count() == 2
    assert {d.customer.public_name for d in documents if d.customer} == {"Former member"}
    # The issued snapshot is the legal document: it keeps what was printed.
    assert {d.customer_name for d in documents} == {"Chloé", "Chloé BV"}
    assert all(storage.exists(path) for path in invoice_pdfs)
    assert not MemberBillingProfile.objects.filter(user_id=chloe_id).exists()
    assert not Statement.objects.filter(user_id=chloe_id).exists()
    assert not storage.exists(statement_pdf)
    # Bram's statement is his; a new run of the month makes none for the erased person.
    assert Statement.objects.filter(user=c.bram).exists()
    statements_run(host=c.host, month=timezone.localdate().replace(day=1))
    assert not Statement.objects.filter(user_id=chloe_id).exists()


def test_erasure_deletes_the_profile_of_someone_without_documents(
    billed: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_company_profile(billed.host, billed.eva, number="0202239951")
    with django_capture_on_commit_callbacks(execute=True):
        result = user_erase(actor=billed.eva, user=billed.eva)
    assert result.deleted
    assert not MemberBillingProfile.objects.filter(company_name="Eva BV").exists()
    assert MemberBillingProfile.objects.filter(user=billed.chloe).exists()
