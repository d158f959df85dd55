"""Every write in the communities app. Views, the API, tasks and the demo all call these.

Each action is atomic and writes its audit row in the same transaction. Rules that depend
on how many admins there are lock the owner's row first (``select_for_update``), so two
admins stepping down at once cannot leave a collective without one.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext

from samen.audit.actions import audit_record
from samen.communities import queries
from samen.communities.access import can_write_news
from samen.communities.errors import CommunityError, CommunityErrorCode
from samen.communities.models import (
    ApplicationStatus,
    Chapter,
    Collective,
    CollectiveMembership,
    CollectiveRole,
    Follow,
    Host,
    HostApplication,
    HostMembership,
    HostRole,
    HouseRules,
    Invitation,
    InvitationStatus,
    JoinRequest,
    JoinRequestStatus,
    NewsAudience,
    NewsDelivery,
    NewsPost,
    Tag,
    VatStatus,
)
from samen.communities.validation import (
    COVER_SIZE,
    LOGO_SIZE,
    clean_bic,
    clean_email,
    clean_enterprise_number,
    clean_fee,
    clean_iban,
    clean_lines,
    clean_tags,
    clean_url,
    clean_urls,
    clean_vat_number,
    process_image,
)
from samen.lib.mail import send_message_later

Owner = Collective | Host

RESERVED_SLUGS = {"new", "mine", "edit", "dashboard"}
COLLECTIVE_TEXT_FIELDS = ("name", "tagline", "description", "website", "city", "currency")


# --- helpers --------------------------------------------------------------------------------


def _host_of(owner: Owner) -> Host | None:
    if isinstance(owner, Host):
        return owner
    return owner.host if owner.host_id else None


def _notify(users: Iterable[Any], template: str, context: dict[str, Any]) -> None:
    """E-mail each person in their own language: ``<template>_subject.txt`` and
    ``<template>_body.txt`` are rendered once per recipient under their language."""
    for user in users:
        language = getattr(user, "language", "") or settings.LANGUAGE_CODE
        with translation.override(language):
            ctx = {**context, "recipient": user, "site_url": _site_url()}
            subject = render_to_string(f"{template}_subject.txt", ctx).strip()
            body = render_to_string(f"{template}_body.txt", ctx)
        send_message_later(EmailMessage(subject=subject, body=body, to=[user.email]))


def _notify_address(email: str, language: str, template: str, context: dict[str, Any]) -> None:
    with translation.override(language or settings.LANGUAGE_CODE):
        ctx = {**context, "site_url": _site_url()}
        subject = render_to_string(f"{template}_subject.txt", ctx).strip()
        body = render_to_string(f"{template}_body.txt", ctx)
    send_message_later(EmailMessage(subject=subject, body=body, to=[email]))


def _site_url() -> str:
    return str(getattr(settings, "SITE_URL", "") or "http://localhost:8000").rstrip("/")


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


# --- collectives ----------------------------------------------------------------------------


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
) -> Collective:
    """Create an unhosted collective; its creator becomes its first admin."""
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
    change here (see the application and hosting actions)."""
    _require_collective_admin(actor, collective)
    collective = _lock_collective(collective)
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
        actor=actor, action="collective.update", target=collective, host=_host_of(collective)
    )
    return collective


# --- hosts ----------------------------------------------------------------------------------


def _clean_host_fields(fields: dict[str, Any], country: str) -> dict[str, Any]:
    cleaned = dict(fields)
    if "enterprise_number" in cleaned:
        cleaned["enterprise_number"] = clean_enterprise_number(
            cleaned["enterprise_number"], country
        )
    if "vat_number" in cleaned:
        cleaned["vat_number"] = clean_vat_number(cleaned["vat_number"], country)
    if "iban" in cleaned:
        cleaned["iban"] = clean_iban(cleaned["iban"])
    if "bic" in cleaned:
        cleaned["bic"] = clean_bic(cleaned["bic"])
    if "default_fee_percent" in cleaned:
        cleaned["default_fee_percent"] = clean_fee(
            cleaned["default_fee_percent"], "default_fee_percent"
        ) or Decimal("0.00")
    if "website" in cleaned:
        cleaned["website"] = clean_url(cleaned["website"])
    if "contact_email" in cleaned:
        cleaned["contact_email"] = clean_email(cleaned["contact_email"])
    if "application_questions" in cleaned:
        cleaned["application_questions"] = clean_lines(cleaned["application_questions"])
    if "vat_status" in cleaned and cleaned["vat_status"] not in VatStatus.values:
        raise CommunityError(CommunityErrorCode.INVALID_VAT_NUMBER, field="vat_status")
    return cleaned


