"""The signed one-click unsubscribe link of notification e-mails and digests. It names one
person and one kind (or ``digest``) and does not expire: old e-mails must keep working."""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.urls import reverse

_SALT = "samen.notifications.unsubscribe"


def unsubscribe_token(user: Any, kind: str) -> str:
    return signing.dumps({"u": user.pk, "k": kind}, salt=_SALT)


def unsubscribe_from_token(token: str) -> tuple[Any, str] | None:
    """The person and kind behind a token, or None when it is forged or names nobody."""
    from samen.accounts.models import User

    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    user = User.objects.filter(pk=data["u"], is_active=True).first()
    kind = data.get("k")
    if user is None or not isinstance(kind, str):
        return None
    return user, kind


def unsubscribe_url(user: Any, kind: str) -> str:
    from samen.lib.mail import site_url

    return (
        f"{site_url()}{reverse('notifications:unsubscribe', args=[unsubscribe_token(user, kind)])}"
    )
