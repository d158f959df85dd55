"""Signed links for invitations: the id is signed, so a link cannot be guessed or altered."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from samen.communities.models import Invitation

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
    from samen.communities.actions import _site_url

    path = reverse("communities:invitation", args=[invitation_token(invitation)])
    return f"{_site_url()}{path}"
