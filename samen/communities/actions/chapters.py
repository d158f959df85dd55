"""Chapters: create, update, connectors, join and leave."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext

from samen.audit.actions import audit_record
from samen.communities import queries
from samen.communities.actions._common import RESERVED_SLUGS
from samen.communities.errors import CommunityError, CommunityErrorCode
from samen.communities.models import Chapter
from samen.lib.translations import language_columns, pop_translations
from samen.notifications.actions import notifications_forget_unreadable

CHAPTER_TEXT_FIELDS = ("name", "city", "description")


def _require_staff(actor: Any) -> None:
    if not (actor.is_staff or actor.is_superuser):
        raise PermissionDenied


def _require_chapter_manager(actor: Any, chapter: Chapter) -> None:
    """Platform staff and the chapter's own connectors manage its connectors."""
    if actor.is_staff or actor.is_superuser:
        return
    if not chapter.connectors.filter(pk=actor.pk).exists():
        raise PermissionDenied


def _clean_country(country: str) -> str:
    country = (country or "").strip().upper()
    if len(country) != 2 or not country.isalpha() or not country.isascii():
        raise CommunityError(CommunityErrorCode.INVALID_COUNTRY, field="country")
    return country


def _check_chapter_slug_free(slug: str, exclude: int | None) -> None:
    qs = Chapter.objects.filter(slug=slug)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    if not slug or slug in RESERVED_SLUGS or qs.exists():
        raise CommunityError(CommunityErrorCode.SLUG_TAKEN, field="slug")


def _lock_chapter(chapter: Chapter) -> Chapter:
    return Chapter.objects.select_for_update().get(pk=chapter.pk)


@transaction.atomic
def chapter_create(
    *,
    actor: Any,
    name: str,
    slug: str = "",
    city: str = "",
    country: str = "BE",
    description: str = "",
    connectors: Iterable[Any] = (),
    **translations: str,
) -> Chapter:
    """Platform staff open a chapter and name its connectors; its description per language
    comes as ``description_fr`` and so on."""
    _require_staff(actor)
    per_language = pop_translations(Chapter, translations)
    if translations:
        raise TypeError(f"Unknown chapter fields: {sorted(translations)}")
    if not name.strip():
        raise CommunityError(CommunityErrorCode.NAME_REQUIRED, field="name")
    slug = slugify(slug or name)[:60]
    _check_chapter_slug_free(slug, exclude=None)
    connectors = list(connectors)
    try:
        with transaction.atomic():
            chapter = Chapter.objects.create(
                name=name.strip(),
                slug=slug,
                city=city.strip(),
                country=_clean_country(country),
                description=description,
                **per_language,
            )
    except IntegrityError:
        # Two staff members choosing the same slug at once: the unique index decides.
        raise CommunityError(CommunityErrorCode.SLUG_TAKEN, field="slug") from None
    chapter.connectors.set(connectors)
    chapter.members.add(*connectors)
    audit_record(
        actor=actor,
        action="chapter.create",
        target=chapter,
        data={"connectors": [u.pk for u in connectors]},
    )
    return chapter


@transaction.atomic
def chapter_update(*, actor: Any, chapter: Chapter, **changes: Any) -> Chapter:
    """Platform staff change a chapter's name, address (slug), city, country or description.

    Only the fields given change; the audit row lists them with their old values.
    """
    _require_staff(actor)
    chapter = _lock_chapter(chapter)
    unknown = set(changes) - {
        *CHAPTER_TEXT_FIELDS,
        *language_columns("description"),
        "slug",
        "country",
    }
    if unknown:
        raise TypeError(f"Unknown chapter fields: {sorted(unknown)}")
    if "slug" in changes:
        changes["slug"] = slugify(changes["slug"] or chapter.name)[:60]
        _check_chapter_slug_free(changes["slug"], exclude=chapter.pk)
    if "country" in changes:
        changes["country"] = _clean_country(changes["country"])
    for field in ("name", "city"):
        if field in changes:
            changes[field] = (changes[field] or "").strip()
    if "name" in changes and not changes["name"]:
        raise CommunityError(CommunityErrorCode.NAME_REQUIRED, field="name")
    before = {}
    for field, value in changes.items():
        if getattr(chapter, field) != value:
            before[field] = getattr(chapter, field)
            setattr(chapter, field, value)
    if before:
        try:
            with transaction.atomic():
                chapter.save(update_fields=list(before))
        except IntegrityError:
            raise CommunityError(CommunityErrorCode.SLUG_TAKEN, field="slug") from None
        audit_record(actor=actor, action="chapter.update", target=chapter, data={"before": before})
    return chapter


@transaction.atomic
def chapter_connector_add(*, actor: Any, chapter: Chapter, email: str) -> Any:
    """Staff or a connector makes an existing person (found by e-mail) a connector; the
    person also becomes a member of the chapter."""
    _require_chapter_manager(actor, chapter)
    chapter = _lock_chapter(chapter)
    from samen.accounts.models import User

    person = User.objects.filter(email__iexact=(email or "").strip()).first()
    if person is None or not person.is_active:
        raise CommunityError(CommunityErrorCode.UNKNOWN_PERSON, field="email")
    if chapter.connectors.filter(pk=person.pk).exists():
        raise CommunityError(CommunityErrorCode.ALREADY_CONNECTOR, field="email")
    chapter.connectors.add(person)
    chapter.members.add(person)
    audit_record(
        actor=actor, action="chapter.connector_add", target=chapter, data={"user": person.pk}
    )
    return person


@transaction.atomic
def chapter_connector_remove(*, actor: Any, chapter: Chapter, user: Any) -> None:
    """Staff or a connector removes a connector (who stays a member of the chapter). The
    chapter's row is locked so two connectors removing each other cannot leave it without
    one; only staff may remove the last."""
    _require_chapter_manager(actor, chapter)
    chapter = _lock_chapter(chapter)
    connector_ids = set(chapter.connectors.values_list("pk", flat=True))
    if user.pk not in connector_ids:
        raise CommunityError(CommunityErrorCode.NOT_A_CONNECTOR)
    if len(connector_ids) == 1 and not (actor.is_staff or actor.is_superuser):
        raise CommunityError(CommunityErrorCode.LAST_CONNECTOR)
    chapter.connectors.remove(user)
    queries.forget_roles(user)
    notifications_forget_unreadable(recipient=user)  # held posts they no longer review
    audit_record(
        actor=actor, action="chapter.connector_remove", target=chapter, data={"user": user.pk}
    )


@transaction.atomic
def chapter_join(*, actor: Any, chapter: Chapter) -> None:
    if queries.is_banned(actor, chapter):
        raise CommunityError(CommunityErrorCode.BANNED)
    chapter.members.add(actor)


@transaction.atomic
def chapter_leave(*, actor: Any, chapter: Chapter) -> None:
    """A person leaves a chapter (and stops being one of its connectors); the last
    connector cannot leave, so a chapter is never left without a lead by accident."""
    chapter = _lock_chapter(chapter)
    connector_ids = set(chapter.connectors.values_list("pk", flat=True))
    if connector_ids == {actor.pk}:
        raise CommunityError(
            CommunityErrorCode.LAST_CONNECTOR,
            gettext("The last connector cannot leave the chapter; name another connector first."),
        )
    chapter.members.remove(actor)
    chapter.connectors.remove(actor)
    queries.forget_roles(actor)
    notifications_forget_unreadable(recipient=actor)  # members-only topics, events, polls
