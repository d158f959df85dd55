from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def deliver_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    from_email: str | None = None,
    html: str | None = None,
    headers: dict[str, str] | None = None,
) -> int:
    """Send one e-mail. Retried by re-enqueueing; sending twice is the only possible harm."""
    message = EmailMultiAlternatives(
        subject=subject, body=body, to=to, from_email=from_email, headers=headers
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()
