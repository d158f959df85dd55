"""Every write about people: profiles, language, data export and erasure."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from importlib import import_module
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext

from samen.accounts.access import may_curate_skills
from samen.accounts.errors import AccountsErrorCode, SkillError
from samen.accounts.models import Profile, Skill, User, Visibility, skill_key
from samen.accounts.privacy import build_export, keep_reasons, privacy_providers
from samen.accounts.queries import skill_find
from samen.audit.actions import audit_record
from samen.audit.models import AuditEntry
from samen.core import pagecache
from samen.lib.tasks import task_records_forget

MAX_SKILLS = 20
MAX_SKILL_LENGTH = 60

_SESSION_ENGINES_IN_DB = {
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cached_db",
}


@transaction.atomic
def user_set_language(*, actor: User, language: str) -> None:
    """Remember the language a person chose, so every device and e-mail uses it."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"unknown language {language!r}")
    if actor.language != language:
        actor.language = language
        actor.save(update_fields=["language"])
        audit_record(
            actor=actor, action="user.set_language", target=actor, data={"language": language}
        )


def clean_skill_names(names: list[str]) -> list[str]:
    """Trim, collapse spaces and drop duplicates (ignoring case), keeping the first spelling.

    Raises ValueError with an :class:`AccountsErrorCode` value for a too long name or list.
    """
    cleaned: dict[str, str] = {}
    for raw in names:
        name = re.sub(r"\s+", " ", raw).strip()
        if not name:
            continue
        if len(name) > MAX_SKILL_LENGTH:
            raise ValueError(AccountsErrorCode.SKILL_INVALID)
        cleaned.setdefault(name.casefold(), name)
    if len(cleaned) > MAX_SKILLS:
        raise ValueError(AccountsErrorCode.TOO_MANY_SKILLS)
    return list(cleaned.values())


def _skill_get_or_create(name: str) -> Skill:
    # Any name or synonym of a skill, in any language, case or accents, finds it.
    existing = skill_find(name)
    if existing:
        return existing
    try:
        # A savepoint, so a concurrent creation of the same name does not spoil our transaction.
        with transaction.atomic():
            return Skill.objects.create(name=name)
    except IntegrityError:
        return Skill.objects.get(name__iexact=name)


def skills_get_or_create(names: list[str]) -> list[Skill]:
    """The skills named (cleaned as on a profile), created when new: for other apps that tag
    things with skills, such as a credits request, so everyone shares one set of tags."""
    return [_skill_get_or_create(name) for name in clean_skill_names(names)]


def _clean_names(name: str, name_nl: str, name_fr: str, synonyms: Sequence[str]) -> list[str]:
    names = [re.sub(r"\s+", " ", n).strip() for n in (name, name_nl, name_fr, *synonyms)]
    if not names[0] or any(len(n) > MAX_SKILL_LENGTH for n in names):
        raise SkillError(AccountsErrorCode.SKILL_INVALID, field="name")
    return names


@transaction.atomic
def skill_save(
    *,
    actor: Any,
    name: str,
    name_nl: str = "",
    name_fr: str = "",
    synonyms: Sequence[str] = (),
    skill: Skill | None = None,
) -> Skill:
    """A host admin adds a curated skill (or edits ``skill``): its English, Dutch and French
    names and synonyms, each of which then finds it. A name that already finds another
    skill is refused (``SKILL_NAME_TAKEN``: merge the two instead)."""
    if not may_curate_skills(actor):
        raise SkillError(AccountsErrorCode.NOT_ALLOWED)
    names = _clean_names(name, name_nl, name_fr, synonyms)
    for candidate in names:
        other = skill_find(candidate) if candidate else None
        if other is not None and (skill is None or other.pk != skill.pk):
            raise SkillError(
                AccountsErrorCode.SKILL_NAME_TAKEN,
                gettext("“%(name)s” already finds the skill “%(skill)s”; merge them instead.")
                % {"name": candidate, "skill": other.label()},
                field="name",
            )
    target = Skill.objects.select_for_update().get(pk=skill.pk) if skill else Skill()
    target.name, target.name_nl, target.name_fr = names[0], names[1], names[2]
    target.synonyms = sorted({skill_key(n): n for n in names[3:] if n}.values())
    target.curated = True
    target.save()
    audit_record(
        actor=actor,
        action="skill.save",
        target=target,
        data={"names": target.names(), "created": skill is None},
    )
    return target


