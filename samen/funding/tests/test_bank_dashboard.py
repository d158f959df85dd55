"""The host's bank page: its accounts, and an unmatched line booked as a gift in one step."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samen.audit.models import AuditEntry
from samen.banking import actions as bank
from samen.banking.errors import BankingError, BankingErrorCode
from samen.banking.models import HostBankAccount
from samen.banking.tests.bankfiles import Line, camt053_file
from samen.funding import actions
from samen.funding.errors import FundingError
from samen.funding.models import BankLine, Contribution, ContributionStatus, LineStatus, Method
from samen.funding.tests.factories import collective_balance

SAVINGS = "BE71096123456769"

pytestmark = pytest.mark.django_db


def page(community: Any) -> str:
    return reverse("funding:dashboard_bank", args=[community.host.slug])


def import_gift_line(community: Any, amount: int = 4200) -> BankLine:
    data = camt053_file(
        [Line(amount, "Ilias Haddad", "BE62510007547061", text="gift voor de moestuin")]
    )
    bank.bank_import(actor=community.anna, host=community.host, data=data)
    return BankLine.objects.get(host=community.host)


def test_a_second_account_is_added_and_its_statements_then_import(community, client) -> None:
    savings = camt053_file([Line(1000, "Ilias", text="x")], iban=SAVINGS)
    client.force_login(community.anna)
    refused = client.post(page(community), {"file": SimpleUploadedFile("s.xml", savings)})
    assert "not an account of" in refused.content.decode()
    assert not BankLine.objects.exists()

    response = client.post(page(community), {"iban": "be71 0961 2345 6769", "label": "Savings"})
    assert response.status_code == 302
    account = HostBankAccount.objects.get(host=community.host)
    assert (account.iban, account.label) == (SAVINGS, "Savings")
    assert AuditEntry.objects.filter(action="banking.account_add").exists()
    shown = client.get(page(community)).content.decode()
    assert "BE71 0961 2345 6769" in shown
    assert "Savings" in shown

    client.post(page(community), {"file": SimpleUploadedFile("s.xml", savings)})
    assert BankLine.objects.filter(host=community.host).count() == 1


@pytest.mark.parametrize(
    ("iban", "error"),
    [
        ("BE71096123456768", "not a valid IBAN"),  # a wrong check digit
        ("BE68 5390 0754 7034", "already one of the host"),  # the main account
    ],
)
def test_a_bad_account_is_refused_at_the_field_and_kept(community, client, iban, error) -> None:
    client.force_login(community.anna)
    response = client.post(page(community), {"iban": iban, "label": "Second"})
    content = response.content.decode()
    assert response.status_code == 200
    assert error in content
    assert "invalid-feedback" in content
    assert 'value="Second"' in content  # what was typed stays
    assert not HostBankAccount.objects.exists()


def test_only_host_admins_manage_accounts(community, client) -> None:
    for person in (community.bram, community.femke, community.eva):
        with pytest.raises(BankingError) as refused:
            bank.host_bank_account_add(actor=person, host=community.host, iban=SAVINGS)
        assert refused.value.code == BankingErrorCode.NOT_ALLOWED
    account = bank.host_bank_account_add(actor=community.anna, host=community.host, iban=SAVINGS)
    client.force_login(community.bram)
    url = reverse("funding:bank_account_remove", args=[community.host.slug, account.pk])
    assert client.post(url).status_code == 403
    client.force_login(community.anna)
    assert client.post(url).status_code == 302
    assert not HostBankAccount.objects.exists()
    assert AuditEntry.objects.filter(action="banking.account_remove").exists()


def test_an_unmatched_line_is_booked_as_a_gift_in_one_step(community, client) -> None:
    line = import_gift_line(community)
    before = collective_balance(community.collective)
    client.force_login(community.anna)
    assert 'data-testid="gift-form"' in client.get(page(community)).content.decode()
    url = reverse("funding:bank_line_gift", args=[community.host.slug, line.pk])
    response = client.post(url, {"collective": community.collective.pk}, follow=True)
    assert "Booked as a gift" in response.content.decode()

    gift = Contribution.objects.get(bank_line=line)
    assert (gift.status, gift.amount, gift.method) == (
        ContributionStatus.PAID,
        4200,
        Method.BANK_TRANSFER,
    )
    assert gift.is_incognito  # the sender never chose to be shown in public
    assert gift.refund_iban == "BE62510007547061"
    line.refresh_from_db()
    assert line.status == LineStatus.MATCHED
    assert collective_balance(community.collective) == before + 4200 - gift.host_fee

    # A second click books nothing more: it gets the same gift back.
    client.post(url, {"collective": community.collective.pk}, follow=True)
    assert Contribution.objects.filter(bank_line=line).count() == 1
    assert collective_balance(community.collective) == before + 4200 - gift.host_fee
    # Another collective cannot have it any more: the line is no longer unmatched.
    again = client.post(url, {"collective": community.other_collective.pk}, follow=True)
    assert Contribution.objects.filter(bank_line=line).count() == 1
    assert "current state" in again.content.decode()


def test_a_gift_needs_a_collective_of_the_host_and_an_admin(community, client) -> None:
    line = import_gift_line(community)
    client.force_login(community.anna)
    url = reverse("funding:bank_line_gift", args=[community.host.slug, line.pk])
    for chosen in ("", "abc", "99999999999999999999999", "-1"):
        response = client.post(url, {"collective": chosen}, follow=True)
        assert response.status_code == 200
        assert "Choose the collective" in response.content.decode()
    assert not Contribution.objects.exists()
    with pytest.raises(FundingError):
        actions.contribution_from_bank_line(
            actor=community.bram, line=line, collective=community.collective
        )
    client.force_login(community.bram)
    assert client.post(url, {"collective": community.collective.pk}).status_code == 403
    assert not Contribution.objects.exists()


def test_money_going_out_is_never_a_gift(community) -> None:
    data = camt053_file([Line(-4200, "Brico", "BE62510007547061", text="paint")])
    bank.bank_import(actor=community.anna, host=community.host, data=data)
    line = BankLine.objects.get(host=community.host)
    with pytest.raises(FundingError):
        actions.contribution_from_bank_line(
            actor=community.anna, line=line, collective=community.collective
        )
    assert not Contribution.objects.exists()
