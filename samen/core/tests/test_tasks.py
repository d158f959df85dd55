"""Background work through the real database worker, and e-mail through a real SMTP server."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.db import transaction
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from samen.core.tasks import deliver_email
from samen.lib.email_url import parse_email_url
from samen.lib.mail import send_message_later

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db(transaction=True)
def test_email_is_delivered_by_the_real_database_worker(settings: Any) -> None:
    settings.TASKS = DB_TASKS
    message = EmailMultiAlternatives("Welkom", "Hallo Anna", to=["anna@example.org"])
    message.attach_alternative("<p>Hallo Anna</p>", "text/html")
    with transaction.atomic():
        send_message_later(message)
        # Enqueued on commit only: a rolled-back action sends nothing.
        assert not DBTaskResult.objects.exists()
    result = DBTaskResult.objects.get()
    assert result.status == TaskResultStatus.READY
    assert mail.outbox == []

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")

    result.refresh_from_db()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert (sent.subject, sent.to) == ("Welkom", ["anna@example.org"])
    assert isinstance(sent, EmailMultiAlternatives)
    assert sent.alternatives[0][0] == "<p>Hallo Anna</p>"


@pytest.mark.django_db(transaction=True)
def test_rolled_back_action_enqueues_nothing(settings: Any) -> None:
    settings.TASKS = DB_TASKS

    def failing_action() -> None:
        with transaction.atomic():
            send_message_later(EmailMultiAlternatives("x", "y", to=["a@example.org"]))
            raise RuntimeError("action failed")

    with pytest.raises(RuntimeError):
        failing_action()
    assert not DBTaskResult.objects.exists()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Inbox:
    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted"


def test_a_real_smtp_conversation(settings: Any) -> None:
    from aiosmtpd.controller import Controller

    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        for name, value in parse_email_url(f"smtp://robot:s%40cret@127.0.0.1:{port}").items():
            setattr(settings, name, value)
        assert settings.EMAIL_HOST_PASSWORD == "s@cret"
        settings.EMAIL_HOST_USER = ""  # the test server offers no AUTH
        settings.EMAIL_TIMEOUT = 10
        sent = deliver_email.call(
            subject="Bevestig je e-mailadres",
            body="Klik op de link.",
            to=["chloe@example.org"],
            from_email="Samen <noreply@samen.test>",
        )
    finally:
        controller.stop()
    assert sent == 1
    assert len(inbox.envelopes) == 1
    envelope = inbox.envelopes[0]
    assert envelope.mail_from == "noreply@samen.test"
    assert envelope.rcpt_tos == ["chloe@example.org"]
    content = envelope.content.decode()
    assert "Subject: Bevestig je e-mailadres" in content
    assert "Klik op de link." in content
