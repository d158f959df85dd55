"""Pre-sales are sales: a product or a ticket pledged and paid gets a receipt or an invoice
from the host's invoicing series, with VAT, and its refund a credit note.

The documents are read back as a person or an accounting package would: the PDF's text
(pypdf), the Peppol UBL file through the official validator, the journal CSV.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from pypdf import PdfReader

from samen.communities import actions as community_actions
from samen.funding import actions
from samen.funding.errors import FundingError, FundingErrorCode
from samen.funding.models import (
    CampaignModel,
    Contribution,
    ContributionStatus,
    Method,
    RewardKind,
)
from samen.funding.receipts import receipt_pdf
from samen.funding.tests.factories import collective_balance, give_by_bank, make_campaign
from samen.funding.tests.test_stripe import _completed, _event, _post, stripe_on  # noqa: F401
from samen.invoicing.actions import document_render_files
from samen.invoicing.exports import journal_csv
from samen.invoicing.models import Document, DocumentKind, DocumentStatus, VatCategory
from samen.invoicing.rendering import document_ubl
from samen.invoicing.tests.peppol import fatal_findings
from samen.ledger.actions import account_for
from samen.ledger.models import AccountPurpose, Unit
from samen.ledger.queries import balance

pytestmark = pytest.mark.django_db

CRATE = 3630  # a crate of 24 beers: 30.00 net + 6.30 VAT at 21 %


@pytest.fixture
def host(community: Any) -> Any:
    """The shared host, registered for VAT (it sells the collective's pre-sales)."""
    community.host = community_actions.host_update(
        actor=community.anna, host=community.host, vat_status="subject", vat_number="BE0403019261"
    )
    return community.host


def _beer(community: Any, *, kind: str = RewardKind.PRODUCT, vat_rate: int | None = 21) -> Any:
    campaign = make_campaign(community, model=CampaignModel.KEEP_IT_ALL)
    reward = actions.reward_save(
        actor=community.bram,
        campaign=campaign,
        title="Crate of saison",
        price=CRATE,
        kind=kind,
        vat_rate=vat_rate,
    )
    return campaign, reward


def _pdf_text(document: Document) -> str:
    document_render_files(document=document)
    with storages["private"].open(document.pdf_path) as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(page.extract_text() for page in reader.pages)


def _doc(pk: int | None) -> Document:
    assert pk is not None
    return Document.objects.get(pk=pk)


def _pay(contribution: Contribution) -> Contribution:
    return actions.contribution_mark_paid(actor=None, contribution=contribution)


def test_a_beer_pre_sale_issues_a_receipt_with_21_percent_vat_and_its_refund_a_credit_note(
    community, host
) -> None:
    campaign, reward = _beer(community)
    pledge = give_by_bank(community.collective, campaign=campaign, reward=reward)
    assert pledge.is_purchase
    paid = _pay(pledge)

    receipt = _doc(paid.sale_document_id)
    assert (receipt.kind, receipt.simplified, receipt.is_sale) == (DocumentKind.INVOICE, True, True)
    assert receipt.customer is None
    assert receipt.customer_name == "Dries Peeters"
    assert receipt.number.startswith("INV-")
    assert (receipt.net_total, receipt.vat_total, receipt.gross_total) == (
        Decimal("30.00"),
        Decimal("6.30"),
        Decimal("36.30"),
    )
    (vat,) = receipt.vat_rows.all()
    assert (vat.category, vat.rate) == (VatCategory.STANDARD, Decimal("21.00"))
    assert receipt.status == DocumentStatus.PAID
    assert receipt.amount_due == 0
    assert not receipt.has_ubl  # a consumer gets a PDF only
    text = _pdf_text(receipt)
    assert f"Receipt {receipt.number}" in text
    assert "VAT 21 % on €30.00" in text
    assert "€6.30" in text
    assert "€36.30" in text
    assert "Nothing is left to pay" in text

    # The VAT is the state's: the host keeps it apart from the collective's money.
    eur = Unit.eur()
    assert balance(account_for(purpose=AccountPurpose.SALES_VAT, unit=eur, host=host)) == 630
    assert collective_balance(community.collective) == CRATE - 630 - paid.host_fee

    refunded = actions.contribution_refund(
        actor=community.anna, contribution=paid, reason="The brew failed."
    )
    credit_note = _doc(refunded.sale_credit_note_id)
    assert credit_note.kind == DocumentKind.CREDIT_NOTE
    assert credit_note.corrects_id == receipt.pk
    assert credit_note.number.startswith("CN-")
    assert (credit_note.vat_total, credit_note.gross_total) == (Decimal("6.30"), Decimal("36.30"))
    assert credit_note.status == DocumentStatus.PAID  # paid back with the refund
    text = _pdf_text(credit_note)
    assert f"Credit note {credit_note.number}" in text
    assert receipt.number in text
    assert "Your purchase is refunded" in text
    assert balance(account_for(purpose=AccountPurpose.SALES_VAT, unit=eur, host=host)) == 0
    call_command("ledger_verify")


def test_a_buyer_with_an_enterprise_number_gets_an_invoice_and_valid_peppol_ubl(
    community, host, tmp_path
) -> None:
    campaign, reward = _beer(community, kind=RewardKind.TICKET, vat_rate=6)
    pledge = actions.contribution_start(
        actor=community.chloe,
        collective=community.collective,
        method=Method.BANK_TRANSFER,
        campaign=campaign,
        reward=reward,
        organisation_name="Café Chloé",
        buyer_enterprise_number="BE 0202.239.951",
        buyer_address="Rue Haute 1\n1000 Brussels",
    )
    paid = _pay(pledge)
    invoice = _doc(paid.sale_document_id)
    assert not invoice.simplified
    assert invoice.customer_id == community.chloe.pk
    assert invoice.customer_enterprise_number == "0202239951"
    assert invoice.customer_name == "Café Chloé"
    assert invoice.has_ubl
    (vat,) = invoice.vat_rows.all()
    # No net price in cents gives 36.30 with 6 % VAT rounded once: the nearest below is
    # sold (34.24 + 2.05) and the cent left over is a gift.
    assert vat.rate == Decimal("6.00")
    assert invoice.gross_total == Decimal("36.29")
    assert "Invoice" in _pdf_text(invoice)
    assert fatal_findings(document_ubl(invoice), tmp_path, "invoice.xml") == []

    refunded = actions.contribution_refund(
        actor=community.anna, contribution=paid, reason="Event cancelled."
    )
    credit_note = _doc(refunded.sale_credit_note_id)
    assert credit_note.has_ubl
    assert fatal_findings(document_ubl(credit_note), tmp_path, "credit-note.xml") == []


@pytest.mark.usefixtures("stripe_on")
def test_a_replayed_card_payment_webhook_issues_one_document(community, host, client) -> None:
    campaign, reward = _beer(community)
    pledge = actions.contribution_start(
        actor=community.chloe,
        collective=community.collective,
        method=Method.STRIPE,
        campaign=campaign,
        reward=reward,
    )
    actions.stripe_checkout_start(
        contribution=pledge, success_url="https://x.test/ok", cancel_url="https://x.test/no"
    )
    pledge.refresh_from_db()
    payload = _event("evt_beer_1", "checkout.session.completed", _completed(pledge))
    for _ in range(3):
        assert _post(client, payload).status_code == 200
    # The same payment again under a new event id (Stripe retries can carry one) changes nothing.
    again = _event("evt_beer_2", "checkout.session.completed", _completed(pledge))
    assert _post(client, again).status_code == 200
    pledge.refresh_from_db()
    assert pledge.status == ContributionStatus.PAID
    assert Document.objects.filter(is_sale=True).count() == 1
    assert Document.objects.get().pk == pledge.sale_document_id


def test_gifts_stay_gifts_and_the_pages_say_which_is_which(community, host, client) -> None:
    campaign, crate = _beer(community)
    thanks = actions.reward_save(
        actor=community.bram, campaign=campaign, title="Postcard", price=1000
    )
    gift = _pay(give_by_bank(community.collective, campaign=campaign, reward=thanks))
    purchase = _pay(give_by_bank(community.collective, campaign=campaign, reward=crate))
    assert gift.sale_document_id is None
    assert not gift.is_purchase
    assert Document.objects.count() == 1
    assert gift.describe() == "Gift to First brew"
    assert purchase.describe() == "Purchase: Crate of saison (First brew)"

    page = client.get(f"/collectives/{community.collective.slug}/campaigns/{campaign.slug}/")
    html = page.content.decode()
    assert "21 % VAT included" in html
    assert "A thank-you for your gift" in html
    assert "(purchase)" in html
    assert "(gift)" in html

    own = client.get(f"/contributions/{purchase.token}/")
    assert Document.objects.get().number in own.content.decode()

    receipt_text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(receipt_pdf(purchase, "en"))).pages
    )
    assert "Purchase: Crate of saison" in receipt_text
    assert "Of which VAT" in receipt_text
    gift_text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(receipt_pdf(gift, "en"))).pages
    )
    assert "Gift" in gift_text
    assert "Of which VAT" not in gift_text


