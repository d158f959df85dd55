"""allauth flows on Samen's pages: password reset by e-mail, TOTP at login, recovery codes."""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.core import mail
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


def test_password_reset_by_email(client: Client, anna, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": anna.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    match = re.search(
        r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", str(mail.outbox[0].body)
    )
    assert match
    page = client.get(match.group(1), follow=True)
    assert page.status_code == 200
    assert 'name="password1"' in page.content.decode()
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else match.group(1)
    response = client.post(
        form_url, {"password1": "a brand new passphrase", "password2": "a brand new passphrase"}
    )
    assert response.status_code == 302
    anna.refresh_from_db()
    assert anna.check_password("a brand new passphrase")


def test_password_reset_with_mismatched_passwords_is_a_form_error(
    client: Client, anna, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": anna.email})
    path = re.search(r"(/accounts/password/reset/key/\S+/)", str(mail.outbox[0].body))
    assert path
    page = client.get(path.group(1), follow=True)
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else path.group(1)
    response = client.post(form_url, {"password1": "one long phrase", "password2": "another"})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    anna.refresh_from_db()
    assert anna.check_password(PASSWORD)


def test_login_with_totp_asks_for_the_code(client: Client, anna) -> None:
    secret = generate_totp_secret()
    TOTP.activate(anna, secret)
    RecoveryCodes.activate(anna)
    response = client.post(reverse("account_login"), {"login": anna.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    page = client.get(reverse("mfa_authenticate")).content.decode()
    assert "form-control" in page
    assert "_auth_user_id" not in client.session

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    assert "is-invalid" in wrong.content.decode()

    response = client.post(reverse("mfa_authenticate"), {"code": _current_code(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(anna.pk)


def test_recovery_codes_page_lists_the_codes(client: Client, anna) -> None:
    TOTP.activate(anna, generate_totp_secret())
    codes = RecoveryCodes.activate(anna).get_unused_codes()
    client.force_login(anna)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert 'id="recovery_codes"' in page
    assert all(code in page for code in codes)
    assert "allauth.recoveryCodes.forms.viewForm" in page  # allauth's script still loads
