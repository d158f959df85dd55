"""The privacy registry: how other apps add to a person's data export and erasure.

Any installed ``samen.<app>`` may provide a module ``samen/<app>/privacy.py`` with:

``export_data(user) -> dict``
    JSON-serialisable data the app holds about ``user``; it lands in the export zip as
    ``apps/<app>.json``.
``must_keep(user) -> str | None``
    ``None`` when nothing prevents deleting the user row; otherwise a short, human-readable
    reason why accounting law requires keeping rows that point at the person (for example
    "ledger transactions, kept 7 years"). The user row is then pseudonymised instead.
``export_files(user) -> Iterable[tuple[str, bytes]]`` (optional)
    Files the app holds about ``user`` (an invoice's PDF), as ``(name, content)`` pairs; each
    lands in the export zip as ``apps/<app>/<name>``.
``erase_content(user) -> None`` (optional)
    Deletes what the person wrote for others to read (their posts) when they choose, on
    erasing their account, to delete it rather than leave it anonymised. Called inside the
    erasure transaction before ``erase_data``.
``erase_data(user) -> None`` (optional)
    Deletes or anonymises what the app holds about ``user`` beyond what ``must_keep`` keeps.
    Called inside the erasure transaction, before the user row is deleted or pseudonymised,
    so rows that would otherwise survive a pseudonymised user (tokens, drafts) go too.

Modules are discovered, not registered, so an app joins by adding the file (docs/privacy.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec
from types import ModuleType
from typing import TYPE_CHECKING, Any

from django.apps import apps

if TYPE_CHECKING:
    from samen.accounts.models import User


@dataclass(frozen=True)
class PrivacyProvider:
    """One app's privacy module."""

    label: str
    module: ModuleType

    def export_data(self, user: User) -> dict[str, Any]:
        export = getattr(self.module, "export_data", None)
        return dict(export(user)) if export else {}

    def export_files(self, user: User) -> list[tuple[str, bytes]]:
        export = getattr(self.module, "export_files", None)
        return list(export(user)) if export else []

    def must_keep(self, user: User) -> str | None:
        must_keep = getattr(self.module, "must_keep", None)
        return must_keep(user) if must_keep else None

    def erase_content(self, user: User) -> None:
        erase = getattr(self.module, "erase_content", None)
        if erase:
            erase(user)

    def erase_data(self, user: User) -> None:
        erase = getattr(self.module, "erase_data", None)
        if erase:
            erase(user)


def privacy_providers() -> list[PrivacyProvider]:
    """Every installed ``samen.<app>.privacy`` module except this one, in INSTALLED_APPS order."""
    providers = []
    for config in apps.get_app_configs():
        if not config.name.startswith("samen.") or config.name == "samen.accounts":
            continue
        module_name = f"{config.name}.privacy"
        if find_spec(module_name) is None:
            continue
        providers.append(PrivacyProvider(label=config.label, module=import_module(module_name)))
    return providers


def keep_reasons(user: User) -> list[str]:
    """Why the user row must outlive an erasure request; empty when it may be deleted."""
    return [reason for p in privacy_providers() if (reason := p.must_keep(user))]


def _account_data(user: User) -> dict[str, Any]:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    return {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "language": user.language,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        # Which kinds of second factor are set up, never their secrets.
        "two_factor": [
            {"type": a.type, "created_at": a.created_at, "last_used_at": a.last_used_at}
            for a in Authenticator.objects.filter(user=user).order_by("pk")
        ],
    }


def _profile_data(user: User) -> tuple[dict[str, Any], tuple[str, bytes] | None]:
    from samen.accounts.models import Profile
    from samen.accounts.queries import profile_of, skill_names

    profile = profile_of(user)
    avatar: tuple[str, bytes] | None = None
    avatar_name = ""
    if profile.avatar:
        avatar_name = "avatar." + profile.avatar.name.rsplit(".", 1)[-1]
        try:
            with profile.avatar.open("rb") as fh:
                avatar = (avatar_name, fh.read())
        except FileNotFoundError:
            avatar_name = ""
    data = {
        "bio": profile.bio,
        "city": profile.city,
        "languages": profile.languages,
        "skills": skill_names(profile),
        "avatar": avatar_name or None,
        "visibility": {name: profile.visibility_of(name) for name in Profile.PRIVATE_FIELDS},
        "updated_at": profile.updated_at,
    }
    return data, avatar


def build_export(user: User) -> bytes:
    """A zip with account.json, profile.json, the avatar, and per provider apps/<app>.json
    and its files under apps/<app>/."""
    import io
    import json
    import zipfile

    from django.core.serializers.json import DjangoJSONEncoder

    def dump(data: Any) -> str:
        return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)

    profile, avatar = _profile_data(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("account.json", dump(_account_data(user)))
        archive.writestr("profile.json", dump(profile))
        if avatar:
            archive.writestr(avatar[0], avatar[1])
        for provider in privacy_providers():
            data = provider.export_data(user)
            if data:
                archive.writestr(f"apps/{provider.label}.json", dump(data))
            for name, content in provider.export_files(user):
                archive.writestr(f"apps/{provider.label}/{name}", content)
    return buffer.getvalue()
