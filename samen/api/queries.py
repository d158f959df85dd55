"""Reads about personal access tokens."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from samen.api.models import PersonalToken, hash_token


def tokens_of(user: Any) -> QuerySet[PersonalToken]:
    """A person's tokens, newest first (revoked and expired ones included, marked by status)."""
    return PersonalToken.objects.filter(user=user).order_by("-created_at", "-id")


def token_for_secret(plaintext: str) -> PersonalToken | None:
    """The active token whose secret is ``plaintext``, with its user, or None.

    Looked up by hash: the database compares digests of a 256-bit secret, so comparison
    timing tells an attacker nothing useful.
    """
    token = (
        PersonalToken.objects.select_related("user")
        .filter(token_hash=hash_token(plaintext))
        .first()
    )
    if token is None or not token.is_active(timezone.now()) or not token.user.is_active:
        return None
    return token
