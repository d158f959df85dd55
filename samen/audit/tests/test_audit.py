from __future__ import annotations

import pytest
from django.test import Client

from samen.audit.actions import audit_record
from samen.audit.context import client_ip
from samen.audit.models import AuditEntry
from samen.audit.queries import entries_by_actor, entries_for_host

pytestmark = pytest.mark.django_db


def _host(slug: str):
    from samen.communities.models import Host

    return Host.objects.create(name=slug.title(), slug=slug)


def test_ip_is_captured_from_the_request(client: Client, anna) -> None:
    client.force_login(anna)
    client.post(
        "/settings/tokens/new/", {"name": "cron", "lifetime": "30"}, REMOTE_ADDR="203.0.113.7"
    )
    entry = AuditEntry.objects.get(action="token.create")
    assert entry.ip_address == "203.0.113.7"
    assert entry.actor == anna
    assert entry.target_repr.startswith("cron")
    # The address belongs to that request only.
    assert client_ip.get() is None


def test_ip_is_captured_on_api_calls_too(client: Client, anna) -> None:
    client.force_login(anna)
    client.patch(
        "/api/v1/me",
        data={"display_name": "Anna V."},
        content_type="application/json",
        REMOTE_ADDR="2001:db8::5",
    )
    assert AuditEntry.objects.get(action="user.update").ip_address == "2001:db8::5"


def test_outside_a_request_there_is_no_address(anna) -> None:
    entry = audit_record(actor=anna, action="test.thing", target=anna, data={"k": 1})
    assert entry.ip_address is None
    assert entry.target_id == str(anna.pk)
    assert entry.data == {"k": 1}


def test_system_actions_have_no_actor() -> None:
    from django.contrib.auth.models import AnonymousUser

    assert audit_record(actor=None, action="system.tick").actor is None
    assert audit_record(actor=AnonymousUser(), action="system.tick").actor is None


def test_entries_are_append_only(anna) -> None:
    entry = audit_record(actor=anna, action="test.thing")
    entry.action = "test.rewritten"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
    assert AuditEntry.objects.get().action == "test.thing"


def test_entries_for_host_lists_only_that_host_newest_first(
    anna, bram, django_assert_num_queries
) -> None:
    mine, other = _host("brussels"), _host("gent")
    first = audit_record(actor=anna, action="collective.create", host=mine)
    audit_record(actor=bram, action="collective.create", host=other)
    audit_record(actor=None, action="system.seal")
    second = audit_record(actor=bram, action="membership.add", host=mine)
    for _ in range(10):
        audit_record(actor=anna, action="membership.add", host=mine)
    with django_assert_num_queries(1):
        entries = list(entries_for_host(mine))
        names = {e.actor.public_name for e in entries if e.actor}
    assert len(entries) == 12
    assert names == {"Anna", "Bram"}
    assert entries[-1] == first
    assert entries[-2] == second


def test_entries_by_actor(anna, bram) -> None:
    audit_record(actor=anna, action="a.one")
    audit_record(actor=bram, action="b.one")
    assert [e.action for e in entries_by_actor(anna)] == ["a.one"]


def test_forwarded_address_is_believed_only_behind_trusted_proxies(settings) -> None:
    from django.test import RequestFactory

    from samen.audit.middleware import request_ip

    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.9, 10.0.0.1"
    )
    assert request_ip(request) == "10.0.0.2"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    assert request_ip(request) == "198.51.100.9"
    # A header shorter than the configured chain: fall back rather than fail the request.
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 3
    assert request_ip(request) == "10.0.0.2"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert request_ip(RequestFactory().get("/", REMOTE_ADDR="not-an-ip")) is None
