"""Cached public pages for anonymous visitors, rebuilt when what they show changes.

A launch rush or a newsletter brings hundreds of anonymous visitors to the same collective,
campaign, news and transactions pages. Those pages are rendered once per version of the
community they belong to and then served from the cache (Redis in production, local memory
by default). Every community (collective, host, chapter) has a version token in the cache;
anything that changes what its pages show (a ledger posting, a news post, a pledge, a new
member, an edit) gives it a new token after the commit, so the next anonymous request renders
afresh. A time-out bounds what no signal announces (a person renaming themselves).

In a rush every pledge changes the campaign page, so its version changes many times a second.
Only one request renders a changed page at a time (a short lock in the cache); the visitors
who arrive during that render get the page's previous version, which was current a moment
ago, instead of each rendering it again. Once the render is stored, the next request gets it;
with no render under way, a request after a change always renders the new version.

Signed-in visitors never get a cached page and their pages are marked ``private``. The CSRF
tokens in a cached page belong to the visitor who caused the render, so they are replaced by
the current visitor's token on every answer.
"""

from __future__ import annotations

import hashlib
import re
import time
import uuid
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import get_token
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language

Owner = tuple[str, int | None]
OWNER_KINDS = ("collective", "host", "chapter")
SITE: Owner = ("site", 1)
_CSRF = re.compile(rb'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[A-Za-z0-9]{32,64}')
_TOKEN_HOLE = b"@@csrf-token@@"
# Long enough for a slow render under load; a crashed render frees the page after it.
RENDER_LOCK_SECONDS = 30


def _version_key(kind: str, pk: int | None) -> str:
    return f"pagecache:version:{kind}:{pk}"


def bump(owners: Iterable[Owner]) -> None:
    """Give each community a new version now and again once the transaction commits.

    The second bump matters: a visitor may render the page between the first one and the
    commit, and would otherwise leave the old content cached under the new version.
    """
    keys = {_version_key(kind, pk) for kind, pk in owners if pk}

    def renew() -> None:
        cache.set_many({key: uuid.uuid4().hex for key in keys}, None)

    if keys:
        renew()
        transaction.on_commit(renew)


def bump_all() -> None:
    """Rebuild every cached page after the commit: for what shows everywhere, such as the
    name of a person who was just erased (never left in a cached page until the time-out)."""
    bump([SITE])


def owners_of(instance: models.Model) -> list[Owner]:
    """The communities whose public pages show ``instance``."""
    from samen.communities.models import Collective, Host

    owners: list[Owner] = []
    if isinstance(instance, Collective):
        owners += [("collective", instance.pk), ("host", instance.host_id)]
    elif isinstance(instance, Host):
        owners.append(("host", instance.pk))
        collectives = Collective.objects.filter(host_id=instance.pk).values_list("pk", flat=True)
        owners += [("collective", pk) for pk in collectives]
    for kind in OWNER_KINDS:
        pk = getattr(instance, f"{kind}_id", None)
        if pk:
            owners.append((kind, pk))
    topic_id = getattr(instance, "topic_id", None)
    if topic_id:  # a post or comment shows on its community's pages (news, campaigns)
        from samen.conversations.models import Topic

        row = Topic.objects.filter(pk=topic_id).values(*(f"{k}_id" for k in OWNER_KINDS)).first()
        owners += [(kind, (row or {}).get(f"{kind}_id")) for kind in OWNER_KINDS]
    campaign_id = getattr(instance, "campaign_id", None)
    if campaign_id and not getattr(instance, "collective_id", None):
        from samen.funding.models import Campaign

        collective_id = (
            Campaign.objects.filter(pk=campaign_id).values_list("collective_id", flat=True).first()
        )
        if collective_id:
            owners.append(("collective", collective_id))
    return owners


