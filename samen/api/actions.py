"""Writes about personal access tokens: create (plaintext shown once, with its scopes) and
revoke."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samen.accounts.models import User
from samen.api.errors import ErrorCode, TokenError
from samen.api.models import DISPLAY_PREFIX_LENGTH, TOKEN_PREFIX, PersonalToken, hash_token
from samen.api.scopes import unknown_areas
from samen.audit.actions import audit_record

TOKEN_BYTES = 32
MAX_ACTIVE_TOKENS = 50
# How stale last_used_at may get: one write a minute per token at most, not one per request.
LAST_USED_PRECISION = timedelta(minutes=1)


@transaction.atomic
def token_create(
    *,
    actor: User,
    name: str,
    expires_at: datetime | None = None,
    read_only: bool = False,
    areas: Sequence[str] = (),
) -> tuple[PersonalToken, str]:
    """Create a token for ``actor``; return it with its plaintext, which is never stored.

    ``read_only`` and ``areas`` are its scopes (samen/api/scopes.py); no areas means every
    area. Raises TokenError for a blank name, an unknown area, an expiry in the past or too
    many active tokens.
    """
    name = name.strip()
    if not name:
        raise TokenError(ErrorCode.INVALID, _("Give the token a name."))
    unknown = unknown_areas(areas)
    if unknown:
        raise TokenError(
            ErrorCode.INVALID,
            _("Unknown area: %(areas)s.") % {"areas": ", ".join(unknown)},
        )
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        raise TokenError(ErrorCode.INVALID, _("The expiry date must be in the future."))
    # Lock the person's row so two concurrent creations cannot both pass the limit check.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    active = PersonalToken.objects.filter(user=actor, revoked_at__isnull=True).exclude(
        expires_at__lte=now
    )
    if active.count() >= MAX_ACTIVE_TOKENS:
        raise TokenError(
            ErrorCode.CONFLICT,
            _("You already have %(count)d active tokens: revoke one first.")
            % {"count": MAX_ACTIVE_TOKENS},
        )
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    token = PersonalToken.objects.create(
        user=actor,
        name=name[:100],
        prefix=plaintext[:DISPLAY_PREFIX_LENGTH],
        token_hash=hash_token(plaintext),
        created_at=now,
        expires_at=expires_at,
        read_only=read_only,
        areas=sorted(set(areas)),
    )
    audit_record(
        actor=actor,
        action="token.create",
        target=token,
        data={
            "name": token.name,
            "prefix": token.prefix,
            "expires_at": _iso(expires_at),
            "read_only": token.read_only,
            "areas": token.areas,
        },
    )
    return token, plaintext


@transaction.atomic
def token_revoke(*, actor: User, token: PersonalToken) -> PersonalToken:
    """Revoke ``token`` (the caller checked access). Revoking twice changes nothing."""
    updated = PersonalToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token.refresh_from_db(fields=["revoked_at"])
    if updated:
        audit_record(
            actor=actor,
            action="token.revoke",
            target=token,
            data={"name": token.name, "prefix": token.prefix},
        )
    return token


def token_touch(token: PersonalToken, now: datetime | None = None) -> None:
    """Record that ``token`` was used, writing at most once a minute per token.

    Not audited and not atomic on purpose: it runs on every authenticated API request and a
    lost update only makes "last used" a minute staler.
    """
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
        return
    PersonalToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