@transaction.atomic
def skill_merge(*, actor: Any, source: Skill, target: Skill) -> Skill:
    """A host admin merges two skills that are one: everyone and everything tagged with
    ``source`` gets ``target`` (once), and ``source``'s names become synonyms of it."""
    from samen.accounts.skills_catalogue import skills_merge_into

    if not may_curate_skills(actor):
        raise SkillError(AccountsErrorCode.NOT_ALLOWED)
    if source.pk == target.pk:
        raise SkillError(AccountsErrorCode.SAME_SKILL, field="source")
    # Both rows locked in one order, so two admins merging crosswise cannot deadlock.
    rows = Skill.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")
    locked = {s.pk: s for s in rows}
    if len(locked) != 2:
        raise SkillError(AccountsErrorCode.SAME_SKILL, field="source")
    source, target = locked[source.pk], locked[target.pk]
    names = skills_merge_into(Skill, target, [source])
    known = {skill_key(n) for n in (target.name, target.name_nl, target.name_fr)}
    kept = [*target.synonyms, *names]
    target.synonyms = sorted({skill_key(n): n for n in kept if skill_key(n) not in known}.values())
    target.save()
    audit_record(
        actor=actor,
        action="skill.merge",
        target=target,
        data={"merged": names, "into": target.name},
    )
    return target


def _locked_profile(user: User) -> Profile:
    profile, _ = Profile.objects.select_for_update().get_or_create(user=user)
    return profile


@transaction.atomic
def profile_update(
    *,
    actor: User,
    display_name: str,
    language: str,
    bio: str,
    city: str,
    languages: list[str],
    skills: list[str],
    visibility: dict[str, str],
    avatar: ContentFile[bytes] | None = None,
    remove_avatar: bool = False,
) -> Profile:
    """Save the person's own profile: name, site language, fields and who may see each.

    Unknown skills are created, so the next person's autocomplete offers them. A new
    ``avatar`` (already cleaned by ``avatars.process_avatar``) or ``remove_avatar`` is applied
    in the same transaction, so a failure leaves nothing half-saved.
    """
    if language and language not in dict(settings.LANGUAGES):
        raise ValueError(f"unknown language {language!r}")
    unknown = set(visibility) - set(Profile.PRIVATE_FIELDS)
    if unknown or not set(visibility.values()) <= set(Visibility.values):
        raise ValueError("invalid visibility")
    user = User.objects.select_for_update().get(pk=actor.pk)
    user.display_name = display_name.strip()
    user.language = language
    user.save(update_fields=["display_name", "language"])
    actor.display_name, actor.language = user.display_name, user.language

    profile = _locked_profile(user)
    profile.bio = bio.strip()
    profile.city = city.strip()
    profile.languages = list(dict.fromkeys(languages))
    for name, value in visibility.items():
        setattr(profile, f"{name}_visibility", value)
    profile.save()
    profile.skills.set([_skill_get_or_create(name) for name in clean_skill_names(skills)])
    if avatar is not None:
        profile = profile_set_avatar(actor=actor, image=avatar)
    elif remove_avatar:
        profile_remove_avatar(actor=actor)
    # No personal data in the audit row: only which settings changed shape.
    audit_record(
        actor=actor,
        action="profile.update",
        target=user,
        data={"visibility": visibility, "skills": len(skills), "language": language},
    )
    return profile


def _delete_file_on_commit(profile: Profile) -> None:
    if profile.avatar:
        transaction.on_commit(partial(profile.avatar.storage.delete, profile.avatar.name))


@transaction.atomic
def profile_set_avatar(*, actor: User, image: ContentFile[bytes]) -> Profile:
    """Store an avatar already cleaned by ``avatars.process_avatar``; the old file goes.

    Files are not transactional: the old file is deleted only after commit, and the new one is
    deleted again if writing the row fails.
    """
    profile = _locked_profile(actor)
    old = profile.avatar.name if profile.avatar else ""
    storage = profile.avatar.storage
    profile.avatar.save(image.name or "avatar.jpg", image, save=False)
    try:
        profile.save(update_fields=["avatar", "updated_at"])
        audit_record(actor=actor, action="profile.set_avatar", target=actor)
    except Exception:
        storage.delete(profile.avatar.name)
        raise
    if old:
        transaction.on_commit(partial(storage.delete, old))
    return profile


