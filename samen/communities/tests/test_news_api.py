"""The news API: the same rules as the pages, errors as {"detail", "code"}."""

from __future__ import annotations

import json

import pytest
from django.core import mail

from samen.communities import actions
from samen.communities.models import NewsPost

pytestmark = pytest.mark.django_db

A = "/api/v1"
C = f"{A}/collectives/brasserie-zinneke"


def _send(client, method, url, data=None):
    body = json.dumps(data) if data is not None else None
    return getattr(client, method)(url, data=body, content_type="application/json")


def test_write_publish_edit_and_read(client, community, django_capture_on_commit_callbacks):
    c = community
    client.force_login(c.bram)
    response = _send(
        client,
        "post",
        f"{C}/news",
        {"title": "Tasting", "body": "Come *taste*.", "audience": "members"},
    )
    assert response.status_code == 201
    post = response.json()
    assert post["published_at"] is None
    assert post["kind"] == "collective"
    assert post["owner"] == "brasserie-zinneke"
    assert post["body_html"] == "<p>Come <em>taste</em>.</p>"
    drafts = client.get(f"{C}/news?status=draft").json()
    assert [p["id"] for p in drafts["items"]] == [post["id"]]
    assert client.get(f"{C}/news").json()["items"] == []
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        published = _send(client, "post", f"{A}/news/{post['id']}/publish")
        again = _send(client, "post", f"{A}/news/{post['id']}/publish")
    assert published.status_code == again.status_code == 200
    assert published.json()["published_at"] == again.json()["published_at"] is not None
    assert [m.to for m in mail.outbox] == [["chloe@example.org"]]
    edited = _send(client, "patch", f"{A}/news/{post['id']}", {"audience": "public"})
    assert edited.json()["audience"] == "public"
    assert len(mail.outbox) == 1
    client.logout()
    listed = client.get(f"{C}/news").json()
    assert [p["title"] for p in listed["items"]] == ["Tasting"]
    assert client.get(f"{A}/news/{post['id']}").json()["author"] == "Bram"


def test_members_see_members_only_news_in_lists(client, community):
    c = community
    for i in range(3):
        actions.news_create(
            actor=c.bram,
            owner=c.collective,
            title=f"Post {i}",
            body="Hi.",
            audience="members" if i % 2 else "public",
            publish=True,
        )
    assert [p["title"] for p in client.get(f"{C}/news").json()["items"]] == ["Post 2", "Post 0"]
    client.force_login(c.chloe)
    page = client.get(f"{C}/news?limit=2").json()
    assert [p["title"] for p in page["items"]] == ["Post 2", "Post 1"]
    rest = client.get(f"{C}/news?limit=2&cursor={page['next_cursor']}").json()
    assert [p["title"] for p in rest["items"]] == ["Post 0"]
    assert rest["next_cursor"] is None
    mine = client.get(f"{A}/me/news").json()
    assert [p["title"] for p in mine["items"]] == ["Post 2", "Post 1", "Post 0"]
    client.force_login(c.dries)
    mine = client.get(f"{A}/me/news").json()
    assert [p["title"] for p in mine["items"]] == ["Post 2", "Post 0"]


def test_bad_input_and_conflicts(client, community):
    c = community
    client.force_login(c.bram)
    bad = _send(client, "post", f"{C}/news", {"title": "x", "body": "y", "audience": "friends"})
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid"
    blank = _send(client, "post", f"{C}/news", {"title": "   ", "body": "y"})
    assert blank.status_code == 400
    assert blank.json()["code"] == "title_required"
    assert not NewsPost.objects.exists()
    post = _send(client, "post", f"{C}/news", {"title": "Hi", "body": "y", "publish": True}).json()
    gone = _send(client, "delete", f"{A}/news/{post['id']}")
    assert gone.status_code == 409
    assert gone.json()["code"] == "news_published"
    assert client.get(f"{A}/news/999999").json()["code"] == "not_found"
    assert client.get(f"{C}/news?cursor=forged").json()["code"] == "invalid_cursor"


def test_follow_news_switch(client, community):
    c = community
    client.force_login(c.dries)
    response = _send(client, "patch", f"{C}/follow", {"news_emails": False})
    assert response.status_code == 200
    assert response.json() == {"following": True, "followers": 1, "news_emails": False}
    mine = client.get(f"{A}/follows/mine").json()["items"]
    assert mine[0]["news_emails"] is False
    client.force_login(c.eva)
    refused = _send(client, "patch", f"{C}/follow", {"news_emails": False})
    assert refused.status_code == 409
    assert refused.json()["code"] == "not_following"
