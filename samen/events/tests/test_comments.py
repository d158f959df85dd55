"""Comments on events are the shared conversation posts (one comment model for news and
events), readable as the event is, switchable by its organisers."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from samen.conversations import actions as conversations
from samen.conversations.models import Post, Topic

pytestmark = pytest.mark.django_db


def test_members_comment_on_an_event_as_shared_posts(client: Any, agenda: Any) -> None:
    c, event = agenda.c, agenda.workshop
    client.force_login(c.chloe)
    response = client.post(f"/events/{event.pk}/comment/", {"body": "Can I bring a *lamp*?"})
    assert response.status_code == 302
    topic = Topic.objects.get(target_id=event.pk, target_type__model="event")
    post = Post.objects.get(topic=topic)
    assert response["Location"].endswith(f"/events/{event.pk}/#comment-{post.pk}")
    assert topic.collective == c.collective
    page = client.get(event.get_absolute_url()).content.decode()
    assert "<em>lamp</em>" in page
    assert f'action="/events/{event.pk}/comment/"' in page
    # anonymous readers of a public event read the comments, without a form
    client.logout()
    page = client.get(event.get_absolute_url()).content.decode()
    assert "<em>lamp</em>" in page
    assert 'name="body"' not in page


def test_comments_follow_the_event_visibility(client: Any, agenda: Any) -> None:
    c = agenda.c
    client.force_login(c.eva)  # a stranger: the members-only event does not exist for her
    assert (
        client.post(f"/events/{agenda.members_meetup.pk}/comment/", {"body": "hi"}).status_code
        == 404
    )
    assert client.post(f"/events/{agenda.draft.pk}/comment/", {"body": "hi"}).status_code == 404
    with pytest.raises(PermissionDenied):
        conversations.comment_add(actor=c.bram, target=agenda.draft, body="draft talk")
    assert not Topic.objects.filter(target_type__model="event").exists()


def test_organisers_switch_comments_off(client: Any, agenda: Any) -> None:
    c, event = agenda.c, agenda.workshop
    client.force_login(c.chloe)
    assert client.post(f"/events/{event.pk}/comments/", {"enabled": "0"}).status_code == 403
    client.force_login(c.bram)
    assert client.post(f"/events/{event.pk}/comments/", {"enabled": "0"}).status_code == 302
    client.force_login(c.chloe)
    client.post(f"/events/{event.pk}/comment/", {"body": "still here?"})
    assert not Post.objects.filter(body="still here?").exists()
    assert (
        "Comments are switched off here." in client.get(event.get_absolute_url()).content.decode()
    )
