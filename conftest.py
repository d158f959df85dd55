"""Shared fixtures: named personas, a temporary media folder, inline tasks, a real browser."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from samen.lib.testing import PASSWORD, require

# Playwright's sync API runs an event loop in the test thread; Django's ORM guard would
# otherwise refuse the live server fixture's database work from that thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Test databases: copied from a template migrated once per version of the code, except
# under mutation testing, which keeps one database for every forked mutant.
pytest_plugins = [
    "samen.communities.testing",
    "samen.lib.mutation" if os.environ.get("SAMEN_MUTATION") else "samen.lib.testdb",
]


def pytest_runtest_setup(item: pytest.Item) -> None:
    """``postgres_only`` tests run on PostgreSQL; on SQLite they wait for the PostgreSQL run of
    ``make test`` (TEST_DATABASE_URL), which CI must have."""
    if item.get_closest_marker("postgres_only") is None:
        return
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    require(bool(os.environ.get("TEST_DATABASE_URL")), "PostgreSQL (TEST_DATABASE_URL)")
    pytest.skip("needs PostgreSQL: runs in the PostgreSQL leg of make test")


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Every test starts with an empty cache: no cached public page, rate-limit counter or
    login failure of another test leaks into it."""
    from django.core.cache import cache

    from samen.core.pagecache import forget_owners

    cache.clear()
    forget_owners()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_content_types() -> None:
    """Content type ids are cached per process, and the flush after a test that commits
    re-creates the rows under other ids, so every test looks them up afresh. No test uses
    serialized rollback: restoring the saved rows collided with rows re-created meanwhile
    (a duplicate content type, or a cached id that no longer existed), depending on order."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Starts every test in English: a request or task in a test leaves its language active."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _isolated_files(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }


@pytest.fixture
def make_user(db: None) -> Any:
    """Create a person with a verified e-mail address and the shared test password."""
    from allauth.account.models import EmailAddress

    from samen.accounts.models import User

    def make(email: str, name: str = "", *, verified: bool = True, **extra: Any) -> User:
        user = User.objects.create_user(email=email, password=PASSWORD, display_name=name, **extra)
        EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
        return user

    return make


@pytest.fixture
def anna(make_user: Any) -> Any:
    return make_user("anna@example.org", "Anna")


@pytest.fixture
def bram(make_user: Any) -> Any:
    return make_user("bram@example.org", "Bram")


@pytest.fixture
def chloe(make_user: Any) -> Any:
    return make_user("chloe@example.org", "Chloé")


@pytest.fixture
def dries(make_user: Any) -> Any:
    return make_user("dries@example.org", "Dries")


@pytest.fixture
def eva(make_user: Any) -> Any:
    return make_user("eva@example.org", "Eva")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium driven by Playwright; never a downloaded browser."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("Debian's chromium is not installed (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
