"""A host's block list of e-mail domains and web addresses: its admins list them (page and
API), and nobody at a listed domain, and no text linking to a listed address, gets a post,
a reaction or a message into the host or its collectives; nothing is written."""

from __future__ import annotations

from typing import Any

import pytest

from samen.audit.models import AuditEntry
from samen.conversations import actions
from samen.conversations.actions.blocklist import blocklist_value
from samen.conversations.errors import ConversationError
from samen.conversations.errors import ConversationErrorCode as Code
from samen.conversations.models import HostBlocklistEntry, Post, RelayedMessage, Topic

pytestmark = pytest.mark.django_db

A = "/api/v1/talk"
H = "/talk/host/brussels-commons"


@pytest.mark.parametrize(
    ("kind", "typed", "stored"),
    [
        ("email_domain", "@Spam.Example", "spam.example"),
        ("email_domain", "*.spam.example", "spam.example"),
        ("url", "HTTPS://www.Spam.example/Offers/?ref=1", "spam.example/offers"),
        ("url", "spam.example", "spam.example"),
    ],
)
def test_entries_are_normalised(kind: str, typed: str, stored: str) -> None:
    assert blocklist_value(kind, typed) == stored


@pytest.mark.parametrize(
    ("kind", "typed"),
    [("email_domain", "spam"), ("email_domain", "spam.example/offers"), ("url", "<script>"),
     ("url", "")],
)  # fmt: skip
def test_nonsense_is_refused_at_the_field(talk: Any, kind: str, typed: str) -> None:
    with pytest.raises(ConversationError) as refused:
        actions.blocklist_add(actor=talk.c.anna, host=talk.c.host, kind=kind, value=typed)
    assert refused.value.code == Code.BAD_BLOCKLIST_ENTRY
    assert refused.value.field == "value"
    assert not HostBlocklistEntry.objects.exists()


def test_a_listed_address_is_refused_in_every_collective_of_the_host(talk: Any) -> None:
    c = talk.c
    actions.blocklist_add(actor=c.anna, host=c.host, kind="url", value="spam.example/offers")
    posts = Post.objects.count()
    refused_texts = [
        "Cheap: https://spam.example/offers/today",
        "[click](http://shop.spam.example/offers)",
        "See www.spam.example/offers",
    ]
    for text in refused_texts:
        with pytest.raises(ConversationError) as refused:
            actions.post_reply(actor=c.bram, topic=talk.question, body=text)
        assert refused.value.code == Code.BLOCKED_LINK
        assert refused.value.field == "body"
    with pytest.raises(ConversationError):
        actions.topic_create(actor=c.chloe, category=talk.questions, title="Deal",
                             body="https://spam.example/offers")  # fmt: skip
    with pytest.raises(ConversationError):
        actions.message_send(actor=c.chloe, owner=c.collective, recipient=c.bram,
                             body="https://spam.example/offers")  # fmt: skip
    assert Post.objects.count() == posts
    assert not RelayedMessage.objects.exists()
    # another path of the site, another site and a mere mention pass
    for fine in ("https://spam.example/recipes", "https://example.org/offers",
                 "spam.example/offers without a link"):  # fmt: skip
        actions.post_reply(actor=c.bram, topic=talk.question, body=fine)


def test_a_listed_email_domain_cannot_write_but_can_read(talk: Any, make_user: Any) -> None:
    from samen.communities import actions as community_actions

    c = talk.c
    spammer = make_user("seller@mail.spam.example", "Seller")
    community_actions.member_add(actor=c.bram, owner=c.collective, user=spammer, role="member")
    reply = actions.post_reply(actor=c.bram, topic=talk.question, body="Try the attic.")
    actions.blocklist_add(actor=c.anna, host=c.host, kind="email_domain", value="spam.example")
    attempts = [
        lambda: actions.post_reply(actor=spammer, topic=talk.question, body="Hello"),
        lambda: actions.topic_create(
            actor=spammer, category=talk.questions, title="Hi", body="Hey"
        ),
        lambda: actions.reaction_toggle(actor=spammer, post=reply, kind="thanks"),
        lambda: actions.message_send(
            actor=spammer, owner=c.collective, recipient=c.bram, body="Hello"
        ),
    ]
    for attempt in attempts:
        with pytest.raises(ConversationError) as refused:
            attempt()
        assert refused.value.code == Code.BLOCKED_DOMAIN
    assert not Topic.objects.filter(author=spammer).exists()
    actions.post_reply(actor=c.chloe, topic=talk.question, body="I can still write")


def test_only_host_admins_keep_the_list_on_the_page(talk: Any, client: Any) -> None:
    c = talk.c
    client.force_login(c.bram)  # a collective's admin, not the host's
    assert client.post(f"{H}/suspensions/", {"kind": "url", "value": "x.example"}).status_code in (
        403,
        404,
    )
    client.force_login(c.anna)
    bad = client.post(f"{H}/suspensions/", {"kind": "url", "value": "nonsense"})
    assert bad.status_code == 400
    assert "such as example.com" in bad.content.decode()
    added = client.post(f"{H}/suspensions/", {"kind": "url", "value": "https://spam.example/"})
    assert added.status_code == 302
    entry = HostBlocklistEntry.objects.get()
    assert entry.value == "spam.example"
    page = client.get(f"{H}/suspensions/").content.decode()
    assert "<code>spam.example</code>" in page
    assert AuditEntry.objects.filter(action="conversations.blocklist.add").exists()
    client.force_login(c.chloe)
    assert client.post(f"/talk/blocklist/{entry.pk}/remove/").status_code == 404
    client.force_login(c.anna)
    assert client.post(f"/talk/blocklist/{entry.pk}/remove/").status_code == 302
    assert not HostBlocklistEntry.objects.exists()
    assert AuditEntry.objects.filter(action="conversations.blocklist.remove").exists()


def test_the_api_keeps_the_list_and_refuses_with_codes(talk: Any, client: Any) -> None:
    c = talk.c
    client.force_login(c.chloe)
    assert client.get(f"{A}/host/brussels-commons/blocklist").status_code == 403
    client.force_login(c.anna)
    json = "application/json"
    bad = client.post(
        f"{A}/host/brussels-commons/blocklist", {"kind": "email_domain", "value": "nope"}, json
    )
    assert bad.status_code == 422
    assert bad.json()["code"] == "bad_blocklist_entry"
    made = client.post(
        f"{A}/host/brussels-commons/blocklist", {"kind": "url", "value": "www.Spam.example"}, json
    )
    assert made.status_code == 201
    assert made.json()["value"] == "spam.example"
    listed = client.get(f"{A}/host/brussels-commons/blocklist").json()
    assert [row["value"] for row in listed] == ["spam.example"]
    client.force_login(c.chloe)
    refused = client.post(
        f"{A}/topics/{talk.question.pk}/posts", {"body": "http://spam.example"}, json
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "blocked_link"
    client.force_login(c.anna)
    gone = client.delete(f"{A}/blocklist/{made.json()['id']}")
    assert gone.status_code == 204
    assert not HostBlocklistEntry.objects.exists()
