"""Contact without exposing e-mail: relayed by e-mail in the receiver's language, the
sender's address hidden unless agreed, a daily limit, refusable, reportable."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from samen.conversations import actions, queries
from samen.conversations.errors import ConversationError
from samen.conversations.models import RelayedMessage

pytestmark = pytest.mark.django_db

T = "/talk/collective/brasserie-zinneke"


def test_relay_hides_the_address_and_can_be_reported(
    moderated: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    m, c = moderated, moderated.talk.c
    client.force_login(c.chloe)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{T}/people/{m.mila.pk}/message/", {"body": "Coffee on Friday?"})
    assert response.status_code == 302
    sent = mail.outbox[-1]
    assert sent.to == [m.mila.email]
    assert c.chloe.email not in f"{sent.body}{sent.reply_to}{sent.extra_headers}"
    assert "Coffee on Friday?" in sent.body
    message = RelayedMessage.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        actions.message_send(actor=c.chloe, owner=c.collective, recipient=c.bram, body="Hi",
                             share_email=True)  # fmt: skip
    assert mail.outbox[-1].extra_headers["Reply-To"] == c.chloe.email
    assert client.get(f"/talk/messages/{message.pk}/report/").status_code == 404  # the sender
    client.force_login(m.mila)
    response = client.post(
        f"/talk/messages/{message.pk}/report/", {"reason": "Pushy", "rule_number": "1"}
    )
    assert response.status_code == 302
    item = queries.review_queue(c.collective, c.bram)[0]
    assert item.message == message  # type: ignore[attr-defined]
    assert item.scores.get().rule_number == 1
    with pytest.raises(ConversationError):
        actions.review_decide(actor=c.bram, reviewable=item, decision="hide", reason="x")
    assert actions.review_decide(actor=c.bram, reviewable=item, decision="approve") is None


def test_limits_refusals_and_who_may_write(moderated: Any, client: Any) -> None:
    m, c = moderated, moderated.talk.c
    for refused_by, person in ((PermissionDenied, c.eva), (PermissionDenied, m.bert)):
        with pytest.raises(refused_by):
            actions.message_send(actor=person, owner=c.collective, recipient=c.chloe, body="Hi")
    with pytest.raises(ConversationError) as muted:
        actions.message_send(actor=m.mats, owner=c.collective, recipient=c.chloe, body="Hi")
    assert muted.value.code == "muted"
    actions.contact_refuse(actor=c.bram, refuse=True)
    with pytest.raises(ConversationError) as refuses:
        actions.message_send(actor=c.chloe, owner=c.collective, recipient=c.bram, body="Hi")
    assert refuses.value.code == "refuses_messages"
    for _ in range(actions.messages.MESSAGES_PER_DAY):
        actions.message_send(actor=c.chloe, owner=c.collective, recipient=m.mila, body="Hi")
    client.force_login(c.chloe)
    url = f"/api/v1/talk/collective/brasserie-zinneke/people/{m.mila.pk}/messages"
    answer = client.post(url, json.dumps({"body": "More"}), content_type="application/json")
    assert answer.status_code == 429
    assert answer.json()["code"] == "daily_limit"
    stranger = client.post(f"/api/v1/talk/collective/brasserie-zinneke/people/{c.eva.pk}/messages",
                           json.dumps({"body": "Hi"}), content_type="application/json")  # fmt: skip
    assert stranger.status_code == 404
    assert client.put("/api/v1/talk/contact", json.dumps({"refuse": True}),
                      content_type="application/json").status_code == 204  # fmt: skip
    assert actions.refuses_messages(c.chloe)
