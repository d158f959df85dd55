from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    """allauth counts failed logins in the cache per address; every test starts from zero."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
