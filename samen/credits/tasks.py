"""Background work of the credits app: thin tasks that call an action."""

from __future__ import annotations

from django_tasks import task

from samen.core.schedule import daily, register
from samen.credits.actions import deliveries_auto_confirm, request_digests_send, year_ends_close


@task()
def auto_confirm_deliveries() -> int:
    """Confirm the deliveries that waited longer than their scheme allows (run daily; safe to
    run any number of times: a confirmed delivery is never confirmed twice)."""
    return deliveries_auto_confirm()


@task()
def send_request_digests() -> int:
    """E-mail members in debt the new requests matching their skills (run daily; at most one
    digest per member and day, so running it again sends nothing)."""
    return request_digests_send()


@task()
def close_years() -> int:
    """Close the previous year of every scheme (keep or pay out positive net positions, as
    each host chose); it works on the first run of a year, and later runs find it done."""
    return year_ends_close()


register("credits.auto_confirm", daily(hour=3, minute=15), auto_confirm_deliveries)
register("credits.request_digest", daily(hour=7, minute=30), send_request_digests)
register("credits.year_end", daily(hour=4, minute=30), close_years)
