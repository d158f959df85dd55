"""A bank line the import could not book is booked from the host's bank page in one step,
as the credit settlement of a member in debt; once, whoever asks again or at the same time."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from samen.banking import actions as bank
from samen.banking.tests.bankfiles import Line, camt053_file
from samen.credits.actions import settlement_record, wallet
from samen.credits.errors import CreditsError, CreditsErrorCode
from samen.credits.models import Settlement
from samen.credits.tests.factories import chloe_owes_one_and_a_half, make_scheme
from samen.funding import actions as funding
from samen.funding.errors import FundingError
from samen.funding.models import BankLine, Contribution, LineStatus
from samen.ledger.queries import balance

pytestmark = pytest.mark.django_db


def _plain_line(community: Any, cents: int = 9075) -> BankLine:
    """A transfer without the settlement communication: the import leaves it unmatched."""
    data = camt053_file(
        [
            Line(
                cents,
                "C. Janssens",
                "BE71096123456769",
                text="terugbetaling credits",
                reference="PLAIN-1",
                booked=timezone.localdate(),
            )
        ]
    )
    bank.bank_import(actor=community.anna, host=community.host, data=data)
    line = BankLine.objects.get(host=community.host)
    assert line.status == LineStatus.UNMATCHED
    return line


def _settle_url(community: Any, line: BankLine) -> str:
    return reverse("credits:bank_line_settle", args=[community.host.slug, line.pk])


def test_the_bank_page_books_a_line_as_a_settlement_in_one_step(community, client) -> None:
    scheme = make_scheme(community)
    chloe_owes_one_and_a_half(community, scheme)
    line = _plain_line(community)
    client.force_login(community.anna)

    page = client.get(reverse("funding:dashboard_bank", args=[community.host.slug]))
    html = page.content.decode()
    assert 'data-testid="settlement-form"' in html
    assert 'data-testid="gift-form"' in html
    assert f'action="{_settle_url(community, line)}"' in html
    assert f'<option value="{community.chloe.pk}">' in html
    assert "€90.75" in html  # what may be booked for her

    response = client.post(_settle_url(community, line), {"member": community.chloe.pk})
    assert response.status_code == 302
    settlement = Settlement.objects.get()
    assert (settlement.member, settlement.amount, settlement.bank_line) == (
        community.chloe,
        9075,
        line,
    )
    assert settlement.recorded_by == community.anna
    assert balance(wallet(scheme, community.chloe)) == 0
    line.refresh_from_db()
    assert line.status == LineStatus.MATCHED

    # The same click again books nothing more; the line no longer waits on the page.
    client.post(_settle_url(community, line), {"member": community.chloe.pk})
    assert Settlement.objects.count() == 1
    html = client.get(reverse("funding:dashboard_bank", args=[community.host.slug])).content
    assert b'data-testid="bank-line"' not in html
    # Nor can it become a gift afterwards.
    with pytest.raises(FundingError):
        funding.contribution_from_bank_line(
            actor=community.anna, line=line, collective=community.collective
        )
    assert not Contribution.objects.exists()


def test_a_line_booked_as_a_gift_settles_nothing(community) -> None:
    scheme = make_scheme(community)
    chloe_owes_one_and_a_half(community, scheme)
    line = _plain_line(community)
    gift = funding.contribution_from_bank_line(
        actor=community.anna, line=line, collective=community.collective
    )
    # Asking again for the same gift returns it; the line was booked once.
    again = funding.contribution_from_bank_line(
        actor=community.anna, line=line, collective=community.collective
    )
    assert again.pk == gift.pk
    with pytest.raises(CreditsError) as refused:
        settlement_record(
            actor=community.anna,
            scheme=scheme,
            member=community.chloe,
            amount=line.amount,
            paid_on=line.booking_date,
            bank_line=line,
        )
    assert refused.value.code == CreditsErrorCode.BAD_BANK_LINE
    assert not Settlement.objects.exists()


def test_only_a_host_admin_books_and_only_a_member_in_debt(community, client) -> None:
    scheme = make_scheme(community)
    chloe_owes_one_and_a_half(community, scheme)
    line = _plain_line(community)
    client.force_login(community.bram)
    assert client.post(
        _settle_url(community, line), {"member": community.chloe.pk}
    ).status_code in (
        403,
        404,
    )
    client.force_login(community.anna)
    for chosen in ("", "abc", str(community.bram.pk), "99999999999999999999999"):
        response = client.post(_settle_url(community, line), {"member": chosen}, follow=True)
        assert response.status_code == 200
        assert "Choose the member" in response.content.decode()
    # More than the debt is refused with the numbers, and the line keeps waiting.
    big = camt053_file(
        [
            Line(
                20000,
                "C. Janssens",
                "BE71096123456769",
                text="x",
                reference="PLAIN-2",
                booked=timezone.localdate(),
            )
        ],
        statement_id="STMT-2",
    )
    bank.bank_import(actor=community.anna, host=community.host, data=big)
    too_much = BankLine.objects.get(amount=20000)
    response = client.post(
        _settle_url(community, too_much), {"member": community.chloe.pk}, follow=True
    )
    assert "is more than that" in response.content.decode()
    assert not Settlement.objects.exists()
    too_much.refresh_from_db()
    assert too_much.status == LineStatus.UNMATCHED


def test_without_a_scheme_that_settles_in_euros_no_settlement_is_offered(community, client):
    _plain_line(community)
    client.force_login(community.anna)
    html = client.get(reverse("funding:dashboard_bank", args=[community.host.slug])).content
    assert b'data-testid="settlement-form"' not in html
    assert b'data-testid="gift-form"' in html


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_line_booked_at_once_as_gifts_and_settlements_is_booked_once(community, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    scheme = make_scheme(community)
    chloe_owes_one_and_a_half(community, scheme)
    line = _plain_line(community)

    def book(n: int) -> str:
        try:
            if n % 2:
                funding.contribution_from_bank_line(
                    actor=community.anna, line=line, collective=community.collective
                )
                return "gift"
            settlement_record(
                actor=community.anna,
                scheme=scheme,
                member=community.chloe,
                amount=line.amount,
                paid_on=line.booking_date,
                bank_line=line,
            )
            return "settlement"
        except (CreditsError, FundingError):
            return "refused"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(book, range(8)))

    booked = Contribution.objects.count() + Settlement.objects.count()
    assert booked == 1, outcomes
    assert outcomes.count("refused") == 4  # the other kind never books it
    line.refresh_from_db()
    assert line.status == LineStatus.MATCHED
