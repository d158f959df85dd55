"""The official Peppol BIS 3.0 validator from ../shared/validation/peppol (CI always has it)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

from django.conf import settings

from samen.lib.testing import require


def peppol_validate() -> Any:
    """``validate(path) -> list[Finding]``; see ``require`` when the rules are not present."""
    folder = Path(settings.BASE_DIR).parent / "shared/validation/peppol"
    require((folder / "validate.py").exists(), f"The Peppol rules at {folder}")
    require(
        importlib.util.find_spec("saxonche") is not None,
        "saxonche, which runs the Peppol XSLT (uv sync --dev)",
    )
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    from validate import validate

    return validate


def fatal_findings(xml: bytes, tmp_path: Path, name: str = "document.xml") -> list[Any]:
    path = tmp_path / name
    path.write_bytes(xml)
    return [f for f in peppol_validate()(path) if f.flag == "fatal"]
