"""The host dashboard's sections. Other apps add theirs from ``AppConfig.ready()``::

    from samen.communities.dashboard import DashboardSection, register_section
    register_section(DashboardSection("expenses", _("Expenses"), "expenses:host_dashboard", 40))

The URL name is reversed with the host's slug as its only argument. A section is shown to
the people ``can(user, need, host)`` allows (host admins and accountants by default).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from samen.communities.access import Need, can
from samen.communities.models import Host


@dataclass(frozen=True)
class DashboardSection:
    key: str
    label: Any
    url_name: str
    order: int = 50
    need: Need = field(default=Need.FINANCE)


_SECTIONS: dict[str, DashboardSection] = {}


def register_section(section: DashboardSection) -> None:
    """Add (or replace, by key) a section of the host dashboard."""
    _SECTIONS[section.key] = section


def sections_for(user: Any, host: Host) -> list[dict[str, Any]]:
    """The sections this person may open, in order, with their URLs."""
    shown = []
    for section in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key)):
        if not can(user, section.need, host):
            continue
        try:
            url = reverse(section.url_name, args=[host.slug])
        except NoReverseMatch:
            continue
        shown.append({"key": section.key, "label": section.label, "url": url})
    return shown


register_section(DashboardSection("overview", _("Overview"), "communities:dashboard", 0))
register_section(
    DashboardSection("applications", _("Applications"), "communities:dashboard_applications", 10)
)
register_section(
    DashboardSection(
        "collectives", _("Hosted collectives"), "communities:dashboard_collectives", 20
    )
)
register_section(DashboardSection("team", _("Team"), "communities:host_members", 30, Need.ADMIN))
register_section(DashboardSection("audit", _("Audit log"), "communities:dashboard_audit", 90))
