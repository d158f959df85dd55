"""Bad input keeps what the person typed, the attached receipt included: after a form
error the file is kept privately for them and offered back, and becomes the expense's
attachment when the form is sent again, without picking it again."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from samen.expenses.models import ExpenseStatus, PendingUpload
from samen.expenses.tests.factories import PDF_BYTES, pdf_upload

pytestmark = pytest.mark.django_db


def _form(amount: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "receipt",
        "title": "Tram",
        "payee_kind": "self",
        "iban": "BE68 5390 0754 7034",
        "account_holder": "Chloé",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "1",
        "items-MAX_NUM_FORMS": "50",
        "items-0-description": "Card",
        "items-0-incurred_on": "2026-11-03",
        "items-0-amount": amount,
        **extra,
    }


def _kept_tokens(html: str) -> list[str]:
    return re.findall(r'name="kept_upload" value="([0-9a-f-]+)"', html)


def test_a_receipt_is_kept_after_a_form_error(client, community) -> None:
    client.force_login(community.chloe)
    url = reverse("expenses:new", args=[community.collective.slug])

    first = client.post(url, _form("twelve", attachments=pdf_upload("ticket.pdf")))
    html = first.content.decode()
    assert first.status_code == 200
    assert "Enter an amount" in html  # the error, at its field
    assert 'value="Tram"' in html  # what was typed stays
    assert "ticket.pdf is kept" in html
    tokens = _kept_tokens(html)
    assert len(tokens) == 1
    pending = PendingUpload.objects.get()
    assert (pending.user, pending.original_name, pending.content_type) == (
        community.chloe,
        "ticket.pdf",
        "application/pdf",
    )

    # Sent again with the amount fixed and no file picked: the kept receipt is attached.
    second = client.post(url, _form("12,50", kept_upload=tokens))
    assert second.status_code == 302
    expense = community.collective.expenses.get()
    assert expense.status == ExpenseStatus.PENDING
    attachment = expense.attachments.get()
    assert attachment.original_name == "ticket.pdf"
    with attachment.file.open("rb") as stored:
        assert stored.read() == PDF_BYTES
    assert not PendingUpload.objects.exists()  # the kept copy is gone


def test_a_kept_receipt_is_only_its_owners(client, community) -> None:
    client.force_login(community.chloe)
    url = reverse("expenses:new", args=[community.collective.slug])
    html = client.post(url, _form("twelve", attachments=pdf_upload())).content.decode()
    token = _kept_tokens(html)[0]

    # Bram names Chloé's token in his own form: it is not his, nothing is attached.
    client.force_login(community.bram)
    client.post(url, _form("12,50", kept_upload=[token, "not-a-token"]))
    expense = community.collective.expenses.get(submitter=community.bram)
    assert not expense.attachments.exists()
    assert PendingUpload.objects.filter(user=community.chloe).count() == 1


def test_a_file_that_is_no_receipt_is_not_kept(client, community) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(community.chloe)
    url = reverse("expenses:new", args=[community.collective.slug])
    fake = SimpleUploadedFile("ticket.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = client.post(url, _form("twelve", attachments=fake))
    assert response.status_code == 200
    assert not _kept_tokens(response.content.decode())
    assert not PendingUpload.objects.exists()
