"""Collectives: create and update."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from samen.audit.actions import audit_record
from samen.communities import queries
from samen.communities.actions._common import (
    _check_slug_free,
    _lock_collective,
    _require_collective_admin,
    _set_tags,
)
from samen.communities.errors import CommunityError, CommunityErrorCode
from samen.communities.models import (
    Chapter,
    Collective,
    CollectiveMembership,
    CollectiveRole,
    host_of,
)
from samen.communities.validation import (
    COVER_SIZE,
    LOGO_SIZE,
    clean_lines,
    clean_url,
    clean_urls,
    process_image,
)
from samen.lib.translations import pop_translations, set_translations

COLLECTIVE_TEXT_FIELDS = ("name", "tagline", "description", "website", "city", "currency")


@transaction.atomic
def collective_create(
    *,
    actor: Any,
    name: str,
    slug: str = "",
    tagline: str = "",
    description: str = "",
    tags: list[str] | str = (),  # type: ignore[assignment]
    website: str = "",
    social_links: list[str] | str = (),  # type: ignore[assignment]
    city: str = "",
    chapters: Iterable[Chapter] = (),
    languages: list[str] | None = None,
    currency: str = "EUR",
    allows_join_requests: bool = True,
    membership_questions: list[str] | str = (),  # type: ignore[assignment]
    logo: IO[bytes] | None = None,
    cover: IO[bytes] | None = None,
    translations: Mapping[str, str] | None = None,
) -> Collective:
    """Create an unhosted collective; its creator becomes its first admin.

    ``translations`` holds the texts per language (``description_fr``, ...)."""
    slug = slugify(slug or name)[:60]
    _check_slug_free(Collective, slug, None)
    collective = Collective(
        name=name.strip(),
        slug=slug,
        tagline=tagline.strip(),
        description=description,
        website=clean_url(website),
        social_links=clean_urls(social_links),
        city=city.strip(),
        languages=list(languages or []),
        currency=(currency or "EUR").upper(),
        allows_join_requests=allows_join_requests,
        membership_questions=clean_lines(membership_questions),
    )
    set_translations(collective, translations or {})
    if logo is not None:
        collective.logo = process_image(logo, size=LOGO_SIZE, name="logo")
    if cover is not None:
        collective.cover = process_image(cover, size=COVER_SIZE, name="cover")
    try:
        with transaction.atomic():
            collective.save()
    except IntegrityError:
        raise CommunityError(CommunityErrorCode.SLUG_TAKEN, field="slug") from None
    _set_tags(collective, tags)
    collective.chapters.set(list(chapters))
    CollectiveMembership.objects.create(
        collective=collective, user=actor, role=CollectiveRole.ADMIN
    )
    queries.forget_roles(actor)
    audit_record(actor=actor, action="collective.create", target=collective)
    return collective


@transaction.atomic
def collective_update(*, actor: Any, collective: Collective, **changes: Any) -> Collective:
    """Change a collective's profile. Only the keys given change; the host and fee do not
    change here (see the application and hosting actions). Texts per language come as
    ``description_fr`` and so on, next to ``description`` in the author's language."""
    _require_collective_admin(actor, collective)
    collective = _lock_collective(collective)
    translations = pop_translations(Collective, changes)
    if "slug" in changes:
        slug = slugify(changes.pop("slug") or collective.name)[:60]
        _check_slug_free(Collective, slug, collective.pk)
        collective.slug = slug
    if "website" in changes:
        changes["website"] = clean_url(changes["website"])
    for field in COLLECTIVE_TEXT_FIELDS:
        if field in changes:
            setattr(collective, field, (changes.pop(field) or "").strip())
    if "social_links" in changes:
        collective.social_links = clean_urls(changes.pop("social_links"))
    if "membership_questions" in changes:
        collective.membership_questions = clean_lines(changes.pop("membership_questions"))
    if "languages" in changes:
        collective.languages = list(changes.pop("languages") or [])
    if "allows_join_requests" in changes:
        collective.allows_join_requests = bool(changes.pop("allows_join_requests"))
    if (logo := changes.pop("logo", None)) is not None:
        collective.logo = process_image(logo, size=LOGO_SIZE, name="logo")
    if (cover := changes.pop("cover", None)) is not None:
        collective.cover = process_image(cover, size=COVER_SIZE, name="cover")
    tags = changes.pop("tags", None)
    chapters = changes.pop("chapters", None)
    if changes:
        raise TypeError(f"Unknown collective fields: {sorted(changes)}")
    set_translations(collective, translations)
    try:
        with transaction.atomic():
            collective.save()
    except IntegrityError:
        raise CommunityError(CommunityErrorCode.SLUG_TAKEN, field="slug") from None
    if tags is not None:
        _set_tags(collective, tags)
    if chapters is not None:
        collective.chapters.set(list(chapters))
    audit_record(
        actor=actor, action="collective.update", target=collective, host=host_of(collective)
    )
    return collective
