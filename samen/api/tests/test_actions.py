from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from samen.api.actions import MAX_ACTIVE_TOKENS, token_create, token_revoke
from samen.api.errors import TokenError
from samen.api.models import PersonalToken
from samen.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_create_stores_only_the_hash(anna) -> None:
    token, plaintext = token_create(actor=anna, name="  export  ")
    assert token.name == "export"
    assert plaintext.startswith("samen_")
    assert len(plaintext) >= len("samen_") + 43  # 32 random bytes, base64
    assert token.token_hash == hashlib.sha256(plaintext.encode()).hexdigest()
    assert plaintext.startswith(token.prefix)
    assert len(token.prefix) == 12
    stored = PersonalToken.objects.filter(pk=token.pk).values()[0]
    assert plaintext not in [str(v) for v in stored.values()]
    entry = AuditEntry.objects.get(action="token.create")
    assert entry.actor == anna
    assert entry.data["prefix"] == token.prefix
    assert plaintext not in str(entry.data)


def test_two_tokens_differ(anna) -> None:
    assert token_create(actor=anna, name="a")[1] != token_create(actor=anna, name="b")[1]


def test_create_refuses_blank_name_and_past_expiry(anna) -> None:
    with pytest.raises(TokenError):
        token_create(actor=anna, name=" ")
    with pytest.raises(TokenError):
        token_create(actor=anna, name="x", expires_at=timezone.now() - timedelta(minutes=1))
    assert not PersonalToken.objects.exists()
    assert not AuditEntry.objects.exists()


def test_active_token_limit(anna) -> None:
    for i in range(MAX_ACTIVE_TOKENS):
        token_create(actor=anna, name=f"t{i}")
    with pytest.raises(TokenError) as info:
        token_create(actor=anna, name="one too many")
    assert info.value.code == "conflict"
    token_revoke(actor=anna, token=PersonalToken.objects.earliest("id"))
    token_create(actor=anna, name="fits again")


def test_status(anna) -> None:
    token, _ = token_create(actor=anna, name="x", expires_at=timezone.now() + timedelta(days=1))
    assert token.status == "active"
    token.expires_at = timezone.now() - timedelta(seconds=1)
    assert token.status == "expired"
    token_revoke(actor=anna, token=token)
    assert token.status == "revoked"
