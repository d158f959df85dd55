"""Every page and endpoint of the communities issue, for every kind of person.

Columns: anonymous, follower (dries), member (chloé), collective admin (bram), host admin
(anna), host accountant (femke), admin of another collective (gilles). A page that needs a
person sends anonymous visitors to log in (302); the API answers 401. Successful POSTs to
pages redirect (302). Objects a person may not know about answer 404.

The chapter-management rows (``CHAPTER_PAGES``, ``CHAPTER_API``) add an eighth column,
platform staff (stefaan, ``is_staff``); there chloé, in the member column, is also the only
connector of the Brussels chapter.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.db import transaction

from samen.communities.tests.factories import World, build_world

PERSONAS = ["anon", "follower", "member", "cadmin", "hadmin", "accountant", "other"]
ATTR = {
    "follower": "dries",
    "member": "chloe",
    "cadmin": "bram",
    "hadmin": "anna",
    "accountant": "femke",
    "other": "gilles",
}
STAFF_PERSONAS = [*PERSONAS, "staff"]

C = "/collectives/brasserie-zinneke"
H = "/hosts/brussels-commons"
A = "/api/v1"

Row = tuple[str, Callable[[World], str], str, Callable[[World], dict[str, Any]] | None]
# News rows read the posts of a ``NewsWorld`` (a World with news).
NewsRow = tuple[str, Callable[[Any], str], str, Callable[[Any], dict[str, Any]] | None]


PAGES: list[Row] = [
    # public pages
    ("get", lambda w: "/collectives/", "200 200 200 200 200 200 200", None),
    (
        "get",
        lambda w: "/collectives/?q=brasserie&city=brussels",
        "200 200 200 200 200 200 200",
        None,
    ),
    ("get", lambda w: f"{C}/", "200 200 200 200 200 200 200", None),
    ("get", lambda w: f"{C}/followers/", "200 200 200 200 200 200 200", None),
    ("get", lambda w: f"{C}/rules/", "200 200 200 200 200 200 200", None),
    ("get", lambda w: "/hosts/", "200 200 200 200 200 200 200", None),
    ("get", lambda w: f"{H}/", "200 200 200 200 200 200 200", None),
    ("get", lambda w: f"{H}/followers/", "200 200 200 200 200 200 200", None),
    ("get", lambda w: f"{H}/rules/", "200 200 200 200 200 200 200", None),
    ("get", lambda w: "/chapters/", "200 200 200 200 200 200 200", None),
    ("get", lambda w: "/chapters/brussels/", "200 200 200 200 200 200 200", None),
    ("get", lambda w: "/chapters/brussels/followers/", "200 200 200 200 200 200 200", None),
    ("get", lambda w: f"/invitations/{w.token}/", "200 200 200 200 200 200 200", None),
    ("get", lambda w: "/invitations/forged-token/", "404 404 404 404 404 404 404", None),
    ("get", lambda w: "/collectives/nope/", "404 404 404 404 404 404 404", None),
    # pages for signed-in people
    ("get", lambda w: "/collectives/new/", "302 200 200 200 200 200 200", None),
    ("get", lambda w: "/collectives/mine/", "302 200 200 200 200 200 200", None),
    ("get", lambda w: "/hosts/new/", "302 200 200 200 200 200 200", None),
    ("get", lambda w: f"{H}/apply/", "302 200 200 200 200 200 200", None),
    ("get", lambda w: f"{C}/join/", "302 200 200 200 200 200 200", None),
    # collective admin pages
    ("get", lambda w: f"{C}/edit/", "302 403 403 200 403 403 403", None),
    ("get", lambda w: f"{C}/team/", "302 403 403 200 403 403 403", None),
    # host admin pages and the dashboard (admins and accountants)
    ("get", lambda w: f"{H}/edit/", "302 403 403 403 200 403 403", None),
    ("get", lambda w: f"{H}/team/", "302 403 403 403 200 403 403", None),
    ("get", lambda w: f"{H}/dashboard/", "302 403 403 403 200 200 403", None),
    ("get", lambda w: f"{H}/dashboard/applications/", "302 403 403 403 200 200 403", None),
    ("get", lambda w: f"{H}/dashboard/collectives/", "302 403 403 403 200 200 403", None),
    ("get", lambda w: f"{H}/dashboard/audit/", "302 403 403 403 200 200 403", None),
    # an application: the collective's admins and the host's staff see it
    ("get", lambda w: f"/applications/{w.application.pk}/", "302 404 404 200 200 200 404", None),
    (
        "post",
        lambda w: f"/applications/{w.application.pk}/",
        "302 404 404 403 302 403 404",
        lambda w: {"do": "decide", "decision": "approve"},
    ),
    (
        "post",
        lambda w: f"/applications/{w.application.pk}/",
        "302 404 404 302 403 403 404",
        lambda w: {"do": "withdraw"},
    ),
    # writes on pages
    ("post", lambda w: f"{C}/follow/", "302 302 302 302 302 302 302", None),
    ("post", lambda w: f"{H}/follow/", "302 302 302 302 302 302 302", None),
    ("post", lambda w: "/chapters/brussels/follow/", "302 302 302 302 302 302 302", None),
    ("post", lambda w: "/chapters/brussels/membership/", "302 302 302 302 302 302 302", None),
    ("post", lambda w: f"{C}/leave/", "302 403 302 302 403 403 403", None),
    ("post", lambda w: f"{H}/leave/", "302 403 403 403 302 302 403", None),
    (
        "post",
        lambda w: f"{C}/team/invite/",
        "302 403 403 302 403 403 403",
        lambda w: {"email": "x@example.org", "role": "member"},
    ),
    (
        "post",
        lambda w: f"{H}/team/invite/",
        "302 403 403 403 302 403 403",
        lambda w: {"email": "x@example.org", "role": "accountant"},
    ),
    (
        "post",
        lambda w: f"{C}/team/{w.c.chloe.pk}/role/",
        "302 403 403 302 403 403 403",
        lambda w: {"role": "admin"},
    ),
    ("post", lambda w: f"{C}/team/{w.c.chloe.pk}/remove/", "302 403 403 302 403 403 403", None),
    (
        "post",
        lambda w: f"{H}/team/{w.c.femke.pk}/role/",
        "302 403 403 403 302 403 403",
        lambda w: {"role": "member"},
    ),
    ("post", lambda w: f"{H}/team/{w.c.femke.pk}/remove/", "302 403 403 403 302 403 403", None),
    (
        "post",
        lambda w: f"{C}/rules/",
        "302 403 403 302 403 403 403",
        lambda w: {"do": "publish", "text": "Be very kind."},
    ),
    (
        "post",
        lambda w: f"{H}/rules/",
        "302 403 403 403 302 403 403",
        lambda w: {"do": "publish", "text": "Keep all receipts."},
    ),
    (
        "post",
        lambda w: f"/join-requests/{w.join_request.pk}/decide/",
        "302 404 404 302 404 404 404",
        lambda w: {"decision": "approve"},
    ),
    (
        "post",
        lambda w: f"/invitations/{w.invitation.pk}/revoke/",
        "302 404 404 302 404 404 404",
        None,
    ),
    (
        "post",
        lambda w: f"{H}/dashboard/collectives/brasserie-zinneke/hosting/",
        "302 403 403 403 302 403 403",
        lambda w: {"action": "freeze", "reason": "audit"},
    ),
    ("post", lambda w: f"{C}/edit/", "302 403 403 200 403 403 403", lambda w: {"name": ""}),
    ("post", lambda w: f"{H}/edit/", "302 403 403 403 200 403 403", lambda w: {"name": ""}),
]

API: list[Row] = [
    ("get", lambda w: f"{A}/collectives", "200 200 200 200 200 200 200", None),
    ("get", lambda w: f"{A}/collectives?q=zinneke", "200 200 200 200 200 200 200", None),
    ("get", lambda w: f"{A}/collectives/brasserie-zinneke", "200 200 200 200 200 200 200", None),
    ("get", lambda w: f"{A}/collectives/nope", "404 404 404 404 404 404 404", None),
    (
        "get",
        lambda w: f"{A}/collectives/brasserie-zinneke/members",
        "200 200 200 200 200 200 200",
        None,
    ),
    (
        "get",
        lambda w: f"{A}/collectives/brasserie-zinneke/followers",
        "200 200 200 200 200 200 200",
        None,
    ),
    (
        "get",
        lambda w: f"{A}/collectives/brasserie-zinneke/rules",
        "200 200 200 200 200 200 200",
        None,
    ),
    ("get", lambda w: f"{A}/hosts", "200 200 200 200 200 200 200", None),
    ("get", lambda w: f"{A}/hosts/brussels-commons", "200 200 200 200 200 200 200", None),
    (
        "get",
        lambda w: f"{A}/hosts/brussels-commons/collectives",
        "200 200 200 200 200 200 200",
        None,
    ),
    ("get", lambda w: f"{A}/hosts/brussels-commons/members", "200 200 200 200 200 200 200", None),
    ("get", lambda w: f"{A}/hosts/brussels-commons/followers", "200 200 200 200 200 200 200", None),
    ("get", lambda w: f"{A}/hosts/brussels-commons/rules", "200 200 200 200 200 200 200", None),
    ("get", lambda w: f"{A}/chapters", "200 200 200 200 200 200 200", None),
    ("get", lambda w: f"{A}/chapters/brussels", "200 200 200 200 200 200 200", None),
    ("get", lambda w: f"{A}/chapters/brussels/followers", "200 200 200 200 200 200 200", None),
    (
        "post",
        lambda w: f"{A}/collectives",
        "401 201 201 201 201 201 201",
        lambda w: {"name": "New one"},
    ),
    (
        "patch",
        lambda w: f"{A}/collectives/brasserie-zinneke",
        "401 403 403 200 403 403 403",
        lambda w: {"tagline": "Beer from Brussels"},
    ),
    (
        "post",
        lambda w: f"{A}/hosts",
        "401 201 201 201 201 201 201",
        lambda w: {"name": "Another host"},
    ),
    (
        "patch",
        lambda w: f"{A}/hosts/brussels-commons",
        "401 403 403 403 200 403 403",
        lambda w: {"about": "Hello"},
    ),
    (
        "get",
        lambda w: f"{A}/hosts/brussels-commons/applications",
        "401 403 403 403 200 200 403",
        None,
    ),
    (
        "get",
        lambda w: f"{A}/collectives/zinneke-popup/applications",
        "401 403 403 200 403 403 403",
        None,
    ),
    ("get", lambda w: f"{A}/applications/{w.application.pk}", "401 404 404 200 200 200 404", None),
    (
        "post",
        lambda w: f"{A}/applications/{w.application.pk}/approve",
        "401 404 404 403 200 403 404",
        lambda w: {"custom_fee_percent": "3.5"},
    ),
    (
        "post",
        lambda w: f"{A}/applications/{w.application.pk}/reject",
        "401 404 404 403 200 403 404",
        lambda w: {"reason": "Not now"},
    ),
    (
        "post",
        lambda w: f"{A}/applications/{w.application.pk}/request-info",
        "401 404 404 403 200 403 404",
        lambda w: {"reason": "Budget?"},
    ),
    (
        "post",
        lambda w: f"{A}/applications/{w.application.pk}/reply",
        "401 404 404 200 403 403 404",
        lambda w: {"message": "More info"},
    ),
    (
        "post",
        lambda w: f"{A}/applications/{w.application.pk}/withdraw",
        "401 404 404 200 403 403 404",
        None,
    ),
    (
        "post",
        lambda w: f"{A}/hosts/brussels-commons/applications",
        "401 403 403 409 403 403 403",
        lambda w: {"collective": "brasserie-zinneke", "answers": ["x"], "terms_accepted": True},
    ),
    (
        "post",
        lambda w: f"{A}/hosts/brussels-commons/collectives/brasserie-zinneke/freeze",
        "401 403 403 403 200 403 403",
        lambda w: {"reason": "audit"},
    ),
    (
        "post",
        lambda w: f"{A}/hosts/brussels-commons/collectives/brasserie-zinneke/unfreeze",
        "401 403 403 403 409 403 403",
        None,
    ),
    (
        "post",
        lambda w: f"{A}/hosts/brussels-commons/collectives/brasserie-zinneke/unhost",
        "401 403 403 403 200 403 403",
        lambda w: {"reason": "moved"},
    ),
    (
        "post",
        lambda w: f"{A}/collectives/brasserie-zinneke/members/{w.c.chloe.pk}/role",
        "401 403 403 200 403 403 403",
        lambda w: {"role": "admin"},
    ),
    (
        "delete",
        lambda w: f"{A}/collectives/brasserie-zinneke/members/{w.c.chloe.pk}",
        "401 403 204 204 403 403 403",
        None,
    ),
    (
        "post",
        lambda w: f"{A}/hosts/brussels-commons/members/{w.c.femke.pk}/role",
        "401 403 403 403 200 403 403",
        lambda w: {"role": "member"},
    ),
    (
        "post",
        lambda w: f"{A}/collectives/brasserie-zinneke/leave",
        "401 403 204 409 403 403 403",
        None,
    ),
    ("post", lambda w: f"{A}/hosts/brussels-commons/leave", "401 403 403 403 409 204 403", None),
    (
        "get",
        lambda w: f"{A}/collectives/brasserie-zinneke/invitations",
        "401 403 403 200 403 403 403",
        None,
    ),
    (
        "get",
        lambda w: f"{A}/hosts/brussels-commons/invitations",
        "401 403 403 403 200 403 403",
        None,
    ),
    (
        "post",
        lambda w: f"{A}/collectives/brasserie-zinneke/invitations",
        "401 403 403 201 403 403 403",
        lambda w: {"email": "x@example.org", "role": "member"},
    ),
    (
        "post",
        lambda w: f"{A}/hosts/brussels-commons/invitations",
        "401 403 403 403 201 403 403",
        lambda w: {"email": "x@example.org", "role": "accountant"},
    ),
    (
        "post",
        lambda w: f"{A}/invitations/{w.invitation.pk}/revoke",
        "401 404 404 200 404 404 404",
        None,
    ),
    (
        "post",
        lambda w: f"{A}/invitations/accept",
        "401 400 400 400 400 400 400",
        lambda w: {"token": w.token, "rules_accepted": True},
    ),
    (
        "post",
        lambda w: f"{A}/invitations/decline",
        "200 200 200 200 200 200 200",
        lambda w: {"token": w.token},
    ),
    (
        "get",
        lambda w: f"{A}/collectives/brasserie-zinneke/join-requests",
        "401 403 403 200 403 403 403",
        None,
    ),
    (
        "post",
        lambda w: f"{A}/collectives/brasserie-zinneke/join-requests",
        "401 201 409 409 201 201 201",
        lambda w: {"answers": [], "rules_accepted": True},
    ),
    (
        "get",
        lambda w: f"{A}/join-requests/{w.join_request.pk}",
        "401 404 404 200 404 404 404",
        None,
    ),
    (
        "post",
        lambda w: f"{A}/join-requests/{w.join_request.pk}/approve",
        "401 404 404 200 404 404 404",
        None,
    ),
    (
        "post",
        lambda w: f"{A}/join-requests/{w.join_request.pk}/decline",
        "401 404 404 200 404 404 404",
        lambda w: {"reason": "full"},
    ),
    (
        "post",
        lambda w: f"{A}/join-requests/{w.join_request.pk}/withdraw",
        "401 404 404 403 404 404 404",
        None,
    ),
    (
        "post",
        lambda w: f"{A}/collectives/brasserie-zinneke/follow",
        "401 200 200 200 200 200 200",
        None,
    ),
    (
        "delete",
        lambda w: f"{A}/collectives/brasserie-zinneke/follow",
        "401 200 200 200 200 200 200",
        None,
    ),
    ("post", lambda w: f"{A}/hosts/brussels-commons/follow", "401 200 200 200 200 200 200", None),
    ("delete", lambda w: f"{A}/hosts/brussels-commons/follow", "401 200 200 200 200 200 200", None),
    ("post", lambda w: f"{A}/chapters/brussels/follow", "401 200 200 200 200 200 200", None),
    ("delete", lambda w: f"{A}/chapters/brussels/follow", "401 200 200 200 200 200 200", None),
    ("post", lambda w: f"{A}/chapters/brussels/membership", "401 204 204 204 204 204 204", None),
    # chloé is the chapter's only connector: she cannot leave it
    ("delete", lambda w: f"{A}/chapters/brussels/membership", "401 204 409 204 204 204 204", None),
    (
        "post",
        lambda w: f"{A}/collectives/brasserie-zinneke/rules",
        "401 403 403 201 403 403 403",
        lambda w: {"text": "Be very kind."},
    ),
    (
        "post",
        lambda w: f"{A}/collectives/brasserie-zinneke/rules/accept",
        "401 403 200 200 403 403 403",
        None,
    ),
    (
        "post",
        lambda w: f"{A}/hosts/brussels-commons/rules",
        "401 403 403 403 201 403 403",
        lambda w: {"text": "Keep all receipts."},
    ),
    (
        "post",
        lambda w: f"{A}/hosts/brussels-commons/rules/accept",
        "401 403 403 403 200 200 403",
        None,
    ),
]


CHAPTER_PAGES: list[Row] = [
    ("get", lambda w: "/chapters/new/", "302 403 403 403 403 403 403 200", None),
    (
        "post",
        lambda w: "/chapters/new/",
        "302 403 403 403 403 403 403 302",
        lambda w: {"name": "Leuven", "city": "Leuven", "country": "BE"},
    ),
    (
        "post",
        lambda w: "/chapters/new/",
        "302 403 403 403 403 403 403 200",
        lambda w: {"name": "", "country": "BE"},
    ),
    ("get", lambda w: "/chapters/brussels/edit/", "302 403 403 403 403 403 403 200", None),
    ("get", lambda w: "/chapters/nope/edit/", "302 404 404 404 404 404 404 404", None),
    (
        "post",
        lambda w: "/chapters/brussels/edit/",
        "302 403 403 403 403 403 403 302",
        lambda w: {"name": "Brussel", "slug": "brussels", "city": "Brussel", "country": "BE"},
    ),
    ("get", lambda w: "/chapters/brussels/connectors/", "302 403 200 403 403 403 403 200", None),
    (
        "post",
        lambda w: "/chapters/brussels/connectors/",
        "302 403 302 403 403 403 403 302",
        lambda w: {"email": "eva@example.org"},
    ),
    (
        "post",
        lambda w: "/chapters/brussels/connectors/",
        "302 403 200 403 403 403 403 200",
        lambda w: {"email": "nobody@example.org"},
    ),
    (
        "post",
        lambda w: f"/chapters/brussels/connectors/{w.c.chloe.pk}/remove/",
        "302 403 302 403 403 403 403 302",
        None,
    ),
]

CHAPTER_API: list[Row] = [
    (
        "post",
        lambda w: f"{A}/chapters",
        "401 403 403 403 403 403 403 201",
        lambda w: {"name": "Leuven", "city": "Leuven"},
    ),
    (
        "post",
        lambda w: f"{A}/chapters",
        "401 403 403 403 403 403 403 409",
        lambda w: {"name": "Brussels"},
    ),
    (
        "patch",
        lambda w: f"{A}/chapters/brussels",
        "401 403 403 403 403 403 403 200",
        lambda w: {"city": "Brussel"},
    ),
    (
        "patch",
        lambda w: f"{A}/chapters/nope",
        "401 404 404 404 404 404 404 404",
        lambda w: {"city": "Nowhere"},
    ),
    ("get", lambda w: f"{A}/chapters/brussels/connectors", "200 200 200 200 200 200 200 200", None),
    (
        "post",
        lambda w: f"{A}/chapters/brussels/connectors",
        "401 403 201 403 403 403 403 201",
        lambda w: {"email": "eva@example.org"},
    ),
    (
        "post",
        lambda w: f"{A}/chapters/brussels/connectors",
        "401 403 409 403 403 403 403 409",
        lambda w: {"email": "chloe@example.org"},
    ),
    (
        "post",
        lambda w: f"{A}/chapters/brussels/connectors",
        "401 403 400 403 403 403 403 400",
        lambda w: {"email": "nobody@example.org"},
    ),
    (
        "delete",
        lambda w: f"{A}/chapters/brussels/connectors/{w.c.chloe.pk}",
        "401 403 409 403 403 403 403 204",
        None,
    ),
    (
        "delete",
        lambda w: f"{A}/chapters/brussels/connectors/{w.c.eva.pk}",
        "401 403 400 403 403 403 403 400",
        None,
    ),
    ("get", lambda w: f"{A}/follows/mine", "401 200 200 200 200 200 200 200", None),
]


def _ids(rows: Sequence[Row]) -> list[str]:
    return [f"{i:02d}-{method}" for i, (method, *_rest) in enumerate(rows)]


@pytest.fixture
def world(community: Any) -> World:
    return build_world(community)


@pytest.fixture
def staff(make_user: Any) -> Any:
    return make_user("stefaan@example.org", "Stefaan", is_staff=True)


def _check_row(client: Any, world: World, row: Row, api: bool, staff: Any = None) -> None:
    """Ask as each persona in turn; each try is rolled back so that the next one sees the
    same world. All mismatches are reported together."""
    method, url, expected, data = row
    codes = [int(code) for code in expected.split()]
    personas = STAFF_PERSONAS if staff is not None else PERSONAS
    assert len(codes) == len(personas), expected
    target = url(world)
    wrong = []
    for persona, code in zip(personas, codes, strict=True):
        with transaction.atomic():
            client.logout()
            if persona == "staff":
                client.force_login(staff)
            elif persona != "anon":
                client.force_login(getattr(world.c, ATTR[persona]))
            call = getattr(client, method)
            if api:
                body = json.dumps(data(world)) if data else None
                response = call(target, data=body, content_type="application/json")
            else:
                response = call(target, data=data(world) if data else {})
            got = response.status_code
            if got != code:
                wrong.append(f"{persona}: expected {code}, got {got} {response.content[:160]!r}")
            elif api and got >= 400:
                body = response.json()
                assert body["code"]
                assert body["detail"]
            elif not api and persona == "anon" and got == 302 and method == "get":
                assert "/accounts/login/" in response["Location"]
            transaction.set_rollback(True)
    assert not wrong, f"{method.upper()} {target}\n" + "\n".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize("row", PAGES, ids=_ids(PAGES))
def test_pages(client, world, row):
    _check_row(client, world, row, api=False)


@pytest.mark.django_db
@pytest.mark.parametrize("row", API, ids=_ids(API))
def test_api(client, world, row):
    _check_row(client, world, row, api=True)


@pytest.mark.django_db
@pytest.mark.parametrize("row", CHAPTER_PAGES, ids=_ids(CHAPTER_PAGES))
def test_chapter_pages(client, world, staff, row):
    _check_row(client, world, row, api=False, staff=staff)


@pytest.mark.django_db
@pytest.mark.parametrize("row", CHAPTER_API, ids=_ids(CHAPTER_API))
def test_chapter_api(client, world, staff, row):
    _check_row(client, world, row, api=True, staff=staff)


# --- news -----------------------------------------------------------------------------------
# The brewery has a public post, a members-only post and a draft; the host and the chapter
# one public post each (see ``build_news_world``). Members-only posts and drafts are
# invisible (404) to those who may not read them; anonymous visitors are asked to log in.


def _unsubscribe(w: Any) -> str:
    from samen.communities.links import news_unsubscribe_token

    return f"/news/unsubscribe/{news_unsubscribe_token(w.c.dries, w.c.collective)}/"


NEWS_DRAFT = {"title": "Hop harvest", "body": "Come and help.", "audience": "public"}

NEWS_PAGES: list[NewsRow] = [
    ("get", lambda w: f"{C}/news/", "200 200 200 200 200 200 200", None),
    ("get", lambda w: f"{C}/news/{w.public.pk}/", "200 200 200 200 200 200 200", None),
    ("get", lambda w: f"{C}/news/{w.members_only.pk}/", "302 404 200 200 404 404 404", None),
    ("get", lambda w: f"{C}/news/{w.draft.pk}/", "302 404 404 200 404 404 404", None),
    # a post of another owner is not found under this one
    ("get", lambda w: f"{C}/news/{w.host_post.pk}/", "404 404 404 404 404 404 404", None),
    ("get", lambda w: f"{C}/news/feed/", "200 200 200 200 200 200 200", None),
    ("get", lambda w: f"{C}/news/new/", "302 403 403 200 403 403 403", None),
    (
        "post",
        lambda w: f"{C}/news/new/",
        "302 403 403 302 403 403 403",
        lambda w: {**NEWS_DRAFT, "do": "draft"},
    ),
    (
        "post",
        lambda w: f"{C}/news/new/",
        "302 403 403 200 403 403 403",
        lambda w: {**NEWS_DRAFT, "do": "preview"},
    ),
    ("get", lambda w: f"{C}/news/{w.public.pk}/edit/", "302 403 403 200 403 403 403", None),
    ("get", lambda w: f"{C}/news/{w.draft.pk}/edit/", "302 404 404 200 404 404 404", None),
    ("post", lambda w: f"{C}/news/{w.draft.pk}/publish/", "302 404 404 302 404 404 404", None),
    ("post", lambda w: f"{C}/news/{w.draft.pk}/delete/", "302 404 404 302 404 404 404", None),
    ("post", lambda w: f"{C}/news/{w.public.pk}/delete/", "302 403 403 302 403 403 403", None),
    ("get", lambda w: f"{H}/news/", "200 200 200 200 200 200 200", None),
    ("get", lambda w: f"{H}/news/{w.host_post.pk}/", "200 200 200 200 200 200 200", None),
    ("get", lambda w: f"{H}/news/feed/", "200 200 200 200 200 200 200", None),
    ("get", lambda w: f"{H}/news/new/", "302 403 403 403 200 403 403", None),
    (
        "post",
        lambda w: f"{H}/news/{w.host_post.pk}/edit/",
        "302 403 403 403 302 403 403",
        lambda w: {**NEWS_DRAFT, "do": "save"},
    ),
    ("get", lambda w: "/chapters/brussels/news/", "200 200 200 200 200 200 200", None),
    (
        "get",
        lambda w: f"/chapters/brussels/news/{w.chapter_post.pk}/",
        "200 200 200 200 200 200 200",
        None,
    ),
    ("get", lambda w: "/chapters/brussels/news/feed/", "200 200 200 200 200 200 200", None),
    ("get", lambda w: "/news/", "302 200 200 200 200 200 200", None),
    ("post", lambda w: f"{C}/follow/news/", "302 302 302 302 302 302 302", None),
    ("post", lambda w: "/chapters/brussels/follow/news/", "302 302 302 302 302 302 302", None),
    # the link in the e-mail works for whoever holds it, signed in or not
    ("get", _unsubscribe, "200 200 200 200 200 200 200", None),
    ("post", _unsubscribe, "200 200 200 200 200 200 200", lambda w: {"do": "unsubscribe"}),
    ("get", lambda w: "/news/unsubscribe/forged/", "404 404 404 404 404 404 404", None),
]

NEWS_API: list[NewsRow] = [
    (
        "get",
        lambda w: f"{A}/collectives/brasserie-zinneke/news",
        "200 200 200 200 200 200 200",
        None,
    ),
    (
        "get",
        lambda w: f"{A}/collectives/brasserie-zinneke/news?status=draft",
        "401 403 403 200 403 403 403",
        None,
    ),
    ("get", lambda w: f"{A}/hosts/brussels-commons/news", "200 200 200 200 200 200 200", None),
    ("get", lambda w: f"{A}/chapters/brussels/news", "200 200 200 200 200 200 200", None),
    ("get", lambda w: f"{A}/news/{w.public.pk}", "200 200 200 200 200 200 200", None),
    ("get", lambda w: f"{A}/news/{w.members_only.pk}", "404 404 200 200 404 404 404", None),
    ("get", lambda w: f"{A}/news/{w.draft.pk}", "404 404 404 200 404 404 404", None),
    (
        "post",
        lambda w: f"{A}/collectives/brasserie-zinneke/news",
        "401 403 403 201 403 403 403",
        lambda w: NEWS_DRAFT,
    ),
    (
        "post",
        lambda w: f"{A}/hosts/brussels-commons/news",
        "401 403 403 403 201 403 403",
        lambda w: NEWS_DRAFT,
    ),
    (
        "post",
        lambda w: f"{A}/chapters/brussels/news",
        "401 403 201 403 403 403 403",
        lambda w: NEWS_DRAFT,
    ),
    (
        "patch",
        lambda w: f"{A}/news/{w.public.pk}",
        "401 403 403 200 403 403 403",
        lambda w: {"title": "New saison, bottled"},
    ),
    (
        "patch",
        lambda w: f"{A}/news/{w.draft.pk}",
        "401 404 404 200 404 404 404",
        lambda w: {"audience": "members"},
    ),
    ("post", lambda w: f"{A}/news/{w.draft.pk}/publish", "401 404 404 200 404 404 404", None),
    ("delete", lambda w: f"{A}/news/{w.draft.pk}", "401 404 404 204 404 404 404", None),
    ("delete", lambda w: f"{A}/news/{w.public.pk}", "401 403 403 409 403 403 403", None),
    ("get", lambda w: f"{A}/me/news", "401 200 200 200 200 200 200", None),
    (
        "patch",
        lambda w: f"{A}/collectives/brasserie-zinneke/follow",
        "401 200 409 409 409 409 409",
        lambda w: {"news_emails": False},
    ),
    (
        "patch",
        lambda w: f"{A}/chapters/brussels/follow",
        "401 200 409 409 409 409 409",
        lambda w: {"news_emails": False},
    ),
]

# Platform staff do not write a chapter's news; its connectors (chloé) do.
NEWS_STAFF: list[NewsRow] = [
    ("get", lambda w: "/chapters/brussels/news/new/", "302 403 200 403 403 403 403 403", None),
    (
        "post",
        lambda w: f"{A}/chapters/brussels/news",
        "401 403 201 403 403 403 403 403",
        lambda w: NEWS_DRAFT,
    ),
]


@pytest.fixture
def news_world(world: World) -> Any:
    from samen.communities.tests.factories import build_news_world

    return build_news_world(world)


@pytest.mark.django_db
@pytest.mark.parametrize("row", NEWS_PAGES, ids=_ids(NEWS_PAGES))
def test_news_pages(client, news_world, row):
    _check_row(client, news_world, row, api=False)


@pytest.mark.django_db
@pytest.mark.parametrize("row", NEWS_API, ids=_ids(NEWS_API))
def test_news_api(client, news_world, row):
    _check_row(client, news_world, row, api=True)


@pytest.mark.django_db
@pytest.mark.parametrize("row", NEWS_STAFF, ids=_ids(NEWS_STAFF))
def test_news_staff(client, news_world, staff, row):
    api = row[1](news_world).startswith(A)
    _check_row(client, news_world, row, api=api, staff=staff)


# --- An open door: asking to join a host's community ----------------------------------------
# The host accepts members and asks one question; Eva (no column) has asked already, so the
# decision rows act on her request. Anna and Femke are host members already.

IDEA = "A tool library for our street."

HOST_JOIN_PAGES: list[Row] = [
    ("get", lambda w: f"{H}/join/", "302 200 200 200 200 200 200", None),
    (
        "post",
        lambda w: f"{H}/join/",
        "302 302 302 302 200 200 302",
        lambda w: {"idea": IDEA, "answer_0": "Woodwork", "rules_accepted": "on"},
    ),
    # No idea: the form answers at its field and nothing is written.
    (
        "post",
        lambda w: f"{H}/join/",
        "302 200 200 200 200 200 200",
        lambda w: {"idea": "", "answer_0": "Woodwork", "rules_accepted": "on"},
    ),
    (
        "post",
        lambda w: f"/join-requests/{w.join_request.pk}/decide/",
        "302 404 404 404 302 404 404",
        lambda w: {"decision": "approve", "reason": "Welcome!"},
    ),
    (
        "post",
        lambda w: f"/join-requests/{w.join_request.pk}/decide/",
        "302 404 404 404 302 404 404",
        lambda w: {"decision": "decline", "reason": "We are full."},
    ),
]

HOST_JOIN_API: list[Row] = [
    (
        "post",
        lambda w: f"{A}/hosts/brussels-commons/join-requests",
        "401 201 201 201 409 409 201",
        lambda w: {"idea": IDEA, "answers": ["Woodwork"], "rules_accepted": True},
    ),
    (
        "post",
        lambda w: f"{A}/hosts/brussels-commons/join-requests",
        "401 400 400 400 400 400 400",
        lambda w: {"idea": "", "answers": ["Woodwork"], "rules_accepted": True},
    ),
    (
        "get",
        lambda w: f"{A}/join-requests/{w.join_request.pk}",
        "401 404 404 404 200 404 404",
        None,
    ),
    (
        "post",
        lambda w: f"{A}/join-requests/{w.join_request.pk}/approve",
        "401 404 404 404 200 404 404",
        lambda w: {"message": "Welcome!"},
    ),
    (
        "post",
        lambda w: f"{A}/join-requests/{w.join_request.pk}/decline",
        "401 404 404 404 200 404 404",
        lambda w: {"reason": "We are full."},
    ),
    (
        "post",
        lambda w: f"{A}/join-requests/{w.join_request.pk}/withdraw",
        "401 404 404 404 403 404 404",
        None,
    ),
]


@pytest.fixture
def host_world(community: Any) -> World:
    """The world with the host's door open and Eva's request to join its community."""
    from samen.communities import actions

    world = build_world(community)
    community.host = actions.host_update(
        actor=community.anna,
        host=community.host,
        accepts_members=True,
        member_questions="Which skills do you bring?",
    )
    world.join_request = actions.host_join_request_submit(
        actor=community.eva,
        host=community.host,
        idea=IDEA,
        answers=["Cooking"],
        rules_accepted=True,
    )
    return world


@pytest.mark.django_db
@pytest.mark.parametrize("row", HOST_JOIN_PAGES, ids=_ids(HOST_JOIN_PAGES))
def test_host_join_pages(client, host_world, row):
    _check_row(client, host_world, row, api=False)


@pytest.mark.django_db
@pytest.mark.parametrize("row", HOST_JOIN_API, ids=_ids(HOST_JOIN_API))
def test_host_join_api(client, host_world, row):
    _check_row(client, host_world, row, api=True)


@pytest.mark.django_db
def test_a_closed_door_is_refused_to_everyone(client, world):
    row: Row = (
        "post",
        lambda w: f"{A}/hosts/brussels-commons/join-requests",
        "401 400 400 400 400 400 400",
        lambda w: {"idea": IDEA, "answers": [], "rules_accepted": True},
    )
    _check_row(client, world, row, api=True)
