"""Opening and editing chapters, managing their connectors, the caller's follows in the API
and the host dashboard links in the user menu."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.template import Context, Template
from django.test import RequestFactory

from samen.audit.models import AuditEntry
from samen.communities import actions
from samen.communities.errors import CommunityError, CommunityErrorCode
from samen.communities.models import Chapter
from samen.communities.tests.factories import make_chapter

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(make_user: Any) -> Any:
    return make_user("stefaan@example.org", "Stefaan", is_staff=True)


@pytest.fixture
def brussels(chloe: Any) -> Chapter:
    return make_chapter(connectors=[chloe])


def _audit(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action))


# --- actions --------------------------------------------------------------------------------


def test_staff_open_a_chapter_with_an_audit_row(staff, chloe):
    chapter = actions.chapter_create(
        actor=staff, name="Ghent", city="Gent", country="be", connectors=[chloe]
    )
    assert (chapter.slug, chapter.country) == ("ghent", "BE")
    assert list(chapter.connectors.all()) == [chloe]
    assert chapter.members.filter(pk=chloe.pk).exists()
    [entry] = _audit("chapter.create")
    assert entry.actor == staff
    assert entry.data == {"connectors": [chloe.pk]}


def test_only_staff_open_or_edit_chapters(bram, brussels, chloe):
    with pytest.raises(PermissionDenied):
        actions.chapter_create(actor=bram, name="Ghent")
    # a connector leads the chapter but does not rename it
    with pytest.raises(PermissionDenied):
        actions.chapter_update(actor=chloe, chapter=brussels, name="Brussel")
    assert not Chapter.objects.filter(slug="ghent").exists()


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"name": "Brussels"}, CommunityErrorCode.SLUG_TAKEN),
        ({"name": "New", "slug": "new"}, CommunityErrorCode.SLUG_TAKEN),
        ({"name": "Ghent", "country": "B1"}, CommunityErrorCode.INVALID_COUNTRY),
        ({"name": "Ghent", "country": "BEL"}, CommunityErrorCode.INVALID_COUNTRY),
        ({"name": "   "}, CommunityErrorCode.NAME_REQUIRED),
    ],
)
def test_chapter_create_refuses_bad_input(staff, brussels, fields, code):
    with pytest.raises(CommunityError) as caught:
        actions.chapter_create(actor=staff, **fields)
    assert caught.value.code == code
    assert Chapter.objects.count() == 1
    assert not _audit("chapter.create")


def test_chapter_update_records_old_values(staff, brussels):
    make_chapter("Ghent", "Gent")
    actions.chapter_update(
        actor=staff, chapter=brussels, name="Brussel", city="Brussel", country="BE"
    )
    brussels.refresh_from_db()
    assert (brussels.name, brussels.city) == ("Brussel", "Brussel")
    [entry] = _audit("chapter.update")
    assert entry.data == {"before": {"name": "Brussels", "city": "Brussels"}}
    with pytest.raises(CommunityError) as caught:
        actions.chapter_update(actor=staff, chapter=brussels, slug="ghent")
    assert caught.value.code == CommunityErrorCode.SLUG_TAKEN
    brussels.refresh_from_db()
    assert brussels.slug == "brussels"
    # saving unchanged values writes no audit row
    actions.chapter_update(actor=staff, chapter=brussels, name="Brussel")
    assert len(_audit("chapter.update")) == 1


def test_connectors_add_and_remove_each_other(brussels, chloe, eva):
    person = actions.chapter_connector_add(actor=chloe, chapter=brussels, email=" EVA@example.org ")
    assert person == eva
    assert set(brussels.connectors.all()) == {chloe, eva}
    assert brussels.members.filter(pk=eva.pk).exists()
    actions.chapter_connector_remove(actor=eva, chapter=brussels, user=chloe)
    assert list(brussels.connectors.all()) == [eva]
    # a removed connector stays a member of the chapter
    assert brussels.members.filter(pk=chloe.pk).exists()
    assert [e.data for e in _audit("chapter.connector_add")] == [{"user": eva.pk}]
    assert [e.data for e in _audit("chapter.connector_remove")] == [{"user": chloe.pk}]


def test_connector_rules(brussels, chloe, bram, staff):
    with pytest.raises(CommunityError) as caught:
        actions.chapter_connector_add(actor=chloe, chapter=brussels, email="nobody@example.org")
    assert caught.value.code == CommunityErrorCode.UNKNOWN_PERSON
    assert caught.value.field == "email"
    with pytest.raises(CommunityError) as caught:
        actions.chapter_connector_add(actor=chloe, chapter=brussels, email="chloe@example.org")
    assert caught.value.code == CommunityErrorCode.ALREADY_CONNECTOR
    with pytest.raises(PermissionDenied):
        actions.chapter_connector_add(actor=bram, chapter=brussels, email="bram@example.org")
    with pytest.raises(CommunityError) as caught:
        actions.chapter_connector_remove(actor=chloe, chapter=brussels, user=bram)
    assert caught.value.code == CommunityErrorCode.NOT_A_CONNECTOR
    # the last connector: not by herself, not by leaving, but staff may
    with pytest.raises(CommunityError) as caught:
        actions.chapter_connector_remove(actor=chloe, chapter=brussels, user=chloe)
    assert caught.value.code == CommunityErrorCode.LAST_CONNECTOR
    with pytest.raises(CommunityError) as caught:
        actions.chapter_leave(actor=chloe, chapter=brussels)
    assert caught.value.code == CommunityErrorCode.LAST_CONNECTOR
    assert list(brussels.connectors.all()) == [chloe]
    actions.chapter_connector_remove(actor=staff, chapter=brussels, user=chloe)
    assert not brussels.connectors.exists()


# --- pages ----------------------------------------------------------------------------------


def test_new_chapter_button_and_page_links_follow_the_roles(client, staff, brussels, chloe, bram):
    client.force_login(bram)
    assert "/chapters/new/" not in client.get("/chapters/").content.decode()
    page = client.get("/chapters/brussels/").content.decode()
    assert "/chapters/brussels/edit/" not in page
    assert "/chapters/brussels/connectors/" not in page

    client.force_login(chloe)
    page = client.get("/chapters/brussels/").content.decode()
    assert "/chapters/brussels/edit/" not in page
    assert "/chapters/brussels/connectors/" in page

    client.force_login(staff)
    assert "/chapters/new/" in client.get("/chapters/").content.decode()
    page = client.get("/chapters/brussels/").content.decode()
    assert "/chapters/brussels/edit/" in page
    assert "/chapters/brussels/connectors/" in page


def test_staff_open_a_chapter_on_the_page(client, staff, brussels):
    client.force_login(staff)
    response = client.post(
        "/chapters/new/", {"name": "Ghent", "slug": "", "city": "Gent", "country": "BE"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/chapters/ghent/connectors/"
    taken = client.post("/chapters/new/", {"name": "Brussels", "country": "BE"})
    assert taken.status_code == 200
    assert "This address is already taken" in taken.content.decode()
    bad = client.post("/chapters/new/", {"name": "Leuven", "country": "12"})
    assert "Enter a two-letter country code" in bad.content.decode()
    assert Chapter.objects.count() == 2


def test_staff_edit_a_chapter(client, staff, brussels):
    client.force_login(staff)
    form = client.get("/chapters/brussels/edit/").content.decode()
    assert 'value="Brussels"' in form
    response = client.post(
        "/chapters/brussels/edit/",
        {"name": "Brussel", "slug": "brussel", "city": "Brussel", "country": "BE"},
    )
    assert response["Location"] == "/chapters/brussel/"
    assert Chapter.objects.get().name == "Brussel"


def test_connectors_page_with_htmx(client, brussels, chloe, eva):
    client.force_login(chloe)
    page = client.get("/chapters/brussels/connectors/").content.decode()
    assert "<html" in page
    assert "Chloé" in page
    added = client.post(
        "/chapters/brussels/connectors/", {"email": "eva@example.org"}, HTTP_HX_REQUEST="true"
    )
    body = added.content.decode()
    assert added.status_code == 200
    assert "<html" not in body
    assert 'id="chapter-connectors"' in body
    assert "Eva" in body
    assert "is now a connector" in body
    refused = client.post(
        "/chapters/brussels/connectors/",
        {"email": "nobody@example.org"},
        HTTP_HX_REQUEST="true",
    )
    assert "Nobody has an account with this e-mail address." in refused.content.decode()
    removed = client.post(f"/chapters/brussels/connectors/{eva.pk}/remove/", HTTP_HX_REQUEST="true")
    assert "<html" not in removed.content.decode()
    assert list(brussels.connectors.all()) == [chloe]
    # stepping down while another connector remains: htmx is sent back to the chapter page
    actions.chapter_connector_add(actor=chloe, chapter=brussels, email="eva@example.org")
    gone = client.post(f"/chapters/brussels/connectors/{chloe.pk}/remove/", HTTP_HX_REQUEST="true")
    assert gone["HX-Redirect"] == "/chapters/brussels/"
    assert list(brussels.connectors.all()) == [eva]


def test_last_connector_sees_why_she_cannot_go(client, brussels, chloe):
    client.force_login(chloe)
    response = client.post(f"/chapters/brussels/connectors/{chloe.pk}/remove/", follow=True)
    assert "Only platform staff can remove the last connector" in response.content.decode()
    response = client.post("/chapters/brussels/membership/", follow=True)
    assert "The last connector cannot leave the chapter" in response.content.decode()
    assert list(brussels.connectors.all()) == [chloe]
    assert brussels.members.filter(pk=chloe.pk).exists()


# --- API ------------------------------------------------------------------------------------


def test_api_chapter_create_update_and_connectors(client, staff, chloe, eva):
    client.force_login(staff)
    created = client.post(
        "/api/v1/chapters",
        {"name": "Ghent", "city": "Gent", "country": "BE"},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json() | {"id": 0} == {
        "id": 0,
        "slug": "ghent",
        "name": "Ghent",
        "city": "Gent",
        "country": "BE",
        "description": "",
        "connectors": [],
        "member_count": 0,
        "collective_count": 0,
    }
    bad = client.patch("/api/v1/chapters/ghent", {"country": "9Z"}, content_type="application/json")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_country")
    blank = client.patch("/api/v1/chapters/ghent", {"name": " "}, content_type="application/json")
    assert (blank.status_code, blank.json()["code"]) == (400, "name_required")
    patched = client.patch(
        "/api/v1/chapters/ghent", {"description": "Gentse ploeg"}, content_type="application/json"
    )
    assert patched.json()["description"] == "Gentse ploeg"
    assert patched.json()["city"] == "Gent"
    added = client.post(
        "/api/v1/chapters/ghent/connectors",
        {"email": "chloe@example.org"},
        content_type="application/json",
    )
    assert added.status_code == 201
    assert added.json() == {"user_id": chloe.pk, "name": "Chloé"}
    client.force_login(chloe)
    client.post(
        "/api/v1/chapters/ghent/connectors",
        {"email": "eva@example.org"},
        content_type="application/json",
    )
    listed = client.get("/api/v1/chapters/ghent/connectors?limit=1")
    assert [c["user_id"] for c in listed.json()["items"]] == [chloe.pk]
    nxt = client.get(
        f"/api/v1/chapters/ghent/connectors?limit=1&cursor={listed.json()['next_cursor']}"
    )
    assert [c["user_id"] for c in nxt.json()["items"]] == [eva.pk]
    assert client.delete(f"/api/v1/chapters/ghent/connectors/{eva.pk}").status_code == 204
    last = client.delete(f"/api/v1/chapters/ghent/connectors/{chloe.pk}")
    assert (last.status_code, last.json()["code"]) == (409, "last_connector")


def test_api_my_follows(client, community, make_user):
    c = community
    chapter = make_chapter()
    actions.follow_add(actor=c.dries, target=c.host)
    actions.follow_add(actor=c.dries, target=chapter)
    actions.follow_add(actor=c.eva, target=c.other_collective)
    client.force_login(c.dries)
    first = client.get("/api/v1/follows/mine?limit=2").json()
    rest = client.get(f"/api/v1/follows/mine?limit=2&cursor={first['next_cursor']}").json()
    assert rest["next_cursor"] is None
    seen = [(f["kind"], f["slug"], f["name"]) for f in first["items"] + rest["items"]]
    assert seen == [
        ("chapter", "brussels", "Brussels"),
        ("host", "brussels-commons", "Brussels Commons"),
        ("collective", "brasserie-zinneke", "Brasserie Zinneke"),
    ]
    client.logout()
    anonymous = client.get("/api/v1/follows/mine")
    assert anonymous.status_code == 401


def test_api_my_follows_query_count_does_not_grow(client, community, django_assert_max_num_queries):
    c = community
    client.force_login(c.eva)
    for index in range(12):
        actions.follow_add(actor=c.eva, target=make_chapter(f"City{index}", f"City {index}"))
    actions.follow_add(actor=c.eva, target=c.collective)
    actions.follow_add(actor=c.eva, target=c.host)
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/follows/mine")
    assert len(response.json()["items"]) == 14


# --- the user menu --------------------------------------------------------------------------

MENU = Template("{% load communities %}{% host_dashboard_links %}{% host_dashboard_links %}")


def _render_menu(user: Any) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return MENU.render(Context({"request": request, "user": user}))


def test_menu_links_host_staff_to_their_dashboards_in_one_query(
    community, django_assert_num_queries
):
    c = community
    with django_assert_num_queries(0):
        assert _render_menu(AnonymousUser()).strip() == ""
    for person in (c.anna, c.femke):
        with django_assert_num_queries(1):
            html = _render_menu(person)
        assert html.count('href="/hosts/brussels-commons/dashboard/"') == 2
        assert "Host dashboard" in html
    for person in (c.bram, c.chloe, c.eva):
        with django_assert_num_queries(1):
            assert "dashboard" not in _render_menu(person)


def test_menu_on_a_page(client, community):
    client.force_login(community.femke)
    html = client.get("/chapters/").content.decode()
    assert 'href="/hosts/brussels-commons/dashboard/"' in html
    client.force_login(community.chloe)
    assert "/hosts/brussels-commons/dashboard/" not in client.get("/chapters/").content.decode()
