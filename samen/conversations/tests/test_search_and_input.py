"""Search finds only what the person may read (pages and API), and bad input gets a clear
answer and changes nothing: a script in a post stays inert, a 5 MB body is refused, a
report on one's own post is refused."""

from __future__ import annotations

import json
from typing import Any

import pytest

from samen.conversations import actions, queries
from samen.conversations.models import Post

pytestmark = pytest.mark.django_db

T = "/talk/collective/brasserie-zinneke"
A = "/api/v1/talk/collective/brasserie-zinneke"


def test_search_respects_who_may_read(talk: Any, client: Any) -> None:
    c = talk.c
    hidden = actions.post_reply(actor=c.bram, topic=talk.question, body="Hops in the cellar too")
    item = actions.post_report(actor=c.chloe, post=hidden, reason="Off topic")
    actions.review_decide(actor=c.bram, reviewable=item, decision="hide", reason="Off topic")
    assert [p.topic.title for p in queries.search_posts(c.chloe, c.collective, "hops")] == [
        "Secret recipe"
    ]
    assert queries.search_posts(c.eva, c.collective, "hops") == []
    assert [p.number for p in queries.search_posts(c.eva, c.collective, "cellar")] == [1]
    assert queries.search_posts(c.eva, c.collective, "   ") == []
    for persona, sees in ((None, False), (c.eva, False), (c.chloe, True), (c.anna, True)):
        client.logout()
        if persona is not None:
            client.force_login(persona)
        page = client.get(f"{T}/search/", {"q": "hops garden"})
        api = client.get(f"{A}/search", {"q": "hops garden"})
        assert page.status_code == 200
        assert api.status_code == 200
        assert ("Secret recipe" in page.content.decode()) is sees
        assert ("Secret recipe" in api.content.decode()) is sees
        fragment = client.get(f"{T}/search/", {"q": "kegs"}, headers={"HX-Request": "true"})
        assert "<html" not in fragment.content.decode()
        assert "kegs" in fragment.content.decode()


def test_script_in_a_post_is_inert(talk: Any, client: Any) -> None:
    c = talk.c
    client.force_login(c.chloe)
    body = '<script>alert("x")</script> [link](javascript:alert(1)) <img src=x onerror=alert(2)>'
    client.post(f"/talk/topics/{talk.question.pk}/reply/", {"body": body})
    post = Post.objects.filter(topic=talk.question).order_by("-number").first()
    assert post is not None
    assert post.number == 2
    page = client.get(f"/talk/topics/{talk.question.pk}/").content.decode()
    api = client.get(f"/api/v1/talk/topics/{talk.question.pk}").json()
    rendered = api["posts"][-1]["body_html"]
    for html in (page, rendered):
        assert '<script>alert("x")' not in html
        assert "javascript:alert" not in html
        assert "onerror" not in html


def test_a_5_mb_body_is_refused_cleanly(talk: Any, client: Any) -> None:
    c = talk.c
    client.force_login(c.chloe)
    huge = "a" * (5 * 1024 * 1024)
    before = Post.objects.count()
    page = client.post(f"/talk/topics/{talk.question.pk}/reply/", {"body": huge})
    assert page.status_code == 400
    assert "at most 20000 characters" in page.content.decode() or "20,000" in page.content.decode()
    api = client.post(
        f"/api/v1/talk/topics/{talk.question.pk}/posts",
        json.dumps({"body": huge}),
        content_type="application/json",
    )
    assert api.status_code == 422
    assert "code" in api.json()
    assert "detail" in api.json()
    assert Post.objects.count() == before


def test_report_on_own_post_is_refused_in_the_page(talk: Any, client: Any) -> None:
    client.force_login(talk.c.chloe)
    own = talk.question.posts.get(number=1)
    response = client.post(f"/talk/posts/{own.pk}/report/", {"reason": "Mine"})
    assert response.status_code == 400
    assert "You cannot report your own post." in response.content.decode()
    assert not own.topic.posts.filter(pk=own.pk, status="hidden").exists()