def test_paying_more_than_the_price_sells_the_price_and_the_rest_is_a_gift(community, host) -> None:
    campaign, crate = _beer(community)
    paid = _pay(give_by_bank(community.collective, 5000, campaign=campaign, reward=crate))
    document = _doc(paid.sale_document_id)
    assert document.gross_total == Decimal("36.30")
    assert document.vat_total == Decimal("6.30")


def test_the_journal_export_carries_the_sales_vat(community, host) -> None:
    campaign, crate = _beer(community)
    paid = _pay(give_by_bank(community.collective, campaign=campaign, reward=crate))
    document = _doc(paid.sale_document_id)
    rows = list(csv.DictReader(io.StringIO(journal_csv([document]))))
    by_account = {row["account"]: row for row in rows}
    assert by_account["451000"]["credit"] == "6.30"
    assert by_account["451000"]["vat_code"] == "S21"
    assert by_account["700000"]["credit"] == "30.00"
    assert by_account["400000"]["debit"] == "36.30"
    assert by_account["400000"]["party"] == f"S{document.number}"


def test_a_host_without_a_vat_number_sells_without_vat(community) -> None:
    campaign, crate = _beer(community)
    paid = _pay(give_by_bank(community.collective, campaign=campaign, reward=crate))
    document = _doc(paid.sale_document_id)
    assert document.vat_total == 0
    assert document.gross_total == Decimal("36.30")
    (vat,) = document.vat_rows.all()
    assert vat.category in (VatCategory.EXEMPT, VatCategory.NOT_SUBJECT)


