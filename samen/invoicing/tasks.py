"""Background work of the invoicing app: thin tasks that load by id and call an action."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from samen.communities.models import Host
from samen.core.schedule import monthly, register
from samen.invoicing.actions import (
    document_email,
    document_render_files,
    statement_email,
    statements_run,
)
from samen.invoicing.models import Document, StatementRun


@task()
def render_document_files(*, document_id: int) -> None:
    """Render a document's PDF and UBL file, then queue its e-mail to the member; running it
    twice renders nothing twice and sends nothing twice."""
    document = Document.objects.filter(pk=document_id).first()
    if document is not None:
        document_render_files(document=document)
        deliver_document.enqueue(document_id=document.pk)


@task()
def deliver_document(*, document_id: int) -> bool:
    """E-mail one issued document; a document already e-mailed is not sent again."""
    return document_email(document_id=document_id)


@task()
def deliver_statement(*, statement_id: int) -> bool:
    """E-mail one statement; a statement already e-mailed is not sent again."""
    return statement_email(statement_id=statement_id)


@task()
def run_monthly_statements(*, month: str | None = None) -> int:
    """Statements of every host with a credit scheme for every closed month still to do.

    Scheduled on the first of each month; after a missed slot it catches up on each month
    since the host's last finished run (at most a year back). ``month`` (``YYYY-MM-DD``) runs
    that one month only. Idempotent: statements already made or sent are left alone.
    Returns the number of host-months run.
    """
    from samen.credits.models import CreditScheme

    this_month = timezone.localdate().replace(day=1)
    done = 0
    for host in Host.objects.filter(pk__in=CreditScheme.objects.values("host_id")):
        if month:
            months = [dt.date.fromisoformat(month).replace(day=1)]
        else:
            months = _outstanding_months(host, this_month)
        for first in months:
            statements_run(host=host, month=first)
            done += 1
    return done


def _outstanding_months(host: Host, this_month: dt.date) -> list[dt.date]:
    last = (
        StatementRun.objects.filter(host=host, finished_at__isnull=False)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
    months: list[dt.date] = []
    cursor = (this_month - dt.timedelta(days=1)).replace(day=1)
    while len(months) < 12 and (last is None or cursor > last):
        months.insert(0, cursor)
        if last is None:
            break
        cursor = (cursor - dt.timedelta(days=1)).replace(day=1)
    return months


register("invoicing.statements", monthly(day=1, hour=6), run_monthly_statements)
