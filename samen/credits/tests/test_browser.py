"""The network's cycle clicked through in Debian's chromium: A gives B a session, B confirms,
A earns 1 credit (credit note €50 + VAT) and B spends 1 (invoice); A attends a workshop
(-0.5); the month's statements show it all, and every UBL document passes Peppol."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from samen.credits.actions import wallet
from samen.credits.tests.factories import make_scheme
from samen.invoicing.actions import billing_profile_save, statements_run
from samen.invoicing.models import Document, DocumentKind, Statement
from samen.invoicing.rendering import document_ubl
from samen.invoicing.tests.peppol import fatal_findings
from samen.ledger.queries import balance
from samen.lib.testing import click_and_wait, log_in

pytestmark = pytest.mark.browser


def test_session_workshop_documents_and_statements(page: Any, community, tmp_path):
    scheme = make_scheme(community)
    bram, chloe, anna = community.bram, community.chloe, community.anna
    billing_profile_save(
        actor=chloe,
        host=community.host,
        user=chloe,
        company_name="Lambert SRL",
        enterprise_number="0417497106",
        vat_number="BE0417497106",
        address="Rue Neuve 5\n1000 Bruxelles",
    )
    slug = community.host.slug

    # A (Bram) records the session he gave to B (Chloé).
    log_in(page, bram.email)
    page.goto(f"/credits/{slug}/record/")
    page.select_option("#id_service", "session")
    page.fill("#id_on", timezone.localdate().isoformat())
    page.select_option("#id_member", str(chloe.pk))
    click_and_wait(page, "main form button[type=submit]")
    assert page.url.endswith(f"/credits/{slug}/")

    # B confirms it on her page.
    log_in(page, chloe.email)
    page.goto(f"/credits/{slug}/")
    click_and_wait(page, "#awaiting button:has-text('Confirm')")
    assert "-1" in page.locator("#balance").inner_text()
    assert balance(wallet(scheme, bram)) == 1000
    assert balance(wallet(scheme, chloe)) == -1000
    note = Document.objects.get(customer=bram)
    invoice = Document.objects.get(customer=chloe)
    assert note.kind == DocumentKind.CREDIT_NOTE
    assert invoice.kind == DocumentKind.INVOICE
    assert (note.net_total, note.vat_total, note.gross_total) == (
        Decimal("50.00"),
        Decimal("10.50"),
        Decimal("60.50"),
    )
    page.goto("/invoicing/")
    assert invoice.number in page.locator("#documents").inner_text()

    # The host admin records a workshop that A attended; A confirms it.
    log_in(page, anna.email)
    page.goto(f"/credits/{slug}/dashboard/")
    page.select_option("#id_service", "workshop")
    page.check(f"input[name=participants][value='{bram.pk}']")
    click_and_wait(page, "form[action$='/dashboard/workshop/'] button[type=submit]")
    log_in(page, bram.email)
    page.goto(f"/credits/{slug}/")
    click_and_wait(page, "#awaiting button:has-text('Confirm')")
    assert "0.5" in page.locator("#balance").inner_text()
    assert balance(wallet(scheme, bram)) == 500

    # The month's statements.
    statements_run(host=community.host, month=timezone.localdate())
    mine = Statement.objects.get(user=bram)
    page.goto("/invoicing/")
    click_and_wait(page, "#statements a")
    table = page.locator("#statement").inner_text()
    assert "Reinforcement session" in table
    assert "Workshop" in table
    assert page.locator("#opening").inner_text() == "0"
    assert page.locator("#closing").inner_text() == "0.5"
    assert mine.data["closing_euros"] == "25.00"
    log_in(page, chloe.email)
    page.goto(f"/invoicing/statements/{Statement.objects.get(user=chloe).pk}/")
    assert page.locator("#closing").inner_text() == "-1"

    # Every UBL document of the cycle passes the Peppol rules.
    documents = [d for d in Document.objects.all() if d.has_ubl]
    assert len(documents) == 3  # Bram's credit note, Chloé's invoice, Bram's workshop invoice
    for document in documents:
        assert fatal_findings(document_ubl(document), tmp_path, f"{document.number}.xml") == []


def test_a_host_admin_books_a_settlement_and_the_member_sees_it(page: Any, community):
    from samen.credits.tests.factories import chloe_owes_one_and_a_half

    scheme = make_scheme(community)
    chloe_owes_one_and_a_half(community, scheme)
    slug = community.host.slug

    # Anna follows the debtor's link on the dashboard to the form, filled in for Chloé.
    log_in(page, community.anna.email)
    page.goto(f"/credits/{slug}/dashboard/")
    click_and_wait(page, "#imbalances a:has-text('Book a payment in euros')")
    assert page.locator("#id_amount").input_value() == "90.75"
    page.fill("#id_amount", "100")
    click_and_wait(page, "#settlement-form button[type=submit]")
    assert (
        "€90.75 settles: €100.00 is more than that" in page.locator("#settlement-form").inner_text()
    )
    page.fill("#id_amount", "90.75")
    click_and_wait(page, "#settlement-form button[type=submit]")
    assert "By hand (Anna)" in page.locator("#settlement-list").inner_text()
    assert balance(wallet(scheme, community.chloe)) == 0

    log_in(page, community.chloe.email)
    page.goto(f"/credits/{slug}/")
    assert page.locator("#balance").inner_text().startswith("0")
    assert "Settlement in euros (€90.75 paid)" in page.locator("#movements").inner_text()
    assert page.locator("#settle-in-euros").count() == 0


@pytest.mark.parametrize("includes_vat", [False, True], ids=["plus-vat", "all-in"])
def test_chloe_repays_a_session_with_a_session_and_owes_nothing(
    page: Any, community, settings, includes_vat
):
    """Chloé's documents carry the same VAT treatment: she gives one session and receives
    one, her invoice and credit note are settled by compensation, and her statement, her
    invoices page and her credit page all say she owes nothing; with a unit priced VAT
    excluded (€60.50 a session) and VAT included (€50.00 all-in)."""
    # The documents' PDFs are not what is clicked through here (the test above renders them).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    scheme = make_scheme(community, euro_value_includes_vat=includes_vat)
    bram, chloe = community.bram, community.chloe
    slug = community.host.slug
    today = timezone.localdate().isoformat()

    for giver, receiver in ((chloe, bram), (bram, chloe)):
        log_in(page, giver.email)
        page.goto(f"/credits/{slug}/record/")
        page.select_option("#id_service", "session")
        page.fill("#id_on", today)
        page.select_option("#id_member", str(receiver.pk))
        click_and_wait(page, "main form button[type=submit]")
        log_in(page, receiver.email)
        page.goto(f"/credits/{slug}/")
        click_and_wait(page, "#awaiting button:has-text('Confirm')")

    # Chloé's credit page: an even balance, and nothing owed either way.
    assert page.locator("#balance").inner_text().startswith("0")
    assert "You owe nothing and are owed nothing." in page.locator("#net-position").inner_text()
    assert balance(wallet(scheme, chloe)) == 0

    page.goto("/invoicing/")
    states = page.locator("#documents [data-testid=payment-state]").all_inner_texts()
    assert states == ["settled by compensation", "settled by compensation"]
    total = "€50.00" if includes_vat else "€60.50"
    assert page.locator("#documents").inner_text().count(total) >= 2
    assert "You owe nothing and are owed nothing." in page.locator(f"#position-{slug}").inner_text()
    click_and_wait(page, "#documents a:has-text('INV-')")
    assert "compensation" in page.locator("#payments").inner_text()
    assert "CN-" in page.locator("#payments").inner_text()

    statements_run(host=community.host, month=timezone.localdate())
    page.goto("/invoicing/")
    click_and_wait(page, "#statements a")
    assert page.locator("#closing").inner_text() == "0"
    assert "You owe nothing and are owed nothing." in page.locator("#statement-net").inner_text()
