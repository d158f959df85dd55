from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from samen.lib.env import env_bool, env_choice, env_int, env_list, env_required, env_str


def test_values_and_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAMEN_T_BOOL", "Yes")
    monkeypatch.setenv("SAMEN_T_INT", "42")
    monkeypatch.setenv("SAMEN_T_LIST", " a.org, ,b.org ")
    assert env_bool("SAMEN_T_BOOL", default=False) is True
    assert env_bool("SAMEN_T_MISSING", default=True) is True
    assert env_int("SAMEN_T_INT", 1) == 42
    assert env_int("SAMEN_T_MISSING", 7) == 7
    assert env_list("SAMEN_T_LIST", []) == ["a.org", "b.org"]
    assert env_choice("SAMEN_T_MISSING", "db", {"db", "rq"}) == "db"


@pytest.mark.parametrize(
    ("reader", "value"),
    [
        (lambda: env_bool("SAMEN_T_BAD", default=False), "maybe"),
        (lambda: env_int("SAMEN_T_BAD", 1), "12a"),
        (lambda: env_choice("SAMEN_T_BAD", "db", {"db", "rq"}), "redis"),
    ],
)
def test_bad_values_fail_loudly(monkeypatch: pytest.MonkeyPatch, reader, value: str) -> None:
    monkeypatch.setenv("SAMEN_T_BAD", value)
    with pytest.raises(ImproperlyConfigured, match="SAMEN_T_BAD"):
        reader()


def test_required_value_is_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SAMEN_T_SECRET", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SAMEN_T_SECRET is required"):
        env_required("SAMEN_T_SECRET")
    monkeypatch.setenv("SAMEN_T_SECRET", "")
    with pytest.raises(ImproperlyConfigured):
        env_required("SAMEN_T_SECRET")


def test_file_variant_wins_and_is_stripped(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n", encoding="utf-8")
    monkeypatch.setenv("SAMEN_T_SECRET", "from-the-environment")
    monkeypatch.setenv("SAMEN_T_SECRET_FILE", str(secret))
    assert env_str("SAMEN_T_SECRET") == "from-a-file"
    assert env_required("SAMEN_T_SECRET") == "from-a-file"
    number = tmp_path / "number"
    number.write_text("8080", encoding="utf-8")
    monkeypatch.setenv("SAMEN_T_PORT_FILE", str(number))
    assert env_int("SAMEN_T_PORT", 1) == 8080


def test_unreadable_file_fails_loudly(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SAMEN_T_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="SAMEN_T_SECRET_FILE"):
        env_str("SAMEN_T_SECRET")
