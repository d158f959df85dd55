"""Outgoing e-mail: rendered in the request or action, delivered by a background task."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives


def site_url() -> str:
    """The site's address without a trailing slash, for links in e-mails and files."""
    return str(getattr(settings, "SITE_URL", "") or "http://localhost:8000").rstrip("/")


def send_message_later(message: EmailMessage) -> None:
    """Queue ``message`` for delivery once the current transaction commits."""
    from samen.core.tasks import deliver_email
    from samen.lib.tasks import enqueue_on_commit

    html = None
    if isinstance(message, EmailMultiAlternatives):
        html = next((str(c) for c, mime in message.alternatives if mime == "text/html"), None)
    if message.content_subtype == "html":
        html, body = str(message.body), ""
    else:
        body = str(message.body)
    enqueue_on_commit(
        deliver_email,
        subject=str(message.subject),
        body=body,
        to=[str(a) for a in message.to],
        from_email=str(message.from_email) if message.from_email else None,
        html=html,
        headers={str(k): str(v) for k, v in message.extra_headers.items()} or None,
    )
