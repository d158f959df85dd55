"""Money out, clicked through in Debian's chromium: submit, approve, batch, statement, public."""

from __future__ import annotations

from typing import Any

import pytest

from samen.expenses.models import Expense, ExpenseStatus
from samen.expenses.tests.factories import PDF_BYTES, camt053_payouts, collective_balance, fund
from samen.lib.testing import click_and_wait, log_in

pytestmark = pytest.mark.browser


def test_member_submits_admin_approves_host_pays_by_sepa_and_statement(page: Any, community):
    fund(community.collective, 20_000)
    slug = community.collective.slug

    # Chloé, a member, submits a receipt with its PDF.
    log_in(page, "chloe@example.org")
    page.goto(f"/collectives/{slug}/expenses/new/")
    page.check("input[name=type][value=receipt]")
    page.fill("#id_title", "Paint for the mural")
    page.fill("#id_items-0-description", "Two pots of paint")
    page.fill("#id_items-0-incurred_on", "2026-11-02")
    page.fill("#id_items-0-amount", "42,50")
    page.set_input_files(
        "#id_attachments",
        files=[{"name": "receipt.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}],
    )
    page.fill("#id_iban", "BE71 0961 2345 6769")
    page.fill("#id_account_holder", "Chloé Dubois")
    click_and_wait(page, "button[name=submit_expense]")
    expense = Expense.objects.get(title="Paint for the mural")
    assert expense.status == ExpenseStatus.PENDING
    assert expense.attachments.count() == 1
    assert page.locator("#attachments").inner_text().strip().startswith("receipt.pdf")

    # Bram, the collective's admin, approves.
    log_in(page, "bram@example.org")
    page.goto(f"/expenses/{expense.pk}/")
    click_and_wait(page, "form[action$='/approve/'] button")
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.APPROVED

    # Anna, the host admin, pays it in a SEPA batch from the dashboard.
    log_in(page, "anna@example.org")
    page.goto(f"/hosts/{community.host.slug}/dashboard/expenses/")
    page.check(f"#select-{expense.pk}")
    page.fill("#execution-date", "2026-11-23")
    click_and_wait(page, "#make-batch")
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.SCHEDULED
    with page.expect_download() as download:
        page.locator("#batches a", has_text="pain.001.001.03").click()
    assert expense.end_to_end_id in download.value.path().read_text()

    # The bank's statement comes back; importing it marks the expense paid.
    balance_before = collective_balance(community.collective)
    page.set_input_files(
        "#id_statement",
        files=[
            {
                "name": "statement.xml",
                "mimeType": "application/xml",
                "buffer": camt053_payouts([(expense.end_to_end_id, 4250, "Chloe Dubois")]),
            }
        ],
    )
    click_and_wait(page, "form[action$='/statement/'] button")
    assert "1 matched" in page.locator("#messages").inner_text()
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.PAID
    assert collective_balance(community.collective) == balance_before - 4250

    # Anyone sees the paid expense publicly, without the attachment or the IBAN.
    page.context.clear_cookies()
    page.goto(f"/collectives/{slug}/expenses/")
    row = page.locator("tr", has_text="Paint for the mural")
    assert "Paid" in row.inner_text()
    assert "Chloé" in row.inner_text()
    page.goto(f"/expenses/{expense.pk}/")
    html = page.content()
    assert "Paint for the mural" in html
    assert "receipt.pdf" not in html
    assert "BE71" not in html
    assert "/attachments/" not in html
