"""samen/settings.py in production: secure by default, loud when misconfigured."""

from __future__ import annotations

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _clean_env(**extra: str) -> dict[str, str]:
    """The test process's environment without any Samen setting, plus ``extra``."""
    ours = {
        "DJANGO_ENV",
        "DEBUG",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "TEST_DATABASE_NAME",
        "REDIS_URL",
        "TASKS_BACKEND",
        "EMAIL_URL",
        "SITE_URL",
        "CSRF_TRUSTED_ORIGINS",
        "S3_BUCKET",
        "DJANGO_SETTINGS_MODULE",
        # Set by conftest for Playwright; a deployment must not have it (async.E001).
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }
    env = {k: v for k, v in os.environ.items() if k not in ours and not k.endswith("_FILE")}
    env["DJANGO_SETTINGS_MODULE"] = "samen.settings"
    env.update(extra)
    return env


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _secret_key() -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(50))


def test_production_check_deploy_reports_no_issue() -> None:
    env = _clean_env(DJANGO_ENV="production", SECRET_KEY=_secret_key(), ALLOWED_HOSTS="example.org")
    result = _manage("check", "--deploy", env=env)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_production_without_secret_key_fails_loudly() -> None:
    result = _manage("check", env=_clean_env(DJANGO_ENV="production", ALLOWED_HOSTS="example.org"))
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_production_with_a_weak_secret_key_fails_loudly() -> None:
    env = _clean_env(DJANGO_ENV="production", SECRET_KEY="short", ALLOWED_HOSTS="example.org")
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must have at least 50 characters" in result.stderr


def test_production_without_allowed_hosts_fails_loudly() -> None:
    result = _manage("check", env=_clean_env(DJANGO_ENV="production", SECRET_KEY=_secret_key()))
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is required" in result.stderr


def test_bad_setting_values_fail_loudly() -> None:
    for name, value in (
        ("TASKS_BACKEND", "celery"),
        ("DEBUG", "perhaps"),
        ("EMAIL_URL", "carrier-pigeon://"),
        ("TASKS_BACKEND", "rq"),  # without REDIS_URL
    ):
        result = _manage("check", env=_clean_env(**{name: value}))
        assert result.returncode != 0, name
        assert "ImproperlyConfigured" in result.stderr, name
        assert name in result.stderr, name


def test_secret_key_from_a_file(tmp_path: Path) -> None:
    key_file = tmp_path / "secret_key"
    key_file.write_text(_secret_key() + "\n", encoding="utf-8")
    env = _clean_env(
        DJANGO_ENV="production", SECRET_KEY_FILE=str(key_file), ALLOWED_HOSTS="example.org"
    )
    result = _manage("check", "--deploy", env=env)
    assert result.returncode == 0, result.stderr
