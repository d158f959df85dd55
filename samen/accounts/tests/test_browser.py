"""A person's first visit, clicked through in Debian's chromium: from sign-up to two factors."""

from __future__ import annotations

import os
import re
import time
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from PIL import Image

from samen.accounts.models import Profile, Skill, User

pytestmark = pytest.mark.browser

EMAIL = "nora@example.org"
PASSWORD = "a long and lovely passphrase"


def _submit(page: Any) -> None:
    """Click the submit button of the page's main form (the header has forms too)."""
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()


def _png() -> bytes:
    out = BytesIO()
    Image.new("RGB", (900, 900), (30, 140, 90)).save(out, format="PNG")
    return out.getvalue()


def test_sign_up_confirm_log_in_switch_language_edit_profile_and_turn_on_totp(
    page: Any, tmp_path: Path
) -> None:
    from allauth.mfa import app_settings as mfa_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    Skill.objects.create(name="Fietsherstel")

    # Sign up: e-mail, display name, password.
    page.goto("/accounts/signup/")
    page.fill("#id_email", EMAIL)
    page.fill("#id_display_name", "Nora")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    _submit(page)
    assert page.url.endswith("/accounts/confirm-email/")

    # Confirm the address with the link from the e-mail (sent through the task queue).
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+(/accounts/confirm-email/\S+/)", str(mail.outbox[0].body))
    assert link
    page.goto(link.group(1))
    _submit(page)
    assert EmailAddress.objects.get(email=EMAIL).verified

    # Log in from a fresh session.
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("#id_login", EMAIL)
    page.fill("#id_password", "not my password")
    _submit(page)
    assert page.locator(".alert-danger").is_visible()
    page.fill("#id_password", PASSWORD)
    _submit(page)
    assert page.get_by_role("button", name="Nora").is_visible()

    # Switch to Dutch with the switcher in the header; the profile page speaks Dutch.
    page.goto("/people/me/")
    with page.expect_navigation():
        page.select_option("#language-select", "nl")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.locator("h1").inner_text() == "Mijn profiel"
    assert User.objects.get(email=EMAIL).language == "nl"

    # Edit the profile; the skills field suggests an existing skill while typing.
    page.fill("#id_bio", "Ik herstel fietsen.")
    page.fill("#id_city", "Gent")
    page.check("input[name=languages][value=fr]")
    page.check("input[name=languages][value=nl]")
    page.select_option("#id_city_visibility", "only_me")
    page.locator("#id_skills").press_sequentially("Fiets", delay=30)
    suggestion = page.locator('#skill-suggestions [data-skill="Fietsherstel"]')
    suggestion.click()
    assert page.input_value("#id_skills") == "Fietsherstel, "
    page.locator("#id_skills").press_sequentially("Koken")
    page.set_input_files(
        "#id_avatar", files=[{"name": "me.png", "mimeType": "image/png", "buffer": _png()}]
    )
    _submit(page)
    assert page.get_by_text("Je profiel is opgeslagen.").is_visible()
    profile = Profile.objects.get(user__email=EMAIL)
    assert profile.city == "Gent"
    assert sorted(profile.languages) == ["fr", "nl"]
    # "Koken" is the Dutch name of the curated skill Cooking; "Fietsherstel" was typed.
    assert {s.label("nl") for s in profile.skills.all()} == {"Fietsherstel", "Koken"}
    with Image.open(profile.avatar) as avatar:
        assert avatar.size == (512, 512)

    # Turn on TOTP: confirm the password, scan (read) the secret, type the current code.
    page.goto("/accounts/2fa/totp/activate/")
    assert "/accounts/reauthenticate/" in page.url
    page.fill("#id_password", PASSWORD)
    _submit(page)
    assert page.locator("img[src^='data:image/svg+xml']").is_visible()
    secret = page.input_value("#authenticator_secret")
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    page.fill("#id_code", format_hotp_value(hotp_value(secret, counter)))
    _submit(page)
    assert page.url.endswith("/accounts/2fa/recovery-codes/")
    codes = page.input_value("#recovery_codes").split()
    assert len(codes) == 10
    assert Authenticator.objects.filter(user__email=EMAIL, type="totp").exists()

    # Back to English; SAMEN_SCREENSHOTS=docs/screenshots refreshes the docs' picture.
    page.goto("/people/me/")
    with page.expect_navigation():
        page.select_option("#language-select", "en")
    assert page.locator("h1").inner_text() == "My profile"
    page.set_viewport_size({"width": 1280, "height": 900})
    target = Path(os.environ.get("SAMEN_SCREENSHOTS") or tmp_path) / "profile.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target), full_page=True)
