"""What the API app holds about a person: their personal access tokens (see accounts.privacy)."""

from __future__ import annotations

from typing import Any

from samen.accounts.models import User
from samen.api.models import PersonalToken


def export_data(user: User) -> dict[str, Any]:
    """Token names and dates; never the secret (only its hash is stored anyway)."""
    return {
        "personal_access_tokens": [
            {
                "name": token.name,
                "prefix": token.prefix,
                "created_at": token.created_at.isoformat(),
                "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
                "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
            }
            for token in PersonalToken.objects.filter(user=user).order_by("id")
        ]
    }


def erase_data(user: User) -> None:
    """Tokens serve no accounting purpose: they go, whatever else is kept."""
    PersonalToken.objects.filter(user=user).delete()
