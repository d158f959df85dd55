"""The personal calendar feed's secret address."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction

from samen.audit.actions import audit_record
from samen.events import access
from samen.events.models import CalendarFeed


@transaction.atomic
def calendar_feed_reset(*, actor: Any) -> CalendarFeed:
    """Give ``actor`` a new secret feed address; the previous one stops working."""
    access.require(access.signed_in(actor))
    feed, created = CalendarFeed.objects.update_or_create(
        user=actor, defaults={"token": secrets.token_urlsafe(32)}
    )
    audit_record(actor=actor, action="events.feed.reset", target=feed,
                 data={"created": created})  # fmt: skip
    return feed
