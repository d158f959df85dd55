"""Reads for the communities pages and API, and the role checks other apps rely on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Lower
from django.utils import timezone

from samen.communities.models import (
    OPEN_APPLICATION_STATUSES,
    Ban,
    Chapter,
    Collective,
    CollectiveMembership,
    CollectiveRole,
    Follow,
    Host,
    HostApplication,
    HostMembership,
    HostRole,
    HostSuspension,
    HouseRules,
    Invitation,
    InvitationStatus,
    JoinRequest,
    JoinRequestStatus,
    NewsAudience,
    NewsDelivery,
    NewsPost,
    Tag,
)
from samen.lib.translations import language_columns, search_q

if TYPE_CHECKING:
    from samen.accounts.models import User
    from samen.audit.models import AuditEntry

Owner = Collective | Host


def _signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


# --- roles (the contract other apps code against) -------------------------------------------


def collective_role(user: Any, collective: Collective) -> str | None:
    """The person's role in the collective, or None. Cached per user object and request."""
    if not _signed_in(user):
        return None
    cache: dict[tuple[str, int], str | None] = user.__dict__.setdefault("_community_roles", {})
    key = ("c", collective.pk)
    if key not in cache:
        cache[key] = (
            CollectiveMembership.objects.filter(user=user, collective=collective)
            .values_list("role", flat=True)
            .first()
        )
    return cache[key]


def host_role(user: Any, host: Host) -> str | None:
    """The person's role in the host, or None."""
    if not _signed_in(user):
        return None
    cache: dict[tuple[str, int], str | None] = user.__dict__.setdefault("_community_roles", {})
    key = ("h", host.pk)
    if key not in cache:
        cache[key] = (
            HostMembership.objects.filter(user=user, host=host)
            .values_list("role", flat=True)
            .first()
        )
    return cache[key]


def forget_roles(user: Any) -> None:
    """Drop the per-object role cache after a role changes (actions call this)."""
    if user is not None:
        user.__dict__.pop("_community_roles", None)


def is_collective_admin(user: Any, collective: Collective) -> bool:
    return collective_role(user, collective) == CollectiveRole.ADMIN


def is_collective_member(user: Any, collective: Collective) -> bool:
    """Any role in the collective (admins are members too)."""
    return collective_role(user, collective) is not None


def is_host_admin(user: Any, host: Host | None) -> bool:
    return host is not None and host_role(user, host) == HostRole.ADMIN


def is_host_accountant(user: Any, host: Host | None) -> bool:
    return host is not None and host_role(user, host) == HostRole.ACCOUNTANT


def is_host_member(user: Any, host: Host | None) -> bool:
    """Any role in the host (admins and accountants are members too)."""
    return host is not None and host_role(user, host) is not None


def host_members(host: Host) -> QuerySet[User]:
    """Everyone with a role in the host."""
    user_model = get_user_model()
    return user_model.objects.filter(hostmembership__host=host).order_by("display_name", "id")


def collective_admins(collective: Collective) -> QuerySet[User]:
    user_model = get_user_model()
    return user_model.objects.filter(
        collectivemembership__collective=collective,
        collectivemembership__role=CollectiveRole.ADMIN,
    ).order_by("id")


def host_admins(host: Host) -> QuerySet[User]:
    user_model = get_user_model()
    return user_model.objects.filter(
        hostmembership__host=host, hostmembership__role=HostRole.ADMIN
    ).order_by("id")


def is_following(user: Any, obj: Collective | Host | Chapter) -> bool:
    if not _signed_in(user):
        return False
    return Follow.objects.filter(user=user, **{_follow_field(obj): obj}).exists()


def follow_of(user: Any, obj: Collective | Host | Chapter) -> Follow | None:
    """The person's follow of ``obj`` (with its news e-mail switch), or None."""
    if not _signed_in(user):
        return None
    return Follow.objects.filter(user=user, **{_follow_field(obj): obj}).first()


def _follow_field(obj: Collective | Host | Chapter) -> str:
    if isinstance(obj, Collective):
        return "collective"
    if isinstance(obj, Host):
        return "host"
    return "chapter"


# --- house rules ----------------------------------------------------------------------------


def current_rules(owner: Owner) -> HouseRules | None:
    """The latest version of the owner's house rules, or None when it has none."""
    field = "collective" if isinstance(owner, Collective) else "host"
    return HouseRules.objects.filter(**{field: owner}).order_by("-version").first()


def rules_history(owner: Owner) -> QuerySet[HouseRules]:
    field = "collective" if isinstance(owner, Collective) else "host"
    return HouseRules.objects.filter(**{field: owner}).select_related("created_by")


