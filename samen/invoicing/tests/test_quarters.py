"""The quarter of the service (issue 11): documents count in the VAT quarter of the service,
the host's summary shows the Belgian VAT return grids, and an exported quarter never changes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils.timezone import localdate as today

from samen.credits.actions import delivery_confirm, delivery_record
from samen.credits.tests.factories import make_scheme
from samen.invoicing.actions import document_correct, vat_quarter_export
from samen.invoicing.errors import InvoicingError, InvoicingErrorCode
from samen.invoicing.models import Document, DocumentKind, VatQuarterExport
from samen.invoicing.queries import quarter_of, vat_per_quarter
from samen.invoicing.tests.factories import issue

pytestmark = pytest.mark.django_db


def _session(community, on: dt.date, confirmed_on: dt.date) -> None:
    """Bram gives Chloé a session on ``on``; she confirms it on ``confirmed_on``."""
    scheme = make_scheme(community)
    delivery = delivery_record(
        actor=community.bram, scheme=scheme, service_code="session", on=on, member=community.chloe
    )
    delivery_confirm(actor=community.chloe, delivery=delivery, confirmed_on=confirmed_on)


def _quarter(host, year: int, quarter: int) -> dict:
    return next(q for q in vat_per_quarter(host) if (q["year"], q["quarter"]) == (year, quarter))


def test_a_session_of_28_march_confirmed_on_10_april_counts_in_q1(community):
    year = today().year - 1
    _session(community, dt.date(year, 3, 28), dt.date(year, 4, 10))
    invoice = Document.objects.get(kind=DocumentKind.INVOICE)
    assert invoice.issue_date == dt.date(year, 4, 10)
    assert invoice.tax_point == dt.date(year, 3, 28)
    assert Document.objects.get(kind=DocumentKind.CREDIT_NOTE).tax_point == dt.date(year, 3, 28)
    assert [(q["year"], q["quarter"]) for q in vat_per_quarter(community.host)] == [(year, 1)]
    q1 = _quarter(community.host, year, 1)
    assert (q1["invoiced_vat"], q1["credited_vat"]) == (Decimal("10.50"), Decimal("10.50"))
    # Chloé's invoice is a sale at 21 % (03 and 54); Bram's credit note pays for a service the
    # host received (82, deductible VAT in 59).
    assert q1["grids"] == {"03": "50.00", "54": "10.50", "59": "10.50", "82": "50.00"}


def test_an_exported_quarter_never_changes(community, anna):
    year = today().year - 1
    _session(community, dt.date(year, 3, 28), dt.date(year, 4, 10))
    export = vat_quarter_export(actor=community.anna, host=community.host, year=year, quarter=1)
    assert vat_quarter_export(actor=anna, host=community.host, year=year, quarter=1) == export
    frozen = dict(export.data)
    # A late correction of the March invoice, and a late March document, land in the current
    # quarter; the exported Q1 shows exactly what was exported.
    invoice = Document.objects.get(kind=DocumentKind.INVOICE)
    note = document_correct(actor=anna, invoice=invoice, reason="Not held", idempotency_key="c")
    late = issue(community.host, community.chloe, delivery_date=dt.date(year, 3, 30))
    assert note.tax_point == note.issue_date == today()
    assert late.tax_point == today()
    q1 = _quarter(community.host, year, 1)
    assert q1["grids"] == frozen["grids"]
    assert q1["exported_at"] is not None
    now = _quarter(community.host, *quarter_of(today()))
    assert (now["grids"]["49"], now["grids"]["64"]) == ("50.00", "10.50")
    assert now["exported_at"] is None
    VatQuarterExport.objects.get(pk=export.pk)  # still one row, unchanged
    assert VatQuarterExport.objects.get().data == frozen


def test_only_a_finished_quarter_can_be_exported(community):
    year, quarter = quarter_of(today())
    for bad_year, bad_quarter in ((year, quarter), (year + 1, 1), (year, 5)):
        with pytest.raises(InvoicingError) as err:
            vat_quarter_export(
                actor=community.anna, host=community.host, year=bad_year, quarter=bad_quarter
            )
        assert err.value.code == InvoicingErrorCode.QUARTER_NOT_ENDED
    assert not VatQuarterExport.objects.exists()


def test_host_admins_read_and_export_quarters_through_the_api(client, community):
    year = today().year - 1
    _session(community, dt.date(year, 3, 28), dt.date(year, 4, 10))
    base = f"/api/v1/invoicing/hosts/{community.host.slug}/vat-quarters"
    client.force_login(community.chloe)
    assert client.get(base).status_code == 403
    assert client.post(f"{base}/{year}/1/export").status_code == 403
    client.force_login(community.anna)
    (q1,) = client.get(base).json()
    assert (q1["year"], q1["quarter"], q1["grids"]["03"], q1["exported_at"]) == (
        year,
        1,
        "50.00",
        None,
    )
    exported = client.post(f"{base}/{year}/1/export")
    assert exported.status_code == 200
    assert exported.json()["grids"] == q1["grids"]
    assert VatQuarterExport.objects.get().exported_by == community.anna
    now_year, now_quarter = quarter_of(today())
    refused = client.post(f"{base}/{now_year}/{now_quarter}/export")
    assert refused.status_code == 422
    assert refused.json()["code"] == "quarter_not_ended"


def test_a_pending_session_of_an_ended_quarter_is_reminded_then_confirms_in_time(community):
    """Chloé records a session given to Bram on 28 March; Bram does not answer. After the
    quarter he is reminded once; on 10 April it confirms itself (the scheme's own delay is
    30 days), so both documents are issued by the 15th and count in Q1."""
    import time_machine

    from samen.credits.actions import deliveries_auto_confirm, scheme_update
    from samen.credits.models import Delivery, DeliveryStatus
    from samen.notifications.models import Notification

    year = today().year - 1
    with time_machine.travel(dt.datetime(year, 3, 28, 12, tzinfo=dt.UTC), tick=False):
        scheme = make_scheme(community)
        scheme_update(actor=community.anna, scheme=scheme, auto_confirm_days=30)
        delivery = delivery_record(
            actor=community.chloe,
            scheme=scheme,
            service_code="session",
            on=dt.date(year, 3, 28),
            member=community.bram,
        )
    reminders = Notification.objects.filter(kind="credits.confirm_reminder")
    for day, confirmed, reminded in ((31, 0, 0), (33, 0, 1), (34, 0, 1), (40, 0, 1), (41, 1, 1)):
        moment = dt.datetime(year, 3, 1, 12, tzinfo=dt.UTC) + dt.timedelta(days=day - 1)
        with time_machine.travel(moment, tick=False):
            assert deliveries_auto_confirm() == confirmed, moment
        assert reminders.count() == reminded, moment
    assert reminders.get().recipient == community.bram
    delivery.refresh_from_db()
    assert (delivery.status, delivery.auto_confirmed) == (DeliveryStatus.CONFIRMED, True)
    for document in Document.objects.all():
        assert document.issue_date == dt.date(year, 4, 10)
        assert document.tax_point == dt.date(year, 3, 28)
    assert [(q["year"], q["quarter"]) for q in vat_per_quarter(community.host)] == [(year, 1)]
    assert Delivery.objects.filter(flagged_at__isnull=False).count() == 0


def test_a_session_that_cannot_confirm_in_its_quarter_is_flagged_to_the_host_once(community):
    import time_machine

    from samen.credits.actions import credit_limit_set, deliveries_auto_confirm
    from samen.credits.models import DeliveryStatus
    from samen.notifications.models import Notification

    year = today().year - 1
    with time_machine.travel(dt.datetime(year, 9, 29, 12, tzinfo=dt.UTC), tick=False):
        scheme = make_scheme(community)
        delivery = delivery_record(
            actor=community.chloe,
            scheme=scheme,
            service_code="session",
            on=dt.date(year, 9, 29),
            member=community.bram,
        )
        # Bram's limit is lowered meanwhile: the session can no longer be confirmed.
        credit_limit_set(actor=community.anna, scheme=scheme, user=community.bram, limit=0)
    flags = Notification.objects.filter(kind="credits.delivery_flagged")
    for day in (10, 11):
        with time_machine.travel(dt.datetime(year, 10, day, 12, tzinfo=dt.UTC), tick=False):
            assert deliveries_auto_confirm() == 0
    assert [n.recipient for n in flags] == [community.anna]
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.flagged_at is not None
    assert not Document.objects.exists()


def _export_q1_with_a_march_session(community) -> tuple[int, Any]:
    """Last year's Q1 holds a session of 28 March (confirmed 10 April) and is exported."""
    year = today().year - 1
    _session(community, dt.date(year, 3, 28), dt.date(year, 4, 10))
    export = vat_quarter_export(actor=community.anna, host=community.host, year=year, quarter=1)
    return year, export


