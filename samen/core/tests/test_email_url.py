from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from samen.lib.email_url import parse_email_url


def test_console_locmem_and_file() -> None:
    assert parse_email_url("console://")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    assert parse_email_url("locmem://")["EMAIL_BACKEND"].endswith("locmem.EmailBackend")
    parsed = parse_email_url("file:///var/mail/samen")
    assert parsed["EMAIL_BACKEND"].endswith("filebased.EmailBackend")
    assert parsed["EMAIL_FILE_PATH"] == "/var/mail/samen"


def test_smtp_with_credentials_and_starttls() -> None:
    parsed = parse_email_url("smtp://user%40host.be:p%3Ass%2Fw@mail.example.org:587?tls=1")
    assert parsed == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "user@host.be",
        "EMAIL_HOST_PASSWORD": "p:ss/w",
        "EMAIL_USE_SSL": False,
        "EMAIL_USE_TLS": True,
    }


def test_smtp_defaults_and_smtps() -> None:
    plain = parse_email_url("smtp://localhost")
    assert (plain["EMAIL_PORT"], plain["EMAIL_USE_TLS"], plain["EMAIL_USE_SSL"]) == (
        25,
        False,
        False,
    )
    secure = parse_email_url("smtps://mail.example.org")
    assert (secure["EMAIL_PORT"], secure["EMAIL_USE_SSL"]) == (465, True)


def test_anymail_provider() -> None:
    parsed = parse_email_url("anymail+postmark://server-token@")
    assert parsed["EMAIL_BACKEND"] == "anymail.backends.postmark.EmailBackend"
    assert parsed["ANYMAIL"] == {"API_KEY": "server-token"}


@pytest.mark.parametrize(
    "url",
    [
        "smtpx://mail.example.org",
        "mail.example.org",
        "smtp://",
        "smtp://mail.example.org:notaport",
        "smtp://mail.example.org:99999",
        "file://",
        "anymail+no-such!://key@",
    ],
)
def test_bad_urls_fail_loudly(url: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        parse_email_url(url)
