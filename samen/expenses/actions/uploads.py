"""Receipts kept across a form error, so that a person need not pick the file again.

A file attached to an expense form that came back with an error (a missing IBAN, an amount
over the limit) is stored in the private storage as a ``PendingUpload`` of that person and
offered back by its random token; only its owner can use the token. Saving the expense
turns it into an attachment and deletes it; one left behind goes after a day.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from samen.expenses.files import sniff_attachment, stored_file_name
from samen.expenses.models import PendingUpload

#: How long a receipt kept for a form waits for the person to send the form again.
PENDING_UPLOAD_TTL = timedelta(days=1)


def _delete_on_commit(uploads: Sequence[PendingUpload]) -> None:
    """Delete the rows now and their files once the transaction commits (files are not
    transactional: a rollback must not leave a row without its file)."""
    names = [u.file.name for u in uploads]
    PendingUpload.objects.filter(pk__in=[u.pk for u in uploads]).delete()
    storage = PendingUpload._meta.get_field("file").storage

    def delete_files() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete_files)


@transaction.atomic
def pending_uploads_keep(*, actor: Any, files: Sequence[File[Any]]) -> list[PendingUpload]:
    """Keep ``files`` (already in the form) for ``actor`` after a form error. A file that is
    not a PDF or an image within 10 MB is not kept: the form says why at the field. The
    person's kept files older than a day are deleted on the way."""
    _delete_on_commit(
        list(
            PendingUpload.objects.filter(
                user=actor, created_at__lt=timezone.now() - PENDING_UPLOAD_TTL
            )
        )
    )
    kept = []
    for upload in files:
        content_type = sniff_attachment(upload, upload.size or 0)
        if content_type is None:
            continue
        pending = PendingUpload(
            token=uuid.uuid4(),
            user=actor,
            original_name=(getattr(upload, "name", "") or "attachment").rsplit("/", 1)[-1][:200],
            content_type=content_type,
            size=upload.size or 0,
        )
        pending.file.save(stored_file_name(content_type), upload, save=False)
        pending.save()
        kept.append(pending)
    return kept


def pending_upload_files(uploads: Sequence[PendingUpload]) -> list[File[Any]]:
    """The kept files, opened, under their original names: what the form would have sent."""
    return [File(u.file.open("rb"), name=u.original_name) for u in uploads]


@transaction.atomic
def pending_uploads_discard(*, actor: Any, uploads: Sequence[PendingUpload]) -> None:
    """The expense is saved with these files as its attachments: forget the kept copies."""
    _delete_on_commit([u for u in uploads if u.user_id == actor.pk])
