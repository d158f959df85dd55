"""The one way to turn a token id from a request into a token: only its owner sees it."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from samen.api.models import PersonalToken


def access_token(user: Any, token_id: int | str) -> PersonalToken:
    """The caller's own token ``token_id``; Http404 for anyone else's or an unknown id."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    try:
        return PersonalToken.objects.get(pk=int(token_id), user=user)
    except (PersonalToken.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
