"""Host-level suspensions: a host admin (anna) suspends chloe across the Brussels host, with
a reason, for a while or indefinitely. Chloé then cannot open topics, reply, comment,
react, send messages or submit expenses in any collective of the host, and is told why;
the suspension is audited, listed on the host's page and can be lifted."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from samen.api.actions import token_create
from samen.audit.models import AuditEntry
from samen.communities import actions as community_actions
from samen.communities.models import HostSuspension
from samen.conversations import actions
from samen.conversations.errors import ConversationError
from samen.conversations.errors import ConversationErrorCode as Code
from samen.conversations.models import Post, Reaction, RelayedMessage, Visibility
from samen.expenses.errors import ExpenseError, ExpenseErrorCode
from samen.expenses.tests.factories import make_expense
from samen.notifications.models import Notification

pytestmark = pytest.mark.django_db

A = "/api/v1/talk"
H = "/talk/host/brussels-commons"


def _auth(user: Any) -> dict[str, str]:
    _token, plaintext = token_create(actor=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def _suspend(talk: Any, **extra: Any) -> HostSuspension:
    return actions.host_suspend(actor=talk.c.anna, host=talk.c.host, person=talk.c.chloe,
                                reason="Spam across the host", **extra)  # fmt: skip


def test_a_suspended_person_writes_nothing_anywhere_in_the_host(talk: Any) -> None:
    c = talk.c
    community_actions.member_add(actor=c.gilles, owner=c.other_collective, user=c.chloe,
                                 role="member")  # fmt: skip
    elsewhere = actions.category_create(actor=c.gilles, owner=c.other_collective,
                                        name="Talk", visibility=Visibility.PUBLIC)  # fmt: skip
    first = talk.question.posts.get(number=1)
    bram_post = actions.post_reply(actor=c.bram, topic=talk.question, body="Try the attic.")
    _suspend(talk)
    posts_before = Post.objects.count()
    attempts = [
        lambda: actions.post_reply(actor=c.chloe, topic=talk.question, body="Me again"),
        lambda: actions.topic_create(actor=c.chloe, category=elsewhere, title="Hi", body="Hey"),
        lambda: actions.comment_add(actor=c.chloe, target=talk.news, body="Nice"),
        lambda: actions.reaction_toggle(actor=c.chloe, post=bram_post, kind="thanks"),
        lambda: actions.message_send(
            actor=c.chloe, owner=c.collective, recipient=c.bram, body="Hello"
        ),
    ]
    for attempt in attempts:
        with pytest.raises(ConversationError) as refused:
            attempt()
        assert refused.value.code == Code.SUSPENDED
        assert "Spam across the host" in refused.value.message
        assert "Brussels Commons" in refused.value.message
    assert Post.objects.count() == posts_before
    assert not Reaction.objects.filter(user=c.chloe).exists()
    assert not RelayedMessage.objects.filter(sender=c.chloe).exists()
    with pytest.raises(ExpenseError) as refused_expense:
        make_expense(c.chloe, c.collective)
    assert refused_expense.value.code == ExpenseErrorCode.HOST_SUSPENDED
    # Her own post stays, and she can still read and report.
    assert first.status == "visible"
    actions.post_report(actor=c.chloe, post=bram_post, reason="Off topic")


def test_she_is_told_the_reason_and_it_is_audited(talk: Any) -> None:
    mail.outbox.clear()
    suspension = _suspend(talk)
    note = Notification.objects.get(recipient=talk.c.chloe, kind="conversations.suspended")
    assert "Spam across the host" in note.text
    assert "no end date" in note.text
    audit = AuditEntry.objects.get(action="conversations.host.suspend")
    assert audit.host == talk.c.host
    assert audit.target_id == str(suspension.pk)


def test_a_suspension_ends_on_its_date_and_can_be_lifted(talk: Any) -> None:
    c = talk.c
    tomorrow = timezone.localdate() + timedelta(days=1)
    suspension = _suspend(talk, until=tomorrow)
    with pytest.raises(ConversationError):
        actions.post_reply(actor=c.chloe, topic=talk.question, body="Still here")
    HostSuspension.objects.filter(pk=suspension.pk).update(until=timezone.now())
    actions.post_reply(actor=c.chloe, topic=talk.question, body="Back")
    again = _suspend(talk)
    actions.host_suspension_lift(actor=c.anna, suspension=again, reason="Apologised")
    actions.post_reply(actor=c.chloe, topic=talk.question, body="Thanks")
    assert AuditEntry.objects.filter(action="conversations.host.lift").exists()
    assert Notification.objects.filter(recipient=c.chloe, kind="conversations.suspension_lifted")
    with pytest.raises(ConversationError) as twice:
        actions.host_suspension_lift(actor=c.anna, suspension=again)
    assert twice.value.code == Code.NOT_SUSPENDED


def test_who_may_suspend_whom(talk: Any) -> None:
    from django.core.exceptions import PermissionDenied

    c = talk.c
    for actor in (c.bram, c.chloe, c.eva):
        with pytest.raises(PermissionDenied):
            actions.host_suspend(actor=actor, host=c.host, person=c.dries, reason="x")
    with pytest.raises(ConversationError) as admin:
        actions.host_suspend(actor=c.anna, host=c.host, person=c.anna, reason="x")
    assert admin.value.code == Code.TEAM_MEMBER
    with pytest.raises(ConversationError) as past:
        _suspend(talk, until=timezone.localdate())
    assert past.value.code == Code.BAD_UNTIL
    with pytest.raises(ConversationError) as no_reason:
        actions.host_suspend(actor=c.anna, host=c.host, person=c.chloe, reason=" ")
    assert no_reason.value.code == Code.REASON_MISSING
    assert not HostSuspension.objects.exists()


def test_the_host_page_lists_and_lifts(client: Any, talk: Any) -> None:
    c = talk.c
    client.force_login(c.bram)
    assert client.get(f"{H}/suspensions/").status_code == 403
    assert client.get("/talk/collective/brasserie-zinneke/suspensions/").status_code == 404
    client.force_login(c.anna)
    assert "Suspensions" in client.get(f"{H}/").content.decode()
    answer = client.post(f"{H}/suspensions/", {"email": "chloe@example.org",
                                               "reason": "Spam", "until": ""})  # fmt: skip
    assert answer.status_code == 302
    page = client.get(f"{H}/suspensions/").content.decode()
    suspension = HostSuspension.objects.get()
    assert f'id="suspension-{suspension.pk}"' in page
    assert "Spam" in page
    bad = client.post(f"{H}/suspensions/", {"email": "nobody@example.org", "reason": "x"})
    assert bad.status_code == 400
    client.force_login(c.bram)
    assert client.post(f"/talk/suspensions/{suspension.pk}/lift/").status_code == 404
    client.force_login(c.anna)
    assert client.post(f"/talk/suspensions/{suspension.pk}/lift/").status_code == 302
    suspension.refresh_from_db()
    assert suspension.lifted_by == c.anna


def test_the_api_suspends_and_refuses_with_a_code(client: Any, talk: Any) -> None:
    c = talk.c
    body = json.dumps({"user_id": c.chloe.pk, "reason": "Spam", "until": None})
    refused = client.post(f"{A}/host/brussels-commons/suspensions", body,
                          content_type="application/json", **_auth(c.bram))  # fmt: skip
    assert refused.status_code == 403
    made = client.post(f"{A}/host/brussels-commons/suspensions", body,
                       content_type="application/json", **_auth(c.anna))  # fmt: skip
    assert made.status_code == 201, made.json()
    listed = client.get(f"{A}/host/brussels-commons/suspensions", **_auth(c.anna)).json()
    assert [row["user_id"] for row in listed] == [c.chloe.pk]
    reply = client.post(f"{A}/topics/{talk.question.pk}/posts", json.dumps({"body": "x"}),
                        content_type="application/json", **_auth(c.chloe))  # fmt: skip
    assert reply.status_code == 403
    assert reply.json()["code"] == "suspended"
    assert "Spam" in reply.json()["detail"]
    lifted = client.post(f"/api/v1/talk/suspensions/{made.json()['id']}/lift", "{}",
                         content_type="application/json", **_auth(c.anna))  # fmt: skip
    assert lifted.status_code == 200
    assert lifted.json()["lifted_at"]


def test_her_export_shows_the_suspension_and_erasure_removes_it(talk: Any) -> None:
    """The Privacy bullet: a person sees in their data export that a host suspended them,
    why and for how long; erasing the account deletes the suspension and takes her name
    out of the audit rows that recorded it (the admin who decided keeps no trace of her)."""
    from samen.accounts.actions import user_erase
    from samen.accounts.privacy import build_export
    from samen.conversations import privacy

    c = talk.c
    tomorrow = timezone.localdate() + timedelta(days=1)
    first = _suspend(talk, until=tomorrow)
    actions.host_suspension_lift(actor=c.anna, suspension=first, reason="Apologised")
    _suspend(talk)
    rows = privacy.export_data(c.chloe)["host_suspensions"]
    told = [(r["host"], r["reason"]) for r in rows]
    assert told == [("Brussels Commons", "Spam across the host")] * 2
    assert None not in (rows[0]["until"], rows[0]["lifted_at"])
    assert (rows[1]["until"], rows[1]["lifted_at"]) == (None, None)
    # in the zip she downloads, under apps/conversations.json
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(build_export(c.chloe))) as archive:
        exported = json.loads(archive.read("apps/conversations.json"))
    assert len(exported["host_suspensions"]) == 2
    # nobody else's export has them
    assert privacy.export_data(c.bram)["host_suspensions"] == []

    chloe_pk, name = c.chloe.pk, c.chloe.public_name
    user_erase(actor=c.chloe, user=c.chloe)
    assert not HostSuspension.objects.filter(user_id=chloe_pk).exists()
    audit = AuditEntry.objects.filter(action__startswith="conversations.host.")
    assert audit.count() == 3
    assert all(name not in row.target_repr for row in audit)
    assert all(f"#{chloe_pk}" in row.target_repr for row in audit)


def test_the_admin_who_suspended_is_erased_and_the_suspension_stays(talk: Any) -> None:
    from samen.conversations import privacy

    c = talk.c
    suspension = _suspend(talk)
    privacy.erase_data(c.anna)
    suspension.refresh_from_db()
    assert suspension.created_by is None
    assert privacy.export_data(c.chloe)["host_suspensions"][0]["reason"] == "Spam across the host"
