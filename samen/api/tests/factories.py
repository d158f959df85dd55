"""Token factories: plain functions calling the actions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from samen.api.actions import token_create
from samen.api.models import PersonalToken


def make_token(
    user: Any, name: str = "script", *, expires_at: datetime | None = None
) -> tuple[PersonalToken, str]:
    return token_create(actor=user, name=name, expires_at=expires_at)


def bearer(plaintext: str) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}
