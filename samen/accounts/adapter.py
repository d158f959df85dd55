from __future__ import annotations

import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import ratelimit
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse

from samen.lib.mail import send_message_later

logger = logging.getLogger(__name__)

# The per-address count of failed logins (settings.ACCOUNT_RATE_LIMITS), kept apart from
# allauth's per-account ``login_failed``.
ADDRESS_ACTION = "login_failed_address"
PROXY_SEEN_KEY = "samen:accounts:x-forwarded-for-seen"


class AccountAdapter(DefaultAccountAdapter):
    """allauth's e-mails leave through the task queue, like every other e-mail; failed logins
    are throttled per account and per address separately.

    allauth counts failures per address *before* checking the password, so five wrong
    passwords from one address (a school, an office, every visitor behind a misconfigured
    proxy) locked out every person there, correct passwords included. Here:

    - per account (``login_failed``, by e-mail): too many failures refuse that account for a
      while, whatever the password: the guard against guessing one person's password;
    - per address (``login_failed_address``): counted only when a password was wrong. Past
      the limit, wrong passwords from that address are answered "too many attempts" and
      logged, but the password is still checked, so a correct password of any account that
      is not itself locked always gets in. Someone else's failures never lock you out.
    """

    _proxy_warning_given = False

    def get_email_verification_redirect_url(self, email_address: Any) -> str:
        """A newly confirmed person lands on their first steps, not on the marketing page
        (signed in by the link in the browser they signed up in, asked to log in first in
        another one)."""
        return reverse("accounts:welcome")

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return reverse("accounts:welcome")

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        message = self.render_mail(template_prefix, email, context)
        send_message_later(message)

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        _warn_if_behind_an_untrusted_proxy(request)
        super().pre_authenticate(request, **credentials)

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        if not ratelimit.consume(request, action=ADDRESS_ACTION):
            logger.warning("Failed logins from one address passed the per-address limit.")
            raise self.validation_error("too_many_login_attempts")


def _warn_if_behind_an_untrusted_proxy(request: HttpRequest) -> None:
    """Say once per process that the address throttle sees only the proxy, and leave a mark
    in the cache so the next start warns too (the system check accounts.W001).

    Behind a reverse proxy with ``TRUSTED_PROXY_COUNT=0`` every visitor has the proxy's
    address, so the per-address count is shared by everyone. A login is where it matters
    and where the proxy can be seen: system checks run before any request.
    """
    if AccountAdapter._proxy_warning_given or settings.DEBUG:
        return
    if settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0 and "HTTP_X_FORWARDED_FOR" in request.META:
        AccountAdapter._proxy_warning_given = True
        cache.set(PROXY_SEEN_KEY, True, timeout=None)
        logger.warning(
            "Requests carry X-Forwarded-For but TRUSTED_PROXY_COUNT is 0: every visitor is "
            "seen with the proxy's address. Set TRUSTED_PROXY_COUNT to the number of proxies."
        )
