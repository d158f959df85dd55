"""Money in, clicked through in Debian's chromium: a guest backs a campaign by bank transfer,
the host imports the camt.053 statement, the campaign moves and the ledger shows it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from samen.banking.tests.bankfiles import Line, camt053_file
from samen.funding.models import Contribution, ContributionStatus
from samen.funding.tests.factories import make_campaign, make_reward
from samen.lib.testing import click_and_wait, log_in

pytestmark = pytest.mark.browser


def test_guest_backs_campaign_by_bank_transfer_and_host_imports_camt(
    page: Any, community, tmp_path
) -> None:
    campaign = make_campaign(community, goal=10_000)
    reward = make_reward(community, campaign, price=2500, quantity=20)
    slug = community.collective.slug
    campaign_url = f"/collectives/{slug}/campaigns/{campaign.slug}/"

    # A guest chooses the reward and pledges by bank transfer.
    page.goto(campaign_url)
    assert "0% funded" in page.locator("[data-testid=campaign-progress]").inner_text()
    click_and_wait(page, f"a[href$='?reward={reward.pk}']")
    assert page.locator(f"input[name=reward][value='{reward.pk}']").is_checked()
    page.check("input[name=method][value=bank_transfer]")
    page.fill("#id_guest_name", "Dries Peeters")
    page.fill("#id_guest_email", "dries.guest@example.org")
    page.fill("#id_message", "Santé!")
    click_and_wait(page, "main form button[type=submit]")

    # The payment page shows the structured communication, the host's IBAN and the QR code.
    contribution = Contribution.objects.get(campaign=campaign)
    communication = page.locator("[data-testid=communication]").inner_text().strip()
    assert re.fullmatch(r"\+\+\+\d{3}/\d{4}/\d{5}\+\+\+", communication)
    assert communication == contribution.formatted_communication
    assert page.locator("[data-testid=iban]").inner_text().strip() == "BE68 5390 0754 7034"
    assert page.locator("[data-testid=epc-qr] svg").is_visible()
    assert page.locator("[data-testid=status]").inner_text().strip() == "Awaiting payment"

    # Anna, host admin, imports the bank's camt.053 statement holding that payment.
    statement = tmp_path / "statement.xml"
    statement.write_bytes(
        camt053_file(
            [
                Line(
                    2500,
                    "PEETERS DRIES",
                    "BE71096123456769",
                    structured=contribution.structured_communication,
                )
            ]
        )
    )
    log_in(page, "anna@example.org")
    page.goto(f"/hosts/{community.host.slug}/dashboard/bank/")
    page.set_input_files("#id_file", str(statement))
    click_and_wait(page, "main form[enctype] button[type=submit]")
    assert "1 matched" in page.locator("main").inner_text()
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.PAID

    # The campaign's progress moved and the guest shows among the backers.
    page.goto(campaign_url)
    progress = page.locator("[data-testid=campaign-progress]").inner_text()
    assert "25% funded" in progress
    assert "1 backer" in progress
    assert "Dries Peeters" in page.locator("[data-testid=backers]").inner_text()

    # The public ledger of the collective shows the contribution and its host fee.
    page.goto(f"/collectives/{slug}/transactions/")
    ledger = page.locator("main").inner_text()
    assert "Gift to First brew" in ledger
    assert "€25.00" in ledger
    assert "€1.25 host fee" in ledger  # folded into its contribution's row
