"""Reads for the discussion pages and the API; every list is filtered by access first."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from samen.communities.models import Ban, Host, HostSuspension
from samen.communities.queries import is_host_admin
from samen.conversations import access
from samen.conversations.models import (
    Category,
    GroupRequest,
    GroupRequestStatus,
    HostBlocklistEntry,
    IdeaStage,
    ModerationEntry,
    Moderator,
    Owner,
    Post,
    PostStatus,
    Reaction,
    RelayedMessage,
    Reviewable,
    ReviewKind,
    ReviewScore,
    ReviewStatus,
    Topic,
    TopicKind,
    TopicWatch,
    owner_fields,
)


def topic_list(user: Any, owner: Owner, category: Category | None = None) -> QuerySet[Topic]:
    """The topics ``user`` may read in ``owner`` (or in one of its categories), pinned
    first, then by latest post; topics whose opening post waits for approval are left out
    for everyone but the team. A fixed number of queries whatever the number of rows."""
    categories = [category] if category is not None else access.visible_categories(user, owner)
    topics = Topic.objects.filter(category__in=categories).select_related("category", "author")
    if not access.can_moderate(user, owner):
        topics = topics.filter(last_posted_at__isnull=False)
    return topics.order_by("-pinned", "-last_posted_at", "-id")


POSTS_PER_PAGE = 50


def _readable_posts(user: Any, topic: Topic) -> QuerySet[Post]:
    """Visible posts, plus ``user``'s own held or hidden ones and, for moderators, all."""
    posts = Post.objects.filter(topic=topic)
    if not access.can_moderate(user, topic.owner):
        mine = Q(author=user) if getattr(user, "is_authenticated", False) else Q(pk__in=[])
        posts = posts.filter(Q(status=PostStatus.VISIBLE) | mine)
    return posts


def topic_page(user: Any, topic: Topic, number: Any = 1) -> Page[Post]:
    """One page of a topic's posts as ``user`` sees them (``POSTS_PER_PAGE`` a page, in
    order; ``"last"`` for the newest), each with its reaction counts, the person's own
    reactions and ``reply_to_url``: ``#post-N`` when the post it answers is on the same
    page, its permalink otherwise. A fixed number of queries whatever the topic's length."""
    posts = (
        _readable_posts(user, topic)
        .select_related("author", "reply_to__author")
        .prefetch_related("images")
    )
    paginator = Paginator(posts.order_by("number"), POSTS_PER_PAGE)
    if number == "last":
        number = paginator.num_pages
    page = paginator.get_page(number)
    rows = list(page.object_list)
    page.object_list = rows
    numbers = {post.number for post in rows}
    counts = reaction_counts([post.pk for post in rows])
    mine_reacted = my_reactions(user, [post.pk for post in rows])
    for post in rows:
        post.reaction_counts = counts.get(post.pk, {})
        post.my_reactions = mine_reacted.get(post.pk, set())
        if post.reply_to is not None:
            here = post.reply_to.number in numbers
            url = f"#post-{post.reply_to.number}" if here else post.reply_to.get_absolute_url()
            post.reply_to_url = url
    return page


def topic_posts(user: Any, topic: Topic) -> list[Post]:
    """All of a topic's posts as ``user`` sees them (comments under an object, the API),
    with reaction counts and the person's own reactions."""
    rows = list(
        _readable_posts(user, topic).select_related("author", "reply_to__author").order_by("number")
    )
    counts = reaction_counts([post.pk for post in rows])
    mine_reacted = my_reactions(user, [post.pk for post in rows])
    for post in rows:
        post.reaction_counts = counts.get(post.pk, {})  # type: ignore[attr-defined]
        post.my_reactions = mine_reacted.get(post.pk, set())  # type: ignore[attr-defined]
    return rows


def post_page_number(user: Any, post: Post) -> int:
    """The page of its topic on which ``user`` finds ``post`` (the permalink's target)."""
    before = _readable_posts(user, post.topic).filter(number__lt=post.number).count()
    return before // POSTS_PER_PAGE + 1