@pytest.mark.parametrize(
    ("kind", "rate"), [(RewardKind.PRODUCT, None), (RewardKind.GIFT, 21), (RewardKind.TICKET, 9)]
)
def test_a_sale_needs_a_belgian_vat_rate_and_a_gift_has_none(community, kind, rate) -> None:
    campaign = make_campaign(community)
    with pytest.raises(FundingError) as caught:
        actions.reward_save(
            actor=community.bram,
            campaign=campaign,
            title="Crate",
            price=CRATE,
            kind=kind,
            vat_rate=rate,
        )
    assert caught.value.code == FundingErrorCode.VAT_RATE_REQUIRED
    assert not campaign.rewards.exists()


def test_bad_enterprise_numbers_and_invoices_for_gifts_are_refused(community, host) -> None:
    campaign, crate = _beer(community)
    thanks = actions.reward_save(actor=community.bram, campaign=campaign, title="Card", price=500)
    for reward, number, code in (
        (crate, "0123.456.789", FundingErrorCode.BAD_ENTERPRISE_NUMBER),
        (thanks, "0202.239.951", FundingErrorCode.INVOICE_ONLY_FOR_PURCHASES),
    ):
        with pytest.raises(FundingError) as caught:
            give_by_bank(
                community.collective,
                campaign=campaign,
                reward=reward,
                buyer_enterprise_number=number,
            )
        assert caught.value.code == code
    assert not Contribution.objects.exists()


def test_the_back_form_shows_a_bad_enterprise_number_at_its_field(community, host, client) -> None:
    campaign, crate = _beer(community)
    client.force_login(community.chloe)
    url = f"/collectives/{community.collective.slug}/campaigns/{campaign.slug}/back/"
    page = client.get(url)
    once = page.context["form"]["once"].value()
    response = client.post(
        url,
        {
            "reward": crate.pk,
            "method": "bank_transfer",
            "buyer_enterprise_number": "12345",
            "once": once,
        },
    )
    assert response.status_code == 200
    assert "not a valid Belgian enterprise number" in str(
        response.context["form"].errors["buyer_enterprise_number"]
    )
    assert not Contribution.objects.exists()


def test_the_reward_form_asks_a_vat_rate_for_what_is_sold(community, client) -> None:
    campaign = make_campaign(community)
    client.force_login(community.bram)
    url = f"/collectives/{community.collective.slug}/campaigns/{campaign.slug}/rewards/"
    client.post(url, {"title": "Crate", "price": "36,30", "kind": "product", "vat_rate": ""})
    assert not campaign.rewards.exists()
    client.post(url, {"title": "Crate", "price": "36,30", "kind": "product", "vat_rate": "21"})
    reward = campaign.rewards.get()
    assert (reward.kind, reward.vat_rate, reward.price) == ("product", 21, CRATE)


def test_erasing_a_guest_keeps_the_sales_record_but_not_the_address(community, host) -> None:
    campaign, crate = _beer(community)
    paid = _pay(give_by_bank(community.collective, campaign=campaign, reward=crate))
    receipt = _doc(paid.sale_document_id)
    assert receipt.customer_email == "dries.guest@example.org"
    actions.guest_erase(actor=community.anna, host=host, email="dries.guest@example.org")
    receipt.refresh_from_db()
    assert (receipt.customer_email, receipt.customer_name) == ("", "Dries Peeters")
    assert receipt.gross_total == Decimal("36.30")
