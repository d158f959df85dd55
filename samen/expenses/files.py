"""Checking an uploaded attachment from its content, never from its name or declared type."""

from __future__ import annotations

import uuid
from typing import IO

from samen.lib.images import image_content_type
from samen.lib.pdf import PDF_CONTENT_TYPE, is_pdf

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def sniff_attachment(stream: IO[bytes], size: int) -> str | None:
    """Return the content type of a PDF or image attachment, or None when the file is not
    one or is larger than 10 MB.

    A PDF is one ``samen.lib.pdf.is_pdf`` accepts; an image must be one Pillow can identify
    and verify, within the pixel cap.
    """
    if size <= 0 or size > MAX_ATTACHMENT_BYTES:
        return None
    if is_pdf(stream):
        return PDF_CONTENT_TYPE
    return image_content_type(stream, max_bytes=MAX_ATTACHMENT_BYTES)


def stored_file_name(content_type: str) -> str:
    """A random name for a stored attachment, with the extension of its checked type: the
    original name is personal and not unique."""
    extension = {PDF_CONTENT_TYPE: "pdf", "image/jpeg": "jpg"}.get(
        content_type, content_type.split("/")[-1]
    )
    return f"{uuid.uuid4().hex}.{extension}"
