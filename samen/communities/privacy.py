"""What communities holds about a person, for their data export and erasure (docs/privacy.md).

Nothing here is an accounting record, so nothing must be kept. Erasure removes the person
from every collective, host and chapter (also when they are the last admin: the right to
erasure does not wait for someone else to be appointed), deletes their follows, join
requests, the invitations addressed to them and the record of news e-mailed to them, and
takes their name off what stays because it belongs to a collective, host or chapter: news
posts, house rules, applications, decisions and invitations they sent show "Former member".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from samen.audit.actions import audit_record
from samen.audit.models import AuditEntry
from samen.communities import queries
from samen.communities.models import (
    Chapter,
    Collective,
    CollectiveMembership,
    Follow,
    Host,
    HostApplication,
    HostMembership,
    HouseRules,
    Invitation,
    JoinRequest,
    NewsDelivery,
    NewsPost,
)

if TYPE_CHECKING:
    from samen.accounts.models import User


def _owner(obj: Collective | Host | Chapter | None) -> dict[str, str] | None:
    if obj is None:
        return None
    kind = (
        "collective"
        if isinstance(obj, Collective)
        else "host"
        if isinstance(obj, Host)
        else "chapter"
    )
    return {"kind": kind, "slug": obj.slug, "name": obj.name}


def _when(value: Any) -> str | None:
    return value.isoformat() if value else None


def _addresses(user: User) -> set[str]:
    """Every e-mail address of the person, lower-cased: invitations are sent to addresses."""
    from allauth.account.models import EmailAddress

    addresses = {
        a.lower() for a in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    }
    if user.email:
        addresses.add(user.email.lower())
    return addresses


def _to_me(user: User) -> Q:
    """Invitations addressed to one of the person's addresses, or that they accepted."""
    condition = Q(accepted_by=user)
    for address in _addresses(user):
        condition |= Q(email__iexact=address)
    return condition


def _membership(
    m: CollectiveMembership | HostMembership, owner: Collective | Host
) -> dict[str, Any]:
    rules = m.rules_accepted
    return {
        **(_owner(owner) or {}),
        "role": m.role,
        "joined": _when(m.created_at),
        "house_rules_accepted": (
            {"version": rules.version, "accepted": _when(m.rules_accepted_at)} if rules else None
        ),
    }


def export_data(user: User) -> dict[str, Any]:
    """Memberships, roles and house-rules acceptances, follows, invitations, join requests,
    applications filed, house rules and news written, news e-mailed. Other people appear
    by their public name at most, never by their e-mail address: an invitation the person
    sent carries its collective, role, status and dates, not the invitee's address."""
    collective_memberships = CollectiveMembership.objects.filter(user=user).select_related(
        "collective", "rules_accepted"
    )
    host_memberships = HostMembership.objects.filter(user=user).select_related(
        "host", "rules_accepted"
    )
    chapters = Chapter.objects.filter(Q(members=user) | Q(connectors=user)).distinct()
    connector_of = set(user.connector_of.values_list("pk", flat=True))
    member_of = set(user.chapters.values_list("pk", flat=True))
    follows = Follow.objects.filter(user=user).select_related("collective", "host", "chapter")
    received = (
        Invitation.objects.filter(_to_me(user))
        .select_related("collective", "host", "invited_by")
        .order_by("created_at", "pk")
    )
    sent = (
        Invitation.objects.filter(invited_by=user)
        .exclude(pk__in=received.values("pk"))
        .select_related("collective", "host")
        .order_by("created_at", "pk")
    )
    join_requests = (
        JoinRequest.objects.filter(user=user)
        .select_related("collective", "host", "rules_accepted")
        .order_by("created_at", "pk")
    )
    applications = (
        HostApplication.objects.filter(applied_by=user)
        .select_related("host", "collective")
        .order_by("created_at", "pk")
    )
    rules_written = (
        HouseRules.objects.filter(created_by=user)
        .select_related("collective", "host")
        .order_by("created_at", "pk")
    )
    posts = (
        NewsPost.objects.filter(author=user)
        .select_related("collective", "host", "chapter")
        .order_by("created_at", "pk")
    )
    deliveries = (
        NewsDelivery.objects.filter(user=user)
        .select_related("post__collective", "post__host", "post__chapter")
        .order_by("created_at", "pk")
    )
    return {
        "collective_memberships": [_membership(m, m.collective) for m in collective_memberships],
        "host_memberships": [_membership(m, m.host) for m in host_memberships],
        "chapters": [
            {
                **(_owner(c) or {}),
                "member": c.pk in member_of,
                "connector": c.pk in connector_of,
            }
            for c in chapters.order_by("name", "pk")
        ],
        "follows": [
            {
                **(_owner(f.collective or f.host or f.chapter) or {}),
                "since": _when(f.created_at),
                "news_emails": f.news_emails,
            }
            for f in follows.order_by("created_at", "pk")
        ],
        "invitations_received": [
            {
                **(_owner(i.owner) or {}),
                "email": i.email,
                "role": i.role,
                "status": i.status,
                "invited_by": i.invited_by.public_name if i.invited_by else None,
                "sent": _when(i.created_at),
                "answered": _when(i.responded_at),
            }
            for i in received
        ],
        "invitations_sent": [
            {
                **(_owner(i.owner) or {}),
                "role": i.role,
                "status": i.status,
                "sent": _when(i.created_at),
                "answered": _when(i.responded_at),
            }
            for i in sent
        ],
        "join_requests": [
            {
                **(_owner(r.collective) or _owner(r.host) or {}),
                "idea": r.idea,
                "answers": r.answers,
                "house_rules_accepted": r.rules_accepted.version if r.rules_accepted else None,
                "status": r.status,
                "asked": _when(r.created_at),
                "decided": _when(r.decided_at),
                "reason": r.reason,
            }
            for r in join_requests
        ],
        "host_applications_filed": [
            {
                "collective": _owner(a.collective),
                "host": _owner(a.host),
                "answers": a.answers,
                "message": a.message,
                "terms_accepted": _when(a.terms_accepted_at),
                "status": a.status,
                "applied": _when(a.created_at),
                "decided": _when(a.decided_at),
                "reason": a.reason,
            }
            for a in applications
        ],
        "house_rules_written": [
            {**(_owner(r.owner) or {}), "version": r.version, "written": _when(r.created_at)}
            for r in rules_written
        ],
        "news_posts": [
            {
                **(_owner(p.owner) or {}),
                "title": p.title,
                "body": p.body,
                "audience": p.audience,
                "created": _when(p.created_at),
                "updated": _when(p.updated_at),
                "published": _when(p.published_at),
            }
            for p in posts
        ],
        "news_emails_received": [
            {**(_owner(d.post.owner) or {}), "title": d.post.title, "sent": _when(d.created_at)}
            for d in deliveries
        ],
    }


