"""Pages and the access matrix: private files and bank details never leak."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse

from samen.expenses.models import ExpenseStatus
from samen.expenses.tests.factories import (
    PDF_BYTES,
    approved_expense,
    fund,
    make_expense,
    pdf_upload,
)
from samen.lib.testing import BRUSSELS_EDGES

pytestmark = pytest.mark.django_db


def _urls(expense):
    attachment = expense.attachments.get()
    return [
        reverse("expenses:attachment", args=[expense.pk, attachment.pk]),
        reverse("expenses:payout", args=[expense.pk]),
    ]


@pytest.mark.parametrize("who", ["anonymous", "dries", "gilles", "eva"])
def test_attachment_and_iban_are_refused_to_outsiders(client, community, who):
    """Anonymous, a follower, another collective's admin and a stranger: all refused."""
    expense = make_expense(community.chloe, community.collective)
    if who != "anonymous":
        client.force_login(getattr(community, who))
    for url in _urls(expense):
        response = client.get(url)
        assert response.status_code in (302, 403, 404), (who, url)
        assert PDF_BYTES[:20] not in response.content
        assert b"BE71" not in response.content
        if who == "anonymous":
            assert response.status_code == 302
            assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["chloe", "bram", "anna", "femke"])
def test_attachment_and_iban_are_served_to_the_people_concerned(client, community, who):
    expense = make_expense(community.chloe, community.collective)
    client.force_login(getattr(community, who))
    attachment_url, payout_url = _urls(expense)
    response = client.get(attachment_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Cache-Control"] == "private, no-store"
    payout = client.get(payout_url)
    assert payout.status_code == 200
    assert b"BE71096123456769" in payout.content


def test_public_list_and_detail_show_no_private_data(client, community):
    expense = make_expense(community.chloe, community.collective, title="Paint for the mural")
    draft = make_expense(community.chloe, community.collective, title="Secret draft", submit=False)
    list_page = client.get(reverse("expenses:collective_list", args=[community.collective.slug]))
    assert list_page.status_code == 200
    html = list_page.content.decode()
    assert "Paint for the mural" in html
    assert "Chloé" in html  # the payee's public name
    assert "Secret draft" not in html
    assert "chloe@example.org" not in html
    detail = client.get(reverse("expenses:detail", args=[expense.pk])).content.decode()
    assert "Paint for the mural" in detail
    assert "BE71" not in detail
    assert "receipt.pdf" not in detail
    assert client.get(reverse("expenses:detail", args=[draft.pk])).status_code == 404


def test_public_list_query_count_does_not_grow(client, community, django_assert_max_num_queries):
    url = reverse("expenses:collective_list", args=[community.collective.slug])
    make_expense(community.chloe, community.collective, attachments=[])
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for n in range(8):
        make_expense(community.chloe, community.collective, title=f"Item {n}", attachments=[])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_submit_page_creates_a_pending_expense(client, community):
    client.force_login(community.chloe)
    url = reverse("expenses:new", args=[community.collective.slug])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "type": "receipt",
            "title": "Tram tickets",
            "payee_kind": "self",
            "iban": "BE71 0961 2345 6769",
            "account_holder": "Chloé Dubois",
            "vat_amount": "",
            "tags": "transport, mobility",
            "items-TOTAL_FORMS": "3",
            "items-INITIAL_FORMS": "0",
            "items-MIN_NUM_FORMS": "1",
            "items-MAX_NUM_FORMS": "50",
            "items-0-description": "10-ride card",
            "items-0-incurred_on": "2026-11-03",
            "items-0-amount": "17,50",
            "attachments": pdf_upload(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    expense = community.collective.expenses.get()
    assert expense.status == ExpenseStatus.PENDING
    assert expense.amount == 1750
    assert expense.tags == ["transport", "mobility"]


def test_submit_page_shows_errors_for_bad_input(client, community):
    client.force_login(community.chloe)
    url = reverse("expenses:new", args=[community.collective.slug])
    response = client.post(
        url,
        {
            "type": "receipt",
            "title": "Tram",
            "payee_kind": "self",
            "iban": "BE00 1234",
            "account_holder": "Chloé",
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "0",
            "items-MIN_NUM_FORMS": "1",
            "items-MAX_NUM_FORMS": "50",
            "items-0-description": "Card",
            "items-0-incurred_on": "2026-11-03",
            "items-0-amount": "twelve",
        },
    )
    assert response.status_code == 200
    assert "Enter an amount, for example 25 or 12,50." in response.content.decode()
    assert not community.collective.expenses.exists()


def test_strangers_cannot_submit_or_approve(client, community):
    fund(community.collective, 10_000)
    expense = make_expense(community.chloe, community.collective)
    client.force_login(community.eva)
    response = client.get(reverse("expenses:new", args=[community.collective.slug]))
    assert response.status_code == 302
    response = client.post(reverse("expenses:transition", args=[expense.pk, "approve"]))
    assert response.status_code == 403
    client.force_login(community.gilles)
    response = client.post(reverse("expenses:transition", args=[expense.pk, "approve"]))
    assert response.status_code == 403
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.PENDING


def test_host_dashboard_export_and_access(client, community):
    expense = approved_expense(community)
    url = reverse("expenses:host_dashboard", args=[community.host.slug])
    export = reverse("expenses:host_export", args=[community.host.slug])
    for outsider in (community.bram, community.chloe, community.eva):
        client.force_login(outsider)
        assert client.get(url).status_code in (403, 404)
        assert client.get(export).status_code in (403, 404)
    client.force_login(community.femke)  # the accountant reads and exports
    assert expense.title in client.get(url).content.decode()
    csv_text = client.get(export).content.decode()
    header, row = csv_text.splitlines()[:2]
    assert "category_code" in header
    assert "vat_eur" in header
    assert "42.50" in row
    assert "BE71" not in csv_text


def test_policy_page_sets_invited_only_and_invites(client, community):
    url = reverse("expenses:policy", args=[community.collective.slug])
    client.force_login(community.chloe)
    assert client.get(url).status_code == 403
    client.force_login(community.bram)
    response = client.post(
        url,
        {
            "form": "policy",
            "submit_policy": "invited",
            "approvals_required": "2",
            "multi_approval_threshold": "500",
        },
    )
    assert response.status_code == 302
    policy = community.collective.expense_policy
    assert (policy.submit_policy, policy.multi_approval_threshold) == ("invited", 50_000)
    response = client.post(url, {"form": "invite", "email": "EVA@example.org"})
    assert response.status_code == 302
    assert make_expense(community.eva, community.collective).status == ExpenseStatus.PENDING


def test_host_settings_page_manages_the_chart_of_accounts(client, community):
    url = reverse("expenses:host_settings", args=[community.host.slug])
    for outsider in (community.bram, community.femke):
        client.force_login(outsider)
        assert client.get(url).status_code in (403, 404)
    client.force_login(community.anna)
    client.post(url, {"form": "category", "code": "6130", "name": "Rent"})
    client.post(url, {"form": "settings", "require_category": "on"})
    assert community.host.expense_categories.get().code == "6130"
    community.host.refresh_from_db()
    assert community.host.expense_settings.require_category


def test_host_dashboard_query_count_does_not_grow(client, community, django_assert_max_num_queries):
    url = reverse("expenses:host_dashboard", args=[community.host.slug])
    make_expense(community.chloe, community.collective, attachments=[])
    client.force_login(community.anna)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for n in range(6):
        make_expense(community.chloe, community.collective, title=f"Item {n}", attachments=[])
        make_expense(community.gilles, community.other_collective, title=f"G{n}", attachments=[])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_changes_asked_then_edited_and_resubmitted_through_the_pages(client, community):
    fund(community.collective, 10_000)
    expense = make_expense(community.chloe, community.collective, amount=1000)
    client.force_login(community.bram)
    client.post(
        reverse("expenses:transition", args=[expense.pk, "request-changes"]),
        {"reason": "Split the taxi and the paint"},
    )
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.INCOMPLETE
    client.force_login(community.chloe)
    edit = reverse("expenses:edit", args=[expense.pk])
    page = client.get(edit)
    assert page.status_code == 200
    assert (
        "Split the taxi and the paint"
        in client.get(reverse("expenses:detail", args=[expense.pk])).content.decode()
    )
    response = client.post(
        edit,
        {
            "type": "receipt",
            "title": "Paint and taxi",
            "payee_kind": "self",
            "payout_method": str(expense.payout_method_id),
            "items-TOTAL_FORMS": "2",
            "items-INITIAL_FORMS": "0",
            "items-MIN_NUM_FORMS": "1",
            "items-MAX_NUM_FORMS": "50",
            "items-0-description": "Paint",
            "items-0-incurred_on": "2026-11-02",
            "items-0-amount": "6,00",
            "items-1-description": "Taxi",
            "items-1-incurred_on": "2026-11-02",
            "items-1-amount": "4",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.PENDING
    assert expense.title == "Paint and taxi"
    assert list(expense.items.values_list("amount", flat=True)) == [600, 400]
    # Once pending, the submitter can no longer edit; Bram never could.
    assert client.get(edit).status_code == 403
    client.force_login(community.bram)
    assert client.get(edit).status_code == 403


@pytest.mark.parametrize(("moment", "day"), BRUSSELS_EDGES)
def test_export_dates_are_brussels_dates(client, community, moment, day):
    with time_machine.travel(dt.datetime.fromisoformat(moment), tick=False):
        expense = approved_expense(community)
    client.force_login(community.femke)
    export = reverse("expenses:host_export", args=[community.host.slug])
    rows = list(csv.DictReader(io.StringIO(client.get(export).content.decode())))
    (row,) = [r for r in rows if r["id"] == str(expense.pk)]
    assert row["submitted"] == day


@pytest.mark.parametrize(
    ("cents", "typed", "csv_text"),
    [
        (-150, "-1,50", "-1.50"),
        (-5, "-0,05", "-0.05"),
        (0, "0,00", "0.00"),
        (123456, "1234,56", "1234.56"),
    ],
)
def test_amounts_for_forms_and_csv_keep_sign_and_cents(cents, typed, csv_text):
    from samen.expenses.views import _decimal, _plain
    from samen.lib.money import parse_amount

    assert _plain(cents) == typed
    assert _decimal(cents) == csv_text
    assert parse_amount(typed, 2) == cents


SUBMITTED = {
    "en": "submitted for approval",
    "nl": "ingediend ter goedkeuring",
    "fr": "soumise pour approbation",
}


@pytest.mark.parametrize("language", ["en", "nl", "fr"])
def test_submitted_expense_says_what_happens_next_with_a_timeline(client, community, language):
    community.chloe.language = language
    community.chloe.save(update_fields=["language"])
    client.force_login(community.chloe)
    url = reverse("expenses:new", args=[community.collective.slug])
    response = client.post(
        url,
        {
            "type": "receipt",
            "title": "Tram tickets",
            "payee_kind": "self",
            "iban": "BE71 0961 2345 6769",
            "account_holder": "Chloé Dubois",
            "vat_amount": "",
            "tags": "",
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "0",
            "items-MIN_NUM_FORMS": "1",
            "items-MAX_NUM_FORMS": "50",
            "items-0-description": "10-ride card",
            "items-0-incurred_on": "2026-11-03",
            "items-0-amount": "17,50",
            "attachments": pdf_upload(),
        },
        HTTP_ACCEPT_LANGUAGE=language,
        follow=True,
    )
    html = response.content.decode()
    assert SUBMITTED[language] in html
    assert 'data-testid="timeline"' in html
    assert html.count('aria-current="step"') == 1
