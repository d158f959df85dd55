"""News pages: writing with a preview, sanitised Markdown, the Atom feed, the personal feed
and the follow button's e-mail switch."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.core import mail

from samen.communities import actions
from samen.communities.models import Follow, NewsPost
from samen.communities.tests.factories import make_chapter

pytestmark = pytest.mark.django_db

C = "/collectives/brasserie-zinneke"
ATOM = "{http://www.w3.org/2005/Atom}"
EVIL = (
    'Cheers! <script>alert("x")</script> <img src=x onerror="alert(1)"> '
    "[click](javascript:alert(2))"
)


def _publish(community, title, body="Hello.", **kw):
    return actions.news_create(
        actor=community.bram,
        owner=community.collective,
        title=title,
        body=body,
        publish=True,
        **kw,
    )


def test_write_preview_and_publish(client, community, django_capture_on_commit_callbacks):
    client.force_login(community.bram)
    assert client.get(f"{C}/news/new/").status_code == 200
    data = {"title": "Tasting", "body": "Come **taste**.", "audience": "public"}
    # htmx asks for the preview only; nothing is saved
    preview = client.post(f"{C}/news/new/", {**data, "do": "preview"}, HTTP_HX_REQUEST="true")
    assert preview.status_code == 200
    assert "<strong>taste</strong>" in preview.content.decode()
    assert "<html" not in preview.content.decode()
    # without JavaScript the whole page comes back with the preview in it
    page = client.post(f"{C}/news/new/", {**data, "do": "preview"}).content.decode()
    assert "<html" in page
    assert "<strong>taste</strong>" in page
    assert not NewsPost.objects.exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{C}/news/new/", {**data, "do": "publish"})
    post = NewsPost.objects.get()
    assert response.status_code == 302
    assert response["Location"] == post.get_absolute_url()
    assert post.published_at is not None
    assert {m.to[0] for m in mail.outbox} == {"chloe@example.org", "dries@example.org"}


def test_draft_then_publish_from_its_page(client, community, django_capture_on_commit_callbacks):
    client.force_login(community.bram)
    data = {"title": "Plans", "body": "Stout.", "audience": "public", "do": "draft"}
    client.post(f"{C}/news/new/", data)
    post = NewsPost.objects.get()
    assert post.is_draft
    page = client.get(post.get_absolute_url()).content.decode()
    assert "This is a draft" in page
    assert client.get(f"{C}/").content.decode().count("Plans") == 0
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{C}/news/{post.pk}/publish/", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == post.get_absolute_url()
    post.refresh_from_db()
    assert not post.is_draft
    assert len(mail.outbox) == 2


def test_invalid_form_shows_errors_and_saves_nothing(client, community):
    client.force_login(community.bram)
    response = client.post(f"{C}/news/new/", {"title": "", "body": "", "do": "publish"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not NewsPost.objects.exists()


def test_script_in_the_body_never_reaches_a_page(client, community):
    post = _publish(community, "Party", EVIL)
    client.force_login(community.bram)
    urls = [post.get_absolute_url(), f"{C}/", f"{C}/news/", "/news/", f"{C}/news/feed/"]
    # the API gives the Markdown as written (JSON, never rendered) and sanitised HTML
    api = client.get(f"/api/v1/news/{post.pk}").json()
    assert "<script" not in api["body_html"]
    assert "onerror" not in api["body_html"]
    for url in urls:
        body = client.get(url).content.decode()
        assert "Party" in body, url
        for bad in ("<script>alert", "onerror=", "javascript:alert"):
            assert bad not in body, (url, bad)
    preview = client.post(
        f"{C}/news/new/",
        {"title": "x", "body": EVIL, "audience": "public", "do": "preview"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Cheers!" in preview
    assert "<script>alert" not in preview


def test_entity_pages_show_the_latest_public_news_and_the_feed_link(client, community):
    c = community
    chapter = make_chapter(connectors=[c.chloe])
    _publish(c, "Public brew")
    _publish(c, "Secret rota", audience="members")
    actions.news_create(actor=c.anna, owner=c.host, title="Host news", body="Hi.", publish=True)
    actions.news_create(actor=c.chloe, owner=chapter, title="Picnic", body="Hi.", publish=True)
    client.force_login(c.chloe)  # a member: still only public news on the public page
    page = client.get(f"{C}/").content.decode()
    assert "Public brew" in page
    assert "Secret rota" not in page
    assert '<link rel="alternate" type="application/atom+xml"' in page
    assert f'href="{C}/news/feed/"' in page
    assert "Host news" in client.get("/hosts/brussels-commons/").content.decode()
    assert "Picnic" in client.get("/chapters/brussels/").content.decode()
    # the news list shows members-only posts to members
    assert "Secret rota" in client.get(f"{C}/news/").content.decode()
    client.force_login(c.dries)
    assert "Secret rota" not in client.get(f"{C}/news/").content.decode()


def test_atom_feed_parses_and_has_no_members_only_news(client, community):
    c = community
    public = _publish(c, "Public brew", "A **saison**.")
    _publish(c, "Secret rota", audience="members")
    actions.news_create(actor=c.bram, owner=c.collective, title="Draft", body="Not yet.")
    client.force_login(c.chloe)  # even for a member, the feed is public news only
    response = client.get(f"{C}/news/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}title") == "News from Brasserie Zinneke"
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Public brew"]
    assert "<strong>saison</strong>" in (entries[0].findtext(f"{ATOM}summary") or "")
    link = entries[0].find(f"{ATOM}link")
    assert link is not None
    assert (link.get("href") or "").endswith(f"/news/{public.pk}/")


def test_personal_feed_query_count_does_not_grow(
    client, community, make_user, django_assert_max_num_queries
):
    reader = make_user("reader@example.org", "Reader")

    def grow(n, start):
        for i in range(start, start + n):
            admin = make_user(f"admin{i}@example.org", f"Admin {i}")
            collective = actions.collective_create(actor=admin, name=f"Collective {i}")
            actions.follow_add(actor=reader, target=collective)
            actions.news_create(
                actor=admin, owner=collective, title=f"News {i}", body="Hi.", publish=True
            )
            actions.member_add(actor=admin, owner=collective, user=reader, role="member")
            actions.news_create(
                actor=admin,
                owner=collective,
                title=f"Members {i}",
                body="Hi.",
                audience="members",
                publish=True,
            )

    client.force_login(reader)
    urls = ["/news/", f"{C}/news/", "/api/v1/me/news"]
    grow(2, 0)
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(30) as captured:
            assert client.get(url).status_code == 200
        counts[url] = len(captured.captured_queries)
    grow(12, 2)
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert client.get(url).status_code == 200
    page = client.get("/news/").content.decode()
    assert "Members 13" in page
    assert "Collective 13" in page


def test_follow_button_switches_news_emails(client, community):
    c = community
    client.force_login(c.dries)
    page = client.get(f"{C}/").content.decode()
    assert "Stop news e-mails" in page
    response = client.post(f"{C}/follow/news/", HTTP_HX_REQUEST="true")
    assert "Get news by e-mail" in response.content.decode()
    assert not Follow.objects.get(user=c.dries, collective=c.collective).news_emails
    client.post(f"{C}/follow/news/")
    assert Follow.objects.get(user=c.dries, collective=c.collective).news_emails


def test_news_link_in_the_navigation_for_signed_in_people(client, community):
    assert 'href="/news/"' not in client.get("/collectives/").content.decode()
    client.force_login(community.eva)
    assert 'href="/news/"' in client.get("/collectives/").content.decode()