def _snapshot(host) -> tuple:
    """Everything a refused change in an exported quarter must leave as it was."""
    from samen.audit.models import AuditEntry
    from samen.credits.models import Delivery
    from samen.invoicing.models import NumberCounter
    from samen.ledger.models import Transaction

    return (
        list(Document.objects.order_by("pk").values_list("pk", "number", "status", "tax_point")),
        list(NumberCounter.objects.order_by("pk").values_list("kind", "year", "last")),
        list(VatQuarterExport.objects.values_list("year", "quarter", "data")),
        Delivery.objects.count(),
        Transaction.objects.count(),
        AuditEntry.objects.count(),
        vat_per_quarter(host),
    )


def test_a_document_dated_in_an_exported_quarter_is_refused(community):
    """Adding (or re-issuing, the only way to change one) a document dated in an exported
    quarter is refused and changes nothing; the correction is a credit note of today."""
    from samen.invoicing.tests.factories import issue as issue_document

    year, _export = _export_q1_with_a_march_session(community)
    invoice = Document.objects.get(kind=DocumentKind.INVOICE)
    before = _snapshot(community.host)
    for day in (dt.date(year, 3, 31), dt.date(year, 1, 1)):
        with pytest.raises(InvoicingError) as refused:
            issue_document(community.host, community.chloe, issue_date=day)
        assert refused.value.code == InvoicingErrorCode.QUARTER_EXPORTED
        assert refused.value.status == 409
    assert _snapshot(community.host) == before
    # The late correction is a new document of the current quarter referring to the original.
    note = document_correct(
        actor=community.anna, invoice=invoice, reason="Wrong", idempotency_key="k"
    )
    assert (note.corrects, note.issue_date, note.tax_point) == (invoice, today(), today())
    assert _quarter(community.host, year, 1)["grids"] == before[2][0][2]["grids"]


