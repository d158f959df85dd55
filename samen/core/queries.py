from __future__ import annotations

from django.db.models import Count, QuerySet

from samen.communities.models import Host


def home_hosts() -> QuerySet[Host]:
    """Hosts with their collectives, for the home page: two queries whatever the count."""
    return Host.objects.annotate(collective_count=Count("collectives")).prefetch_related(
        "collectives"
    )
