"""The official Peppol BIS 3.0 validator from ../shared/validation/peppol, or a skip reason."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings


def peppol_validate() -> Any:
    """``validate(path) -> list[Finding]``; skips the test when the rules are not present."""
    folder = Path(settings.BASE_DIR).parent / "shared/validation/peppol"
    if not (folder / "validate.py").exists():
        pytest.skip(f"Peppol rules not found at {folder} (CI always has them)")
    pytest.importorskip("saxonche", reason="saxonche runs the Peppol XSLT (uv sync --dev)")
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    from validate import validate

    return validate


def fatal_findings(xml: bytes, tmp_path: Path, name: str = "document.xml") -> list[Any]:
    path = tmp_path / name
    path.write_bytes(xml)
    return [f for f in peppol_validate()(path) if f.flag == "fatal"]
