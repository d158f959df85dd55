"""Issued invoices and credit notes reach the member by e-mail, once, in their language."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core import mail

from samen.invoicing.actions import document_email, document_render_files
from samen.invoicing.models import DocumentKind
from samen.invoicing.tasks import deliver_document, render_document_files
from samen.invoicing.tests.factories import issue, make_company_profile, make_host

pytestmark = pytest.mark.django_db


def test_an_issued_invoice_is_emailed_after_commit_with_pdf_and_ubl(
    bram, django_capture_on_commit_callbacks
):
    host = make_host()
    make_company_profile(host, bram)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document = issue(host, bram)
    assert mail.outbox == []  # nothing leaves before the issue commits
    for callback in callbacks:
        callback()
    document.refresh_from_db()
    assert document.emailed_at is not None
    (message,) = mail.outbox
    assert message.to == [bram.email]
    assert document.number in message.subject
    assert document.communication_display in message.body
    names = {name: mime for name, _content, mime in message.attachments}
    assert names == {
        f"{document.number}.pdf": "application/pdf",
        f"{document.number}.xml": "application/xml",
    }
    pdf = next(c for n, c, _m in message.attachments if n.endswith(".pdf"))
    assert pdf[:5] == b"%PDF-"

    # Rendering or delivering again sends nothing twice.
    render_document_files.call(document_id=document.pk)
    assert deliver_document.call(document_id=document.pk) is False
    assert len(mail.outbox) == 1


def test_a_credit_note_without_company_gets_the_pdf_only_in_the_members_language(
    make_user, django_capture_on_commit_callbacks
):
    host = make_host()
    gilles = make_user("gilles@example.org", "Gilles", language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        document = issue(host, gilles, kind=DocumentKind.CREDIT_NOTE)
    (message,) = mail.outbox
    assert [name for name, _c, _m in message.attachments] == [f"{document.number}.pdf"]
    assert message.subject.startswith("Note de crédit")
    assert "Bonjour Gilles" in message.body


def test_a_failed_send_is_released_and_retried(bram):
    host = make_host()
    document = document_render_files(document=issue(host, bram))  # on-commit work not run
    with (
        mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("smtp down")),
        pytest.raises(OSError, match="smtp down"),
    ):
        document_email(document_id=document.pk)
    document.refresh_from_db()
    assert document.emailed_at is None
    assert document_email(document_id=document.pk) is True
    assert document_email(document_id=document.pk) is False
    assert len(mail.outbox) == 1


def test_no_email_before_the_pdf_exists(bram):
    document = issue(make_host(), bram)
    assert document_email(document_id=document.pk) is False
    assert mail.outbox == []
