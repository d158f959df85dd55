"""The one PDF check (``samen.lib.pdf``) that expense attachments and library files share."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings

from samen.expenses.files import sniff_attachment
from samen.knowledge.files import sniff_library_file
from samen.knowledge.models import ItemKind
from samen.lib.pdf import is_pdf

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF, True),
        (PDF + b"\n" * 100, True),  # a few bytes after the marker
        (b"%PDF-1.4\n" + b"0" * 4096 + b"%%EOF", True),
        (b"%PDF-1.4\n%%EOF" + b" " * 4096, False),  # the marker too far from the end
        (b"%PDF-1.4\n1 0 obj <<>> endobj\n", False),  # cut short: no end marker
        (b"<html><script>alert(1)</script></html>%%EOF", False),
        (b"", False),
    ],
)
def test_is_pdf_reads_the_header_and_the_end_marker(content: bytes, expected: bool) -> None:
    stream = io.BytesIO(content)
    stream.seek(3)
    assert is_pdf(stream) is expected
    assert stream.tell() == 0  # left at its start for whoever stores it


def test_both_apps_answer_with_the_one_check() -> None:
    assert sniff_attachment(io.BytesIO(PDF), len(PDF)) == "application/pdf"
    found = sniff_library_file(io.BytesIO(PDF), ItemKind.CHECKLIST)
    assert found is not None
    assert (found.content_type, found.extension) == ("application/pdf", "pdf")
    broken = b"%PDF-1.4\n1 0 obj"
    assert sniff_attachment(io.BytesIO(broken), len(broken)) is None
    assert sniff_library_file(io.BytesIO(broken), ItemKind.TEMPLATE) is None


def test_no_app_keeps_a_copy_of_the_check() -> None:
    """The header test lives in samen/lib/pdf.py only (demo data and tests may write PDFs)."""
    root = Path(settings.BASE_DIR, "samen")
    copies = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and path.name != "demo.py"
        and path != root / "lib" / "pdf.py"
        and 'startswith(b"%PDF-")' in path.read_text(encoding="utf-8")
    ]
    assert copies == []
