"""People: the user account (login by e-mail) and its public-facing profile."""

from __future__ import annotations

import unicodedata
import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    """Creates users identified by their (lower-cased) e-mail address."""

    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an e-mail address.

    When a person deletes their account the row is kept only when accounting law needs a
    party to point at (ledger rows, invoices); it is then pseudonymised: e-mail and name are
    replaced, the password made unusable and ``erased_at`` set (docs/privacy.md).
    """

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=120, blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of the site and of the e-mails you receive."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True, editable=False)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        """The name shown to others: never the e-mail address."""
        if self.erased_at:
            return str(_("Former member"))
        return self.display_name or str(_("Member #%(id)s") % {"id": self.pk})

    def get_full_name(self) -> str:
        return self.public_name

    def get_short_name(self) -> str:
        return self.public_name


class Visibility(models.TextChoices):
    """Who may see one profile field.

    "Members" means every signed-in person with an active account, not only the people who
    share a collective with you (docs/privacy.md).
    """

    EVERYONE = "everyone", _("Everyone")
    MEMBERS = "members", _("Signed-in members")
    ONLY_ME = "only_me", _("Only me")


def skill_key(text: str) -> str:
    """How a skill's name is compared: without case, accents or extra spaces, so that
    "Médiation", "mediation " and "MEDIATION" are one key."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.casefold().split())


class Skill(models.Model):
    """A skill people offer and ask for ("Facilitation"), shared by everyone.

    A curated skill has a name in each language (``name`` is English, the canonical one) and
    synonyms; any of them finds it (``lookup`` holds their keys, see ``skill_key``), so a
    Dutch speaker's "Facilitatie" and a French speaker's "Animation" are the same skill.
    Skills people type that the list does not know are kept with their one name until a host
    admin curates or merges them. Names are unique without regard to case.
    """

    name = models.CharField(_("name"), max_length=60)
    name_nl = models.CharField(_("name in Dutch"), max_length=60, blank=True)
    name_fr = models.CharField(_("name in French"), max_length=60, blank=True)
    synonyms: models.JSONField[Any, Any] = models.JSONField(_("synonyms"), default=list, blank=True)
    # "|key|key|": every name and synonym as ``skill_key``, kept by ``save``, so one
    # ``lookup__contains`` finds a skill by any of them on SQLite and PostgreSQL alike.
    lookup = models.TextField(blank=True, editable=False)
    curated = models.BooleanField(_("curated"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="accounts_skill_name_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.label()

    def save(self, *args: Any, **kwargs: Any) -> None:
        from samen.accounts.skills_catalogue import skill_lookup

        self.lookup = skill_lookup(self.names())
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "lookup"}
        super().save(*args, **kwargs)

    def names(self) -> list[str]:
        """Every name that finds this skill: the three names, then the synonyms."""
        return [n for n in (self.name, self.name_nl, self.name_fr, *self.synonyms) if n]

    def label(self, language: str | None = None) -> str:
        """The name in ``language`` (default: the active one), English when it has none."""
        language = (language or get_language() or "en")[:2]
        return {"nl": self.name_nl, "fr": self.name_fr}.get(language) or self.name


def avatar_upload_to(instance: Profile, filename: str) -> str:
    # A random name: the file lives in public storage, so its URL must not be guessable for
    # avatars that only members (or only their owner) may see.
    return f"avatars/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1].lower()}"


class Profile(models.Model):
    """What a person tells others about themselves, each field with its own visibility.

    Created lazily on the first edit; a person without a row has an empty profile.
    """

    user = models.OneToOneField(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="profile"
    )
    bio = models.TextField(_("about me"), max_length=2000, blank=True)
    avatar = models.ImageField(_("avatar"), upload_to=avatar_upload_to, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    languages: models.JSONField[list[str], list[str]] = models.JSONField(
        _("languages spoken"), default=list, blank=True
    )
    skills = models.ManyToManyField(
        Skill, verbose_name=_("skills"), blank=True, related_name="profiles"
    )
    bio_visibility = models.CharField(
        _("who sees “about me”"), max_length=10, choices=Visibility, default=Visibility.EVERYONE
    )
    avatar_visibility = models.CharField(
        _("who sees the avatar"), max_length=10, choices=Visibility, default=Visibility.EVERYONE
    )
    city_visibility = models.CharField(
        _("who sees the city"), max_length=10, choices=Visibility, default=Visibility.MEMBERS
    )
    languages_visibility = models.CharField(
        _("who sees the languages"),
        max_length=10,
        choices=Visibility,
        default=Visibility.EVERYONE,
    )
    skills_visibility = models.CharField(
        _("who sees the skills"), max_length=10, choices=Visibility, default=Visibility.EVERYONE
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    #: The fields that carry their own visibility, in the order the form shows them.
    PRIVATE_FIELDS = ("bio", "avatar", "city", "languages", "skills")

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return self.user.public_name

    def visibility_of(self, field: str) -> str:
        return str(getattr(self, f"{field}_visibility"))