HOST_FIELDS = (
    "name",
    "legal_name",
    "country",
    "enterprise_number",
    "vat_status",
    "vat_number",
    "iban",
    "bic",
    "address",
    "contact_email",
    "website",
    "about",
    "terms",
    "default_fee_percent",
    "flat_monthly_fee_cents",
    "accepts_applications",
    "application_questions",
)


@transaction.atomic
def host_create(*, actor: Any, name: str, slug: str = "", **fields: Any) -> Host:
    """Register a host organisation; its creator becomes its first admin. Belgian
    enterprise and VAT numbers, the IBAN and the BIC are checked before anything is saved."""
    unknown = set(fields) - set(HOST_FIELDS)
    if unknown:
        raise TypeError(f"Unknown host fields: {sorted(unknown)}")
    slug = slugify(slug or name)[:60]
    _check_slug_free(Host, slug, None)
    country = (fields.get("country") or "BE").upper()
    fields["country"] = country
    host = Host(name=name.strip(), slug=slug, **_clean_host_fields(fields, country))
    try:
        with transaction.atomic():
            host.save()
    except IntegrityError:
        raise CommunityError(CommunityErrorCode.SLUG_TAKEN, field="slug") from None
    HostMembership.objects.create(host=host, user=actor, role=HostRole.ADMIN)
    queries.forget_roles(actor)
    audit_record(actor=actor, action="host.create", target=host, host=host)
    return host


@transaction.atomic
def host_update(*, actor: Any, host: Host, **changes: Any) -> Host:
    """Change a host's profile, bank details, fees, terms or application questions."""
    _require_admin(actor, host)
    host = _lock_host(host)
    slug = changes.pop("slug", None)
    unknown = set(changes) - set(HOST_FIELDS)
    if unknown:
        raise TypeError(f"Unknown host fields: {sorted(unknown)}")
    if slug is not None:
        slug = slugify(slug or host.name)[:60]
        _check_slug_free(Host, slug, host.pk)
        host.slug = slug
    country = (changes.get("country") or host.country).upper()
    if "country" in changes:
        changes["country"] = country
    before = {k: str(getattr(host, k)) for k in ("default_fee_percent", "flat_monthly_fee_cents")}
    for key, value in _clean_host_fields(changes, country).items():
        setattr(host, key, value)
    host.save()
    after = {k: str(getattr(host, k)) for k in before}
    audit_record(
        actor=actor,
        action="host.update",
        target=host,
        host=host,
        data={"fields": sorted(changes), **({"fees": [before, after]} if before != after else {})},
    )
    return host


# --- applications ---------------------------------------------------------------------------


def _pair_answers(questions: list[str], answers: list[str]) -> list[dict[str, str]]:
    answers = [str(a).strip() for a in answers]
    if len(answers) < len(questions) or any(not a for a in answers[: len(questions)]):
        raise CommunityError(CommunityErrorCode.ANSWERS_MISSING, field="answers")
    return [{"question": q, "answer": a} for q, a in zip(questions, answers, strict=False)]


@transaction.atomic
def application_submit(
    *,
    actor: Any,
    collective: Collective,
    host: Host,
    answers: list[str],
    terms_accepted: bool,
    message: str = "",
) -> HostApplication:
    """A collective admin asks ``host`` to carry the collective, answering its questions
    and accepting its terms. One open application per collective at a time."""
    _require_collective_admin(actor, collective)
    collective = _lock_collective(collective)
    if collective.host_id is not None:
        raise CommunityError(CommunityErrorCode.ALREADY_HOSTED)
    if not host.accepts_applications:
        raise CommunityError(CommunityErrorCode.NOT_ACCEPTING)
    if not terms_accepted:
        raise CommunityError(CommunityErrorCode.TERMS_NOT_ACCEPTED, field="terms_accepted")
    paired = _pair_answers(list(host.application_questions or []), answers)
    if collective.applications.filter(
        status__in=[ApplicationStatus.PENDING, ApplicationStatus.NEEDS_INFO]
    ).exists():
        raise CommunityError(CommunityErrorCode.APPLICATION_OPEN)
    application = HostApplication.objects.create(
        host=host,
        collective=collective,
        answers=paired,
        message=message.strip(),
        terms_accepted_at=timezone.now(),
        applied_by=actor,
    )
    audit_record(actor=actor, action="application.submit", target=application, host=host)
    _notify(
        queries.host_admins(host),
        "communities/email/application_received",
        {"application": application, "collective": collective, "host": host},
    )
    return application


def _lock_open_application(application: HostApplication) -> HostApplication:
    locked = (
        HostApplication.objects.select_for_update()
        .select_related("host", "collective")
        .get(pk=application.pk)
    )
    if not locked.is_open:
        raise CommunityError(CommunityErrorCode.APPLICATION_CLOSED)
    return locked


