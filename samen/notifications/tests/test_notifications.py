"""notify() and its deliveries: preferences, e-mail once, digest once, pages, unsubscribe."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from samen.notifications import actions, queries
from samen.notifications.links import unsubscribe_token
from samen.notifications.models import Notification
from samen.notifications.registry import Delivery, Kind, register
from samen.notifications.tasks import send_digests

pytestmark = pytest.mark.django_db(transaction=False)

PING = register(
    Kind("tests.ping", "Pings", "%(actor)s pinged you about “%(title)s”", Delivery.EMAIL)
)
QUIET = register(
    Kind("tests.quiet", "Quiet things", "Something about “%(title)s”", Delivery.DIGEST)
)


def _notify(recipients: list[Any], kind: str = "tests.ping", actor: Any = None) -> list[Any]:
    return actions.notify(
        recipients, kind, actor=actor, data={"actor": "Bram", "title": "Soup"}, url="/x/"
    )


def test_email_kind_is_emailed_once_after_commit(chloe, bram, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rows = _notify([chloe, chloe, bram], actor=bram)
    assert [row.recipient_id for row in rows] == [chloe.pk]  # the actor and the double are out
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [chloe.email]
    assert "Bram pinged you about “Soup”" in message.subject
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The task again (a retry): nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.notifications_email(ids=[rows[0].pk]) == 0
    assert len(mail.outbox) == 1


def test_preferences_choose_between_email_app_and_nothing(chloe, dries, eva):
    actions.preference_set(actor=dries, kind="tests.ping", delivery=Delivery.IN_APP)
    actions.preference_set(actor=eva, kind="tests.ping", delivery=Delivery.NONE)
    rows = _notify([chloe, dries, eva])
    assert {row.recipient_id: row.delivery for row in rows} == {
        chloe.pk: Delivery.EMAIL,
        dries.pk: Delivery.IN_APP,
    }
    assert queries.unread_count(eva) == 0
    assert queries.unread_count(dries) == 1


def test_email_in_the_recipients_language(chloe, django_capture_on_commit_callbacks):
    chloe.language = "nl"
    chloe.save()
    with django_capture_on_commit_callbacks(execute=True):
        _notify([chloe])
    assert "Kies welke e-mails" in mail.outbox[0].body


def test_digest_collects_and_sends_once(chloe, dries, django_capture_on_commit_callbacks):
    actions.notify([chloe, dries], "tests.quiet", data={"title": "One"})
    actions.notify([chloe], "tests.quiet", data={"title": "Two"})
    read = actions.notify([dries], "tests.quiet", data={"title": "Seen"})[0]
    actions.notification_mark_read(actor=dries, notification=read)
    assert mail.outbox == []  # digest kinds wait
    with django_capture_on_commit_callbacks(execute=True):
        send_digests.enqueue()
    by_person = {m.to[0]: m for m in mail.outbox}
    assert set(by_person) == {chloe.email, dries.email}
    assert "“One”" in by_person[chloe.email].body
    assert "“Two”" in by_person[chloe.email].body
    assert "2 new notifications" in by_person[chloe.email].subject
    assert "Seen" not in by_person[dries.email].body  # read in the app already
    with django_capture_on_commit_callbacks(execute=True):
        send_digests.enqueue()  # the scheduler catching up: nothing twice
    assert len(mail.outbox) == 2
    assert not Notification.objects.filter(delivery=Delivery.DIGEST, digested_at=None).exists()


def test_digest_leaves_what_came_after_the_cut(chloe):
    actions.notify([chloe], "tests.quiet", data={"title": "Later"})
    earlier = timezone.now() - timedelta(hours=1)
    assert actions.digest_send(user_id=chloe.pk, before=earlier) == 0
    assert Notification.objects.get(recipient=chloe).digested_at is None


def test_unknown_kind_is_refused(chloe):
    with pytest.raises(KeyError):
        actions.notify([chloe], "tests.typo")


def test_bell_list_and_open(client, chloe, eva):
    row = _notify([chloe])[0]
    client.force_login(chloe)
    bell = client.get(reverse("notifications:bell"), HTTP_HX_REQUEST="true")
    assert 'data-unread="1"' in bell.content.decode()
    page = client.get(reverse("notifications:list"))
    assert "Bram pinged you about “Soup”" in page.content.decode()
    response = client.post(reverse("notifications:open", args=[row.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/x/"
    assert queries.unread_count(chloe) == 0
    client.force_login(eva)  # someone else's notification does not exist for eva
    assert client.post(reverse("notifications:open", args=[row.pk])).status_code == 404


def test_open_never_redirects_off_site(client, chloe):
    row = actions.notify([chloe], "tests.ping", url="https://evil.example/")[0]
    client.force_login(chloe)
    response = client.post(reverse("notifications:open", args=[row.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_pages_need_a_login(client):
    for name in ("notifications:list", "notifications:settings"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert "login" in response["Location"]
    assert "data-unread" not in client.get(reverse("notifications:bell")).content.decode()


def test_settings_page_saves_choices_and_refuses_nonsense(client, chloe):
    client.force_login(chloe)
    page = client.get(reverse("notifications:settings"))
    assert "Pings" in page.content.decode()
    client.post(reverse("notifications:settings"), {"tests.ping": "digest"})
    assert queries.preferences_of(chloe)[PING] == Delivery.DIGEST
    bad = client.post(reverse("notifications:settings"), {"tests.ping": "carrier-pigeon"})
    assert bad.status_code == 400
    assert queries.preferences_of(chloe)[PING] == Delivery.DIGEST


def test_one_click_unsubscribe_without_login(client, chloe):
    token = unsubscribe_token(chloe, "tests.ping")
    url = reverse("notifications:unsubscribe", args=[token])
    assert client.get(url).status_code == 200
    assert queries.preferences_of(chloe)[PING] == Delivery.EMAIL  # a GET changes nothing
    client.post(url, {"List-Unsubscribe": "One-Click"})
    assert queries.preferences_of(chloe)[PING] == Delivery.IN_APP
    digest = reverse("notifications:unsubscribe", args=[unsubscribe_token(chloe, "digest")])
    client.post(digest)
    assert queries.preferences_of(chloe)[QUIET] == Delivery.IN_APP
    forged = reverse("notifications:unsubscribe", args=[token[:-2] + "xx"])
    assert client.post(forged).status_code == 404
