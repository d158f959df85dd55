"""Demo: the monthly statements of the credits demo's last complete months."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from samen.communities.models import Host
from samen.invoicing.actions import statements_run


def seed() -> None:
    from samen.credits.demo import HOST_SLUG

    host = Host.objects.filter(slug=HOST_SLUG).first()
    if host is None:
        return
    month = timezone.localdate().replace(day=1)
    for _ in range(3):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        statements_run(host=host, month=month)
