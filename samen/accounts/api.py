"""People in the API: public profiles that respect each field's visibility."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from samen.accounts.access import access_person
from samen.accounts.queries import visible_profile

router = Router(tags=["people"])


class LanguageOut(Schema):
    code: str
    name: str


class PersonOut(Schema):
    """A public profile; a field the viewer may not see is ``null``. Never the e-mail address."""

    id: int
    name: str
    joined: datetime
    bio: str | None
    avatar_url: str | None
    city: str | None
    languages: list[LanguageOut] | None
    skills: list[str] | None


@router.get(
    "/people/{person_id}",
    response=PersonOut,
    summary="A person's public profile",
    url_name="person",
)
def get_person(request: HttpRequest, person_id: int) -> Any:
    """Each profile field is shown to everyone, to signed-in members, or only to its owner."""
    # samen.api's auth puts the caller in request.user, whether by session or by token.
    viewer = request.user
    return visible_profile(access_person(viewer, person_id), viewer)
