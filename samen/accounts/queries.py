"""Reads about people: profiles as a given viewer may see them, skill suggestions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from samen.accounts.languages import language_name
from samen.accounts.models import Profile, Skill, User, Visibility, skill_key


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
    # Each skill in the reader's language (the profile's own words, when typed).
    return sorted((s.label() for s in profile.skills.all()), key=str.casefold)


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


def skill_find(name: str) -> Skill | None:
    """The skill that ``name`` finds, by any of its names or synonyms in any language,
    without regard to case or accents; a curated skill before a typed one."""
    key = skill_key(name)
    if not key:
        return None
    return Skill.objects.filter(lookup__contains=f"|{key}|").order_by("-curated", "pk").first()


def skill_ids_named(names: list[str]) -> QuerySet[Skill, Any]:
    """The ids of the skills these names find (``skill_find``'s rule), as a subquery."""
    wanted = Q(pk__in=[])
    for name in names:
        key = skill_key(name)
        if key:
            wanted |= Q(lookup__contains=f"|{key}|")
    return Skill.objects.filter(wanted).values("pk")


def skill_suggestions(query: str, *, exclude: list[str] | None = None, limit: int = 8) -> list[str]:
    """Skills that the word being typed finds, named in the active language: a name or
    synonym starting with it first, then containing it. "Facilit" in Dutch suggests
    "Facilitatie"; "anim" in English suggests "Facilitation" (its synonym "Animation")."""
    key = skill_key(query)
    if not key:
        return []
    # The skills already typed, in whichever language they were typed.
    excluded = {skill.pk for name in exclude or [] if (skill := skill_find(name)) is not None}
    starts = list(
        Skill.objects.filter(lookup__contains=f"|{key}").order_by("-curated", "name")[: limit * 2]
    )
    seen = {s.pk for s in starts}
    contains = [
        s
        for s in Skill.objects.filter(lookup__contains=key).order_by("-curated", "name")[
            : limit * 2
        ]
        if s.pk not in seen
    ]
    names: list[str] = []
    for skill in starts + contains:
        label = skill.label()
        if skill.pk not in excluded and label not in names:
            names.append(label)
    return names[:limit]


def skills_for_curation(query: str = "") -> QuerySet[Skill, Any]:
    """The shared list for host admins: typed (not yet curated) skills first, each with
    how many profiles carry it."""
    skills = Skill.objects.annotate(people=Count("profiles"))
    key = skill_key(query)
    if key:
        skills = skills.filter(lookup__contains=key)
    return skills.order_by("curated", "name")
