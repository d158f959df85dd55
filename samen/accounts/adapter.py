from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter

from samen.lib.mail import send_message_later


class AccountAdapter(DefaultAccountAdapter):
    """allauth's e-mails leave through the task queue, like every other e-mail."""

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        message = self.render_mail(template_prefix, email, context)
        send_message_later(message)
