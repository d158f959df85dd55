"""A supporter's data in their export, what erasure keeps and drops, and a guest's data
erased by a host admin on request."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from samen.accounts.actions import user_erase, user_export
from samen.audit.models import AuditEntry
from samen.banking import actions as bank
from samen.banking.tests.bankfiles import Line, camt053_file
from samen.funding import actions
from samen.funding.errors import FundingError, FundingErrorCode
from samen.funding.models import (
    CampaignModel,
    Contribution,
    ContributionStatus,
    Interval,
    RecurringContribution,
)
from samen.funding.tests.factories import give_by_bank, make_campaign
from samen.ledger.actions import ledger_seal
from samen.ledger.models import CounterpartyName, Seal, Transaction
from samen.ledger.tests.factories import (
    check_json_names,
    make_collective,
    make_host,
    public_ledger_texts,
)
from samen.ledger.verify import verify_ledger

pytestmark = pytest.mark.django_db


def test_export_and_erasure(community) -> None:
    paid = give_by_bank(
        community.collective,
        actor=community.dries,
        amount=2000,
        message="Proud neighbour",
        interval=Interval.MONTHLY,
    )
    actions.contribution_mark_paid(actor=None, contribution=paid)
    pending = give_by_bank(community.collective, actor=community.dries, amount=1000)
    archive = zipfile.ZipFile(io.BytesIO(user_export(actor=community.dries)))
    data = json.loads(archive.read("apps/funding.json"))
    assert {c["amount_cents"] for c in data["contributions"]} == {2000, 1000}
    assert data["recurring"][0]["interval"] == "monthly"

    user_erase(actor=community.dries, user=community.dries)
    paid.refresh_from_db()
    pending.refresh_from_db()
    assert paid.status == "paid"  # the accounting record stays
    assert paid.is_incognito
    assert paid.message == ""
    assert pending.status == "cancelled"
    assert RecurringContribution.objects.get().status == "cancelled"
    assert Contribution.objects.count() == 2


def test_erasing_a_public_giver_removes_their_name_from_the_public_books(
    client, community, make_user
) -> None:
    giver = make_user("zoe@example.org", "Zoë Vandersteen")
    gift = give_by_bank(community.collective, actor=giver, amount=2000)
    actions.contribution_mark_paid(actor=None, contribution=gift)
    refunded = give_by_bank(community.collective, actor=giver, amount=1000)
    actions.contribution_mark_paid(actor=None, contribution=refunded)
    actions.contribution_refund(actor=community.anna, contribution=refunded, reason="Twice")
    other = give_by_bank(community.collective, guest_name="Marie Dupont", amount=500)
    actions.contribution_mark_paid(actor=None, contribution=other)
    ledger_seal()
    digests = list(Seal.objects.values_list("digest", flat=True))
    slugs = {"collective": community.collective.slug, "host": community.host.slug}
    before = public_ledger_texts(client, **slugs)
    assert all("Zoë Vandersteen" in text for text in before.values())

    user_erase(actor=giver, user=giver)

    texts = public_ledger_texts(client, **slugs)
    for where, text in texts.items():
        assert "Zoë Vandersteen" not in text, where
        assert "Former member" in text, where
        assert "Marie Dupont" in text, where  # other givers keep their names
    check_json_names(texts["collectives/transactions.json"])
    # The gift, the refunded gift and its reversal: three rows, none with a name left.
    gift.refresh_from_db()
    refunded.refresh_from_db()
    ids = [gift.ledger_transaction_id, refunded.ledger_transaction_id]
    ids.append(refunded.refund_transaction_id)
    rows = CounterpartyName.objects.filter(transaction_id__in=ids)
    assert [(r.name, r.salt) for r in rows] == [("", "")] * 3
    assert all(t.counterparty_commitment for t in Transaction.objects.filter(pk__in=ids))
    assert list(Seal.objects.values_list("digest", flat=True)) == digests
    assert verify_ledger() == []


# --- a guest's data, erased by a host admin on request -----------------------------------------

GUEST = "Marie Dupont-Quixote"
GUEST_EMAIL = "marie.quixote@example.org"
GUEST_IBAN = "BE62510007547061"


def _guest_gift(collective, *, amount: int = 2000, paid: bool = True, **kwargs) -> Contribution:
    gift = give_by_bank(
        collective, amount=amount, guest_name=GUEST, guest_email=GUEST_EMAIL, **kwargs
    )
    if paid:
        gift = actions.contribution_mark_paid(actor=None, contribution=gift)
    return gift


def _paid_through_the_bank(community, gift: Contribution) -> Contribution:
    line = Line(gift.amount, GUEST, iban=GUEST_IBAN, structured=gift.structured_communication)
    data = camt053_file([line], statement_id=f"GUEST-{gift.pk}")
    bank.bank_import(actor=None, host=community.host, data=data)
    gift.refresh_from_db()
    assert gift.status == ContributionStatus.PAID
    return gift


def test_a_host_admin_erases_a_guest_from_contributions_and_public_books(
    client, community, make_user
) -> None:
    campaign = make_campaign(community, model=CampaignModel.KEEP_IT_ALL)
    gift = _guest_gift(community.collective, campaign=campaign, message="Bon courage, les amis!")
    refunded = _paid_through_the_bank(
        community, _guest_gift(community.other_collective, amount=1500, paid=False)
    )
    actions.contribution_refund(actor=community.anna, contribution=refunded, reason="Twice")
    later_refund = _guest_gift(community.collective, amount=700)
    promise = _guest_gift(community.collective, amount=900, paid=False)
    other_guest = actions.contribution_mark_paid(
        actor=None,
        contribution=give_by_bank(
            community.collective, guest_name="Jan Peeters", guest_email="jan@example.org"
        ),
    )
    # The same address gave to a collective of another host: that host's data, not this one's.
    elsewhere_admin = make_user("ines@example.org", "Ines")
    elsewhere = make_collective(elsewhere_admin, make_host(elsewhere_admin, slug="gent"), "Gent")
    theirs = _guest_gift(elsewhere)
    DBTaskResult.objects.create(
        task_path="samen.core.tasks.deliver_email",
        args_kwargs={"args": [], "kwargs": {"to": [GUEST_EMAIL], "body": f"Dear {GUEST}"}},
        backend_name="default",
        run_after=timezone.now(),
        status="SUCCESSFUL",
    )
    ledger_seal()
    digests = list(Seal.objects.values_list("digest", flat=True))
    slugs = {"collective": community.collective.slug, "host": community.host.slug}
    assert all(GUEST in text for text in public_ledger_texts(client, **slugs).values())
    public_pages = [
        reverse("communities:collective", args=[community.collective.slug]),
        reverse("funding:campaign", args=[community.collective.slug, campaign.slug]),
    ]
    before = "".join(client.get(url).content.decode() for url in public_pages)
    assert GUEST in before
    assert "Bon courage" in before

    result = actions.guest_erase(
        actor=community.anna, host=community.host, email=f"  {GUEST_EMAIL.upper()} "
    )

    assert (result.contributions, result.ledger_transactions) == (4, 4)
    for c in (gift, refunded, later_refund, promise):
        c.refresh_from_db()
        assert (c.guest_name, c.guest_email, c.message) == ("", "", "")
        assert c.is_incognito
        assert c.guest_erased_at is not None
        assert c.private_name == "Erased guest"
    # Amounts, dates and states are the books: they stay. An unpaid promise is cancelled.
    assert (gift.status, gift.amount, gift.paid_at is not None) == ("paid", 2000, True)
    assert refunded.status == ContributionStatus.REFUNDED
    assert promise.status == ContributionStatus.CANCELLED
    # The refund is not paid out yet: its account is still needed, until it is.
    assert refunded.refund_iban == GUEST_IBAN
    actions.refund_mark_executed(actor=community.anna, contribution=refunded)
    refunded.refresh_from_db()
    assert refunded.refund_iban == ""
    # A refund made after the erasure does not bring the name back.
    actions.contribution_refund(actor=community.anna, contribution=later_refund, reason="Oops")

    texts = public_ledger_texts(client, **slugs)
    for where, text in texts.items():
        assert GUEST not in text, where
        assert "Jan Peeters" in text, where  # another guest keeps their name
    check_json_names(texts["hosts/transactions.json"])
    assert list(Seal.objects.values_list("digest", flat=True)) == digests
    assert verify_ledger() == []
    call_command("ledger_verify", stdout=io.StringIO())
    after = "".join(client.get(url).content.decode() for url in public_pages)
    assert GUEST not in after
    assert "Bon courage" not in after
    client.force_login(community.bram)
    team_page = client.get(
        reverse("funding:collective_contributions", args=[community.collective.slug])
    ).content.decode()
    assert GUEST not in team_page
    assert GUEST_EMAIL not in team_page
    # Another guest, and the same guest at another host, are untouched.
    other_guest.refresh_from_db()
    theirs.refresh_from_db()
    assert other_guest.guest_name == "Jan Peeters"
    assert (theirs.guest_name, theirs.guest_email) == (GUEST, GUEST_EMAIL)
    # The sent e-mail's task record is gone; the audit row holds no address.
    assert not DBTaskResult.objects.filter(args_kwargs__icontains=GUEST_EMAIL).exists()
    entry = AuditEntry.objects.get(action="funding.guest_erase")
    assert entry.actor_id == community.anna.pk
    assert entry.host_id == community.host.pk
    assert sorted(entry.data["contributions"]) == sorted(
        c.pk for c in (gift, refunded, later_refund, promise)
    )
    audit_text = json.dumps(list(AuditEntry.objects.values()), default=str).lower()
    assert GUEST_EMAIL not in audit_text
    assert "quixote" not in audit_text


def test_guest_erase_refuses_clearly(community) -> None:
    host = community.host
    with pytest.raises(FundingError) as nobody:
        actions.guest_erase(actor=community.anna, host=host, email=GUEST_EMAIL)
    assert nobody.value.code == FundingErrorCode.GUEST_NOT_FOUND
    # A person with an account deletes their own account instead.
    actions.contribution_mark_paid(
        actor=None, contribution=give_by_bank(community.collective, actor=community.dries)
    )
    with pytest.raises(FundingError) as member:
        actions.guest_erase(actor=community.anna, host=host, email="dries@example.org")
    assert member.value.code == FundingErrorCode.GUEST_NOT_FOUND
    gift = _guest_gift(community.collective)
    for someone in (community.bram, community.femke, community.eva):
        with pytest.raises(FundingError) as refused:
            actions.guest_erase(actor=someone, host=host, email=GUEST_EMAIL)
        assert refused.value.code == FundingErrorCode.NOT_ALLOWED
    gift.refresh_from_db()
    assert gift.guest_name == GUEST
    actions.guest_erase(actor=community.anna, host=host, email=GUEST_EMAIL)
    with pytest.raises(FundingError) as again:
        actions.guest_erase(actor=community.anna, host=host, email=GUEST_EMAIL)
    assert again.value.code == FundingErrorCode.GUEST_ALREADY_ERASED


def test_dashboard_form_erases_after_confirmation(client, community) -> None:
    gift = _guest_gift(community.collective)
    url = reverse("funding:dashboard_guests", args=[community.host.slug])
    client.force_login(community.anna)
    page = client.get(url)
    assert page.status_code == 200
    assert "Erase a guest's data on request" in page.content.decode()
    unconfirmed = client.post(url, {"email": GUEST_EMAIL})
    assert unconfirmed.status_code == 200
    gift.refresh_from_db()
    assert gift.guest_name == GUEST
    unknown = client.post(url, {"email": "nobody@example.org", "confirm": "on"})
    assert "No guest gave to this host" in unknown.content.decode()
    done = client.post(url, {"email": GUEST_EMAIL, "confirm": "on"}, follow=True)
    assert "The guest&#x27;s data is erased from 1 contributions" in done.content.decode()
    gift.refresh_from_db()
    assert gift.guest_erased_at is not None
    client.force_login(community.bram)
    assert client.post(url, {"email": GUEST_EMAIL, "confirm": "on"}).status_code == 403


def test_api_erases_a_guest(client, community) -> None:
    _guest_gift(community.collective)
    url = f"/api/v1/funding/hosts/{community.host.slug}/guest-erasures"
    body = {"email": GUEST_EMAIL}
    assert client.post(url, body, content_type="application/json").status_code == 401
    client.force_login(community.bram)
    denied = client.post(url, body, content_type="application/json")
    assert denied.status_code == 403
    client.force_login(community.anna)
    unknown = client.post(url, {"email": "x@example.org"}, content_type="application/json")
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "guest_not_found"
    done = client.post(url, body, content_type="application/json")
    assert done.status_code == 200
    assert done.json() == {"contributions": 1, "ledger_transactions": 1}
    again = client.post(url, body, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["code"] == "guest_already_erased"
