"""Requests for help: post, answer with a delivery, confirm -> answered; withdraw; refusals;
matching; what the dashboard and the directory show of people's skills."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from samen.audit.models import AuditEntry
from samen.credits.actions import (
    deliveries_auto_confirm,
    delivery_confirm,
    delivery_record,
    delivery_reject,
    help_request_close,
    help_request_create,
    request_digests_send,
)
from samen.credits.errors import CreditsError, CreditsErrorCode
from samen.credits.models import Delivery, DeliveryStatus, HelpRequest, RequestStatus
from samen.credits.queries import imbalances, requests_for
from samen.credits.tests.factories import give_skills, make_scheme

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _ask(scheme, person, title="Help with our accounts", skills=("Accounting",), **extra):
    return help_request_create(
        actor=person, scheme=scheme, title=title, skills=list(skills), **extra
    )


def _answer(scheme, helper, help_request, **extra):
    return delivery_record(
        actor=helper,
        scheme=scheme,
        service_code="session",
        on=TODAY(),
        help_request=help_request,
        **extra,
    )


def test_post_offer_confirm_answers_the_request(
    community, mailoutbox, django_capture_on_commit_callbacks
):
    scheme = make_scheme(community)
    bram, chloe = community.bram, community.chloe
    chloe.language = "fr"
    chloe.save(update_fields=["language"])
    asked = _ask(scheme, chloe, description="Our **books** are a mess.", service_code="session")
    assert asked.status == RequestStatus.OPEN
    assert [s.name for s in asked.skills.all()] == ["Accounting"]

    with django_capture_on_commit_callbacks(execute=True):
        delivery = _answer(scheme, bram, asked)
    assert (delivery.provider, delivery.recipient, delivery.help_request) == (bram, chloe, asked)
    # The requester is told in her own language.
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [chloe.email]
    assert "a répondu à votre demande" in mailoutbox[0].subject
    assert f"/credits/requests/{asked.pk}/" in mailoutbox[0].body
    asked.refresh_from_db()
    assert asked.status == RequestStatus.OPEN  # recorded is not yet confirmed

    delivery_confirm(actor=chloe, delivery=delivery)
    asked.refresh_from_db()
    assert asked.status == RequestStatus.ANSWERED
    assert asked.answered_by == delivery
    assert asked.answered_at is not None
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"credits.request_create", "credits.request_answer"} <= actions
    # Once answered, nobody can answer it again.
    with pytest.raises(CreditsError) as refused:
        _answer(scheme, community.anna, asked)
    assert refused.value.code == CreditsErrorCode.REQUEST_NOT_OPEN


def test_auto_confirmation_answers_too_and_a_rejection_keeps_it_open(community):
    scheme = make_scheme(community)
    asked = _ask(scheme, community.chloe)
    rejected = _answer(scheme, community.bram, asked)
    delivery_reject(actor=community.chloe, delivery=rejected, reason="Did not happen")
    asked.refresh_from_db()
    assert asked.status == RequestStatus.OPEN
    pending = _answer(scheme, community.anna, asked)
    later = timezone.now() + dt.timedelta(days=scheme.auto_confirm_days + 1)
    assert deliveries_auto_confirm(now=later) == 1
    asked.refresh_from_db()
    assert (asked.status, asked.answered_by_id) == (RequestStatus.ANSWERED, pending.pk)


def test_withdraw_and_host_admin_close(community):
    scheme = make_scheme(community)
    mine = _ask(scheme, community.chloe)
    with pytest.raises(CreditsError) as refused:
        help_request_close(actor=community.bram, help_request=mine)
    assert refused.value.code == CreditsErrorCode.NOT_ALLOWED
    help_request_close(actor=community.chloe, help_request=mine)
    mine.refresh_from_db()
    assert (mine.status, mine.closed_by) == (RequestStatus.CLOSED, community.chloe)
    with pytest.raises(CreditsError) as again:
        help_request_close(actor=community.chloe, help_request=mine)
    assert again.value.code == CreditsErrorCode.REQUEST_NOT_OPEN
    with pytest.raises(CreditsError) as closed:
        _answer(scheme, community.bram, mine)
    assert closed.value.code == CreditsErrorCode.REQUEST_NOT_OPEN

    other = _ask(scheme, community.bram)
    help_request_close(actor=community.anna, help_request=other)
    other.refresh_from_db()
    assert other.status == RequestStatus.CLOSED
    assert AuditEntry.objects.filter(action="credits.request_close").count() == 2


def test_refusals_not_a_member_own_request_and_wrong_service(community):
    scheme = make_scheme(community)
    with pytest.raises(CreditsError) as stranger:
        _ask(scheme, community.eva)
    assert stranger.value.code == CreditsErrorCode.NOT_A_MEMBER
    with pytest.raises(CreditsError) as network_service:
        _ask(scheme, community.chloe, service_code="workshop")
    assert network_service.value.code == CreditsErrorCode.REQUEST_SERVICE
    with pytest.raises(CreditsError):
        _ask(scheme, community.chloe, title="   ")
    asked = _ask(scheme, community.chloe, service_code="session")
    with pytest.raises(CreditsError) as own:
        _answer(scheme, community.chloe, asked)
    assert own.value.code == CreditsErrorCode.OWN_REQUEST
    with pytest.raises(CreditsError) as outsider:
        _answer(scheme, community.eva, asked)
    assert outsider.value.code == CreditsErrorCode.NOT_A_MEMBER
    with pytest.raises(CreditsError) as other_person:
        _answer(scheme, community.bram, asked, member=community.anna)
    assert other_person.value.code == CreditsErrorCode.INVALID
    with pytest.raises(CreditsError) as other_service:
        delivery_record(
            actor=community.bram,
            scheme=scheme,
            service_code="article",
            on=TODAY(),
            help_request=asked,
        )
    assert other_service.value.code == CreditsErrorCode.REQUEST_SERVICE
    assert not Delivery.objects.exists()
    assert HelpRequest.objects.count() == 1


def test_matching_ranks_by_shared_skills_then_newest(community):
    scheme = make_scheme(community)
    bram = community.bram
    give_skills(bram, "Accounting", "Cooking", "Brewing", visibility="only_me")
    one_old = _ask(scheme, community.chloe, "Old one", ["Cooking"])
    two = _ask(scheme, community.anna, "Two skills", ["Cooking", "Brewing", "Welding"])
    one_new = _ask(scheme, community.chloe, "New one", ["Accounting"])
    _ask(scheme, community.chloe, "Not mine", ["Welding"])
    _ask(scheme, bram, "My own", ["Cooking"])
    closed = _ask(scheme, community.anna, "Closed", ["Cooking", "Brewing", "Accounting"])
    help_request_close(actor=community.anna, help_request=closed)
    HelpRequest.objects.filter(pk=one_old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=2)
    )
    ranked = list(requests_for(bram, scheme))
    # His own skills count for himself, even the ones only he may see.
    assert ranked == [two, one_new, one_old]
    assert [r.shared for r in ranked] == [2, 1, 1]  # type: ignore[attr-defined]


def test_dashboard_shows_matches_only_through_visible_skills(community):
    scheme = make_scheme(community)
    bram, chloe = community.bram, community.chloe
    give_skills(bram, "Cooking", visibility="members")
    give_skills(chloe, "Accounting", visibility="only_me")
    for person in (bram, chloe):
        delivery_confirm(actor=person, delivery=_workshop(scheme, community, person))
    cooking = _ask(scheme, community.anna, "Cook for us", ["Cooking"])
    _ask(scheme, community.anna, "Our books", ["Accounting"])
    rows = {row["user"]: row for row in imbalances(scheme, community.anna)}
    assert rows[bram]["skills"] == ["Cooking"]
    assert rows[bram]["matches"] == {"count": 1, "top": [cooking]}
    # Chloé keeps her skills to herself: the host admin sees neither them nor what they match.
    assert rows[chloe]["skills"] == []
    assert rows[chloe]["skills_hidden"] is True
    assert rows[chloe]["matches"]["count"] == 0


def _workshop(scheme, community, person):
    from samen.credits.actions import workshop_record

    (delivery,) = workshop_record(
        actor=community.anna,
        scheme=scheme,
        service_code="workshop",
        on=TODAY(),
        participants=[person],
    )
    return delivery


def test_dashboard_lists_top_three_matches_with_bounded_queries(
    client, community, django_assert_max_num_queries
):
    scheme = make_scheme(community, limit=50_000)
    client.force_login(community.anna)
    url = reverse("credits:dashboard", args=[community.host.slug])
    give_skills(community.bram, "Cooking")
    give_skills(community.chloe, "Cooking", "Brewing")
    for person in (community.bram, community.chloe):
        delivery_confirm(actor=person, delivery=_workshop(scheme, community, person))
    _ask(scheme, community.anna, "Request 0", ["Cooking"])
    with django_assert_max_num_queries(60) as few:
        first = client.get(url)
    assert "Request 0" in first.content.decode()
    for n in range(1, 6):
        _ask(scheme, community.anna, f"Request {n}", ["Cooking", "Brewing"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url)
    html = page.content.decode()
    row = html[html.index("Chloé") :]
    row = row[: row.index("</tr>")]
    assert ">6<" in row  # six open requests match her skills
    assert row.count("<li>") == 3  # the three best: both skills, newest first
    assert "Request 5" in row
    assert "Request 3" in row
    assert "Request 0" not in row
    assert "request board" not in html


def test_digest_once_a_day_to_matching_debtors(
    community, mailoutbox, django_capture_on_commit_callbacks
):
    scheme = make_scheme(community)
    give_skills(community.bram, "Cooking")
    give_skills(community.chloe, "Cooking")
    delivery_confirm(actor=community.bram, delivery=_workshop(scheme, community, community.bram))
    _ask(scheme, community.anna, "Cook for us", ["Cooking"])
    with django_capture_on_commit_callbacks(execute=True):
        assert request_digests_send() == 1  # Bram is in debt; Chloé is not
        assert request_digests_send() == 0
    assert [m.to for m in mailoutbox] == [[community.bram.email]]
    assert "Cook for us" in mailoutbox[0].body
    # The next day, a request already mentioned is not mentioned again.
    tomorrow = timezone.now() + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert request_digests_send(now=tomorrow) == 0
    assert len(mailoutbox) == 1


def test_delivery_status_of_offers(community):
    scheme = make_scheme(community)
    asked = _ask(scheme, community.chloe)
    first = _answer(scheme, community.bram, asked)
    second = _answer(scheme, community.anna, asked)
    delivery_confirm(actor=community.chloe, delivery=second)
    # The first offer still counts when confirmed later; the request stays answered by the
    # first confirmation.
    delivery_confirm(actor=community.chloe, delivery=first)
    asked.refresh_from_db()
    assert asked.answered_by == second
    assert first.__class__.objects.get(pk=first.pk).status == DeliveryStatus.CONFIRMED


def test_requests_are_in_the_data_export_and_erased_with_the_person(community):
    from samen.accounts.actions import user_erase
    from samen.credits import privacy

    scheme = make_scheme(community)
    _ask(scheme, community.chloe, "Private words")
    exported = privacy.export_data(community.chloe)
    assert [r["title"] for r in exported["help_requests"]] == ["Private words"]
    user_erase(actor=community.chloe, user=community.chloe)
    assert not HelpRequest.objects.filter(title="Private words").exists()
