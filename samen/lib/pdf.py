"""The one check that an uploaded file is a PDF, read from its content (never from its name
or declared type), for every app that accepts PDFs (expense receipts, library templates).

A PDF starts with its ``%PDF-`` header, and its trailer ends with an ``%%EOF`` marker near
the end of the file (writers may add a few bytes after it). A page or a script renamed
``.pdf`` fails the check, so it is never stored and served as a PDF from our own origin.
"""

from __future__ import annotations

from typing import IO

PDF_CONTENT_TYPE = "application/pdf"
# How far from the end the ``%%EOF`` marker may stand.
_TAIL_BYTES = 2048


def is_pdf(stream: IO[bytes]) -> bool:
    """Whether ``stream`` holds a PDF: the header at its start and the end-of-file marker
    in its last 2 KB. Leaves the stream at its start."""
    stream.seek(0)
    head = stream.read(5)
    if head != b"%PDF-":
        stream.seek(0)
        return False
    size = stream.seek(0, 2)
    stream.seek(max(0, size - _TAIL_BYTES))
    found = b"%%EOF" in stream.read()
    stream.seek(0)
    return found
