"""Reads about people: profiles as a given viewer may see them, skill suggestions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from samen.accounts.languages import language_name
from samen.accounts.models import Profile, Skill, User, Visibility


def profile_of(user: User) -> Profile:
    """The person's profile, or an empty unsaved one when they never edited it."""
    try:
        return user.profile
    except Profile.DoesNotExist:
        return Profile(user=user)


def skill_names(profile: Profile) -> list[str]:
    if profile.pk is None:
        return []
    # Uses the prefetch cache when the caller prefetched "skills".
    return sorted((s.name for s in profile.skills.all()), key=str.casefold)


def may_see(visibility: str, *, subject: User, viewer: Any) -> bool:
    """Whether ``viewer`` (a User or AnonymousUser) may see a field with ``visibility``.

    "Members" are all signed-in people with an active account (docs/privacy.md).
    """
    is_self = bool(getattr(viewer, "is_authenticated", False)) and viewer.pk == subject.pk
    if is_self or visibility == Visibility.EVERYONE:
        return True
    if visibility == Visibility.MEMBERS:
        return bool(getattr(viewer, "is_authenticated", False)) and viewer.is_active
    return False


@dataclass(frozen=True)
class LanguageItem:
    code: str
    name: str


@dataclass(frozen=True)
class VisibleProfile:
    """A profile filtered for one viewer: a hidden field is ``None``, never its value."""

    id: int
    name: str
    joined: datetime
    is_self: bool
    bio: str | None = None
    avatar_url: str | None = None
    city: str | None = None
    languages: list[LanguageItem] | None = None
    skills: list[str] | None = None
    visibility: dict[str, str] = field(default_factory=dict)


def visible_profile(subject: User, viewer: Any) -> VisibleProfile:
    """``subject``'s profile as ``viewer`` may see it; never includes the e-mail address."""
    profile = profile_of(subject)

    def shown(name: str) -> bool:
        return may_see(profile.visibility_of(name), subject=subject, viewer=viewer)

    is_self = bool(getattr(viewer, "is_authenticated", False)) and viewer.pk == subject.pk
    return VisibleProfile(
        id=subject.pk,
        name=subject.public_name,
        joined=subject.date_joined,
        is_self=is_self,
        bio=profile.bio if shown("bio") else None,
        avatar_url=profile.avatar.url if profile.avatar and shown("avatar") else None,
        city=profile.city if shown("city") else None,
        languages=[LanguageItem(code, language_name(code)) for code in profile.languages]
        if shown("languages")
        else None,
        skills=skill_names(profile) if shown("skills") else None,
        visibility={name: profile.visibility_of(name) for name in Profile.PRIVATE_FIELDS}
        if is_self
        else {},
    )


def skill_suggestions(query: str, *, exclude: list[str] | None = None, limit: int = 8) -> list[str]:
    """Existing skills matching ``query``: names starting with it first, then containing it."""
    query = query.strip()
    if not query:
        return []
    excluded = {name.casefold() for name in exclude or []}
    starts = list(
        Skill.objects.filter(name__istartswith=query).values_list("name", flat=True)[: limit * 2]
    )
    contains = list(
        Skill.objects.filter(name__icontains=query)
        .exclude(name__istartswith=query)
        .values_list("name", flat=True)[: limit * 2]
    )
    names = [n for n in starts + contains if n.casefold() not in excluded]
    return names[:limit]
