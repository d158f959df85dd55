"""Failed logins are throttled per account and per address separately (issue 10, item 15):
nobody's failures lock another person out, and production warns about an untrusted proxy."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from samen.accounts import adapter
from samen.accounts.checks import check_trusted_proxies
from samen.lib.testing import PASSWORD

pytestmark = pytest.mark.django_db

OFFICE = "192.0.2.10"


def _login(client: Client, email: str, password: str, address: str = OFFICE) -> Any:
    client.logout()
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=address
    )


def _logged_in(response: Any) -> bool:
    return response.status_code == 302


def _too_many(response: Any) -> bool:
    return "Too many failed login attempts" in response.content.decode()


def test_wrong_passwords_for_one_account_do_not_lock_out_the_neighbours(
    client: Client, anna: Any, bram: Any
) -> None:
    for _ in range(6):
        assert not _logged_in(_login(client, anna.email, "wrong"))
    # Anna's account is throttled, whatever the password ...
    response = _login(client, anna.email, PASSWORD)
    assert not _logged_in(response)
    assert _too_many(response)
    # ... but Bram, behind the same address, logs in.
    assert _logged_in(_login(client, bram.email, PASSWORD))


def test_address_over_its_limit_still_lets_correct_passwords_in(
    client: Client, settings: Any, make_user: Any, bram: Any
) -> None:
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed_address": "3/5m/ip",
    }
    people = [make_user(f"p{i}@example.org") for i in range(4)]
    for person in people[:3]:
        _login(client, person.email, "wrong")
    # The address is past its limit: a wrong password is told so ...
    assert _too_many(_login(client, people[3].email, "wrong"))
    # ... a correct one of another account gets in, and so does one from elsewhere.
    assert _logged_in(_login(client, bram.email, PASSWORD))
    assert _logged_in(_login(client, people[3].email, PASSWORD, address="198.51.100.7"))


def test_everyone_behind_one_proxy_address_is_not_locked_out_by_one_attacker(
    client: Client, anna: Any, make_user: Any
) -> None:
    """With TRUSTED_PROXY_COUNT=0 behind a proxy every visitor has the proxy's address."""
    for i in range(25):  # under allauth's flood guard of 30 login posts a minute per address
        _login(client, f"nobody{i}@example.org", "guess")
    assert _logged_in(_login(client, anna.email, PASSWORD))


def test_check_warns_when_a_proxy_was_seen_with_no_trusted_proxies(
    client: Client, settings: Any, anna: Any, caplog: Any
) -> None:
    settings.DEBUG = False
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    adapter.AccountAdapter._proxy_warning_given = False
    assert check_trusted_proxies() == []  # nothing seen yet: a fresh deployment is clean
    with caplog.at_level(logging.WARNING, logger="samen.accounts.adapter"):
        client.post(
            reverse("account_login"),
            {"login": anna.email, "password": PASSWORD},
            HTTP_X_FORWARDED_FOR="203.0.113.5",
        )
    assert "TRUSTED_PROXY_COUNT is 0" in caplog.text
    warnings = check_trusted_proxies()
    assert [w.id for w in warnings] == ["accounts.W001"]
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert check_trusted_proxies() == []
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    settings.DEBUG = True
    assert check_trusted_proxies() == []
    adapter.AccountAdapter._proxy_warning_given = False
    cache.clear()