def _tell_collective(application: HostApplication) -> None:
    _notify(
        queries.collective_admins(application.collective),
        "communities/email/application_decided",
        {
            "application": application,
            "collective": application.collective,
            "host": application.host,
        },
    )


@transaction.atomic
def application_approve(
    *, actor: Any, application: HostApplication, custom_fee_percent: Decimal | str | None = None
) -> HostApplication:
    """A host admin accepts the collective, optionally at a fee other than the default.
    Only host admins decide: a collective admin cannot approve their own application."""
    _require_host_admin(actor, application.host)
    fee = clean_fee(custom_fee_percent, "custom_fee_percent")
    application = _lock_open_application(application)
    collective = _lock_collective(application.collective)
    if collective.host_id is not None:
        raise CommunityError(CommunityErrorCode.ALREADY_HOSTED)
    now = timezone.now()
    application.status = ApplicationStatus.APPROVED
    application.decided_by = actor
    application.decided_at = now
    application.custom_fee_percent = fee
    application.save()
    collective.host = application.host
    collective.hosted_since = now
    collective.custom_fee_percent = fee
    collective.is_frozen = False
    collective.save(update_fields=["host", "hosted_since", "custom_fee_percent", "is_frozen"])
    application.collective = collective
    audit_record(
        actor=actor,
        action="application.approve",
        target=application,
        host=application.host,
        data={"collective": collective.slug, "custom_fee_percent": str(fee) if fee else None},
    )
    _tell_collective(application)
    return application


@transaction.atomic
def application_reject(*, actor: Any, application: HostApplication, reason: str) -> HostApplication:
    """A host admin declines, with a reason the collective's admins read."""
    _require_host_admin(actor, application.host)
    application = _lock_open_application(application)
    application.status = ApplicationStatus.REJECTED
    application.reason = reason.strip()
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.save()
    audit_record(
        actor=actor,
        action="application.reject",
        target=application,
        host=application.host,
        data={"reason": application.reason},
    )
    _tell_collective(application)
    return application


@transaction.atomic
def application_request_info(
    *, actor: Any, application: HostApplication, question: str
) -> HostApplication:
    """A host admin asks the collective for more information before deciding."""
    _require_host_admin(actor, application.host)
    application = _lock_open_application(application)
    application.status = ApplicationStatus.NEEDS_INFO
    application.reason = question.strip()
    application.save(update_fields=["status", "reason"])
    audit_record(
        actor=actor,
        action="application.request_info",
        target=application,
        host=application.host,
        data={"question": application.reason},
    )
    _tell_collective(application)
    return application


@transaction.atomic
def application_reply(*, actor: Any, application: HostApplication, message: str) -> HostApplication:
    """The collective answers a request for more information; the application is pending
    again and the host's admins are told."""
    _require_collective_admin(actor, application.collective)
    application = _lock_open_application(application)
    application.message = f"{application.message}\n\n{message.strip()}".strip()
    application.status = ApplicationStatus.PENDING
    application.save(update_fields=["message", "status"])
    audit_record(actor=actor, action="application.reply", target=application, host=application.host)
    _notify(
        queries.host_admins(application.host),
        "communities/email/application_received",
        {
            "application": application,
            "collective": application.collective,
            "host": application.host,
        },
    )
    return application


@transaction.atomic
def application_withdraw(*, actor: Any, application: HostApplication) -> HostApplication:
    _require_collective_admin(actor, application.collective)
    application = _lock_open_application(application)
    application.status = ApplicationStatus.WITHDRAWN
    application.save(update_fields=["status"])
    audit_record(
        actor=actor, action="application.withdraw", target=application, host=application.host
    )
    return application


# --- hosting: freeze and unhost --------------------------------------------------------------


@transaction.atomic
def collective_freeze(*, actor: Any, collective: Collective, reason: str = "") -> Collective:
    """The host stops money moving for the collective; the money stays with the host."""
    collective = _lock_collective(collective)
    if collective.host is None:
        raise CommunityError(CommunityErrorCode.NOT_HOSTED)
    _require_host_admin(actor, collective.host)
    if collective.is_frozen:
        raise CommunityError(CommunityErrorCode.ALREADY_FROZEN)
    collective.is_frozen = True
    collective.save(update_fields=["is_frozen"])
    audit_record(
        actor=actor,
        action="collective.freeze",
        target=collective,
        host=collective.host,
        data={"reason": reason},
    )
    return collective


