"""Data export and account erasure: what leaves, what goes, what is kept and why."""

from __future__ import annotations

import io
import json
import sys
import types
import zipfile
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from PIL import Image

from conftest import PASSWORD
from samen.accounts.actions import profile_set_avatar, user_erase
from samen.accounts.avatars import process_avatar
from samen.accounts.models import Profile, User
from samen.accounts.privacy import PrivacyProvider
from samen.accounts.tests.factories import give_profile, image_upload
from samen.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

NAME = "Zoë Quixotic-Vandersteen"
EMAIL = "zoe.quixotic@example.org"


@pytest.fixture
def zoe(make_user: Any) -> User:
    user = make_user(EMAIL, NAME, language="nl")
    give_profile(user, bio=f"Hi, I am {NAME}", city="Quixotic City", skills=["Juggling"])
    profile_set_avatar(actor=user, image=process_avatar(image_upload()))
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


@pytest.fixture
def fake_app(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """A stand-in for another app's privacy module (the ledger keeping accounting rows)."""
    module = types.ModuleType("samen.fakeledger.privacy")
    module.export_data = lambda user: {"transactions": [{"amount_cents": 1250}]}  # type: ignore[attr-defined]
    module.must_keep = lambda user: None  # type: ignore[attr-defined]
    erased: list[int] = []
    module.erase_data = lambda user: erased.append(user.pk)  # type: ignore[attr-defined]
    module.erased = erased  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "samen.fakeledger.privacy", module)
    monkeypatch.setattr(
        "samen.accounts.privacy.privacy_providers",
        lambda: [PrivacyProvider(label="fakeledger", module=module)],
    )
    monkeypatch.setattr(
        "samen.accounts.actions.privacy_providers",
        lambda: [PrivacyProvider(label="fakeledger", module=module)],
    )
    return module


def _all_database_text() -> str:
    """Every row of every table, as text: the haystack personal data must be absent from."""
    chunks: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def test_discovery_finds_privacy_modules_of_installed_samen_apps() -> None:
    from samen.accounts.privacy import privacy_providers

    labels = [p.label for p in privacy_providers()]
    assert "accounts" not in labels
    for label in labels:
        assert apps.get_app_config(label).name.startswith("samen.")


