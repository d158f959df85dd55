"""Long topics come in pages, and every post has a lasting address that finds its page
("in reply to" links and the accepted answer too); search reads a stored vector on
PostgreSQL, kept by the actions."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db import connection as conn
from django.test.utils import CaptureQueriesContext

from samen.communities.models import Collective
from samen.conversations import actions, queries
from samen.conversations.actions.search import search_reindex_community
from samen.conversations.models import Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def long_topic(talk: Any, monkeypatch: Any) -> list[Post]:
    """The question (by chloe) with five replies by bram, two posts a page: pages hold
    posts [1, 2], [3, 4], [5, 6]; #4 answers #3 (same page), #6 answers #1 (page 1)."""
    monkeypatch.setattr(queries, "POSTS_PER_PAGE", 2)
    c = talk.c
    first = Post.objects.get(topic=talk.question, number=1)
    posts = [first]
    for number in range(2, 7):
        reply_to = {4: posts[-1], 6: first}.get(number)
        posts.append(
            actions.post_reply(
                actor=c.bram, topic=talk.question, body=f"Reply {number}", reply_to=reply_to
            )
        )
    return posts


def test_pages_and_reply_links(talk: Any, long_topic: list[Post], client: Any) -> None:
    url = f"/talk/topics/{talk.question.pk}/"
    client.force_login(talk.c.chloe)
    first = client.get(url).content.decode()
    assert 'id="post-1"' in first
    assert 'id="post-2"' in first
    assert 'id="post-3"' not in first
    assert "Page 1 of 3" in first
    second = client.get(url, {"page": 2}).content.decode()
    assert 'id="post-3"' in second
    assert 'href="#post-3"' in second  # #4 answers #3 on the same page
    assert "?page=2&amp;reply_to=" in second  # "reply to this" stays on this page
    third = client.get(url, {"page": 3}).content.decode()
    assert f'href="/talk/posts/{long_topic[0].pk}/"' in third  # #6 answers #1, on page 1
    assert client.get(url, {"page": "999"}).status_code == 200  # the last page, no error


def test_permalink_finds_the_page(talk: Any, long_topic: list[Post], client: Any) -> None:
    c = talk.c
    client.force_login(c.chloe)
    topic_url = f"/talk/topics/{talk.question.pk}/"
    assert client.get(f"/talk/posts/{long_topic[0].pk}/").url == f"{topic_url}#post-1"
    assert client.get(f"/talk/posts/{long_topic[4].pk}/").url == f"{topic_url}?page=3#post-5"
    # a hidden post is not on chloe's pages: #5 moves up to page 2 for her, not for the team
    actions.post_moderate(actor=c.bram, post=long_topic[1], action="hide", reason="Spam")
    assert client.get(f"/talk/posts/{long_topic[4].pk}/").url == f"{topic_url}?page=2#post-5"
    assert client.get(f"/talk/posts/{long_topic[1].pk}/").status_code == 404
    client.force_login(c.bram)
    assert client.get(f"/talk/posts/{long_topic[4].pk}/").url == f"{topic_url}?page=3#post-5"
    # a reply's notification and a search result link to the permalink
    assert long_topic[4].get_absolute_url() == f"/talk/posts/{long_topic[4].pk}/"


def test_answer_link_and_new_reply_land_on_their_page(
    talk: Any, long_topic: list[Post], client: Any
) -> None:
    c = talk.c
    actions.answer_accept(actor=c.chloe, topic=talk.question, post=long_topic[2])
    client.force_login(c.chloe)
    page = client.get(f"/talk/topics/{talk.question.pk}/").content.decode()
    assert f'href="/talk/posts/{long_topic[2].pk}/"' in page
    assert "Go to the accepted answer" in page
    posted = client.post(f"/talk/topics/{talk.question.pk}/reply/", {"body": "Seventh"})
    newest = Post.objects.get(topic=talk.question, number=7)
    assert posted.url == f"/talk/posts/{newest.pk}/"
    assert client.get(posted.url).url.endswith("?page=4#post-7")
    # a comment's permalink leads to the object it is on
    comment = actions.comment_add(actor=c.chloe, target=talk.news, body="Congrats")
    assert client.get(comment.get_absolute_url()).url == (
        f"{talk.news.get_absolute_url()}#comment-{comment.pk}"
    )
    assert f'id="comment-{comment.pk}"' in client.get(talk.news.get_absolute_url()).content.decode()


def test_the_page_asks_as_many_queries_for_a_long_topic(
    talk: Any, long_topic: list[Post], client: Any
) -> None:
    client.force_login(talk.c.chloe)
    url = f"/talk/topics/{talk.question.pk}/"
    with CaptureQueriesContext(conn) as short:
        client.get(url, {"page": 3})
    for number in range(7, 13):
        actions.post_reply(actor=talk.c.bram, topic=talk.question, body=f"More {number}")
    with CaptureQueriesContext(conn) as longer:
        client.get(url, {"page": 5})
    assert len(longer) == len(short)


def test_stored_search_vector(talk: Any) -> None:
    """PostgreSQL: each post's vector is written with it, in the community's language, and
    erased with a deleted post's text; SQLite leaves it empty and reads the text."""
    c = talk.c
    post = actions.post_reply(actor=c.bram, topic=talk.question, body="The cellars are damp")
    post.refresh_from_db()
    if connection.vendor != "postgresql":
        assert post.search_vector is None
        assert search_reindex_community(kind="collective", owner_id=1, config="simple") == 0
        assert [p.pk for p in queries.search_posts(c.chloe, c.collective, "damp")] == [post.pk]
        return
    assert post.search_vector is not None
    assert [p.pk for p in queries.search_posts(c.chloe, c.collective, "damp")] == [post.pk]
    # "cellar" (singular) finds "cellars" once the collective writes in English
    assert post.pk not in [p.pk for p in queries.search_posts(c.chloe, c.collective, "cellar")]
    Collective.objects.filter(pk=c.collective.pk).update(languages=["en"])
    c.collective.refresh_from_db()
    written = search_reindex_community(kind="collective", owner_id=c.collective.pk,
                                       config="english")  # fmt: skip
    assert written == Post.objects.filter(topic__collective=c.collective).count()
    assert post.pk in [p.pk for p in queries.search_posts(c.chloe, c.collective, "cellar")]
    actions.post_moderate(actor=c.bram, post=post, action="delete", reason="Private")
    post.refresh_from_db()
    assert "damp" not in str(post.search_vector)
    with pytest.raises(ValueError, match="user"):
        search_reindex_community(kind="user", owner_id=1, config="simple")