@transaction.atomic
def profile_remove_avatar(*, actor: User) -> None:
    """Remove the avatar; the file is deleted once the change is committed."""
    profile = _locked_profile(actor)
    if profile.avatar:
        _delete_file_on_commit(profile)
        profile.avatar = ""
        profile.save(update_fields=["avatar", "updated_at"])
        audit_record(actor=actor, action="profile.remove_avatar", target=actor)


@transaction.atomic
def user_export(*, actor: User) -> bytes:
    """The person's data as a zip archive (see ``privacy.build_export``); the export is audited."""
    archive = build_export(actor)
    audit_record(actor=actor, action="user.export", target=actor, data={"bytes": len(archive)})
    return archive


@dataclass(frozen=True)
class ErasureResult:
    """What ``user_erase`` did: deleted the row, or kept it pseudonymised for these reasons."""

    user_id: int
    deleted: bool
    kept_because: list[str]


def _delete_sessions(user: User) -> None:
    """End every session of ``user`` stored in the database.

    Sessions elsewhere (cache, signed cookies) die anyway: the user row is gone, or its
    password hash changed so the session's auth hash no longer matches.
    """
    if settings.SESSION_ENGINE not in _SESSION_ENGINES_IN_DB:
        return
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    for key in keys:
        store(session_key=key).delete()


def _pseudonymise(user: User) -> None:
    user.email = f"erased-{user.pk}@invalid.samen"
    user.display_name = ""
    user.language = ""
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.erased_at = timezone.now()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()


@transaction.atomic
def user_erase(*, actor: User, user: User, delete_content: bool = False) -> ErasureResult:
    """Erase a person's personal data (their own request, or a superuser acting on it).

    What they wrote for others (posts, comments) stays, signed "Former member", unless
    ``delete_content``: then each app's ``privacy.erase_content`` deletes it first.

    Deletes the profile (the avatar file once committed), e-mail addresses, two-factor
    authenticators, sessions and whatever each app's ``privacy.erase_data`` removes. The user
    row itself is deleted unless an app's ``must_keep`` names a legal reason to keep rows
    that point at it (or a protected foreign key does); it is then pseudonymised
    (docs/privacy.md).
    """
    if actor.pk != user.pk and not actor.is_superuser:
        raise PermissionDenied
    user = User.objects.select_for_update().get(pk=user.pk)
    pagecache.bump_all()
    reasons = keep_reasons(user)
    if delete_content:
        for provider in privacy_providers():
            provider.erase_content(user)
    for provider in privacy_providers():
        provider.erase_data(user)

    profile = Profile.objects.filter(user=user).first()
    if profile is not None:
        _delete_file_on_commit(profile)
        profile.delete()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    _delete_sessions(user)
    task_records_forget(user.email)
    # Earlier audit rows about this person carry their name as the target's label.
    AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(User), target_id=str(user.pk)
    ).update(target_repr=f"#{user.pk}")

    user_id = user.pk
    deleted = False
    if not reasons:
        try:
            with transaction.atomic():
                user.delete()
                deleted = True
        except (ProtectedError, RestrictedError):
            reasons.append(gettext("Other records still point at this person."))
    if not deleted:
        _pseudonymise(user)
    audit_record(
        # A deleted person cannot be the actor of the row recording their deletion.
        actor=None if deleted and actor.pk == user_id else actor,
        action="user.erase",
        target=None if deleted else user,
        data={
            "user_id": user_id,
            "deleted": deleted,
            "kept_because": reasons,
            "content_deleted": delete_content,
        },
    )
    return ErasureResult(user_id=user_id, deleted=deleted, kept_because=reasons)


@transaction.atomic
def user_update_basics(
    *, actor: User, display_name: str | None = None, language: str | None = None
) -> User:
    """Change a person's display name and/or language (None leaves a field as it is).

    Used by ``PATCH /api/v1/me``; raises ValueError for an unknown language.
    """
    changed: dict[str, str] = {}
    if display_name is not None and display_name.strip() != actor.display_name:
        actor.display_name = display_name.strip()[:120]
        changed["display_name"] = actor.display_name
    if language is not None and language != actor.language:
        if language and language not in dict(settings.LANGUAGES):
            raise ValueError(f"unknown language {language!r}")
        actor.language = language
        changed["language"] = language
    if changed:
        actor.save(update_fields=list(changed))
        audit_record(actor=actor, action="user.update", target=actor, data=changed)
    return actor