def _on_change(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if not kwargs.get("raw"):
        bump(owners_of(instance))


def watch_app(label: str) -> None:
    """Invalidate public pages whenever a model of the app ``label`` is saved or deleted."""
    from django.apps import apps

    for model in apps.get_app_config(label).get_models():
        uid = f"pagecache:{model._meta.label}"
        post_save.connect(_on_change, sender=model, dispatch_uid=uid)
        post_delete.connect(_on_change, sender=model, dispatch_uid=uid)


#: Which communities a page's slug names, remembered per process: resolving it is the only
#: database query of a cached answer. A remembered answer can only be stale after the
#: community it names was renamed or deleted, which gave that community a new version, so
#: the page misses and the slug is resolved afresh before the render.
_OWNERS: dict[tuple[str, str], list[Owner]] = {}
_OWNERS_MAX = 10_000


def _owners(kind: str, slug: str) -> list[Owner] | None:
    """The communities whose versions a page of community ``slug`` depends on, looked up and
    remembered; None if there is none."""
    from samen.communities.models import Chapter, Collective, Host

    owners: list[Owner]
    if kind == "collective":
        row = Collective.objects.filter(slug=slug).values_list("pk", "host_id").first()
        owners = [("collective", row[0]), ("host", row[1])] if row else []
    else:
        model = Host if kind == "host" else Chapter
        pk = model.objects.filter(slug=slug).values_list("pk", flat=True).first()
        owners = [(kind, pk)] if pk else []
    if not owners:
        _OWNERS.pop((kind, slug), None)
        return None
    if len(_OWNERS) >= _OWNERS_MAX:
        _OWNERS.clear()
    _OWNERS[(kind, slug)] = owners = [*owners, SITE]
    return owners


def forget_owners() -> None:
    """Drop what this process remembers of slugs (the tests start each from nothing)."""
    _OWNERS.clear()


def _lookup(page_key: str, owners: list[Owner]) -> tuple[dict[str, Any] | None, list[str]]:
    """The cached entry of a page and the current versions of its owners, in one round trip;
    owners without a version yet get one."""
    keys = [_version_key(kind, pk) for kind, pk in owners]
    found = cache.get_many([page_key, *keys])
    missing = {key: uuid.uuid4().hex for key in keys if key not in found}
    if missing:
        cache.set_many(missing, None)
        found.update(missing)
    return found.get(page_key), [found[key] for key in keys]


def _cacheable(request: HttpRequest) -> bool:
    if not settings.PUBLIC_PAGE_CACHE_SECONDS or request.method not in ("GET", "HEAD"):
        return False
    if request.user.is_authenticated or "messages" in request.COOKIES:
        return False
    session = getattr(request, "session", None)
    return not (session is not None and session.session_key and session.get("_messages"))


def _with_token(request: HttpRequest, body: bytes) -> bytes:
    """Fill the token holes of a cached page with the current visitor's CSRF token."""
    if _TOKEN_HOLE not in body:
        return body
    return body.replace(_TOKEN_HOLE, get_token(request).encode())


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _seconds() -> int:
    return int(settings.PUBLIC_PAGE_CACHE_SECONDS)


def _entry(response: HttpResponseBase, versions: list[str]) -> dict[str, Any] | None:
    """What the cache keeps of a page rendered at ``versions`` of its communities, or None
    when it must not be shared."""
    if (
        response.status_code != 200
        or response.streaming
        or not isinstance(response, HttpResponse)
        or any(name != settings.CSRF_COOKIE_NAME for name in response.cookies)
    ):
        return None
    body = _CSRF.sub(lambda match: match.group(1) + _TOKEN_HOLE, response.content)
    return {
        "body": body,
        "headers": dict(response.items()),
        "etag": quote_etag(hashlib.sha256(body).hexdigest()[:32]),
        "modified": int(time.time()),
        "versions": versions,
    }


def public_page(
    kind: str | None = None,
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Serve the decorated view's page to anonymous visitors from the cache.

    ``kind`` names the community the URL's ``slug`` belongs to; without it the view's
    ``kind`` argument does (news pages exist for all three).
    """

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not _cacheable(request):
                response = view(request, *args, **kwargs)
                if request.user.is_authenticated:
                    patch_cache_control(response, private=True)
                return response
            slug_kind, slug = kind or kwargs["kind"], kwargs["slug"]
            remembered = _OWNERS.get((slug_kind, slug))
            owners = remembered or _owners(slug_kind, slug)
            if owners is None:
                return view(request, *args, **kwargs)
            htmx = request.headers.get("HX-Request", "") + request.headers.get("HX-Boosted", "")
            page = "|".join([request.get_full_path(), get_language(), htmx])
            key = "pagecache:page:" + _digest(page)
            entry, versions = _lookup(key, owners)
            if entry is None or entry["versions"] != versions:
                # The page changed: one render per page at a time; the visitors who arrive
                # meanwhile get the page as it just was.
                lock_key = "pagecache:rendering:" + _digest(page)
                rendering_elsewhere = not cache.add(lock_key, 1, RENDER_LOCK_SECONDS)
                if not rendering_elsewhere or entry is None:
                    try:
                        if remembered is not None:
                            # The slug may name another community now (a rename): look again.
                            owners = _owners(slug_kind, slug) or owners
                            _, versions = _lookup(key, owners)
                        response = view(request, *args, **kwargs)
                        entry = _entry(response, versions)
                        if entry is None:
                            return response
                        cache.set(key, entry, _seconds())
                    finally:
                        if not rendering_elsewhere:
                            cache.delete(lock_key)
            fresh = HttpResponse(_with_token(request, entry["body"]))
            for name, value in entry["headers"].items():
                if name.lower() not in ("content-length", "etag", "last-modified"):
                    fresh[name] = value
            fresh["ETag"] = entry["etag"]
            fresh["Last-Modified"] = http_date(entry["modified"])
            patch_cache_control(fresh, private=True, no_cache=True)
            conditional = get_conditional_response(
                request, etag=entry["etag"], last_modified=entry["modified"], response=fresh
            )
            return conditional or fresh

        return wrapper

    return decorator
