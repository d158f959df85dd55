"""Signed links: invitations, and the one-click "stop news e-mails" link. The ids are
signed, so a link cannot be guessed or altered."""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.urls import reverse

from samen.communities.models import Chapter, Collective, Host, Invitation

_SALT = "samen.communities.invitation"
MAX_AGE_SECONDS = 30 * 24 * 3600


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"id": invitation.pk, "email": invitation.email}, salt=_SALT)


def invitation_from_token(token: str) -> Invitation | None:
    """The invitation behind a token, or None when the token is forged, altered or old."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    return (
        Invitation.objects.select_related("collective", "host")
        .filter(pk=data.get("id"), email=data.get("email"))
        .first()
    )


def invitation_url(invitation: Invitation) -> str:
    from samen.lib.mail import site_url

    path = reverse("communities:invitation", args=[invitation_token(invitation)])
    return f"{site_url()}{path}"


_NEWS_SALT = "samen.communities.news_unsubscribe"
_NEWS_MODELS: dict[str, type[Collective] | type[Host] | type[Chapter]] = {
    "collective": Collective,
    "host": Host,
    "chapter": Chapter,
}


def news_unsubscribe_token(user: Any, owner: Collective | Host | Chapter) -> str:
    """Names one person and one owner; it does not expire, as unsubscribe links must keep
    working in old e-mails."""
    kind = next(k for k, model in _NEWS_MODELS.items() if isinstance(owner, model))
    return signing.dumps({"u": user.pk, "k": kind, "o": owner.pk}, salt=_NEWS_SALT)


def news_unsubscribe_from_token(token: str) -> tuple[Any, Collective | Host | Chapter] | None:
    """The person and owner behind a token, or None when it is forged or names nothing."""
    from samen.accounts.models import User

    try:
        data = signing.loads(token, salt=_NEWS_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    model = _NEWS_MODELS.get(str(data.get("k")))
    owner_id, user_id = data.get("o"), data.get("u")
    if model is None or not isinstance(owner_id, int) or not isinstance(user_id, int):
        return None
    owner = model.objects.filter(pk=owner_id).first()
    user = User.objects.filter(pk=user_id).first()
    if owner is None or user is None:
        return None
    return user, owner


def news_unsubscribe_url(user: Any, owner: Collective | Host | Chapter) -> str:
    from samen.lib.mail import site_url

    path = reverse("communities:news_unsubscribe", args=[news_unsubscribe_token(user, owner)])
    return f"{site_url()}{path}"