@transaction.atomic
def collective_unfreeze(*, actor: Any, collective: Collective) -> Collective:
    collective = _lock_collective(collective)
    if collective.host is None:
        raise CommunityError(CommunityErrorCode.NOT_HOSTED)
    _require_host_admin(actor, collective.host)
    if not collective.is_frozen:
        raise CommunityError(CommunityErrorCode.NOT_FROZEN)
    collective.is_frozen = False
    collective.save(update_fields=["is_frozen"])
    audit_record(actor=actor, action="collective.unfreeze", target=collective, host=collective.host)
    return collective


@transaction.atomic
def collective_unhost(*, actor: Any, collective: Collective, reason: str = "") -> Collective:
    """The host stops carrying the collective. Its balance stays with the host until the
    ledger settles it (ledger issue); the collective can apply elsewhere."""
    collective = _lock_collective(collective)
    host = collective.host
    if host is None:
        raise CommunityError(CommunityErrorCode.NOT_HOSTED)
    _require_host_admin(actor, host)
    collective.host = None
    collective.hosted_since = None
    collective.custom_fee_percent = None
    collective.is_frozen = False
    collective.save(update_fields=["host", "hosted_since", "custom_fee_percent", "is_frozen"])
    audit_record(
        actor=actor,
        action="collective.unhost",
        target=collective,
        host=host,
        data={"reason": reason},
    )
    return collective


# --- memberships and roles ------------------------------------------------------------------


def _rules_fields(owner: Owner, accepted: HouseRules | None) -> dict[str, Any]:
    if accepted is None:
        return {}
    return {"rules_accepted": accepted, "rules_accepted_at": timezone.now()}


def _add_member(owner: Owner, user: Any, role: str, rules: HouseRules | None = None) -> Any:
    if queries.membership_of(user, owner) is not None:
        raise CommunityError(CommunityErrorCode.ALREADY_MEMBER)
    if isinstance(owner, Collective):
        if role not in CollectiveRole.values:
            raise CommunityError(CommunityErrorCode.INVALID_ROLE, field="role")
        membership: Any = CollectiveMembership.objects.create(
            collective=owner, user=user, role=role, **_rules_fields(owner, rules)
        )
    else:
        if role not in HostRole.values:
            raise CommunityError(CommunityErrorCode.INVALID_ROLE, field="role")
        membership = HostMembership.objects.create(
            host=owner, user=user, role=role, **_rules_fields(owner, rules)
        )
    queries.forget_roles(user)
    return membership


def _role_label(owner: Owner, role: str) -> Any:
    choices = CollectiveRole if isinstance(owner, Collective) else HostRole
    return choices(role).label


def _lock_owner(owner: Owner) -> Owner:
    return _lock_collective(owner) if isinstance(owner, Collective) else _lock_host(owner)


def _admin_count(owner: Owner) -> int:
    return owner.memberships.filter(role="admin").count()


@transaction.atomic
def member_set_role(*, actor: Any, owner: Owner, user: Any, role: str) -> Any:
    """An admin changes someone's role. The last admin cannot be demoted."""
    _require_admin(actor, owner)
    owner = _lock_owner(owner)
    membership = queries.membership_of(user, owner)
    if membership is None:
        raise CommunityError(CommunityErrorCode.NOT_A_MEMBER)
    valid = CollectiveRole.values if isinstance(owner, Collective) else HostRole.values
    if role not in valid:
        raise CommunityError(CommunityErrorCode.INVALID_ROLE, field="role")
    old = membership.role
    if old == "admin" and role != "admin" and _admin_count(owner) <= 1:
        raise CommunityError(CommunityErrorCode.LAST_ADMIN)
    membership.role = role
    membership.save(update_fields=["role"])
    queries.forget_roles(user)
    queries.forget_roles(actor)
    audit_record(
        actor=actor,
        action="role.change",
        target=owner,
        host=_host_of(owner),
        data={"person": user.public_name, "person_id": user.pk, "from": old, "to": role},
    )
    return membership


@transaction.atomic
def member_remove(*, actor: Any, owner: Owner, user: Any) -> None:
    """An admin removes someone (or someone leaves, see ``membership_leave``)."""
    if actor.pk != user.pk:
        _require_admin(actor, owner)
    owner = _lock_owner(owner)
    membership = queries.membership_of(user, owner)
    if membership is None:
        raise CommunityError(CommunityErrorCode.NOT_A_MEMBER)
    if membership.role == "admin" and _admin_count(owner) <= 1:
        raise CommunityError(CommunityErrorCode.LAST_ADMIN)
    role = membership.role
    membership.delete()
    queries.forget_roles(user)
    audit_record(
        actor=actor,
        action="role.leave" if actor.pk == user.pk else "role.remove",
        target=owner,
        host=_host_of(owner),
        data={"person": user.public_name, "person_id": user.pk, "from": role},
    )