def test_export_zip_contains_account_profile_avatar_and_app_data(
    client: Client, zoe: User, fake_app: types.ModuleType
) -> None:
    client.force_login(zoe)
    assert client.get(reverse("accounts:export")).status_code == 405
    response = client.post(reverse("accounts:export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert f"samen-export-{zoe.pk}-" in response["Content-Disposition"]

    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert names == {"account.json", "profile.json", "avatar.jpg", "apps/fakeledger.json"}
    account = json.loads(archive.read("account.json"))
    assert account["email"] == EMAIL
    assert account["display_name"] == NAME
    assert account["language"] == "nl"
    assert account["email_addresses"] == [{"email": EMAIL, "verified": True, "primary": True}]
    assert account["two_factor"][0]["type"] == "totp"
    assert "secret" not in json.dumps(account)
    assert account["date_joined"][:4].isdigit()
    profile = json.loads(archive.read("profile.json"))
    assert profile["bio"] == f"Hi, I am {NAME}"
    assert profile["city"] == "Quixotic City"
    assert profile["skills"] == ["Juggling"]
    assert profile["languages"] == ["nl", "fr"]
    assert profile["avatar"] == "avatar.jpg"
    assert profile["visibility"]["bio"] == "everyone"
    with Image.open(io.BytesIO(archive.read("avatar.jpg"))) as image:
        assert image.format == "JPEG"
    assert json.loads(archive.read("apps/fakeledger.json")) == {
        "transactions": [{"amount_cents": 1250}]
    }
    assert AuditEntry.objects.filter(action="user.export", actor=zoe).exists()


def test_export_requires_login(client: Client) -> None:
    assert client.post(reverse("accounts:export")).status_code == 302


def test_erase_deletes_user_and_every_trace(
    client: Client, zoe: User, fake_app: types.ModuleType, django_capture_on_commit_callbacks
) -> None:
    client.force_login(zoe)
    other_device = Client()
    other_device.force_login(zoe)
    avatar = Profile.objects.get(user=zoe).avatar
    storage, avatar_name = avatar.storage, avatar.name
    assert storage.exists(avatar_name)
    # A finished e-mail task stored by the database task backend, with its arguments.
    DBTaskResult.objects.create(
        task_path="samen.core.tasks.deliver_email",
        args_kwargs={"args": [], "kwargs": {"to": [EMAIL], "body": f"Dear {NAME}"}},
        backend_name="default",
        run_after=timezone.now(),
        status="SUCCESSFUL",
    )
    haystack = _all_database_text()
    assert EMAIL in haystack
    assert NAME in haystack

    page = client.get(reverse("accounts:delete"))
    assert page.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:delete"), {"password": PASSWORD, "confirm": "on"}, follow=True
        )
    assert response.status_code == 200
    # Zoë reads Dutch; the goodbye page stays in her language although she is now anonymous.
    assert "Je account en je persoonsgegevens zijn verwijderd." in response.content.decode()
    assert not response.context["user"].is_authenticated

    assert not User.objects.filter(pk=zoe.pk).exists()
    assert not storage.exists(avatar_name)
    assert fake_app.erased == [zoe.pk]
    assert not Session.objects.filter(session_key=other_device.session.session_key).exists()
    assert other_device.get(reverse("accounts:me")).status_code == 302
    haystack = _all_database_text()
    assert EMAIL not in haystack
    assert NAME not in haystack
    assert "Quixotic City" not in haystack
    entry = AuditEntry.objects.get(action="user.erase")
    assert entry.data == {
        "user_id": zoe.pk,
        "deleted": True,
        "kept_because": [],
        "content_deleted": False,
    }


def test_erase_pseudonymises_when_accounting_law_keeps_rows(
    zoe: User, fake_app: types.ModuleType, django_capture_on_commit_callbacks
) -> None:
    reason = "Ledger transactions are kept 7 years (Belgian accounting law)."
    fake_app.must_keep = lambda user: reason  # type: ignore[attr-defined]
    with django_capture_on_commit_callbacks(execute=True):
        result = user_erase(actor=zoe, user=zoe)
    assert not result.deleted
    assert result.kept_because == [reason]
    kept = User.objects.get(pk=zoe.pk)
    assert kept.email == f"erased-{zoe.pk}@invalid.samen"
    assert kept.display_name == ""
    assert not kept.has_usable_password()
    assert not kept.is_active
    assert kept.erased_at is not None
    assert kept.public_name == "Former member"
    assert not Profile.objects.filter(user=kept).exists()
    assert not EmailAddress.objects.filter(user=kept).exists()
    assert not Authenticator.objects.filter(user=kept).exists()
    haystack = _all_database_text()
    assert EMAIL not in haystack
    assert NAME not in haystack
    entry = AuditEntry.objects.get(action="user.erase")
    assert entry.data["kept_because"] == [reason]
    assert entry.actor_id == zoe.pk


def test_erased_person_cannot_log_in(client: Client, zoe: User, fake_app) -> None:
    fake_app.must_keep = lambda user: "kept"
    user_erase(actor=zoe, user=zoe)
    response = client.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


def test_delete_page_lists_what_is_kept(client: Client, zoe: User, fake_app) -> None:
    fake_app.must_keep = lambda user: "Invoices are kept 7 years."
    client.force_login(zoe)
    assert "Invoices are kept 7 years." in client.get(reverse("accounts:delete")).content.decode()


@pytest.mark.parametrize(
    ("data", "error_field"),
    [
        ({"password": "wrong", "confirm": "on"}, "password"),
        ({"password": PASSWORD}, "confirm"),
        ({}, "password"),
    ],
)
def test_delete_refuses_without_password_and_confirmation(
    client: Client, zoe: User, fake_app, data, error_field
) -> None:
    client.force_login(zoe)
    response = client.post(reverse("accounts:delete"), data)
    assert response.status_code == 400
    assert error_field in response.context["form"].errors
    assert User.objects.filter(pk=zoe.pk, is_active=True).exists()
    assert Profile.objects.filter(user=zoe).exists()


def test_delete_password_guessing_is_rate_limited(client: Client, zoe: User, fake_app) -> None:
    client.force_login(zoe)
    for _ in range(10):
        client.post(reverse("accounts:delete"), {"password": "guess", "confirm": "on"})
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 400
    assert "Te veel pogingen" in response.content.decode()
    assert User.objects.filter(pk=zoe.pk).exists()
