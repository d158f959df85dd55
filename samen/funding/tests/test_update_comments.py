"""Comments on campaign updates: the shared conversation posts (as news posts and events
have), switchable by the update's author, on the campaign page and through the API."""

from __future__ import annotations

import json
from typing import Any

import pytest

from samen.conversations.models import Post
from samen.funding import actions
from samen.funding.tests.factories import make_campaign
from samen.notifications.models import Notification

pytestmark = pytest.mark.django_db

A = "/api/v1/funding"


@pytest.fixture
def update(community: Any) -> Any:
    campaign = make_campaign(community)
    return actions.campaign_update_publish(
        actor=community.bram, campaign=campaign, title="Hops arrived", body="The Saaz is here."
    )


def _page(update: Any) -> str:
    return update.get_absolute_url()


def test_a_comment_shows_under_the_update_and_tells_its_author(
    client: Any, community: Any, update: Any, django_capture_on_commit_callbacks: Any
) -> None:
    assert "No comments yet." in client.get(_page(update)).content.decode()  # now cached
    client.force_login(community.dries)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/campaign-updates/{update.pk}/comment/",
                               {"body": "Cheers to the <script>x()</script> brewers"})  # fmt: skip
    assert response.status_code == 302
    post = Post.objects.get(topic__target_id=update.pk)
    assert response["Location"].endswith(f"#comment-{post.pk}")
    assert post.author == community.dries
    told = Notification.objects.get(recipient=community.bram, kind="conversations.reply")
    assert told.data["title"] == "Hops arrived"
    client.logout()
    page = client.get(_page(update)).content.decode()  # the cached page was renewed
    assert "Cheers to the" in page
    assert "<script>x()" not in page


def test_the_author_switches_comments_and_others_cannot(
    client: Any, community: Any, update: Any
) -> None:
    url = f"{A}/campaign-updates/{update.pk}/comments"
    client.force_login(community.chloe)
    refused = client.put(url, json.dumps({"enabled": False}), content_type="application/json")
    assert refused.status_code == 403
    client.force_login(community.bram)
    switched = client.put(url, json.dumps({"enabled": False}), content_type="application/json")
    assert switched.json()["comments_enabled"] is False
    client.force_login(community.eva)
    closed = client.post(url, json.dumps({"body": "Hello"}), content_type="application/json")
    assert (closed.status_code, closed.json()["code"]) == (409, "comments_off")
    assert "Comments are switched off here." in client.get(_page(update)).content.decode()
    client.force_login(community.bram)
    client.post(f"/campaign-updates/{update.pk}/comments/", {"enabled": "1"})
    client.force_login(community.eva)
    made = client.post(url, json.dumps({"body": "Hello"}), content_type="application/json")
    assert made.status_code == 201
    assert made.json()["number"] == 1


def test_api_lists_updates_with_their_comments(client: Any, community: Any, update: Any) -> None:
    client.logout()
    url = f"{A}/campaign-updates/{update.pk}/comments"
    anonymous = client.post(url, json.dumps({"body": "Hi"}), content_type="application/json")
    assert anonymous.status_code == 401
    client.force_login(community.dries)
    empty = client.post(url, json.dumps({"body": "  "}), content_type="application/json")
    assert (empty.status_code, empty.json()["code"]) == (422, "empty")
    client.post(url, json.dumps({"body": "Lovely"}), content_type="application/json")
    listed = client.get(f"{A}/collectives/{community.collective.slug}/campaigns/brew-one/updates")
    row = listed.json()[0]
    assert row["title"] == "Hops arrived"
    topic = client.get(f"/api/v1/talk/topics/{row['comments_topic_id']}").json()
    assert [post["body"] for post in topic["posts"]] == ["Lovely"]
    assert client.post(f"{A}/campaign-updates/999999/comments", json.dumps({"body": "x"}),
                       content_type="application/json").status_code == 404  # fmt: skip


def test_a_page_with_two_comment_threads_repeats_no_id(
    client: Any, community: Any, update: Any
) -> None:
    """The campaign page shows every update with its comments: each thread, its form and
    each comment have ids of their own."""
    from samen.conversations.actions import comment_add
    from samen.lib.testing import duplicate_ids

    second = actions.campaign_update_publish(
        actor=community.bram, campaign=update.campaign, title="Bottled", body="Done."
    )
    first_comment = comment_add(actor=community.dries, target=update, body="Cheers")
    second_comment = comment_add(actor=community.dries, target=second, body="Santé")
    client.force_login(community.dries)
    page = client.get(_page(update)).content.decode()
    for anchor in (f"comments-campaignupdate-{update.pk}", f"comments-campaignupdate-{second.pk}",
                   f"comment-{first_comment.pk}", f"comment-{second_comment.pk}"):  # fmt: skip
        assert f'id="{anchor}"' in page
    assert page.count('name="body"') == 2  # both comment forms are on the page
    assert duplicate_ids(page) == []
    assert duplicate_ids('<p id="a"></p><p id="a"></p>') == ["a"]  # the check itself works