def is_banned(user: Any, owner: Collective | Host | Chapter) -> bool:
    """Whether the moderation team banned ``user`` from ``owner`` (see ``Ban``)."""
    if not _signed_in(user):
        return False
    field = {Collective: "collective", Host: "host", Chapter: "chapter"}[type(owner)]
    return Ban.objects.filter(user=user, **{field: owner}).exists()


def host_suspension(user: Any, host: Host | None) -> HostSuspension | None:
    """The suspension that keeps ``user`` from writing anywhere in ``host`` now, if any
    (see ``HostSuspension``); every app that takes a person's words or claims asks this."""
    if host is None or not _signed_in(user):
        return None
    return (
        HostSuspension.objects.filter(user=user, host=host, lifted_at__isnull=True)
        .filter(Q(until__isnull=True) | Q(until__gt=timezone.now()))
        .order_by("-created_at")
        .first()
    )


def membership_of(user: Any, owner: Owner) -> CollectiveMembership | HostMembership | None:
    if not _signed_in(user):
        return None
    if isinstance(owner, Collective):
        return CollectiveMembership.objects.filter(user=user, collective=owner).first()
    return HostMembership.objects.filter(user=user, host=owner).first()


def needs_rules_acceptance(user: Any, owner: Owner) -> bool:
    """True when ``user`` is a member of ``owner`` and has not accepted its current house
    rules. Other apps call this (or ``samen.communities.access.require_rules_accepted``)
    before a member posts or contributes. Non-members and owners without rules: False."""
    membership = membership_of(user, owner)
    if membership is None:
        return False
    rules = current_rules(owner)
    if rules is None:
        return False
    return membership.rules_accepted_id != rules.pk


# --- pages ----------------------------------------------------------------------------------


def collective_detail(slug: str) -> Collective:
    return (
        Collective.objects.select_related("host")
        .prefetch_related("tags", "chapters")
        .get(slug=slug)
    )


# Admins first, then accountants, then members: the order people look for on a team list.
_ROLE_ORDER = Case(
    When(role="admin", then=Value(0)),
    When(role="accountant", then=Value(1)),
    default=Value(2),
)


def collective_team(collective: Collective) -> QuerySet[CollectiveMembership]:
    return (
        CollectiveMembership.objects.filter(collective=collective)
        .select_related("user", "rules_accepted")
        .order_by(_ROLE_ORDER, "created_at", "id")
    )


def host_team(host: Host) -> QuerySet[HostMembership]:
    return (
        HostMembership.objects.filter(host=host)
        .select_related("user", "rules_accepted")
        .order_by(_ROLE_ORDER, "created_at", "id")
    )


def followers(obj: Collective | Host | Chapter) -> QuerySet[Follow]:
    return Follow.objects.filter(**{_follow_field(obj): obj}).select_related("user")


def follower_count(obj: Collective | Host | Chapter) -> int:
    return Follow.objects.filter(**{_follow_field(obj): obj}).count()


def hosted_collectives(host: Host) -> QuerySet[Collective]:
    return (
        Collective.objects.filter(host=host)
        .select_related("host")
        .prefetch_related("tags")
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("name")
    )


def host_list() -> QuerySet[Host]:
    return Host.objects.annotate(
        collective_count=Count("collectives", filter=Q(collectives__is_frozen=False))
    ).order_by("name")


def chapter_list() -> QuerySet[Chapter]:
    """Chapters with their member and collective counts, computed in the same query."""
    return (
        Chapter.objects.annotate(
            member_count=Count("members", distinct=True),
            collective_count=Count("collectives", distinct=True),
        )
        .prefetch_related("connectors")
        .order_by("name")
    )


def open_applications(host: Host) -> QuerySet[HostApplication]:
    return (
        HostApplication.objects.filter(host=host, status__in=OPEN_APPLICATION_STATUSES)
        .select_related("collective", "applied_by")
        .order_by("created_at", "id")
    )


def applications_for_collective(collective: Collective) -> QuerySet[HostApplication]:
    return HostApplication.objects.filter(collective=collective).select_related(
        "host", "decided_by"
    )


def latest_application(collective: Collective) -> HostApplication | None:
    return applications_for_collective(collective).first()


def pending_join_requests(owner: Collective | Host) -> QuerySet[JoinRequest]:
    """The open join requests of a collective or of a host's community, oldest first."""
    field = "collective" if isinstance(owner, Collective) else "host"
    return (
        JoinRequest.objects.filter(**{field: owner}, status=JoinRequestStatus.PENDING)
        .select_related("user")
        .order_by("created_at", "pk")
    )


def pending_invitations(owner: Owner) -> QuerySet[Invitation]:
    field = "collective" if isinstance(owner, Collective) else "host"
    return Invitation.objects.filter(
        **{field: owner}, status=InvitationStatus.PENDING
    ).select_related("invited_by")


