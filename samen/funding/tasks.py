"""Background work of the funding app: thin tasks that load by id and call an action."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django_tasks import task

from samen.core.schedule import daily, hourly, register
from samen.funding import actions
from samen.funding.models import Contribution
from samen.funding.notify import render_email
from samen.funding.receipts import receipt_filename, receipt_pdf


@task()
def send_receipt(*, contribution_id: int) -> bool:
    """E-mail the receipt PDF of a paid contribution in the supporter's language."""
    contribution = (
        Contribution.objects.select_related("collective__host", "contributor", "campaign")
        .filter(pk=contribution_id)
        .first()
    )
    if contribution is None or not contribution.email or contribution.paid_at is None:
        return False
    language = (
        contribution.contributor.language if contribution.contributor else contribution.language
    )
    subject, body = render_email("receipt", language, {"contribution": contribution})
    message = EmailMessage(subject=subject, body=body, to=[contribution.email])
    message.attach(
        receipt_filename(contribution), receipt_pdf(contribution, language), "application/pdf"
    )
    return bool(message.send())


@task()
def run_due_payments() -> int:
    """Daily: create the due recurring payments (idempotent)."""
    return actions.recurring_run_due()


@task()
def settle_campaigns() -> int:
    """Hourly: settle campaigns past their deadline and release expired reward holds."""
    actions.holds_release_expired()
    return actions.campaigns_settle_due()


register("funding.recurring", daily(hour=6, minute=15), run_due_payments)
register("funding.campaigns", hourly(minute=20), settle_campaigns)
