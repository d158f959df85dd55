"""The host dashboard's sections. Other apps add theirs from ``AppConfig.ready()``::

    from samen.communities.dashboard import DashboardSection, register_section
    register_section(DashboardSection("expenses", _("Expenses"), "expenses:host_dashboard", 40))

The URL name is reversed with ``url_args`` (none by default) and then the host's slug. A
section is shown to the people ``can(user, need, host)`` allows (host admins and
accountants by default).

The overview opens on the host's inbox: what waits for the host, with a count and a link.
Apps add their kind of waiting work the same way::

    register_inbox_item(InboxItem("expenses_to_approve", _("Expenses to approve"),
                                  "expenses:host_dashboard", count_pending, "?status=pending"))
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
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
    url_args: tuple[str, ...] = ()


_SECTIONS: dict[str, DashboardSection] = {}


def register_section(section: DashboardSection) -> None:
    """Add (or replace, by key) a section of the host dashboard."""
    _SECTIONS[section.key] = section


def _reachable(user: Any, host: Host, entries: Iterable[Any]) -> Iterator[tuple[Any, str]]:
    """Each registered entry (a section or an inbox item) this person may open, in order,
    with its URL for this host; entries whose URL does not resolve are left out."""
    for entry in sorted(entries, key=lambda e: (e.order, e.key)):
        if not can(user, entry.need, host):
            continue
        try:
            yield entry, reverse(entry.url_name, args=[*entry.url_args, host.slug])
        except NoReverseMatch:
            continue


def sections_for(user: Any, host: Host) -> list[dict[str, Any]]:
    """The sections this person may open, in order, with their URLs."""
    return [
        {"key": section.key, "label": section.label, "url": url}
        for section, url in _reachable(user, host, _SECTIONS.values())
    ]


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


@dataclass(frozen=True)
class InboxItem:
    """One kind of work waiting for the host: ``count(host)`` says how many, the link opens
    the page where it is done (``url_name`` with ``url_args`` and the host's slug, plus
    ``query``)."""

    key: str
    label: Any
    url_name: str
    count: Callable[[Host], int]
    query: str = ""
    order: int = 50
    need: Need = field(default=Need.FINANCE)
    url_args: tuple[str, ...] = ()


_INBOX: dict[str, InboxItem] = {}


def register_inbox_item(item: InboxItem) -> None:
    """Add (or replace, by key) a kind of waiting work on the host's overview."""
    _INBOX[item.key] = item


def inbox_for(user: Any, host: Host) -> list[dict[str, Any]]:
    """The waiting work this person may act on, in order, with counts and links."""
    return [
        {"key": item.key, "label": item.label, "url": url + item.query, "count": item.count(host)}
        for item, url in _reachable(user, host, _INBOX.values())
    ]


def _open_applications(host: Host) -> int:
    from samen.communities.queries import open_applications

    return open_applications(host).count()


register_inbox_item(
    InboxItem(
        "applications",
        _("Applications to decide"),
        "communities:dashboard_applications",
        _open_applications,
        order=10,
    )
)


def _pending_join_requests(host: Host) -> int:
    from samen.communities.queries import host_pending_join_requests

    return host_pending_join_requests(host).count()


register_inbox_item(
    InboxItem(
        "join_requests",
        _("Join requests in your collectives"),
        "communities:dashboard_collectives",
        _pending_join_requests,
        order=60,
    )
)
