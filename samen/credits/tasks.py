"""Background work of the credits app: thin tasks that call an action."""

from __future__ import annotations

from django_tasks import task

from samen.core.schedule import daily, register
from samen.credits.actions import deliveries_auto_confirm


@task()
def auto_confirm_deliveries() -> int:
    """Confirm the deliveries that waited longer than their scheme allows (run daily; safe to
    run any number of times: a confirmed delivery is never confirmed twice)."""
    return deliveries_auto_confirm()


register("credits.auto_confirm", daily(hour=3, minute=15), auto_confirm_deliveries)
