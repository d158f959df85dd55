"""Compile the project's and each app's ``locale/*/LC_MESSAGES/*.po`` to ``.mo`` with Babel.

``python -m samen.lib.compilemessages`` compiles catalogues whose ``.mo`` is missing or older;
``--check`` fails (exit 1) when a catalogue other than English has an untranslated or fuzzy
entry, so the Dutch and French catalogues stay complete.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent.parent
SOURCE_LANGUAGE = "en"


def catalogues() -> list[Path]:
    """The project catalogue (``locale/``) and one per app (``samen/<app>/locale/``)."""
    return sorted(
        [*ROOT.glob("locale/*/LC_MESSAGES/*.po"), *ROOT.glob("samen/*/locale/*/LC_MESSAGES/*.po")]
    )


def problems(po_path: Path) -> list[str]:
    with po_path.open("rb") as handle:
        catalogue = read_po(handle)
    found = []
    for message in catalogue:
        if not message.id:
            continue
        label = message.id if isinstance(message.id, str) else message.id[0]
        if message.fuzzy:
            found.append(f"{po_path}: fuzzy: {label!r}")
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            found.append(f"{po_path}: untranslated: {label!r}")
    return found


def compile_all(force: bool = False) -> int:
    compiled = 0
    for po_path in catalogues():
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as handle:
            catalogue = read_po(handle)
        with mo_path.open("wb") as handle:
            write_mo(handle, catalogue)
        compiled += 1
    return compiled


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--check", action="store_true", help="fail on untranslated or fuzzy entries"
    )
    parser.add_argument("--force", action="store_true", help="recompile every catalogue")
    args = parser.parse_args(argv)
    if args.check:
        found = [
            p
            for po in catalogues()
            if po.parent.parent.name != SOURCE_LANGUAGE
            for p in problems(po)
        ]
        for line in found[:50]:
            print(line, file=sys.stderr)
        if found:
            print(f"{len(found)} incomplete catalogue entries.", file=sys.stderr)
            return 1
        if not catalogues():
            print("No catalogues found.", file=sys.stderr)
            return 1
        return 0
    compile_all(force=args.force)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