def membership_leave(*, actor: Any, owner: Owner) -> None:
    """A person leaves a collective or host; the last admin cannot."""
    member_remove(actor=actor, owner=owner, user=actor)


# --- follows --------------------------------------------------------------------------------


def _follow_kwargs(target: Collective | Host | Chapter) -> dict[str, Any]:
    if isinstance(target, Collective):
        return {"collective": target}
    if isinstance(target, Host):
        return {"host": target}
    return {"chapter": target}


@transaction.atomic
def follow_add(*, actor: Any, target: Collective | Host | Chapter) -> Follow:
    """Follow a collective, host or chapter; following twice is harmless."""
    follow, _ = Follow.objects.get_or_create(user=actor, **_follow_kwargs(target))
    return follow


@transaction.atomic
def follow_remove(*, actor: Any, target: Collective | Host | Chapter) -> None:
    Follow.objects.filter(user=actor, **_follow_kwargs(target)).delete()


@transaction.atomic
def follow_set_news(
    *, actor: Any, target: Collective | Host | Chapter, news_emails: bool
) -> Follow:
    """Turn the news e-mails of one follow on or off (the follow itself stays)."""
    follow = Follow.objects.select_for_update().filter(user=actor, **_follow_kwargs(target)).first()
    if follow is None:
        raise CommunityError(CommunityErrorCode.NOT_FOLLOWING)
    if follow.news_emails != news_emails:
        follow.news_emails = news_emails
        follow.save(update_fields=["news_emails"])
    return follow


@transaction.atomic
def news_unsubscribe(*, user: Any, target: Collective | Host | Chapter) -> Follow | None:
    """Stop news e-mails from ``target``: what the signed link in each news e-mail does, with
    or without a login. The switch lives on the follow, so a member who does not follow gets
    a follow with e-mails off (members receive news without following). Someone who neither
    follows nor belongs any more receives nothing already: nothing changes (None)."""
    kwargs = _follow_kwargs(target)
    follow = Follow.objects.select_for_update().filter(user=user, **kwargs).first()
    if follow is None:
        if not queries.is_news_member(user, target):
            return None
        follow, _ = Follow.objects.get_or_create(
            user=user, **kwargs, defaults={"news_emails": False}
        )
    if follow.news_emails:
        follow.news_emails = False
        follow.save(update_fields=["news_emails"])
    return follow


# --- chapters -------------------------------------------------------------------------------


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
) -> Chapter:
    """Platform staff open a chapter and name its connectors."""
    _require_staff(actor)
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
    unknown = set(changes) - {*CHAPTER_TEXT_FIELDS, "slug", "country"}
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
    audit_record(
        actor=actor, action="chapter.connector_remove", target=chapter, data={"user": user.pk}
    )


@transaction.atomic
def chapter_join(*, actor: Any, chapter: Chapter) -> None:
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


# --- house rules ----------------------------------------------------------------------------


@transaction.atomic
def rules_publish(*, actor: Any, owner: Owner, text: str) -> HouseRules:
    """Publish a new version of the house rules. Members must accept it before they post
    or contribute again; the admin who publishes it accepts it by doing so."""
    _require_admin(actor, owner)
    owner = _lock_owner(owner)
    text = text.strip()
    current = queries.current_rules(owner)
    if current is not None and current.text.strip() == text:
        raise CommunityError(CommunityErrorCode.RULES_UNCHANGED, field="text")
    field = "collective" if isinstance(owner, Collective) else "host"
    rules = HouseRules.objects.create(
        **{field: owner},
        version=(current.version + 1) if current else 1,
        text=text,
        created_by=actor,
    )
    membership = queries.membership_of(actor, owner)
    if membership is not None:
        membership.rules_accepted = rules
        membership.rules_accepted_at = timezone.now()
        membership.save(update_fields=["rules_accepted", "rules_accepted_at"])
    audit_record(
        actor=actor,
        action="rules.publish",
        target=owner,
        host=_host_of(owner),
        data={"version": rules.version},
    )
    return rules


@transaction.atomic
def rules_accept(*, actor: Any, owner: Owner) -> Any:
    """A member accepts the current version of the house rules."""
    membership = queries.membership_of(actor, owner)
    if membership is None:
        raise CommunityError(CommunityErrorCode.NOT_A_MEMBER)
    rules = queries.current_rules(owner)
    if rules is None:
        raise CommunityError(CommunityErrorCode.NO_RULES)
    membership.rules_accepted = rules
    membership.rules_accepted_at = timezone.now()
    membership.save(update_fields=["rules_accepted", "rules_accepted_at"])
    return membership


# --- invitations ----------------------------------------------------------------------------


