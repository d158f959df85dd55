"""The communities access rules asked directly, every rule for every kind of person.

``test_access_matrix.py`` asks the same rules through every page and endpoint (the views'
wiring); this table asks ``can`` and each ``access_*`` function themselves, in one process
and a few seconds, which is what the mutation run of ``samen/communities/access.py`` uses
(``bench/mutation.py``).

Columns: no person at all (``None``, as a background task passes), anonymous, dries
(follows the brewery, member of the Brussels chapter), chloé (member of the brewery,
connector of the chapter), bram (admin of the brewery and of the host-less pop-up), anna
(host admin), femke (host accountant), gilles (admin of another collective, connector of
the chapter without being its member), eva (no role; she asked to join the brewery and the
host's community), stefaan (platform staff) and root (superuser). Function rows answer
``ok`` (the object), ``403`` (PermissionDenied) or ``404`` (Http404); ``can`` rows answer
``y`` or ``n``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.test import RequestFactory

from samen.communities import access
from samen.communities.access import Need
from samen.communities.models import Collective, Invitation, JoinRequest
from samen.communities.tests.factories import NewsWorld, build_news_world, build_world

PERSONAS = [
    "none",
    "anon",
    "dries",
    "chloe",
    "bram",
    "anna",
    "femke",
    "gilles",
    "eva",
    "staff",
    "root",
]
NOT_FOUND = 1_000_000


@dataclass
class Table:
    """The news world with a person per column and the requests and invitations to ask about."""

    w: NewsWorld
    people: dict[str, Any]
    host_request: JoinRequest
    host_invitation: Invitation


@pytest.fixture
def table(community: Any, make_user: Any) -> Table:
    from samen.communities import actions

    w = build_news_world(build_world(community))
    w.chapter.members.add(community.dries)
    # A connector who has not joined the chapter writes (and so reads) its news all the same.
    w.chapter.connectors.add(community.gilles)
    host = actions.host_update(actor=community.anna, host=community.host, accepts_members=True)
    host_request = actions.host_join_request_submit(
        actor=community.eva, host=host, idea="A tool library.", answers=[], rules_accepted=True
    )
    host_invitation = actions.invitation_send(
        actor=community.anna, owner=host, email="bookkeeper@example.org", role="accountant"
    )
    people: dict[str, Any] = {"none": None, "anon": AnonymousUser()}
    for name in ["dries", "chloe", "bram", "anna", "femke", "gilles", "eva"]:
        people[name] = getattr(community, name)
    people["staff"] = make_user("stefaan@example.org", "Stefaan", is_staff=True)
    people["root"] = make_user("root@example.org", "Root", is_superuser=True)
    return Table(w, people, host_request, host_invitation)


def outcome(call: Callable[[], Any]) -> str:
    try:
        result = call()
    except Http404:
        return "404"
    except PermissionDenied:
        return "403"
    if isinstance(result, bool):
        return "y" if result else "n"
    assert result is not None
    return "ok"


Ask = Callable[[Table, Any], Any]

# (name, the question, the answer per column in PERSONAS order)
RULES: list[tuple[str, Ask, str]] = [
    # can(): a collective with a host
    (
        "collective view",
        lambda t, u: access.can(u, Need.VIEW, t.w.c.collective),
        "y y y y y y y y y y y",
    ),
    (
        "collective member",
        lambda t, u: access.can(u, Need.MEMBER, t.w.c.collective),
        "n n n y y n n n n n y",
    ),
    (
        "collective admin",
        lambda t, u: access.can(u, "admin", t.w.c.collective),
        "n n n n y n n n n n y",
    ),
    (
        "collective host admin",
        lambda t, u: access.can(u, Need.HOST_ADMIN, t.w.c.collective),
        "n n n n n y n n n n y",
    ),
    (
        "collective finance",
        lambda t, u: access.can(u, Need.FINANCE, t.w.c.collective),
        "n n n n y y y n n n y",
    ),
    # a collective without a host yet: no host admin, its own admins read its finances
    ("pop-up member", lambda t, u: access.can(u, Need.MEMBER, t.w.popup), "n n n n y n n n n n y"),
    (
        "pop-up host admin",
        lambda t, u: access.can(u, Need.HOST_ADMIN, t.w.popup),
        "n n n n n n n n n n y",
    ),
    (
        "pop-up finance",
        lambda t, u: access.can(u, Need.FINANCE, t.w.popup),
        "n n n n y n n n n n y",
    ),
    # a host
    ("host view", lambda t, u: access.can(u, Need.VIEW, t.w.c.host), "y y y y y y y y y y y"),
    ("host member", lambda t, u: access.can(u, Need.MEMBER, t.w.c.host), "n n n n n y y n n n y"),
    ("host admin", lambda t, u: access.can(u, Need.ADMIN, t.w.c.host), "n n n n n y n n n n y"),
    (
        "host host admin",
        lambda t, u: access.can(u, Need.HOST_ADMIN, t.w.c.host),
        "n n n n n y n n n n y",
    ),
    ("host finance", lambda t, u: access.can(u, Need.FINANCE, t.w.c.host), "n n n n n y y n n n y"),
    # a chapter: members, connectors (and staff) manage; no finances, no host admin
    ("chapter view", lambda t, u: access.can(u, Need.VIEW, t.w.chapter), "y y y y y y y y y y y"),
    (
        "chapter member",
        lambda t, u: access.can(u, Need.MEMBER, t.w.chapter),
        "n n y y n n n n n n y",
    ),
    ("chapter admin", lambda t, u: access.can(u, Need.ADMIN, t.w.chapter), "n n n y n n n y n y y"),
    (
        "chapter host admin",
        lambda t, u: access.can(u, Need.HOST_ADMIN, t.w.chapter),
        "n n n n n n n n n n y",
    ),
    (
        "chapter finance",
        lambda t, u: access.can(u, Need.FINANCE, t.w.chapter),
        "n n n n n n n n n n y",
    ),
    ("platform staff", lambda t, u: access.is_platform_staff(u), "n n n n n n n n n y y"),
    # the access_* functions: unknown ids are 404 for everyone
    (
        "access collective",
        lambda t, u: access.access_collective(u, "brasserie-zinneke"),
        "ok ok ok ok ok ok ok ok ok ok ok",
    ),
    (
        "access collective admin",
        lambda t, u: access.access_collective(u, "brasserie-zinneke", "admin"),
        "403 403 403 403 ok 403 403 403 403 403 ok",
    ),
    (
        "access collective unknown",
        lambda t, u: access.access_collective(u, "nope", "admin"),
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    (
        "collective by id",
        lambda t, u: access.access_collective_by_id(u, t.w.c.collective.pk),
        "ok ok ok ok ok ok ok ok ok ok ok",
    ),
    (
        "collective by id finance",
        lambda t, u: access.access_collective_by_id(u, t.w.c.collective.pk, Need.FINANCE),
        "403 403 403 403 ok ok ok 403 403 403 ok",
    ),
    (
        "collective by id unknown",
        lambda t, u: access.access_collective_by_id(u, NOT_FOUND),
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    (
        "access host",
        lambda t, u: access.access_host(u, "brussels-commons"),
        "ok ok ok ok ok ok ok ok ok ok ok",
    ),
    (
        "access host finance",
        lambda t, u: access.access_host(u, "brussels-commons", Need.FINANCE),
        "403 403 403 403 403 ok ok 403 403 403 ok",
    ),
    (
        "access host unknown",
        lambda t, u: access.access_host(u, "nope"),
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    (
        "host by id",
        lambda t, u: access.access_host_by_id(u, t.w.c.host.pk),
        "ok ok ok ok ok ok ok ok ok ok ok",
    ),
    (
        "host by id admin",
        lambda t, u: access.access_host_by_id(u, t.w.c.host.pk, "admin"),
        "403 403 403 403 403 ok 403 403 403 403 ok",
    ),
    (
        "host by id unknown",
        lambda t, u: access.access_host_by_id(u, NOT_FOUND),
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    (
        "access chapter",
        lambda t, u: access.access_chapter(u, "brussels"),
        "ok ok ok ok ok ok ok ok ok ok ok",
    ),
    (
        "access chapter admin",
        lambda t, u: access.access_chapter(u, "brussels", Need.ADMIN),
        "403 403 403 ok 403 403 403 ok 403 ok ok",
    ),
    (
        "access chapter unknown",
        lambda t, u: access.access_chapter(u, "nope"),
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    (
        "chapter as staff",
        lambda t, u: access.access_chapter_as_staff(u, "brussels"),
        "403 403 403 403 403 403 403 403 403 ok ok",
    ),
    (
        "chapter as staff unknown",
        lambda t, u: access.access_chapter_as_staff(u, "nope"),
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # the pop-up's application to the host: its admins and the host's staff see it
    (
        "application",
        lambda t, u: access.access_application(u, t.w.application.pk),
        "404 404 404 404 ok ok ok 404 404 404 ok",
    ),
    (
        "application decide",
        lambda t, u: access.access_application(u, t.w.application.pk, Need.HOST_ADMIN),
        "404 404 404 404 403 ok 403 404 404 404 ok",
    ),
    (
        "application withdraw",
        lambda t, u: access.access_application(u, t.w.application.pk, "admin"),
        "404 404 404 404 ok 403 403 404 404 404 ok",
    ),
    (
        "application unknown",
        lambda t, u: access.access_application(u, NOT_FOUND),
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # eva's requests: to the brewery, to the host's community
    (
        "join request",
        lambda t, u: access.access_join_request(u, t.w.join_request.pk),
        "404 404 404 404 ok 404 404 404 ok 404 ok",
    ),
    (
        "join request decide",
        lambda t, u: access.access_join_request(u, t.w.join_request.pk, "admin"),
        "404 404 404 404 ok 404 404 404 403 404 ok",
    ),
    (
        "host join request",
        lambda t, u: access.access_join_request(u, t.host_request.pk),
        "404 404 404 404 404 ok 404 404 ok 404 ok",
    ),
    (
        "host join request decide",
        lambda t, u: access.access_join_request(u, t.host_request.pk, Need.ADMIN),
        "404 404 404 404 404 ok 404 404 403 404 ok",
    ),
    (
        "join request unknown",
        lambda t, u: access.access_join_request(u, NOT_FOUND),
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # invitations, for the admins of what they invite to
    (
        "invitation",
        lambda t, u: access.access_invitation_admin(u, t.w.invitation.pk),
        "404 404 404 404 ok 404 404 404 404 404 ok",
    ),
    (
        "host invitation",
        lambda t, u: access.access_invitation_admin(u, t.host_invitation.pk),
        "404 404 404 404 404 ok 404 404 404 404 ok",
    ),
    (
        "invitation unknown",
        lambda t, u: access.access_invitation_admin(u, NOT_FOUND),
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # news: who writes and who reads members-only posts, per owner
    (
        "write collective news",
        lambda t, u: access.can_write_news(u, t.w.c.collective),
        "n n n n y n n n n n y",
    ),
    ("write host news", lambda t, u: access.can_write_news(u, t.w.c.host), "n n n n n y n n n n y"),
    (
        "write chapter news",
        lambda t, u: access.can_write_news(u, t.w.chapter),
        "n n n y n n n y n n y",
    ),
    (
        "members' collective news",
        lambda t, u: access.can_read_members_news(u, t.w.c.collective),
        "n n n y y n n n n n y",
    ),
    (
        "members' host news",
        lambda t, u: access.can_read_members_news(u, t.w.c.host),
        "n n n n n y y n n n y",
    ),
    (
        "members' chapter news",
        lambda t, u: access.can_read_members_news(u, t.w.chapter),
        "n n y y n n n y n n y",
    ),
    (
        "public post",
        lambda t, u: access.access_news_post(u, t.w.public.pk),
        "ok ok ok ok ok ok ok ok ok ok ok",
    ),
    (
        "public post edit",
        lambda t, u: access.access_news_post(u, t.w.public.pk, "admin"),
        "403 403 403 403 ok 403 403 403 403 403 ok",
    ),
    (
        "members-only post",
        lambda t, u: access.access_news_post(u, t.w.members_only.pk),
        "404 404 404 ok ok 404 404 404 404 404 ok",
    ),
    (
        "members-only post edit",
        lambda t, u: access.access_news_post(u, t.w.members_only.pk, Need.ADMIN),
        "404 404 404 403 ok 404 404 404 404 404 ok",
    ),
    (
        "draft",
        lambda t, u: access.access_news_post(u, t.w.draft.pk),
        "404 404 404 404 ok 404 404 404 404 404 ok",
    ),
    (
        "host post edit",
        lambda t, u: access.access_news_post(u, t.w.host_post.pk, "admin"),
        "403 403 403 403 403 ok 403 403 403 403 ok",
    ),
    (
        "chapter post edit",
        lambda t, u: access.access_news_post(u, t.w.chapter_post.pk, "admin"),
        "403 403 403 ok 403 403 403 ok 403 403 ok",
    ),
    (
        "post unknown",
        lambda t, u: access.access_news_post(u, NOT_FOUND),
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    (
        "collective news",
        lambda t, u: access.access_news_owner(u, "collective", "brasserie-zinneke"),
        "ok ok ok ok ok ok ok ok ok ok ok",
    ),
    (
        "collective news admin",
        lambda t, u: access.access_news_owner(u, "collective", "brasserie-zinneke", "admin"),
        "403 403 403 403 ok 403 403 403 403 403 ok",
    ),
    (
        "host news admin",
        lambda t, u: access.access_news_owner(u, "host", "brussels-commons", Need.ADMIN),
        "403 403 403 403 403 ok 403 403 403 403 ok",
    ),
    (
        "chapter news admin",
        lambda t, u: access.access_news_owner(u, "chapter", "brussels", Need.ADMIN),
        "403 403 403 ok 403 403 403 ok 403 403 ok",
    ),
    (
        "news of an unknown kind",
        lambda t, u: access.access_news_owner(u, "event", "brussels"),
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    (
        "news of an unknown host",
        lambda t, u: access.access_news_owner(u, "host", "nope"),
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
]


@pytest.mark.django_db
def test_every_rule_for_every_person(table: Table) -> None:
    wrong = []
    for name, ask, expected in RULES:
        answers = expected.split()
        assert len(answers) == len(PERSONAS), name
        for persona, answer in zip(PERSONAS, answers, strict=True):
            got = outcome(lambda: ask(table, table.people[persona]))  # noqa: B023
            if got != answer:
                wrong.append(f"{name}, {persona}: expected {answer}, got {got}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
def test_the_access_functions_return_the_object_asked_for(table: Table) -> None:
    root, w = table.people["root"], table.w
    assert access.access_collective(root, "brasserie-zinneke") == w.c.collective
    assert access.access_collective_by_id(root, w.popup.pk) == w.popup
    assert access.access_host(root, "brussels-commons") == w.c.host
    assert access.access_host_by_id(root, w.c.host.pk) == w.c.host
    assert access.access_chapter(root, "brussels") == w.chapter
    assert access.access_chapter_as_staff(root, "brussels") == w.chapter
    assert access.access_application(root, w.application.pk) == w.application
    assert access.access_join_request(root, table.host_request.pk) == table.host_request
    assert access.access_invitation_admin(root, w.invitation.pk) == w.invitation
    assert access.access_news_post(root, w.draft.pk) == w.draft
    assert access.access_news_owner(root, "chapter", "brussels") == w.chapter
    assert access.access_news_owner(root, "host", "brussels-commons") == w.c.host


@pytest.mark.django_db
def test_the_objects_come_with_what_their_pages_read(
    table: Table, django_assert_num_queries: Any
) -> None:
    """Each object is loaded in one query with the relations its rules and pages read (the
    person's roles are cached on them after a first call)."""
    from samen.communities import actions

    root, w = table.people["root"], table.w
    decided = actions.application_reject(
        actor=w.c.anna, application=w.application, reason="We are full this year."
    )
    calls: list[tuple[Callable[[], Any], str]] = [
        (lambda: access.access_collective_by_id(root, w.c.collective.pk), "host"),
        (
            lambda: access.access_application(root, decided.pk),
            "host collective applied_by decided_by",
        ),
        (lambda: access.access_join_request(root, w.join_request.pk), "collective user"),
        (lambda: access.access_join_request(root, table.host_request.pk), "host user"),
        (lambda: access.access_invitation_admin(root, w.invitation.pk), "collective"),
        (lambda: access.access_invitation_admin(root, table.host_invitation.pk), "host"),
        (lambda: access.access_news_post(root, w.public.pk), "collective.host author"),
        (lambda: access.access_news_post(root, w.host_post.pk), "host"),
        (lambda: access.access_news_post(root, w.chapter_post.pk), "chapter"),
    ]
    for call, relations in calls:
        call()
        with django_assert_num_queries(1):
            loaded = call()
            for relation in relations.split():
                assert attrgetter(relation)(loaded).pk


def test_no_rules_for_other_objects() -> None:
    with pytest.raises(TypeError, match=r"^No access rules for AnonymousUser$"):
        access.can(None, Need.VIEW, AnonymousUser())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'own'"):
        access.can(None, "own", Collective(name="x"))


# House rules ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_member_who_has_not_accepted_the_new_rules_is_stopped(table: Table) -> None:
    from samen.communities import actions

    c = table.w.c
    access.require_rules_accepted(c.chloe, c.collective)  # she accepted them
    access.require_rules_accepted(c.dries, c.collective)  # a follower is not asked
    actions.rules_publish(actor=c.bram, owner=c.collective, text="Be kind. Clean up.")
    with pytest.raises(access.RulesNotAccepted) as refused:
        access.require_rules_accepted(c.chloe, c.collective)
    assert refused.value.owner == c.collective
    assert str(refused.value) == "Accept the current house rules of Brasserie Zinneke first."


@pytest.mark.django_db
def test_the_rules_decorator_sends_the_member_to_the_rules_page(table: Table) -> None:
    from samen.communities import actions

    c = table.w.c
    called: list[tuple[Any, ...]] = []

    @access.rules_accepted_required(lambda request, slug, **kw: Collective.objects.get(slug=slug))
    def post_topic(request: HttpRequest, slug: str, number: int = 0) -> HttpResponse:
        """Post a topic."""
        called.append((slug, number))
        return HttpResponse("posted")

    def ask(user: Any) -> HttpResponse:
        request = RequestFactory().post("/collectives/brasserie-zinneke/topics/?draft=1")
        request.user = user
        return post_topic(request, "brasserie-zinneke", number=7)

    assert post_topic.__doc__ == "Post a topic."
    assert ask(c.chloe).content == b"posted"
    assert called == [("brasserie-zinneke", 7)]

    actions.rules_publish(actor=c.bram, owner=c.collective, text="Be kind. Clean up.")
    response = ask(c.chloe)
    assert response.status_code == 302
    assert response["Location"] == (
        "/collectives/brasserie-zinneke/rules/"
        "?next=%2Fcollectives%2Fbrasserie-zinneke%2Ftopics%2F%3Fdraft%3D1"
    )
    assert called == [("brasserie-zinneke", 7)]


@pytest.mark.django_db
def test_the_rules_decorator_names_the_host_rules_page(table: Table) -> None:
    from samen.communities import actions

    c = table.w.c

    @access.rules_accepted_required(lambda request: c.host)
    def offer(request: HttpRequest) -> HttpResponse:
        return HttpResponse("offered")

    actions.rules_publish(actor=c.anna, owner=c.host, text="Keep receipts. Sign them.")
    request = RequestFactory().get("/offers/new/")
    request.user = c.femke
    response = offer(request)
    assert response.status_code == 302
    assert response["Location"] == "/hosts/brussels-commons/rules/?next=%2Foffers%2Fnew%2F"
