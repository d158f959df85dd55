from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from samen.invoicing.models import Document, DocumentKind, MemberBillingProfile
from samen.invoicing.tests.factories import issue, session_cycle

pytestmark = pytest.mark.django_db


def test_member_sees_and_downloads_own_documents_only(client, community):
    session_cycle(community)
    note = Document.objects.get(customer=community.bram)
    invoice = Document.objects.get(customer=community.chloe)
    client.force_login(community.bram)
    mine = client.get(reverse("invoicing:mine")).content.decode()
    assert note.number in mine
    assert invoice.number not in mine
    pdf = client.get(reverse("invoicing:document_pdf", args=[note.pk]))
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    ubl = client.get(reverse("invoicing:document_ubl", args=[note.pk]))
    assert b"".join(ubl.streaming_content).startswith(b"<?xml")
    for url in ("invoicing:document", "invoicing:document_pdf"):
        assert client.get(reverse(url, args=[invoice.pk])).status_code == 404
    # Chloé has no enterprise number: no UBL for her.
    client.force_login(community.chloe)
    assert client.get(reverse("invoicing:document_ubl", args=[invoice.pk])).status_code == 404
    # The host's accountant sees every document.
    client.force_login(community.femke)
    assert client.get(reverse("invoicing:document", args=[invoice.pk])).status_code == 200
    client.logout()
    assert client.get(reverse("invoicing:document", args=[invoice.pk])).status_code == 302


def test_billing_profile_form_validates_the_enterprise_number(client, community):
    client.force_login(community.anna)
    url = reverse("invoicing:billing_profile", args=[community.host.slug])
    bad = client.post(url, {"enterprise_number": "0123456789", "country": "BE"})
    assert bad.status_code == 400
    assert not MemberBillingProfile.objects.exists()
    good = client.post(
        url, {"enterprise_number": "0202.239.951", "company_name": "Anna BV", "country": "BE"}
    )
    assert good.status_code == 302
    assert MemberBillingProfile.objects.get().enterprise_number == "0202239951"


def test_host_export_download_and_command(client, community, tmp_path):
    session_cycle(community)
    period = timezone.localdate().strftime("%Y-%m")
    client.force_login(community.femke)
    response = client.get(
        reverse("invoicing:host_export", args=[community.host.slug]), {"period": period}
    )
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    invoice = Document.objects.get(kind=DocumentKind.INVOICE)
    note = Document.objects.get(kind=DocumentKind.CREDIT_NOTE)
    assert {
        f"pdf/{invoice.number}.pdf",
        f"pdf/{note.number}.pdf",
        f"ubl/{note.number}.xml",
    } <= names
    rows = list(csv.DictReader(io.StringIO(archive.read(f"journal-{period}.csv").decode())))
    by_account = {(r["number"], r["account"]): r for r in rows}
    assert by_account[(invoice.number, "400000")]["debit"] == "60.50"
    assert by_account[(invoice.number, "700000")]["credit"] == "50.00"
    assert by_account[(invoice.number, "451000")]["credit"] == "10.50"
    assert by_account[(invoice.number, "451000")]["vat_code"] == "S21"
    assert by_account[(note.number, "400000")]["credit"] == "60.50"
    client.force_login(community.chloe)
    assert (
        client.get(reverse("invoicing:host_documents", args=[community.host.slug])).status_code
        == 403
    )

    call_command(
        "invoicing_export",
        "--host",
        community.host.slug,
        "--period",
        period,
        "--out",
        str(tmp_path),
    )
    assert (tmp_path / f"journal-{period}.csv").exists()
    assert (tmp_path / "ubl" / f"{note.number}.xml").exists()


def test_document_list_query_count_does_not_grow(client, community, django_assert_max_num_queries):
    client.force_login(community.chloe)
    issue(community.host, community.chloe)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("invoicing:mine"))
    for _ in range(10):
        issue(community.host, community.chloe)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("invoicing:mine"))


def test_host_admin_marks_paid_and_corrects(client, community):
    session_cycle(community)
    invoice = Document.objects.get(kind=DocumentKind.INVOICE)
    url = reverse("invoicing:document_manage", args=[invoice.pk])
    client.force_login(community.chloe)  # the member sees it but may not manage it
    assert client.post(url, {"action": "paid"}).status_code == 403
    client.force_login(community.anna)
    response = client.post(url, {"action": "correct", "reason": "Session cancelled"})
    note = Document.objects.get(corrects=invoice)
    assert response.url == reverse("invoicing:document", args=[note.pk])
    invoice.refresh_from_db()
    assert invoice.status == "credited"
    other = Document.objects.get(kind=DocumentKind.CREDIT_NOTE, corrects__isnull=True)
    assert client.post(f"/api/v1/invoicing/documents/{other.pk}/paid").json()["status"] == "paid"
    assert client.post(f"/api/v1/invoicing/documents/{other.pk}/paid").status_code == 409