def reaction_counts(post_ids: list[int]) -> dict[int, dict[str, int]]:
    found: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        Reaction.objects.filter(post_id__in=post_ids)
        .values("post_id", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        found[row["post_id"]][row["kind"]] = row["n"]
    return found


def my_reactions(user: Any, post_ids: list[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    if not getattr(user, "is_authenticated", False):
        return found
    for post_id, kind in Reaction.objects.filter(post_id__in=post_ids, user=user).values_list(
        "post_id", "kind"
    ):
        found[post_id].add(kind)
    return found


def review_queue(owner: Owner, user: Any = None) -> list[Reviewable]:
    """The community's pending review items, oldest first, each with its post and reports.
    A host's admins (``user``) also get the items of every collective the host carries."""
    where = Q(**owner_fields(owner))
    if isinstance(owner, Host) and is_host_admin(user, owner):
        where |= Q(collective__host=owner)
    items = list(
        Reviewable.objects.filter(where, status=ReviewStatus.PENDING)
        .select_related("collective", "host", "chapter")
        .prefetch_related(
            Prefetch("scores", queryset=ReviewScore.objects.select_related("user", "rule"))
        )
        .order_by("created_at", "id")
    )
    post_type = ContentType.objects.get_for_model(Post)
    post_ids = [item.target_id for item in items if item.target_type_id == post_type.pk]
    posts = Post.objects.select_related("topic", "author").in_bulk(post_ids)
    message_type = ContentType.objects.get_for_model(RelayedMessage)
    message_ids = [item.target_id for item in items if item.target_type_id == message_type.pk]
    found = RelayedMessage.objects.select_related("sender", "recipient").in_bulk(message_ids)
    from samen.accounts.models import User

    user_type = ContentType.objects.get_for_model(User)
    person_ids = [item.target_id for item in items if item.target_type_id == user_type.pk]
    people = User.objects.in_bulk(person_ids)
    for item in items:
        kind = item.target_type_id
        item.post = posts.get(item.target_id) if kind == post_type.pk else None  # type: ignore[attr-defined]
        item.message = found.get(item.target_id) if kind == message_type.pk else None  # type: ignore[attr-defined]
        item.person = people.get(item.target_id) if kind == user_type.pk else None  # type: ignore[attr-defined]
    return items


def pending_group_requests(owner: Owner) -> QuerySet[GroupRequest]:
    """Requests to join ``owner``'s private categories that wait for the team, oldest
    first (the review queue shows them beside the reports)."""
    categories = Category.objects.filter(**owner_fields(owner))
    return (
        GroupRequest.objects.filter(category__in=categories, status=GroupRequestStatus.PENDING)
        .select_related("category", "user")
        .order_by("created_at", "pk")
    )


def group_people(category: Category) -> list[Any]:
    """The people of a private category's group, by name, for its team's page."""
    return list(category.group.filter(is_active=True).order_by("display_name", "pk"))


def my_group_request(user: Any, category: Category) -> GroupRequest | None:
    """``user``'s latest request to join ``category`` (pending or decided), if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return GroupRequest.objects.filter(category=category, user=user).order_by("-pk").first()


def host_pending_review_count(host: Host) -> int:
    """What waits in the review queue of ``host`` and of every collective it carries: the
    host's admins see it all in the host's queue."""
    return Reviewable.objects.filter(
        Q(host=host) | Q(collective__host=host), status=ReviewStatus.PENDING
    ).count()


def pending_review_count(owner: Owner) -> int:
    return Reviewable.objects.filter(status=ReviewStatus.PENDING, **owner_fields(owner)).count()


def moderation_log(owner: Owner) -> QuerySet[ModerationEntry]:
    """The community's moderation log, newest first: who acted, on whom, under which rule
    (never a post's text, nor a topic's title: the log is for every member, a topic may be
    for a private group; the link to the post asks access like any other)."""
    return ModerationEntry.objects.filter(**owner_fields(owner)).select_related(
        "actor", "person", "rule", "post"
    )


def person_standing(owner: Owner, person: Any) -> dict[str, Any]:
    """What the team sees of one person in a community: mute, ban and past decisions."""
    return {
        "mute": access.active_mute(person, owner),
        "banned": Ban.objects.filter(user=person, **owner_fields(owner)).first(),
        "entries": list(moderation_log(owner).filter(person=person)[:50]),
    }


def host_suspensions(host: Host) -> dict[str, list[HostSuspension]]:
    """A host's suspensions: those in force, and the 50 latest that ended or were lifted."""
    now = timezone.now()
    rows = HostSuspension.objects.filter(host=host).select_related(
        "user", "created_by", "lifted_by"
    )
    running = Q(lifted_at__isnull=True) & (Q(until__isnull=True) | Q(until__gt=now))
    return {
        "active": list(rows.filter(running)),
        "ended": list(rows.exclude(running)[:50]),
    }


def host_blocklist(host: Host) -> list[HostBlocklistEntry]:
    """The e-mail domains and web addresses ``host`` refuses, by kind and value."""
    return list(HostBlocklistEntry.objects.filter(host=host).select_related("created_by"))


def moderators(owner: Owner) -> list[Moderator]:
    return list(
        Moderator.objects.filter(**owner_fields(owner)).select_related("user").order_by("pk")
    )


def watch_level(user: Any, topic: Topic) -> str:
    """``follow``, ``mute`` or ``""`` for the person's choice on one topic."""
    if not getattr(user, "is_authenticated", False):
        return ""
    row = TopicWatch.objects.filter(topic=topic, user=user).first()
    return row.level if row else ""


# --- search ---------------------------------------------------------------------------------

MAX_SEARCH_WORDS = 8
SEARCH_LIMIT = 50
_CONFIGS = {"nl": "dutch", "fr": "french", "en": "english", "de": "german"}


def search_config(owner: Owner) -> str:
    """The PostgreSQL text-search configuration of the community's first language (a
    collective names its languages); "simple" when it names none or for hosts and chapters,
    whose members write in several."""
    return config_for_languages(getattr(owner, "languages", None) or [])


def config_for_languages(languages: list[Any]) -> str:
    return _CONFIGS.get(str(languages[0])[:2].lower(), "simple") if languages else "simple"


def search_posts(user: Any, owner: Owner, text: str) -> list[Post]:
    """Visible posts of the topics ``user`` may read in ``owner`` that match ``text``, best
    first (PostgreSQL: the stored vector of title and body in the community's language;
    elsewhere every word must occur in the post or its topic's title). Held, hidden and
    deleted posts, and topics still waiting for approval, are never found."""
    words = [word for word in (text or "").split() if word][:MAX_SEARCH_WORDS]
    categories = access.visible_categories(user, owner)
    if not words or not categories:
        return []
    posts = Post.objects.filter(
        topic__category__in=categories,
        topic__last_posted_at__isnull=False,
        status=PostStatus.VISIBLE,
    ).select_related("topic", "author")
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank

        # the stored vector (``actions.search``), read through its GIN index and ranked as
        # stored: ``F``, because SearchRank given a column's name wraps it in to_tsvector(),
        # which re-parsed every match's vector from its text (losing the title's weight A)
        query = SearchQuery(" ".join(words), search_type="websearch", config=search_config(owner))
        found: QuerySet[Post] = (
            posts.filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .defer("search_vector")
            .order_by("-rank", "-created_at", "-id")
        )
    else:
        for word in words:
            posts = posts.filter(Q(body__icontains=word) | Q(topic__title__icontains=word))
        found = posts.order_by("-created_at", "-id")
    return list(found[:SEARCH_LIMIT])


def ideas_by_stage(user: Any, owner: Owner) -> list[tuple[Any, list[Topic]]]:
    """The sounding board: the ideas ``user`` may read in ``owner``, grouped by stage (idea,
    prototype, running), latest activity first; two queries whatever their number."""
    topics = topic_list(user, owner).filter(kind=TopicKind.IDEA)
    grouped: dict[str, list[Topic]] = {stage: [] for stage in IdeaStage.values}
    for topic in topics:
        grouped.setdefault(topic.stage or IdeaStage.IDEA, []).append(topic)
    return [(IdeaStage(stage).label, rows) for stage, rows in grouped.items()]


def shared_communities(viewer: Any, person: Any) -> list[Owner]:
    """The collectives and hosts that ``viewer`` and ``person`` both belong to: where one may
    write to the other or report them (two queries)."""
    from samen.communities.models import Collective

    if not getattr(viewer, "is_authenticated", False) or viewer.pk == person.pk:
        return []
    collectives = Collective.objects.filter(memberships__user=viewer).filter(
        memberships__user=person
    )
    hosts = Host.objects.filter(memberships__user=viewer).filter(memberships__user=person)
    return [*collectives.order_by("name"), *hosts.order_by("name")]


def has_blocked(user: Any, person: Any) -> bool:
    from samen.conversations.models import Block

    if not getattr(user, "is_authenticated", False):
        return False
    return Block.objects.filter(user=user, blocked=person).exists()


def moderation_insights(owner: Owner, weeks: int = 8) -> dict[str, Any]:
    """Does the "fixed team" answer often? Per week (newest first) over ``weeks`` weeks: the
    reports received (posts, messages, members; held first posts are not reports), how many
    were answered (decided or ignored), and the median hours to that answer; over the whole
    period the same and the answered ratio; and what waits now, with the oldest item's age."""
    from statistics import median

    from django.utils import timezone

    now = timezone.now()
    today = timezone.localdate()
    first_day = today - timedelta(days=today.weekday() + 7 * (weeks - 1))
    rows = list(
        Reviewable.objects.filter(**owner_fields(owner), created_at__date__gte=first_day)
        .exclude(kind=ReviewKind.HELD)
        .values_list("created_at", "decided_at")
    )
    buckets: dict[date, list[Any]] = {first_day + timedelta(weeks=n): [] for n in range(weeks)}
    for created, decided in rows:
        day = timezone.localdate(created)
        buckets[day - timedelta(days=day.weekday())].append((created, decided))

    def summary(items: list[Any]) -> dict[str, Any]:
        hours = [(d - c).total_seconds() / 3600 for c, d in items if d is not None]
        return {
            "reports": len(items),
            "answered": len(hours),
            "median_hours": round(median(hours), 1) if hours else None,
            "ratio": round(100 * len(hours) / len(items)) if items else None,
        }

    pending = Reviewable.objects.filter(**owner_fields(owner), status=ReviewStatus.PENDING)
    oldest = pending.order_by("created_at").values_list("created_at", flat=True).first()
    return {
        "weeks": [{"week": week, **summary(items)} for week, items in sorted(buckets.items(),
                                                                         reverse=True)],
        "total": summary(rows),
        "open": pending.count(),
        "oldest_open_hours": round((now - oldest).total_seconds() / 3600) if oldest else None,
    }  # fmt: skip


def _week_of(moment: Any) -> date:
    from django.utils import timezone

    day = timezone.localdate(moment)
    return day - timedelta(days=day.weekday())


def activity_insights(owner: Owner, weeks: int = 8) -> dict[str, Any]:
    """Does the community live, and does someone answer? Per week (newest first) over
    ``weeks`` weeks: visible posts, topics opened, the median hours from a topic's opening
    to its first visible reply (topics opened that week that got one) and members who
    joined (none for a chapter, whose membership has no date); and now: the questions
    nobody answered yet (no visible reply), oldest first, and those without an accepted
    answer. A fixed number of queries whatever the community's size."""
    from statistics import median

    from django.db.models import Min
    from django.utils import timezone

    today = timezone.localdate()
    first_day = today - timedelta(days=today.weekday() + 7 * (weeks - 1))
    where = {f"topic__{key}": value for key, value in owner_fields(owner).items()}
    posts = _per_day(
        Post.objects.filter(**where, status=PostStatus.VISIBLE, created_at__date__gte=first_day)
    )
    opened = (
        Topic.objects.filter(**owner_fields(owner), category__isnull=False,
                             created_at__date__gte=first_day)
        .annotate(first_reply=Min("posts__created_at", filter=Q(posts__number__gt=1,
                                                                 posts__status=PostStatus.VISIBLE)))
        .values_list("created_at", "first_reply")
    )  # fmt: skip
    buckets: dict[date, dict[str, Any]] = {
        first_day + timedelta(weeks=n): {"posts": 0, "topics": 0, "hours": [], "joined": None}
        for n in range(weeks)
    }
    for day, count in posts:
        if (week := day - timedelta(days=day.weekday())) in buckets:
            buckets[week]["posts"] += count
    for created, first_reply in opened:
        bucket = buckets.get(_week_of(created))
        if bucket is None:  # a clock ahead of the site's: not in these weeks
            continue
        bucket["topics"] += 1
        if first_reply is not None:
            bucket["hours"].append((first_reply - created).total_seconds() / 3600)
    memberships = _memberships(owner)
    if memberships is not None:
        for bucket in buckets.values():
            bucket["joined"] = 0
        for day, count in _per_day(memberships.filter(created_at__date__gte=first_day)):
            if (week := day - timedelta(days=day.weekday())) in buckets:
                buckets[week]["joined"] += count
    questions = Topic.objects.filter(
        **owner_fields(owner),
        kind=TopicKind.QUESTION,
        category__isnull=False,
        last_posted_at__isnull=False,
    )
    unanswered = questions.filter(reply_count=0)
    return {
        "activity": [
            {"week": week, "posts": row["posts"], "topics": row["topics"],
             "joined": row["joined"],
             "median_first_reply_hours": round(median(row["hours"]), 1) if row["hours"] else None}
            for week, row in sorted(buckets.items(), reverse=True)
        ],
        "unanswered_count": unanswered.count(),
        "unanswered": list(unanswered.order_by("created_at", "id")[:10]),
        "without_answer_count": questions.filter(answer__isnull=True).count(),
    }  # fmt: skip


def _per_day(rows: QuerySet[Any]) -> list[tuple[date, int]]:
    """How many of ``rows`` were created on each day (in the site's time zone)."""
    from django.db.models.functions import TruncDate

    counted = rows.annotate(day=TruncDate("created_at")).values("day").annotate(n=Count("id"))
    return [(row["day"], row["n"]) for row in counted.order_by()]


def _memberships(owner: Owner) -> QuerySet[Any] | None:
    from samen.communities.models import Collective, CollectiveMembership, HostMembership

    if isinstance(owner, Collective):
        return CollectiveMembership.objects.filter(collective=owner)
    if isinstance(owner, Host):
        return HostMembership.objects.filter(host=owner)
    return None
