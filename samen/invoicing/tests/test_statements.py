from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from samen.credits.actions import delivery_confirm, delivery_record, workshop_record
from samen.credits.tests.factories import make_scheme
from samen.invoicing.actions import statements_run
from samen.invoicing.models import Statement, StatementRun
from samen.invoicing.statements import (
    pages_by_statement,
    parse_month,
    statement_html,
    statement_pdfs,
    statements_html,
)

pytestmark = pytest.mark.django_db


def _activity(community, scheme):
    today = timezone.localdate()
    session = delivery_record(
        actor=community.bram,
        scheme=scheme,
        service_code="session",
        on=today,
        member=community.chloe,
    )
    delivery_confirm(actor=community.chloe, delivery=session)
    (workshop,) = workshop_record(
        actor=community.anna,
        scheme=scheme,
        service_code="workshop",
        on=today,
        participants=[community.bram],
    )
    delivery_confirm(actor=community.bram, delivery=workshop)


def test_statements_show_movements_and_balances_and_are_sent_once(
    community, django_capture_on_commit_callbacks
):
    scheme = make_scheme(community)
    _activity(community, scheme)
    month = timezone.localdate().replace(day=1)
    with django_capture_on_commit_callbacks(execute=True):
        run = statements_run(host=community.host, month=month)
    assert run.statements == 2
    bram = Statement.objects.get(user=community.bram)
    chloe = Statement.objects.get(user=community.chloe)
    assert (bram.opening, bram.closing) == (0, 500)
    assert [(m["service"], m["credits"], m["euros"]) for m in bram.data["movements"]] == [
        ("Reinforcement session", 1000, "50.00"),
        ("Workshop", -500, "-25.00"),
    ]
    assert bram.data["movements"][0]["counterparty"] == "Chloé"
    assert bram.data["movements"][1]["counterparty"] == community.host.name
    assert (chloe.opening, chloe.closing) == (0, -1000)
    assert chloe.data["closing_euros"] == "-50.00"
    assert [i["total"] for i in chloe.data["open_invoices"]] == ["60.50"]
    assert storages["private"].open(bram.pdf_path).read(5) == b"%PDF-"
    assert sorted(m.to[0] for m in mail.outbox) == ["bram@example.org", "chloe@example.org"]
    assert mail.outbox[0].attachments[0][2] == "application/pdf"
    html = statement_html(chloe, scheme)
    assert "Opening balance" in html
    assert "-1" in html

    # The same month again: nothing new, nothing sent twice.
    with django_capture_on_commit_callbacks(execute=True):
        again = statements_run(host=community.host, month=month)
    assert again.statements == 2
    assert len(mail.outbox) == 2
    assert StatementRun.objects.count() == 1


def test_next_month_carries_the_balance_without_movements(
    community, django_capture_on_commit_callbacks
):
    scheme = make_scheme(community)
    _activity(community, scheme)
    this_month = timezone.localdate().replace(day=1)
    next_month = (this_month.replace(day=28) + dt.timedelta(days=5)).replace(day=1)
    statements_run(host=community.host, month=next_month)
    bram = Statement.objects.get(user=community.bram, month=next_month)
    assert (bram.opening, bram.closing, bram.data["movements"]) == (500, 500, [])


def test_statements_run_command(community, capsys):
    scheme = make_scheme(community)
    _activity(community, scheme)
    month = timezone.localdate().strftime("%Y-%m")
    call_command("statements_run", "--host", community.host.slug, "--month", month)
    assert "2 statements" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("statements_run", "--host", "nope", "--month", month)
    with pytest.raises(CommandError):
        call_command("statements_run", "--host", community.host.slug, "--month", "March")


def test_parse_month():
    assert parse_month("2026-03").isoformat() == "2026-03-01"
    with pytest.raises(ValueError, match="2026"):
        parse_month("2026-3")