def invitations_for_email(email: str) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        email__iexact=email, status=InvitationStatus.PENDING
    ).select_related("collective", "host")


def my_collectives(user: Any) -> QuerySet[CollectiveMembership]:
    return CollectiveMembership.objects.filter(user=user).select_related("collective")


def my_pending_join_requests(user: Any) -> QuerySet[JoinRequest]:
    """The requests to join a collective or a host that still wait for an answer."""
    return JoinRequest.objects.filter(user=user, status=JoinRequestStatus.PENDING).select_related(
        "collective", "host"
    )


def my_hosts(user: Any) -> QuerySet[HostMembership]:
    return HostMembership.objects.filter(user=user).select_related("host")


def audit_for_host(host: Host) -> QuerySet[AuditEntry]:
    """The host's audit log, newest first (the audit app's own query)."""
    from samen.audit.queries import entries_for_host

    return entries_for_host(host)


# --- directory search -----------------------------------------------------------------------


def _with_tags_and_host(qs: QuerySet[Collective]) -> QuerySet[Collective]:
    return qs.select_related("host").prefetch_related("tags", "chapters")


def search_collectives(*, text: str = "", tag: str = "", city: str = "") -> QuerySet[Collective]:
    """The directory: filter by tag and city, rank by relevance to ``text``.

    PostgreSQL uses full-text search (weighted name > tagline > description, the "simple"
    configuration because collectives write in Dutch, French and English alike). SQLite
    ranks by where the words occur: every word must match somewhere; a match in the name
    weighs more than in the tagline or tags, which weigh more than the description.
    """
    qs = Collective.objects.all()
    if tag:
        qs = qs.filter(tags__slug=tag.strip().lower())
    if city:
        city = city.strip()
        qs = qs.filter(Q(city__icontains=city) | Q(chapters__city__icontains=city)).distinct()
    words = [w for w in text.split() if w][:8]
    if not words:
        return _with_tags_and_host(qs.order_by("name"))
    if connection.vendor == "postgresql":
        return _with_tags_and_host(_search_postgres(qs, " ".join(words)))
    return _with_tags_and_host(_search_fallback(qs, words))


def _tag_hit(word: str) -> Exists:
    """Whether the collective in the outer query carries a tag named ``word``."""
    return Exists(
        Tag.objects.filter(collectives=OuterRef("pk"))
        .annotate(lname=Lower("name"))
        .filter(Q(lname=word.lower()) | Q(slug=word.lower()))
    )


def _search_postgres(qs: QuerySet[Collective], text: str) -> QuerySet[Collective]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    # Every language's texts: a search in French finds a collective described only in Dutch.
    vector = (
        SearchVector("name", weight="A", config="simple")
        + SearchVector(*language_columns("tagline"), weight="B", config="simple")
        + SearchVector("city", weight="B", config="simple")
        + SearchVector(*language_columns("description"), weight="C", config="simple")
    )
    query = SearchQuery(text, search_type="websearch", config="simple")
    return (
        qs.annotate(document=vector, rank=SearchRank(vector, query), tag_hit=_tag_hit(text))
        .filter(Q(document=query) | Q(tag_hit=True))
        .order_by("-tag_hit", "-rank", "name")
    )


def _search_fallback(qs: QuerySet[Collective], words: list[str]) -> QuerySet[Collective]:
    score: Any = Value(0)
    for word in words:
        word_hits = (
            Q(name__icontains=word)
            | search_q("tagline", "icontains", word)
            | search_q("description", "icontains", word)
            | Q(city__icontains=word)
            | _tag_hit(word)
        )
        qs = qs.filter(word_hits)
        score = (
            score
            + Case(When(name__icontains=word, then=Value(8)), default=Value(0))
            + Case(When(search_q("tagline", "icontains", word), then=Value(4)), default=Value(0))
            + Case(When(_tag_hit(word), then=Value(4)), default=Value(0))
            + Case(When(city__icontains=word, then=Value(3)), default=Value(0))
            + Case(
                When(search_q("description", "icontains", word), then=Value(1)), default=Value(0)
            )
        )
    return qs.annotate(rank=score).order_by("-rank", "name")


def popular_tags(limit: int = 20) -> QuerySet[Tag]:
    return (
        Tag.objects.annotate(n=Count("collectives")).filter(n__gt=0).order_by("-n", "slug")[:limit]
    )


def follow_targets(user: Any) -> dict[str, list[Any]]:
    follows = Follow.objects.filter(user=user).select_related("collective", "host", "chapter")
    return {
        "collectives": [f.collective for f in follows if f.collective],
        "hosts": [f.host for f in follows if f.host],
        "chapters": [f.chapter for f in follows if f.chapter],
    }