@transaction.atomic
def invitation_send(*, actor: Any, owner: Owner, email: str, role: str) -> Invitation:
    """An admin invites an e-mail address; the e-mail carries a signed link to accept or
    decline. Inviting someone who is already a member is refused."""
    from samen.accounts.models import User

    _require_admin(actor, owner)
    email = email.strip().lower()
    valid = CollectiveRole.values if isinstance(owner, Collective) else HostRole.values
    if role not in valid:
        raise CommunityError(CommunityErrorCode.INVALID_ROLE, field="role")
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None and queries.membership_of(existing, owner) is not None:
        raise CommunityError(CommunityErrorCode.ALREADY_MEMBER, field="email")
    field = "collective" if isinstance(owner, Collective) else "host"
    invitation = Invitation.objects.create(
        **{field: owner}, email=email, role=role, invited_by=actor
    )
    audit_record(
        actor=actor,
        action="invitation.send",
        target=owner,
        host=_host_of(owner),
        data={"role": role},
    )
    from samen.communities.links import invitation_url

    _notify_address(
        email,
        getattr(existing, "language", "") if existing else "",
        "communities/email/invitation",
        {
            "invitation": invitation,
            "owner": owner,
            "role_label": _role_label(owner, role),
            "url": invitation_url(invitation),
        },
    )
    return invitation


def _lock_pending_invitation(invitation: Invitation) -> Invitation:
    locked = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("collective", "host")
        .get(pk=invitation.pk)
    )
    if locked.status != InvitationStatus.PENDING:
        raise CommunityError(CommunityErrorCode.INVITATION_CLOSED)
    return locked


@transaction.atomic
def invitation_accept(*, actor: Any, invitation: Invitation, rules_accepted: bool = False) -> Any:
    """The invited person accepts: they get the role, having accepted the house rules if
    there are any. The link was signed, so whoever holds it may accept it while signed in
    with the invited address."""
    invitation = _lock_pending_invitation(invitation)
    if actor.email.lower() != invitation.email.lower():
        raise CommunityError(CommunityErrorCode.INVITATION_EMAIL)
    owner = invitation.owner
    rules = queries.current_rules(owner)
    if rules is not None and not rules_accepted:
        raise CommunityError(CommunityErrorCode.RULES_NOT_ACCEPTED, field="rules_accepted")
    membership = _add_member(owner, actor, invitation.role, rules)
    invitation.status = InvitationStatus.ACCEPTED
    invitation.responded_at = timezone.now()
    invitation.accepted_by = actor
    invitation.save(update_fields=["status", "responded_at", "accepted_by"])
    audit_record(
        actor=actor,
        action="role.join",
        target=owner,
        host=_host_of(owner),
        data={"person": actor.public_name, "person_id": actor.pk, "to": invitation.role},
    )
    return membership


@transaction.atomic
def invitation_decline(*, actor: Any, invitation: Invitation) -> Invitation:
    """The invited person declines; the signed link is proof enough, no login needed."""
    invitation = _lock_pending_invitation(invitation)
    invitation.status = InvitationStatus.DECLINED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return invitation


@transaction.atomic
def invitation_revoke(*, actor: Any, invitation: Invitation) -> Invitation:
    _require_admin(actor, invitation.owner)
    invitation = _lock_pending_invitation(invitation)
    invitation.status = InvitationStatus.REVOKED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return invitation


# --- join requests --------------------------------------------------------------------------


@transaction.atomic
def join_request_submit(
    *, actor: Any, collective: Collective, answers: list[str], rules_accepted: bool
) -> JoinRequest:
    """Someone asks to join, answering the membership questions and accepting the current
    house rules (when there are any)."""
    collective = _lock_collective(collective)
    if not collective.allows_join_requests:
        raise CommunityError(CommunityErrorCode.JOIN_CLOSED)
    if queries.membership_of(actor, collective) is not None:
        raise CommunityError(CommunityErrorCode.ALREADY_MEMBER)
    if JoinRequest.objects.filter(
        collective=collective, user=actor, status=JoinRequestStatus.PENDING
    ).exists():
        raise CommunityError(CommunityErrorCode.JOIN_REQUEST_OPEN)
    rules = queries.current_rules(collective)
    if rules is not None and not rules_accepted:
        raise CommunityError(CommunityErrorCode.RULES_NOT_ACCEPTED, field="rules_accepted")
    paired = _pair_answers(list(collective.membership_questions or []), answers)
    join_request = JoinRequest.objects.create(
        collective=collective, user=actor, answers=paired, rules_accepted=rules
    )
    _notify(
        queries.collective_admins(collective),
        "communities/email/join_request_received",
        {"join_request": join_request, "collective": collective},
    )
    return join_request


