"""Signed links in newsletter e-mails: confirm a subscription, unsubscribe in one click. The
token names the subscription and its address, so it cannot be guessed or altered, and works
without an account."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from samen.knowledge.models import Subscription

_CONFIRM_SALT = "samen.knowledge.confirm"
_STOP_SALT = "samen.knowledge.unsubscribe"
CONFIRM_MAX_AGE = 14 * 24 * 3600


def _token(subscription: Subscription, salt: str) -> str:
    return signing.dumps({"s": subscription.pk, "e": subscription.email}, salt=salt)


def _from_token(token: str, salt: str, max_age: int | None = None) -> Subscription | None:
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("s"), int):
        return None
    return (
        Subscription.objects.select_related("collective", "host", "chapter")
        .filter(pk=data["s"], email=data.get("e"))
        .first()
    )


def _absolute(path: str) -> str:
    from samen.lib.mail import site_url

    return f"{site_url()}{path}"


def confirm_url(subscription: Subscription) -> str:
    """Expires after two weeks: an old confirmation link should not subscribe anyone."""
    return _absolute(reverse("knowledge:confirm", args=[_token(subscription, _CONFIRM_SALT)]))


def subscription_to_confirm(token: str) -> Subscription | None:
    return _from_token(token, _CONFIRM_SALT, CONFIRM_MAX_AGE)


def unsubscribe_url(subscription: Subscription, prefix: str = "") -> str:
    """Never expires: unsubscribe links must keep working in old e-mails. A batch passes
    ``unsubscribe_prefix()`` computed once (reversing the URL for each of thousands of
    readers was a tenth of the cost of sending an issue)."""
    return (prefix or unsubscribe_prefix()) + _token(subscription, _STOP_SALT) + "/"


def unsubscribe_prefix() -> str:
    """The absolute unsubscribe URL up to its token."""
    url = _absolute(reverse("knowledge:unsubscribe", args=["token"]))
    return url.removesuffix("token/")


def subscription_to_stop(token: str) -> Subscription | None:
    return _from_token(token, _STOP_SALT)
