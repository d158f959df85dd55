"""What file a library item may carry: checked from its content, never from its name or its
declared type, within a size limit per kind.

Templates and checklists are documents (PDF, OOXML from Microsoft Office, OpenDocument from
LibreOffice); recordings are audio or video. A file is served with the type found here and
``nosniff``, so a page or a script renamed ``.pdf`` is refused rather than served from our
own origin.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO

from samen.knowledge.models import ItemKind
from samen.lib.pdf import PDF_CONTENT_TYPE, is_pdf

MB = 1024 * 1024
DOCUMENT_MAX_BYTES = 20 * MB
RECORDING_MAX_BYTES = 200 * MB

# The kinds whose item may carry a file, with the size limit of each.
FILE_LIMITS: dict[str, int] = {
    ItemKind.TEMPLATE: DOCUMENT_MAX_BYTES,
    ItemKind.CHECKLIST: DOCUMENT_MAX_BYTES,
    ItemKind.RECORDING: RECORDING_MAX_BYTES,
}

# An OpenDocument file names its type in an uncompressed first member called ``mimetype``.
_ODF_TYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
# An OOXML file is a zip whose main part sits in a folder named after the application.
_OOXML_TYPES = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "ppt/": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
    ),
}
_ODF_MAX_MIMETYPE = 100


@dataclass(frozen=True)
class FileType:
    """A checked file's content type and the extension it is stored and named with."""

    content_type: str
    extension: str


def _zip_document(stream: IO[bytes]) -> FileType | None:
    """An OOXML or OpenDocument file, read from the zip's directory (nothing is unpacked
    but the few bytes of an OpenDocument's ``mimetype``)."""
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
            if "mimetype" in names and archive.getinfo("mimetype").file_size < _ODF_MAX_MIMETYPE:
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                if declared in _ODF_TYPES:
                    return FileType(declared, _ODF_TYPES[declared])
            if "[Content_Types].xml" in names:
                for folder, (content_type, extension) in _OOXML_TYPES.items():
                    if any(name.startswith(folder) for name in names):
                        return FileType(content_type, extension)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError):
        return None
    return None


def _media(head: bytes) -> FileType | None:
    """Audio and video by their containers' signatures."""
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B "):
            return FileType("audio/mp4", "m4a")
        return FileType("video/mp4", "mp4")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return FileType("video/webm", "webm")
    if head.startswith(b"OggS"):
        return FileType("audio/ogg", "ogg")
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return FileType("audio/wav", "wav")
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return FileType("audio/mpeg", "mp3")
    return None


def sniff_library_file(stream: IO[bytes], kind: str) -> FileType | None:
    """The type of a file for an item of ``kind``, or None when it is not one that kind
    carries (a document for a template or checklist, audio or video for a recording). The
    caller checks the size first (``FILE_LIMITS``)."""
    stream.seek(0)
    head = stream.read(64)
    stream.seek(0)
    if kind == ItemKind.RECORDING:
        found = _media(head)
    elif head.startswith(b"PK\x03\x04"):
        found = _zip_document(stream)
    elif is_pdf(stream):
        found = FileType(PDF_CONTENT_TYPE, "pdf")
    else:
        found = None
    stream.seek(0)
    return found