def test_a_service_in_an_exported_quarter_cannot_be_recorded_or_confirmed(community, client):
    from samen.credits.errors import CreditsError, CreditsErrorCode
    from samen.credits.models import CreditScheme

    year, _export = _export_q1_with_a_march_session(community)
    scheme = CreditScheme.objects.get(host=community.host)
    before = _snapshot(community.host)
    with pytest.raises(CreditsError) as refused:
        delivery_record(
            actor=community.chloe,
            scheme=scheme,
            service_code="session",
            on=dt.date(year, 2, 14),
            member=community.bram,
        )
    assert (refused.value.code, refused.value.field) == (CreditsErrorCode.QUARTER_EXPORTED, "on")

    # The form shows it at the date, keeping what was typed.
    client.force_login(community.chloe)
    page = client.post(
        f"/credits/{community.host.slug}/record/",
        {"service": "session", "on": f"{year}-02-14", "member": community.bram.pk, "quantity": 1},
    )
    assert page.status_code == 400
    assert "already exported" in " ".join(page.context["form"].errors["on"])
    assert f'value="{year}-02-14"' in page.content.decode()
    # The API answers 409 with the code.
    api = client.post(
        f"/api/v1/credits/{community.host.slug}/deliveries",
        data={"service": "session", "date": f"{year}-02-14", "member_id": community.bram.pk},
        content_type="application/json",
    )
    assert (api.status_code, api.json()["code"]) == (409, "quarter_exported")

    # A pending session confirmed with a day of the exported quarter: refused, all of it.
    pending = delivery_record(
        actor=community.chloe,
        scheme=scheme,
        service_code="session",
        on=dt.date(year, 4, 2),
        member=community.bram,
    )
    before = _snapshot(community.host)
    with pytest.raises(InvoicingError) as refused_confirm:
        delivery_confirm(actor=community.bram, delivery=pending, confirmed_on=dt.date(year, 3, 31))
    assert refused_confirm.value.code == InvoicingErrorCode.QUARTER_EXPORTED
    assert _snapshot(community.host) == before
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_corrections_of_reverse_charged_and_purchases_from_eu_businesses_have_their_grids():
    from samen.invoicing.vat import return_grids

    def grids(kind: str, corrects: bool, category: str, rate: str = "0") -> tuple[str, str]:
        return return_grids(kind=kind, corrects=corrects, category=category, rate=Decimal(rate))

    assert grids("invoice", False, "S", "6") == ("01", "54")
    assert grids("invoice", False, "S", "12") == ("02", "54")
    assert grids("invoice", False, "S", "21") == ("03", "54")
    assert grids("invoice", False, "Z") == grids("invoice", False, "E") == ("00", "")
    assert grids("invoice", False, "AE") == ("44", "")
    assert grids("credit_note", True, "S", "21") == ("49", "64")
    assert grids("credit_note", True, "AE") == ("48", "")
    assert grids("credit_note", False, "S", "21") == ("82", "59")
    assert grids("credit_note", False, "E") == ("82", "59")
    assert grids("credit_note", False, "AE") == ("88", "")
    assert grids("credit_note", False, "O") == grids("invoice", False, "O") == ("", "")
