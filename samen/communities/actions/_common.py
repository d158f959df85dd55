"""Helpers shared by the communities actions: owners, e-mail, slugs, locks, admin checks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import slugify

from samen.communities import queries
from samen.communities.errors import CommunityError, CommunityErrorCode
from samen.communities.models import Collective, Host, Tag
from samen.communities.validation import clean_tags
from samen.lib.mail import send_message_later, site_url
from samen.lib.questions import AnswerRefused, pair_answers

Owner = Collective | Host

RESERVED_SLUGS = {"new", "mine", "edit", "dashboard"}


def _notify(users: Iterable[Any], template: str, context: dict[str, Any]) -> None:
    """E-mail each person in their own language: ``<template>_subject.txt`` and
    ``<template>_body.txt`` are rendered once per recipient under their language."""
    for user in users:
        language = getattr(user, "language", "") or settings.LANGUAGE_CODE
        with translation.override(language):
            ctx = {**context, "recipient": user, "site_url": site_url()}
            subject = render_to_string(f"{template}_subject.txt", ctx).strip()
            body = render_to_string(f"{template}_body.txt", ctx)
        send_message_later(EmailMessage(subject=subject, body=body, to=[user.email]))


def _notify_address(email: str, language: str, template: str, context: dict[str, Any]) -> None:
    with translation.override(language or settings.LANGUAGE_CODE):
        ctx = {**context, "site_url": site_url()}
        subject = render_to_string(f"{template}_subject.txt", ctx).strip()
        body = render_to_string(f"{template}_body.txt", ctx)
    send_message_later(EmailMessage(subject=subject, body=body, to=[email]))


def _check_slug_free(model: type[Collective] | type[Host], slug: str, exclude: int | None) -> None:
    qs = model.objects.filter(slug=slug)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    if not slug or slug in RESERVED_SLUGS or qs.exists():
        raise CommunityError(CommunityErrorCode.SLUG_TAKEN, field="slug")


def _set_tags(collective: Collective, names: list[str] | str) -> None:
    tags = []
    for name in clean_tags(names):
        tag, _ = Tag.objects.get_or_create(slug=slugify(name)[:40], defaults={"name": name})
        tags.append(tag)
    collective.tags.set(tags)


def _lock_collective(collective: Collective) -> Collective:
    return Collective.objects.select_for_update().get(pk=collective.pk)


def _lock_host(host: Host) -> Host:
    return Host.objects.select_for_update().get(pk=host.pk)


def _require_collective_admin(actor: Any, collective: Collective) -> None:
    if not (queries.is_collective_admin(actor, collective) or actor.is_superuser):
        raise PermissionDenied


def _require_host_admin(actor: Any, host: Host) -> None:
    if not (queries.is_host_admin(actor, host) or actor.is_superuser):
        raise CommunityError(CommunityErrorCode.NOT_HOST_ADMIN)


def _require_admin(actor: Any, owner: Owner) -> None:
    if isinstance(owner, Collective):
        _require_collective_admin(actor, owner)
    elif not (queries.is_host_admin(actor, owner) or actor.is_superuser):
        raise PermissionDenied


def _pair_answers(questions: list[str], answers: list[str]) -> list[dict[str, str]]:
    try:
        return pair_answers(questions, answers)
    except AnswerRefused:
        raise CommunityError(CommunityErrorCode.ANSWERS_MISSING, field="answers") from None
