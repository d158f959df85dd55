"""System checks of the accounts app."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.checks import Warning, register

logger = logging.getLogger(__name__)


@register()
def check_trusted_proxies(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """Warn at start when production (DEBUG off) runs behind a proxy with
    ``TRUSTED_PROXY_COUNT=0``: every visitor then has the proxy's address, in the login
    throttle per address and in the audit log.

    "Behind a proxy" is known once a login carried X-Forwarded-For: the account adapter then
    logs a warning and leaves a mark in the cache (shared by every app server with Redis),
    which this check reads at the next start. A fresh deployment has no mark, so
    ``check --deploy`` stays clean until a proxy has been seen.
    """
    from samen.accounts.adapter import PROXY_SEEN_KEY

    if settings.DEBUG or settings.ALLAUTH_TRUSTED_PROXY_COUNT:
        return []
    try:
        seen = bool(cache.get(PROXY_SEEN_KEY))
    except Exception:  # a cache that is down must not stop the start
        logger.warning("The cache could not be read for the proxy check.", exc_info=True)
        return []
    if not seen:
        return []
    return [
        Warning(
            "Requests arrive through a proxy (X-Forwarded-For) but TRUSTED_PROXY_COUNT is 0.",
            hint=(
                "Set TRUSTED_PROXY_COUNT to the number of proxies in front of the app servers; "
                "until then every visitor has the proxy's address (login throttling per "
                "address, audit log)."
            ),
            id="accounts.W001",
        )
    ]