def _lock_pending_join_request(join_request: JoinRequest) -> JoinRequest:
    locked = (
        JoinRequest.objects.select_for_update()
        .select_related("collective", "user")
        .get(pk=join_request.pk)
    )
    if locked.status != JoinRequestStatus.PENDING:
        raise CommunityError(CommunityErrorCode.JOIN_REQUEST_CLOSED)
    return locked


@transaction.atomic
def join_request_approve(*, actor: Any, join_request: JoinRequest) -> CollectiveMembership:
    """An admin lets the person in as a member. Their accepted rules version carries over
    if it is still the current one; otherwise they will be asked again."""
    _require_collective_admin(actor, join_request.collective)
    join_request = _lock_pending_join_request(join_request)
    collective = join_request.collective
    membership: CollectiveMembership = _add_member(
        collective, join_request.user, CollectiveRole.MEMBER, join_request.rules_accepted
    )
    join_request.status = JoinRequestStatus.APPROVED
    join_request.decided_by = actor
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action="role.join",
        target=collective,
        host=_host_of(collective),
        data={
            "person": join_request.user.public_name,
            "person_id": join_request.user_id,
            "to": CollectiveRole.MEMBER,
        },
    )
    _notify(
        [join_request.user],
        "communities/email/join_request_decided",
        {"join_request": join_request, "collective": collective},
    )
    return membership


@transaction.atomic
def join_request_decline(*, actor: Any, join_request: JoinRequest, reason: str = "") -> JoinRequest:
    _require_collective_admin(actor, join_request.collective)
    join_request = _lock_pending_join_request(join_request)
    join_request.status = JoinRequestStatus.DECLINED
    join_request.reason = reason.strip()
    join_request.decided_by = actor
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    _notify(
        [join_request.user],
        "communities/email/join_request_decided",
        {"join_request": join_request, "collective": join_request.collective},
    )
    return join_request


@transaction.atomic
def join_request_withdraw(*, actor: Any, join_request: JoinRequest) -> JoinRequest:
    if join_request.user_id != actor.pk:
        raise PermissionDenied
    join_request = _lock_pending_join_request(join_request)
    join_request.status = JoinRequestStatus.WITHDRAWN
    join_request.save(update_fields=["status"])
    return join_request


# --- direct membership (demo and staff tools) -----------------------------------------------


@transaction.atomic
def member_add(*, actor: Any, owner: Owner, user: Any, role: str) -> Any:
    """An admin adds an existing person directly (used by the demo and the tests; people
    normally arrive through an invitation or a join request). The person still has to
    accept the house rules."""
    _require_admin(actor, owner)
    owner = _lock_owner(owner)
    membership = _add_member(owner, user, role)
    audit_record(
        actor=actor,
        action="role.add",
        target=owner,
        host=_host_of(owner),
        data={"person": user.public_name, "person_id": user.pk, "to": role},
    )
    return membership


# --- news -----------------------------------------------------------------------------------

NewsOwner = Collective | Host | Chapter
NEWS_BATCH = 200


def _require_news_writer(actor: Any, owner: NewsOwner) -> None:
    if not can_write_news(actor, owner):
        raise PermissionDenied


def _news_host(owner: NewsOwner) -> Host | None:
    """The host whose audit log shows the post (none for a chapter)."""
    return None if isinstance(owner, Chapter) else _host_of(owner)


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())[:200]
    if not title:
        raise CommunityError(CommunityErrorCode.TITLE_REQUIRED, field="title")
    return title


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise CommunityError(CommunityErrorCode.BODY_REQUIRED, field="body")
    return body


def _clean_audience(audience: str) -> str:
    if audience not in NewsAudience.values:
        raise CommunityError(CommunityErrorCode.INVALID_AUDIENCE, field="audience")
    return audience


def _lock_news(post: NewsPost) -> NewsPost:
    return (
        NewsPost.objects.select_for_update(of=("self",))
        .select_related("collective__host", "host", "chapter", "author")
        .get(pk=post.pk)
    )


@transaction.atomic
def news_create(
    *,
    actor: Any,
    owner: NewsOwner,
    title: str,
    body: str,
    audience: str = NewsAudience.PUBLIC,
    publish: bool = False,
) -> NewsPost:
    """Write a news post for a collective, host or chapter: a draft, or published at once
    (``publish``). The Markdown body is kept as written and sanitised when shown."""
    _require_news_writer(actor, owner)
    post = NewsPost.objects.create(
        **_follow_kwargs(owner),
        title=_clean_title(title),
        body=_clean_body(body),
        audience=_clean_audience(audience),
        author=actor,
    )
    audit_record(
        actor=actor,
        action="news.create",
        target=post,
        host=_news_host(owner),
        data={"audience": post.audience},
    )
    if publish:
        post = news_publish(actor=actor, post=post)
    return post


