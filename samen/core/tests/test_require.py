"""A test that needs a tool CI has skips on a developer's checkout but fails under CI=true."""

from __future__ import annotations

import pytest

from samen.lib.testing import require


def test_present_tool_neither_skips_nor_fails(monkeypatch):
    monkeypatch.setenv("CI", "true")
    require(True, "chromium")


def test_missing_tool_skips_outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="chromium is missing"):
        require(False, "chromium")


def test_missing_tool_fails_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true never skips"):
        require(False, "The Peppol rules")
