"""E-mails of the funding app, each rendered in the recipient's language.

Templates are ``funding/email/<name>_subject.txt`` and ``<name>_body.txt``. Receipts carry a
PDF, so they are rendered and sent by the ``send_receipt`` task after the commit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from samen.lib.mail import send_message_later, site_url
from samen.lib.tasks import enqueue_on_commit

if TYPE_CHECKING:
    from samen.funding.models import Campaign, CampaignUpdate, Contribution, RecurringContribution


def render_email(name: str, language: str, context: dict[str, Any]) -> tuple[str, str]:
    with translation.override(language or settings.LANGUAGE_CODE):
        ctx = {**context, "site_url": site_url()}
        subject = render_to_string(f"funding/email/{name}_subject.txt", ctx).strip()
        body = render_to_string(f"funding/email/{name}_body.txt", ctx)
    return " ".join(subject.split()), body


def _send(email: str, language: str, name: str, context: dict[str, Any]) -> None:
    if not email:
        return
    subject, body = render_email(name, language, context)
    send_message_later(EmailMessage(subject=subject, body=body, to=[email]))


def _language(contribution: Contribution) -> str:
    if contribution.contributor_id:
        return contribution.contributor.language or contribution.language  # type: ignore[union-attr]
    return contribution.language


def payment_instructions(contribution: Contribution, *, reminder: bool = False) -> None:
    """The IBAN, amount and structured communication, so the supporter can pay."""
    _send(
        contribution.email,
        _language(contribution),
        "payment_instructions",
        {"contribution": contribution, "host": contribution.collective.host, "reminder": reminder},
    )


def receipt(contribution: Contribution) -> None:
    """Queue the receipt (with its PDF) once the payment is committed."""
    if not contribution.email:
        return
    from samen.funding.tasks import send_receipt

    enqueue_on_commit(send_receipt, contribution_id=contribution.pk)


def refunded(contribution: Contribution) -> None:
    _send(contribution.email, _language(contribution), "refunded", {"contribution": contribution})


def campaign_update(update: CampaignUpdate) -> None:
    from samen.funding.queries import campaign_backer_contacts

    for email, language in campaign_backer_contacts(update.campaign):
        _send(email, language, "campaign_update", {"update": update, "campaign": update.campaign})


def campaign_settled(campaign: Campaign) -> None:
    from samen.funding.queries import campaign_backer_contacts

    for email, language in campaign_backer_contacts(campaign):
        _send(email, language, "campaign_settled", {"campaign": campaign})


def recurring_paused(recurring: RecurringContribution) -> None:
    user = recurring.contributor
    _send(user.email, user.language, "recurring_paused", {"recurring": recurring})
