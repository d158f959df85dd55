"""VAT by the provider's status: the document Chloé gets for a session she gives Bram.

A private person and an exempt small enterprise get a credit note without VAT and with the
legal mention; a VAT-registered member a credit note with 21 % VAT; a VAT-registered member
who agreed to self-billing a self-billed invoice (UBL 389, Peppol BIS Self-Billing 3.0).
Every UBL passes the official Peppol rules (docs/credits.md promises each case).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from samen.audit.models import AuditEntry
from samen.credits.actions import delivery_confirm, delivery_record
from samen.credits.tests.factories import make_scheme
from samen.invoicing.actions import LineInput, billing_profile_save, document_issue
from samen.invoicing.compensation import net_position
from samen.invoicing.errors import InvoicingError, InvoicingErrorCode
from samen.invoicing.models import (
    Document,
    DocumentKind,
    MemberBillingProfile,
    NumberCounter,
    PaymentState,
)
from samen.invoicing.rendering import document_html, document_ubl
from samen.invoicing.tests.peppol import fatal_findings
from samen.invoicing.vat import return_grids

pytestmark = pytest.mark.django_db

SMALL = {"enterprise_number": "0712345630", "vat_number": "BE0712345630"}


def _profile(
    community: Any,
    status: str,
    self_billing: bool | None = None,
    numbers: dict[str, str] | None = None,
) -> Any:
    numbers = numbers or {}
    return billing_profile_save(
        actor=community.anna,
        host=community.host,
        user=community.chloe,
        company_name="Lambert Conseil" if numbers else "",
        address="Rue Haute 5\n1000 Bruxelles",
        vat_status=status,
        self_billing=self_billing,
        **numbers,
    )


def _chloe_gives_a_session(scheme: Any, community: Any) -> Document:
    delivery = delivery_record(
        actor=community.chloe,
        scheme=scheme,
        service_code="session",
        on=timezone.localdate(),
        member=community.bram,
    )
    delivery_confirm(actor=community.bram, delivery=delivery)
    return Document.objects.get(customer=community.chloe)


def _grids(document: Document) -> list[tuple[str, str, Decimal, Decimal]]:
    return [
        (*return_grids(kind=document.kind, corrects=False, category=r.category, rate=r.rate),
         r.taxable, r.amount)
        for r in document.vat_rows.all()
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("status", "numbers", "category", "mention", "grids"),
    [
        ("private", {}, "O", "not a taxable person", ("", "")),
        ("small", SMALL, "E", "article 56bis", ("82", "59")),
    ],
)
def test_a_provider_who_charges_no_vat_gets_a_credit_note_without_vat(
    community, tmp_path, status, numbers, category, mention, grids
):
    scheme = make_scheme(community)
    _profile(community, status, numbers=numbers)
    note = _chloe_gives_a_session(scheme, community)
    assert (note.kind, note.self_billed, note.number[:3]) == (
        DocumentKind.CREDIT_NOTE,
        False,
        "CN-",
    )
    assert (note.net_total, note.vat_total, note.gross_total) == (
        Decimal("50.00"),
        Decimal("0.00"),
        Decimal("50.00"),
    )
    (row,) = note.vat_rows.all()
    assert row.category == category
    assert mention in row.exemption_reason
    assert mention in document_html(note)
    assert _grids(note) == [(*grids, Decimal("50.00"), Decimal("0.00"))]
    if status == "private":
        assert not note.has_ubl  # a private person is not on Peppol
    else:
        xml = document_ubl(note)
        assert b"<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>" in xml
        assert fatal_findings(xml, tmp_path, f"{note.number}.xml") == []

    # Chloé receives a session: the invoice carries VAT, her credit note none. The VAT is
    # not offset, and her pages say so, with the amount.
    delivery = delivery_record(
        actor=community.bram,
        scheme=scheme,
        service_code="session",
        on=timezone.localdate(),
        member=community.chloe,
    )
    delivery_confirm(actor=community.chloe, delivery=delivery)
    position = net_position(community.host, community.chloe)
    assert (position.amount, position.vat_not_offset) == (Decimal("10.50"), Decimal("10.50"))


def test_a_vat_registered_provider_gets_a_credit_note_with_vat(community, tmp_path):
    scheme = make_scheme(community)
    _profile(community, "registered", numbers=SMALL)
    note = _chloe_gives_a_session(scheme, community)
    assert (note.kind, note.self_billed) == (DocumentKind.CREDIT_NOTE, False)
    assert (note.vat_total, note.gross_total) == (Decimal("10.50"), Decimal("60.50"))
    assert _grids(note) == [("82", "59", Decimal("50.00"), Decimal("10.50"))]
    xml = document_ubl(note)
    assert b"<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>" in xml
    assert fatal_findings(xml, tmp_path, f"{note.number}.xml") == []


def test_a_registered_provider_who_agreed_gets_a_self_billed_invoice(community, tmp_path):
    scheme = make_scheme(community)
    _profile(community, "registered", self_billing=True, numbers=SMALL)
    document = _chloe_gives_a_session(scheme, community)
    assert document.self_billed
    assert document.kind == DocumentKind.CREDIT_NOTE  # what the host owes the member
    assert document.number == f"SB-{document.year}-000001"
    assert (document.vat_total, document.gross_total) == (Decimal("10.50"), Decimal("60.50"))
    assert _grids(document) == [("82", "59", Decimal("50.00"), Decimal("10.50"))]
    html = document_html(document)
    assert "Self-billed invoice" in html
    assert "Self-billing: invoice issued by the customer on behalf of the supplier" in html
    xml = document_ubl(document)
    assert b"<cbc:InvoiceTypeCode>389</cbc:InvoiceTypeCode>" in xml
    assert b"poacc:selfbilling:3.0" in xml
    seller = xml.split(b"AccountingSupplierParty")[1]
    assert b"BE0712345630" in seller  # Chloé sells; the host buys and issues
    assert fatal_findings(xml, tmp_path, f"{document.number}.xml") == []

    # It is set off like a credit note against the invoice of a session she receives.
    delivery = delivery_record(
        actor=community.bram,
        scheme=scheme,
        service_code="session",
        on=timezone.localdate(),
        member=community.chloe,
    )
    delivery_confirm(actor=community.chloe, delivery=delivery)
    document.refresh_from_db()
    assert document.payment_state == PaymentState.COMPENSATED
    assert net_position(community.host, community.chloe).amount == 0


def test_a_registered_status_needs_a_valid_vat_number(community):
    make_scheme(community)
    before = AuditEntry.objects.count()
    with pytest.raises(InvoicingError) as refused:
        _profile(community, "registered")
    assert refused.value.code == InvoicingErrorCode.REGISTERED_NEEDS_VAT_NUMBER
    with pytest.raises(InvoicingError) as refused:
        _profile(community, "registered", numbers={"vat_number": "BE0712345631"})
    assert refused.value.code == InvoicingErrorCode.BAD_VAT_NUMBER
    with pytest.raises(InvoicingError) as refused:
        _profile(community, "private", numbers=SMALL)
    assert refused.value.code == InvoicingErrorCode.PRIVATE_WITH_ENTERPRISE
    assert not MemberBillingProfile.objects.filter(user=community.chloe).exists()
    assert AuditEntry.objects.count() == before


def test_no_self_billed_invoice_without_the_providers_agreement(community):
    make_scheme(community)
    with pytest.raises(InvoicingError) as refused:
        _profile(community, "small", self_billing=True, numbers=SMALL)
    assert refused.value.code == InvoicingErrorCode.SELF_BILLING_NOT_AGREED
    _profile(community, "registered", numbers=SMALL)
    line = LineInput("Session", Decimal("1"), Decimal("50.00"), Decimal(21))
    for kind in (DocumentKind.CREDIT_NOTE, DocumentKind.INVOICE):
        with pytest.raises(InvoicingError) as refused:
            document_issue(
                actor=None,
                host=community.host,
                customer=community.chloe,
                kind=kind,
                lines=[line],
                idempotency_key=f"sb-{kind}",
                self_billed=True,
            )
        assert refused.value.code == InvoicingErrorCode.SELF_BILLING_NOT_AGREED
    # Agreed from today: not for a document dated before the agreement.
    _profile(community, "registered", self_billing=True, numbers=SMALL)
    with pytest.raises(InvoicingError):
        document_issue(
            actor=None,
            host=community.host,
            customer=community.chloe,
            kind=DocumentKind.CREDIT_NOTE,
            lines=[line],
            idempotency_key="sb-early",
            issue_date=timezone.localdate() - dt.timedelta(days=1),
            self_billed=True,
        )
    assert not Document.objects.exists()
    assert not NumberCounter.objects.filter(last__gt=0).exists()


def test_a_provider_without_vat_cannot_be_charged_vat(community):
    make_scheme(community)
    _profile(community, "private")
    with pytest.raises(InvoicingError) as refused:
        document_issue(
            actor=None,
            host=community.host,
            customer=community.chloe,
            kind=DocumentKind.CREDIT_NOTE,
            lines=[LineInput("Session", Decimal("1"), Decimal("50.00"), Decimal(21))],
            idempotency_key="vat-on-private",
        )
    assert refused.value.code == InvoicingErrorCode.PROVIDER_CHARGES_NO_VAT
    assert not Document.objects.exists()


def test_the_host_admin_chooses_the_status_through_the_api(client, community):
    make_scheme(community)
    slug, chloe = community.host.slug, community.chloe
    url = f"/api/v1/invoicing/hosts/{slug}/members/{chloe.pk}/vat-status"
    body = {"vat_status": "registered", "self_billing": True}

    def put(data: dict[str, Any]) -> Any:
        return client.put(url, data=json.dumps(data), content_type="application/json")

    assert put(body).status_code == 401
    for person, status in ((chloe, 403), (community.bram, 403), (community.eva, 403)):
        client.force_login(person)
        assert put(body).status_code == status
    client.force_login(community.anna)
    refused = put(body)
    assert (refused.status_code, refused.json()["code"]) == (422, "registered_needs_vat_number")
    stranger = client.put(
        f"/api/v1/invoicing/hosts/{slug}/members/{community.eva.pk}/vat-status",
        data=json.dumps(body),
        content_type="application/json",
    )
    assert stranger.status_code == 404
    assert not MemberBillingProfile.objects.filter(user=chloe).exists()

    client.force_login(chloe)  # Chloé fills in her company's numbers herself
    mine = client.put(
        f"/api/v1/invoicing/hosts/{slug}/billing-profile",
        data=json.dumps({"company_name": "Lambert Conseil", **SMALL}),
        content_type="application/json",
    )
    assert (mine.status_code, mine.json()["vat_status"]) == (200, "")
    client.force_login(community.anna)
    chosen = put(body).json()
    assert (chosen["vat_status"], chosen["company_name"]) == ("registered", "Lambert Conseil")
    assert chosen["self_billing_agreed_on"] == timezone.localdate().isoformat()
    # Chloé changing her own details keeps the status the host chose.
    client.force_login(chloe)
    again = client.put(
        f"/api/v1/invoicing/hosts/{slug}/billing-profile",
        data=json.dumps({"company_name": "Lambert Conseil SRL", **SMALL}),
        content_type="application/json",
    )
    assert again.json()["vat_status"] == "registered"


def test_the_host_admin_chooses_the_status_on_the_dashboard(client, community):
    make_scheme(community)
    slug, chloe = community.host.slug, community.chloe
    url = reverse("credits:vat_status", args=[slug])
    body = {"member": chloe.pk, "vat_status": "private"}
    assert client.post(url, body).status_code == 302  # to the login page
    for person in (chloe, community.bram, community.eva):
        client.force_login(person)
        assert client.post(url, body).status_code in {403, 404}
    assert not MemberBillingProfile.objects.filter(user=chloe).exists()

    client.force_login(community.anna)
    dashboard = client.get(reverse("credits:dashboard", args=[slug])).content.decode()
    assert "VAT status of a member" in dashboard
    refused = client.post(url, {**body, "vat_status": "registered"}, follow=True)
    assert "A VAT-registered member needs a valid VAT number." in refused.content.decode()
    assert not MemberBillingProfile.objects.filter(user=chloe).exists()
    client.post(url, body)
    assert MemberBillingProfile.objects.get(user=chloe).vat_status == "private"

    client.force_login(chloe)
    mine = client.get(reverse("invoicing:billing_profile", args=[slug])).content.decode()
    assert "the host counts you as: private person" in mine


def test_a_confirmation_dated_before_the_agreement_issues_a_credit_note(community):
    """An import or the demo replays a confirmation of last week: the agreement made today
    does not reach back, so that document is a credit note, not a self-billed invoice."""
    scheme = make_scheme(community)
    _profile(community, "registered", self_billing=True, numbers=SMALL)
    last_week = timezone.localdate() - dt.timedelta(days=7)
    delivery = delivery_record(
        actor=community.chloe, scheme=scheme, service_code="session", on=last_week,
        member=community.bram,
    )  # fmt: skip
    delivery_confirm(actor=community.bram, delivery=delivery, confirmed_on=last_week)
    note = Document.objects.get(customer=community.chloe)
    assert (note.self_billed, note.number[:3], note.vat_total) == (False, "CN-", Decimal("10.50"))