def dashboard_hosts(user: Any) -> QuerySet[Host]:
    """Hosts whose dashboard the person may open (admin or accountant), by name."""
    return (
        Host.objects.filter(
            memberships__user=user,
            memberships__role__in=[HostRole.ADMIN, HostRole.ACCOUNTANT],
        )
        .only("pk", "name", "slug")
        .order_by("name", "pk")
    )


# --- news -----------------------------------------------------------------------------------


def _news_rows() -> QuerySet[NewsPost]:
    return NewsPost.objects.select_related("collective", "host", "chapter", "author")


def news_of(owner: Collective | Host | Chapter, *, members: bool = False) -> QuerySet[NewsPost]:
    """The published news of ``owner``, newest first; members-only posts only when
    ``members`` (the caller decided, through ``access.can_read_members_news``)."""
    qs = _news_rows().filter(**{_follow_field(owner): owner}, published_at__isnull=False)
    if not members:
        qs = qs.filter(audience=NewsAudience.PUBLIC)
    return qs.order_by("-published_at", "-id")


def news_drafts(owner: Collective | Host | Chapter) -> QuerySet[NewsPost]:
    """Unpublished posts of ``owner``, last changed first (for its writers)."""
    return (
        _news_rows()
        .filter(**{_follow_field(owner): owner}, published_at__isnull=True)
        .order_by("-updated_at", "-id")
    )


def _member_ids(field: str, owner: Any = None, user: Any = None) -> Any:
    """Subquery of the people (or, with ``user``, the owners) in a membership relation."""
    if field == "collective":
        rows: Any = CollectiveMembership.objects.all()
    elif field == "host":
        rows = HostMembership.objects.all()
    else:
        rows = Chapter.members.through.objects.all()
    if user is not None:
        return rows.filter(user=user).values(f"{field}_id")
    return rows.filter(**{f"{field}_id": owner.pk}).values("user_id")


def news_feed(user: Any) -> QuerySet[NewsPost]:
    """Everything published that the person follows (public posts) or belongs to (all
    posts), newest first, in one query whatever the number of follows and memberships."""
    follows = Follow.objects.filter(user=user)
    followed = Q()
    belongs = Q()
    for field in ("collective", "host", "chapter"):
        followed |= Q(
            **{f"{field}_id__in": follows.filter(**{f"{field}__isnull": False}).values(field)}
        )
        belongs |= Q(**{f"{field}_id__in": _member_ids(field, user=user)})
    return (
        _news_rows()
        .filter(published_at__isnull=False)
        .filter((Q(audience=NewsAudience.PUBLIC) & followed) | belongs)
        .order_by("-published_at", "-id")
    )


def is_news_member(user: Any, owner: Collective | Host | Chapter) -> bool:
    """Whether the person belongs to ``owner`` (any role; a chapter's members), and so gets
    its news by e-mail without following it."""
    if not _signed_in(user):
        return False
    field = _follow_field(owner)
    return _member_ids(field, owner=owner).filter(user_id=user.pk).exists()


def receives_news_emails(user: Any, owner: Collective | Host | Chapter) -> bool:
    """Whether the person's follow of ``owner`` has news e-mails on or, without a follow,
    whether they are a member."""
    follow = follow_of(user, owner)
    if follow is not None:
        return follow.news_emails
    return is_news_member(user, owner)


def news_recipients(post: NewsPost) -> QuerySet[User]:
    """Who gets ``post`` by e-mail and has not yet: the followers who keep news e-mails on
    (for a public post) and the members, minus anyone who turned them off for this owner,
    the author, and people who left (inactive or erased)."""
    field = post.kind
    owner = post.owner
    follows = Follow.objects.filter(**{field: owner})
    readers = Q(pk__in=_member_ids(field, owner=owner))
    if post.is_public:
        readers |= Q(pk__in=follows.filter(news_emails=True).values("user_id"))
    user_model = get_user_model()
    qs = (
        user_model.objects.filter(readers, is_active=True, erased_at__isnull=True)
        .exclude(email="")
        .exclude(pk__in=follows.filter(news_emails=False).values("user_id"))
        .exclude(pk__in=NewsDelivery.objects.filter(post=post).values("user_id"))
    )
    if post.author_id is not None:
        qs = qs.exclude(pk=post.author_id)
    return qs.order_by("pk")


def host_pending_join_requests(host: Host) -> QuerySet[JoinRequest]:
    """Pending requests to join any collective the host carries."""
    return JoinRequest.objects.filter(
        collective__host=host, status=JoinRequestStatus.PENDING
    ).select_related("collective", "user")
