"""Personal access tokens: how scripts and other programs call the API as a person."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samen.api.scopes import area_label

TOKEN_PREFIX = "samen_"
# What the list shows so a person can recognise a token: "samen_" and the first 6 secret
# characters. 6 of 43 base64 characters give away 36 of 256 bits: harmless.
DISPLAY_PREFIX_LENGTH = len(TOKEN_PREFIX) + 6


def hash_token(plaintext: str) -> str:
    """SHA-256 of the whole token, hex.

    A fast hash is right here (unlike passwords): the secret is 32 random bytes, so there is
    nothing to guess, and the hash is looked up on every API request.
    """
    return hashlib.sha256(plaintext.encode()).hexdigest()


class PersonalToken(models.Model):
    """A secret a person creates to call the API without a browser session.

    Only the SHA-256 of the secret is stored; the plaintext is shown once at creation.
    A token is usable while it is neither revoked nor past ``expires_at``; revoked tokens stay
    listed (and in the audit log) so their owner can see what existed.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="personal_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=DISPLAY_PREFIX_LENGTH)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    # Scopes (samen/api/scopes.py), checked by the API auth on every call. Tokens made before
    # scopes existed keep what they could do: every area, reads and writes.
    read_only = models.BooleanField(
        _("read only"), default=False, help_text=_("The token may read but never change.")
    )
    areas = models.JSONField(
        _("areas"),
        default=list,
        blank=True,
        help_text=_("The API areas the token may use; empty means every area."),
    )

    class Meta:
        verbose_name = _("personal access token")
        verbose_name_plural = _("personal access tokens")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at", "-id"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_active(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > now

    def allows(self, area: str, *, write: bool) -> bool:
        """Whether the token's scopes cover a call in ``area`` that reads or writes."""
        if write and self.read_only:
            return False
        return not self.areas or area in self.areas

    @property
    def area_names(self) -> list[str]:
        """The translated names of the token's areas; empty for every area."""
        return sorted(str(area_label(area)) for area in self.areas)

    @property
    def status(self) -> str:
        """``active``, ``revoked`` or ``expired``: a stable word for templates and the API."""
        if self.revoked_at is not None:
            return "revoked"
        return "active" if self.is_active() else "expired"


class IdempotencyRecord(models.Model):
    """The first answer to a creating API call sent with an ``Idempotency-Key`` header.

    A repeat with the same key (from the same caller) gets this answer back instead of a
    second object; the same key with another body is refused (samen/api/idempotency.py).
    The row is written in the transaction of the call itself, so a concurrent repeat waits on
    the unique key and then sees the finished answer.
    """

    scope = models.CharField(max_length=80)
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    location = models.CharField(max_length=2000, blank=True)
    body = models.BinaryField(default=b"")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="api_idempotency_scope_key")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"