def test_batched_pdfs_split_per_statement_even_over_several_pages(community):
    scheme = make_scheme(community)
    month = dt.date(2026, 3, 1)
    movement = {
        "date": "2026-03-02",
        "delivered": "",
        "service": "Workshop",
        "counterparty": "Network",
        "credits": -500,
        "euros": "-25.00",
    }
    long = Statement.objects.create(
        host=community.host,
        user=community.bram,
        month=month,
        opening=0,
        closing=-40000,
        language="nl",
        data={"movements": [movement] * 80, "closing_euros": "-2000.00", "name": "Bram"},
    )
    short = Statement.objects.create(
        host=community.host,
        user=community.chloe,
        month=month,
        opening=0,
        closing=0,
        language="fr",
        data={"movements": [], "closing_euros": "0.00", "name": "Chloé"},
    )
    from weasyprint import HTML

    document = HTML(string=statements_html([long, short], scheme)).render()
    pages = pages_by_statement(document)
    assert len(pages[long.pk]) >= 2
    assert len(pages[short.pk]) == 1
    pdfs = statement_pdfs([long, short], scheme)
    assert set(pdfs) == {long.pk, short.pk}
    assert all(pdf.startswith(b"%PDF-") for pdf in pdfs.values())


def test_monthly_task_catches_up_on_missed_months(community):
    from samen.invoicing.tasks import run_monthly_statements

    make_scheme(community)
    this_month = timezone.localdate().replace(day=1)
    three_back = (this_month - dt.timedelta(days=80)).replace(day=1)
    StatementRun.objects.create(host=community.host, month=three_back, finished_at=timezone.now())
    assert run_monthly_statements.call() == 2  # the two closed months after the last run
    assert run_monthly_statements.call() == 0
    assert StatementRun.objects.filter(host=community.host).count() == 3


def test_a_settlement_in_euros_is_a_movement_and_the_balances_add_up(community):
    from samen.credits.actions import settlement_record

    scheme = make_scheme(community)
    today = timezone.localdate()
    session = delivery_record(
        actor=community.bram,
        scheme=scheme,
        service_code="session",
        on=today,
        member=community.chloe,
    )
    delivery_confirm(actor=community.chloe, delivery=session)
    workshop = delivery_record(
        actor=community.chloe, scheme=scheme, service_code="workshop", on=today
    )
    delivery_confirm(actor=community.anna, delivery=workshop)
    settlement_record(
        actor=community.anna, scheme=scheme, member=community.chloe, amount=6050, paid_on=today
    )
    community.chloe.language = "fr"
    community.chloe.save(update_fields=["language"])

    statements_run(host=community.host, month=today.replace(day=1))

    chloe = Statement.objects.get(user=community.chloe)
    moved = chloe.data["movements"]
    assert [(m["credits"], m["euros"]) for m in moved] == [
        (-1000, "-50.00"),
        (-500, "-25.00"),
        (1000, "50.00"),  # €60.50 paid, VAT included, buys back 1 SIF (€50.00 excl. VAT)
    ]
    assert moved[2]["service"] == "Règlement en euros (60,50\u00a0€ payés)"
    assert moved[2]["counterparty"] == community.host.name
    assert (chloe.opening, chloe.closing) == (0, -500)
    assert chloe.closing == chloe.opening + sum(m["credits"] for m in moved)
    # The session's invoice is paid; the workshop's is still open.
    assert [i["total"] for i in chloe.data["open_invoices"]] == ["30.25"]
    assert "Règlement en euros" in statement_html(chloe, scheme)


def test_a_statement_made_late_tells_the_month_as_it_was(community, client):
    """Chloé's credit note of last month was set off this month: last month's statement,
    made now, still shows it open and the network owing her, as her closing balance says."""
    scheme = make_scheme(community)
    chloe, bram = community.chloe, community.bram
    last_month_end = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    given = delivery_record(
        actor=chloe, scheme=scheme, service_code="session", on=last_month_end, member=bram
    )
    delivery_confirm(actor=bram, delivery=given, confirmed_on=last_month_end)
    received = delivery_record(
        actor=bram, scheme=scheme, service_code="session", on=timezone.localdate(), member=chloe
    )
    delivery_confirm(actor=chloe, delivery=received)

    statements_run(host=community.host, month=last_month_end)
    statement = Statement.objects.get(user=chloe)
    assert statement.closing == 1000
    assert [(d["number"], d["amount_due"]) for d in statement.data["open_credit_notes"]] == [
        (f"CN-{last_month_end.year}-000001", "60.50")
    ]
    assert statement.data["net_position"]["net"] == "-60.50"
    client.force_login(chloe)
    page = client.get(reverse("invoicing:statement", args=[statement.pk])).content.decode()
    assert "The network owes you €60.50." in page
    assert "At the end of the month" in page
