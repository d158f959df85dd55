"""Erasing an account: posts stay as "Former member"'s by default; a person who asks to
delete what they wrote loses their lonely topics and their replies' text, while a topic
others answered stays, anonymised (docs/privacy.md)."""

from __future__ import annotations

from typing import Any

import pytest

from samen.accounts.actions import user_erase
from samen.conversations import actions
from samen.conversations.models import Post, PostStatus, Topic
from samen.lib.testing import PASSWORD
from samen.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def written(talk: Any) -> Any:
    """chloe opened the kegs question (bram answered it) and the lonely "Secret recipe";
    she replied in bram's topic (and bram answered her reply) and commented on news."""
    c = talk.c
    talk.bram_reply = actions.post_reply(actor=c.bram, topic=talk.question, body="The shed.")
    talk.bikes = actions.topic_create(
        actor=c.bram, category=talk.questions, title="Bikes?", body="Where to park?"
    )
    talk.chloe_reply = actions.post_reply(actor=c.chloe, topic=talk.bikes, body="Chloe says yard")
    talk.answer = actions.post_reply(
        actor=c.bram, topic=talk.bikes, body="Thanks", reply_to=talk.chloe_reply
    )
    talk.comment = actions.comment_add(actor=c.chloe, target=talk.news, body="Chloe cheers")
    return talk


def test_by_default_posts_stay_as_a_former_members(written: Any) -> None:
    c = written.c
    user_erase(actor=c.chloe, user=c.chloe)
    reply = Post.objects.get(pk=written.chloe_reply.pk)
    assert (reply.author, reply.body, reply.status) == (None, "Chloe says yard", "visible")
    assert reply.author_name == "Former member"
    assert Topic.objects.filter(pk=written.members_topic.pk).exists()


def test_deleting_my_posts_keeps_the_others_words(written: Any) -> None:
    c = written.c
    told = Notification.objects.filter(recipient=c.bram, target_id=written.chloe_reply.pk)
    assert told.exists()  # bram was told of chloe's reply to his topic
    user_erase(actor=c.chloe, user=c.chloe, delete_content=True)
    assert not Topic.objects.filter(pk=written.members_topic.pk).exists()  # nobody replied
    kegs = Topic.objects.get(pk=written.question.pk)  # bram replied: it stays, anonymised
    opening = kegs.posts.get(number=1)
    assert (opening.author, opening.body) == (None, "The cellar is full. Ideas?")
    assert kegs.posts.get(number=2).body == "The shed."
    reply = Post.objects.get(pk=written.chloe_reply.pk)
    assert (reply.author, reply.body, reply.status) == (None, "", PostStatus.DELETED)
    answer = Post.objects.get(pk=written.answer.pk)
    assert (answer.body, answer.reply_to_id) == ("Thanks", reply.pk)
    assert Topic.objects.get(pk=written.bikes.pk).reply_count == 1
    assert Post.objects.get(pk=written.comment.pk).body == ""
    assert not told.exists()


def test_the_choice_is_on_the_erasure_page(client: Any, written: Any) -> None:
    c = written.c
    client.force_login(c.chloe)
    page = client.get("/people/me/delete/").content.decode()
    assert "What I wrote in discussions and comments" in page
    form = {"password": PASSWORD, "confirm": "on", "content": "delete"}
    response = client.post("/people/me/delete/", form)
    assert response.status_code == 302
    assert Post.objects.get(pk=written.chloe_reply.pk).status == PostStatus.DELETED
    assert client.get(f"/talk/topics/{written.bikes.pk}/").content.decode().count("Chloe says") == 0


def test_deleting_my_posts_removes_their_images(
    written: Any, django_capture_on_commit_callbacks: Any
) -> None:
    import io

    from PIL import Image

    from samen.conversations.models import PostImage

    c = written.c
    data = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(data, "PNG")
    data.seek(0)
    data.name = "red.png"
    post = actions.post_reply(actor=c.chloe, topic=written.bikes, body="See", images=[data])
    image = PostImage.objects.get(post=post)
    storage, name = image.file.storage, image.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        user_erase(actor=c.chloe, user=c.chloe, delete_content=True)
    assert not PostImage.objects.filter(post=post).exists()
    assert not storage.exists(name)