def must_keep(user: User) -> str | None:
    return None


def _leave_everything(user: User) -> None:
    """Remove the person from every collective, host and chapter, with an audit row on each
    collective and host (without their name), so its admins see who left and when."""
    memberships: list[tuple[Collective | Host, str]] = []
    for cm in CollectiveMembership.objects.filter(user=user).select_related("collective"):
        memberships.append((cm.collective, cm.role))
    for hm in HostMembership.objects.filter(user=user).select_related("host"):
        memberships.append((hm.host, hm.role))
    CollectiveMembership.objects.filter(user=user).delete()
    HostMembership.objects.filter(user=user).delete()
    for owner, role in memberships:
        host = owner if isinstance(owner, Host) else owner.host if owner.host_id else None
        audit_record(
            actor=user,
            action="role.leave",
            target=owner,
            host=host,
            data={"person_id": user.pk, "from": role, "account_erased": True},
        )
    user.chapters.clear()
    user.connector_of.clear()
    queries.forget_roles(user)


def _forget_names_in_audit(user: User) -> None:
    """Communities audit rows name the person whose role changed (``person``, beside
    ``person_id``); the id stays, as for every audit row about an erased person."""
    for entry in AuditEntry.objects.filter(data__person_id=user.pk).only("pk", "data"):
        if isinstance(entry.data, dict) and "person" in entry.data:
            data = {key: value for key, value in entry.data.items() if key != "person"}
            AuditEntry.objects.filter(pk=entry.pk).update(data=data)


def erase_data(user: User) -> None:
    """Delete what is only the person's; keep what belongs to a collective, without them."""
    Follow.objects.filter(user=user).delete()
    JoinRequest.objects.filter(user=user).delete()
    Invitation.objects.filter(_to_me(user)).delete()
    NewsDelivery.objects.filter(user=user).delete()
    _leave_everything(user)
    # What stays names no one: the same as when the user row is deleted (SET_NULL), also
    # when it is only pseudonymised because another app must keep accounting records.
    NewsPost.objects.filter(author=user).update(author=None)
    HouseRules.objects.filter(created_by=user).update(created_by=None)
    HostApplication.objects.filter(applied_by=user).update(applied_by=None)
    HostApplication.objects.filter(decided_by=user).update(decided_by=None)
    JoinRequest.objects.filter(decided_by=user).update(decided_by=None)
    Invitation.objects.filter(invited_by=user).update(invited_by=None)
    _forget_names_in_audit(user)
