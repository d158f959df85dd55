"""The open network's newsletter: double opt-in, sending once per address through the task
backend, one-click unsubscribe, bounces, scheduling and the figures."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from typing import Any

import pytest
from anymail.signals import AnymailTrackingEvent, tracking
from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone

from samen.knowledge import actions, queries
from samen.knowledge.actions import newsletter as newsletter_actions
from samen.knowledge.errors import KnowledgeError, KnowledgeErrorCode
from samen.knowledge.models import IssueStatus, NewsletterDelivery, Subscription, SubscriptionStatus

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/knowledge/newsletter/host/brussels-commons/"


def _link(body: str, kind: str) -> str:
    found = re.search(rf"https?://[^/\s]+(/knowledge/newsletter/{kind}/[^\s]+/)", body)
    assert found, body
    return found.group(1)


def _send(network: Any, capture: Any) -> None:
    mail.outbox.clear()
    with capture(execute=True):
        actions.issue_send(actor=network.c.anna, issue=network.issue)


def test_double_opt_in_and_one_click_unsubscribe(
    network: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SUBSCRIBE, {"email": "Visitor@Example.org", "language": "fr"})
    assert response.status_code == 200
    assert b'id="subscribed"' in response.content
    [confirmation] = mail.outbox
    assert confirmation.to == ["visitor@example.org"]
    assert "Confirmez" in confirmation.subject  # in the language chosen
    confirm_path = _link(str(confirmation.body), "confirm")

    # Not confirmed yet: an issue sent now does not reach the address.
    _send(network, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["reader@example.org"]]

    assert client.get(confirm_path).status_code == 200  # a mail scanner's visit does nothing
    visitor = Subscription.objects.get(email="visitor@example.org")
    assert visitor.status == SubscriptionStatus.PENDING
    client.post(confirm_path)
    visitor.refresh_from_db()
    assert visitor.status == SubscriptionStatus.CONFIRMED

    # A second subscription of the same address adds nothing and sends nothing.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SUBSCRIBE, {"email": "visitor@example.org", "language": "en"})
    assert mail.outbox == []
    assert Subscription.objects.filter(email="visitor@example.org").count() == 1

    issue = actions.issue_create(
        actor=network.c.anna, owner=network.c.host, subject="Jan", body="Hi"
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.issue_send(actor=network.c.anna, issue=issue)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"reader@example.org", "visitor@example.org"}
    message = by_address["visitor@example.org"]
    assert "Se désabonner en un clic" in message.body
    assert "Uitschrijven" not in message.body
    assert "Met één klik uitschrijven" in by_address["reader@example.org"].body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    path = unsubscribe.split("://", 1)[1].split("/", 1)[1]

    # The mail client's one-click POST carries no cookie and no CSRF token.
    Client(enforce_csrf_checks=True).post(
        f"/{path}", "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    visitor.refresh_from_db()
    assert visitor.status == SubscriptionStatus.UNSUBSCRIBED
    issue.refresh_from_db()
    assert queries.issue_figures(issue) == {
        "sent": 2,
        "delivered": 2,
        "bounced": 0,
        "unsubscribed": 1,
    }


def test_an_issue_goes_once_to_each_address(
    network: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _send(network, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    network.issue.refresh_from_db()
    assert network.issue.status == IssueStatus.SENT
    with pytest.raises(KnowledgeError) as twice:
        actions.issue_send(actor=network.c.anna, issue=network.issue)
    assert twice.value.code == KnowledgeErrorCode.ISSUE_SENT
    assert actions.issue_deliver(issue_id=network.issue.pk) == 0  # a re-run task
    assert NewsletterDelivery.objects.filter(issue=network.issue).count() == 1


def test_batches_carry_on_where_they_stopped(
    network: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    c = network.c
    for n in range(4):
        actions.subscription_confirm(
            subscription=actions.subscription_request(
                owner=c.host, email=f"r{n}@example.org", language="en"
            )
        )
    monkeypatch.setattr(newsletter_actions, "NEWSLETTER_BATCH", 2)
    _send(network, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 5
    assert len({m.to[0] for m in mail.outbox}) == 5


def test_a_bounce_stops_the_address(network: Any, django_capture_on_commit_callbacks: Any) -> None:
    _send(network, django_capture_on_commit_callbacks)
    event = AnymailTrackingEvent(event_type="bounced", recipient="Reader@example.org")
    tracking.send(sender=object, event=event, esp_name="Postmark")
    network.subscription.refresh_from_db()
    assert network.subscription.status == SubscriptionStatus.BOUNCED
    assert queries.issue_figures(network.issue)["bounced"] == 1
    assert queries.issue_figures(network.issue)["delivered"] == 0
    issue = actions.issue_create(actor=network.c.anna, owner=network.c.host, subject="B", body="b")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.issue_send(actor=network.c.anna, issue=issue)
    assert mail.outbox == []


def test_schedule_test_and_compose(network: Any, django_capture_on_commit_callbacks: Any) -> None:
    c = network.c
    with pytest.raises(KnowledgeError):
        actions.issue_schedule(
            actor=c.anna, issue=network.issue, when=timezone.now() - dt.timedelta(hours=1)
        )
    when = timezone.now() + dt.timedelta(hours=2)
    actions.issue_schedule(actor=c.anna, issue=network.issue, when=when)
    assert actions.issues_send_due(now=timezone.now()) == 0
    with django_capture_on_commit_callbacks(execute=True):
        actions.issue_send_test(actor=c.anna, issue=network.issue)
    [test] = mail.outbox
    assert test.to == [c.anna.email]
    assert "List-Unsubscribe" not in test.extra_headers
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.issues_send_due(now=when + dt.timedelta(minutes=1)) == 1
    assert [m.to for m in mail.outbox] == [["reader@example.org"]]
    suggestion = actions.issue_suggestion(c.host)
    assert "Sanding guide" in suggestion
    assert "Repair café (Carpentry)" in suggestion
    assert "Secret garden" not in suggestion
    assert "Draft on varnish" not in suggestion


def test_bad_addresses_are_refused(network: Any, client: Any) -> None:
    with pytest.raises(KnowledgeError) as bad:
        actions.subscription_request(owner=network.c.host, email="not-an-address", language="nl")
    assert bad.value.code == KnowledgeErrorCode.BAD_EMAIL
    response = client.post(
        "/api/v1/knowledge/newsletter/host/brussels-commons/subscriptions",
        {"email": "nope"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["code"] == "bad_email"
    assert Subscription.objects.count() == 1


POSTMARK_BOUNCE = {
    "RecordType": "Bounce",
    "Type": "HardBounce",
    "TypeCode": 1,
    "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
    "Email": "Reader@example.org",
    "BouncedAt": "2026-12-01T10:00:00Z",
    "Description": "The address does not exist.",
}


@override_settings(ANYMAIL={"WEBHOOK_SECRET": "samen-hook:s3cret"})
def test_the_provider_webhook_is_wired_and_authenticated(network: Any) -> None:
    """The real anymail view at its URL: a call without the shared secret, or with a wrong
    one, is refused and changes nothing; the authenticated bounce stops the address."""
    url = "/anymail/postmark/tracking/"
    client = Client()
    body = json.dumps(POSTMARK_BOUNCE)

    def post(credentials: str | None) -> int:
        headers = {}
        if credentials is not None:
            token = base64.b64encode(credentials.encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        return client.post(url, body, content_type="application/json", headers=headers).status_code

    assert post(None) == 400
    assert post("samen-hook:wrong") == 400
    network.subscription.refresh_from_db()
    assert network.subscription.status == SubscriptionStatus.CONFIRMED
    assert post("samen-hook:s3cret") == 200
    network.subscription.refresh_from_db()
    assert network.subscription.status == SubscriptionStatus.BOUNCED


def test_an_issue_reaches_only_its_segment(
    network: Any, django_capture_on_commit_callbacks: Any
) -> None:
    c = network.c
    member = actions.subscription_request(
        owner=c.host, email=c.chloe.email.upper(), language="fr"
    )  # Chloé, a member of one of the host's collectives, with her account's address
    actions.subscription_confirm(subscription=member)
    outsider = actions.subscription_request(owner=c.host, email="fan@example.org", language="fr")
    actions.subscription_confirm(subscription=outsider)

    def sent_to(segment: str, language: str = "") -> list[str]:
        issue = actions.issue_create(
            actor=c.anna,
            owner=c.host,
            subject=f"For {segment}",
            body="Hello",
            segment=segment,
            segment_language=language,
        )
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            actions.issue_send(actor=c.anna, issue=issue)
        return sorted(m.to[0] for m in mail.outbox)

    assert sent_to("community") == [c.chloe.email.lower()]
    assert sent_to("language", "fr") == sorted([c.chloe.email.lower(), "fan@example.org"])
    assert sent_to("language", "nl") == ["reader@example.org"]
    assert len(sent_to("all")) == 3
    for segment, language in (("language", ""), ("language", "de"), ("friends", "")):
        with pytest.raises(KnowledgeError) as caught:
            actions.issue_create(
                actor=c.anna,
                owner=c.host,
                subject="Bad",
                body="x",
                segment=segment,
                segment_language=language,
            )
        assert caught.value.code == KnowledgeErrorCode.BAD_SEGMENT
