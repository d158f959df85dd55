"""Token factories: plain functions calling the actions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from samen.api.actions import token_create
from samen.api.models import PersonalToken


def make_token(
    user: Any,
    name: str = "script",
    *,
    expires_at: datetime | None = None,
    read_only: bool = False,
    areas: Sequence[str] = (),
) -> tuple[PersonalToken, str]:
    return token_create(
        actor=user, name=name, expires_at=expires_at, read_only=read_only, areas=areas
    )


def bearer(plaintext: str) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}