@transaction.atomic
def news_edit(
    *,
    actor: Any,
    post: NewsPost,
    title: str | None = None,
    body: str | None = None,
    audience: str | None = None,
) -> NewsPost:
    """Change a draft or a published post (``updated_at`` shows it was edited). Editing
    never e-mails anyone again."""
    _require_news_writer(actor, post.owner)
    post = _lock_news(post)
    changes = {
        "title": _clean_title(title) if title is not None else None,
        "body": _clean_body(body) if body is not None else None,
        "audience": _clean_audience(audience) if audience is not None else None,
    }
    changed = [
        field
        for field, value in changes.items()
        if value is not None and getattr(post, field) != value
    ]
    if changed:
        for field in changed:
            setattr(post, field, changes[field])
        post.save(update_fields=[*changed, "updated_at"])
        audit_record(
            actor=actor,
            action="news.edit",
            target=post,
            host=_news_host(post.owner),
            data={"fields": changed, "published": not post.is_draft},
        )
    return post


@transaction.atomic
def news_publish(*, actor: Any, post: NewsPost) -> NewsPost:
    """Publish a draft and queue its e-mail to followers and members. Publishing a post
    that is already published changes nothing and sends nothing."""
    _require_news_writer(actor, post.owner)
    post = _lock_news(post)
    if post.published_at is not None:
        return post
    post.published_at = timezone.now()
    # Only ``published_at``: ``updated_at`` keeps the last edit, so "edited" means "after".
    post.save(update_fields=["published_at"])
    audit_record(
        actor=actor,
        action="news.publish",
        target=post,
        host=_news_host(post.owner),
        data={"audience": post.audience},
    )
    from samen.communities.tasks import deliver_news
    from samen.lib.tasks import enqueue_on_commit

    enqueue_on_commit(deliver_news, post_id=post.pk)
    return post


@transaction.atomic
def news_delete(*, actor: Any, post: NewsPost) -> None:
    """Delete a draft. A published post stays (people were told about it); edit it."""
    _require_news_writer(actor, post.owner)
    post = _lock_news(post)
    if post.published_at is not None:
        raise CommunityError(CommunityErrorCode.NEWS_PUBLISHED)
    audit_record(
        actor=actor,
        action="news.delete",
        target=post,
        host=_news_host(post.owner),
        data={"title": post.title},
    )
    post.delete()


def news_deliver(*, post_id: int) -> int:
    """E-mail a published post to everyone it is for, at most once each; returns how many
    were e-mailed by this call. Works in batches, each in its own transaction with the post
    locked: a batch records its deliveries and queues its e-mails together, so a retry (or a
    second run at the same time) carries on where the last committed batch stopped."""
    sent = 0
    while True:
        batch = _news_deliver_batch(post_id=post_id, limit=NEWS_BATCH)
        sent += batch
        if batch < NEWS_BATCH:
            return sent


@transaction.atomic
def _news_deliver_batch(*, post_id: int, limit: int) -> int:
    post = (
        NewsPost.objects.select_for_update(of=("self",))
        .select_related("collective__host", "host", "chapter", "author")
        .filter(pk=post_id)
        .first()
    )
    if post is None or post.published_at is None:
        return 0
    recipients = list(queries.news_recipients(post)[:limit])
    NewsDelivery.objects.bulk_create([NewsDelivery(post=post, user=user) for user in recipients])
    for user in recipients:
        _send_news(post, user)
    return len(recipients)


def _send_news(post: NewsPost, user: Any) -> None:
    """One news e-mail, text and HTML, in the recipient's language, with their own
    unsubscribe link."""
    from django.core.mail import EmailMultiAlternatives

    from samen.communities.links import news_unsubscribe_url

    owner = post.owner
    unsubscribe_url = news_unsubscribe_url(user, owner)
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "post": post,
            "owner": owner,
            "recipient": user,
            "site_url": _site_url(),
            "unsubscribe_url": unsubscribe_url,
        }
        subject = " ".join(render_to_string("communities/email/news_subject.txt", context).split())
        body = render_to_string("communities/email/news_body.txt", context)
        html = render_to_string("communities/email/news_body.html", context)
    # RFC 2369 and RFC 8058: mail clients show their own unsubscribe button, which POSTs
    # "List-Unsubscribe=One-Click" to the same signed link.
    headers = {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    message = EmailMultiAlternatives(subject=subject, body=body, to=[user.email], headers=headers)
    message.attach_alternative(html, "text/html")
    send_message_later(message)
