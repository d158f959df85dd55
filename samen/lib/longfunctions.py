"""``make check``'s length check: no function over 80 lines of code in an actions or API module.

The rules that move money and decide access live in ``actions`` and ``api`` modules; a
function there that grows past one screen hides the order of its steps. Lines are counted
from the first statement after the docstring, without blank and comment-only lines; a
function defined inside another counts in both. Split a long one into named steps.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 80


def _in_scope(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts
    if "tests" in parts or "migrations" in parts:
        return False
    return path.stem in ("actions", "api") or path.parent.name in ("actions", "api")


def _code_lines(node: ast.FunctionDef | ast.AsyncFunctionDef, source: list[str]) -> int:
    body = node.body
    first = body[0]
    if len(body) > 1 and isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
        first = body[1]
    lines = source[first.lineno - 1 : node.end_lineno]
    return sum(1 for line in lines if line.strip() and not line.strip().startswith("#"))


def long_functions(root: Path = ROOT) -> Iterator[str]:
    """``path:line: name has N lines of code`` for every function over the limit."""
    for path in sorted((root / "samen").rglob("*.py")):
        if not _in_scope(path):
            continue
        text = path.read_text()
        source = text.splitlines()
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                count = _code_lines(node, source)
                if count > LIMIT:
                    where = path.relative_to(root)
                    yield f"{where}:{node.lineno}: {node.name} has {count} lines of code"


def main() -> int:
    found = list(long_functions())
    for line in found:
        print(line)
    if found:
        print(f"Functions over {LIMIT} lines in actions or API modules: split them into steps.")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
