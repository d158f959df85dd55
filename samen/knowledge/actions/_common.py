"""Small checks the knowledge actions share (one copy, imported by each module)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from samen.knowledge.errors import KnowledgeError, KnowledgeErrorCode


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _clean_title(title: str, limit: int = 160) -> str:
    title = " ".join((title or "").split())[:limit]
    if not title:
        raise KnowledgeError(KnowledgeErrorCode.TITLE_REQUIRED, field="title")
    return title


def _clean_text(text: str, field: str) -> str:
    text = (text or "").strip()
    if not text:
        raise KnowledgeError(KnowledgeErrorCode.TEXT_REQUIRED, field=field)
    return text
