"""An open door: a person asks to join a host's community (the members who use its credit)
with the idea they come with; a host admin accepts or refuses with a message; an accepted
member starts with the credit's default limit."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from samen.communities import actions, queries
from samen.communities.errors import CommunityError, CommunityErrorCode
from samen.communities.models import HostMembership, JoinRequest, JoinRequestStatus
from samen.credits.actions import limit_for, wallet
from samen.credits.tests.factories import make_scheme

pytestmark = pytest.mark.django_db

IDEA = "A repair café in Molenbeek where neighbours learn to fix their bikes."


def _open(community, questions=("Which skills do you bring?",)):
    community.host = actions.host_update(
        actor=community.anna,
        host=community.host,
        accepts_members=True,
        member_questions="\n".join(questions),
    )
    return community.host


def test_eva_asks_with_her_idea_and_anna_lets_her_in_with_the_default_limit(
    community, django_capture_on_commit_callbacks
):
    scheme = make_scheme(community, limit=3000)
    host = _open(community)
    eva = community.eva

    with django_capture_on_commit_callbacks(execute=True):
        join_request = actions.host_join_request_submit(
            actor=eva, host=host, idea=IDEA, answers=["Bike repair"], rules_accepted=False
        )
    assert (join_request.host, join_request.collective, join_request.idea) == (host, None, IDEA)
    assert join_request.answers == [
        {"question": "Which skills do you bring?", "answer": "Bike repair"}
    ]
    assert [m.to for m in mail.outbox] == [[community.anna.email]]
    assert IDEA in mail.outbox[0].body
    assert list(queries.pending_join_requests(host)) == [join_request]

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.join_request_approve(
            actor=community.anna, join_request=join_request, message="Welcome, see you Thursday!"
        )
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.APPROVED
    assert HostMembership.objects.filter(host=host, user=eva, role="member").exists()
    assert limit_for(scheme, eva) == 3000
    assert wallet(scheme, eva).floor == -3000
    assert "Welcome, see you Thursday!" in mail.outbox[0].body
    assert mail.outbox[0].to == [eva.email]


def test_a_refusal_carries_its_message_and_lets_nobody_in(
    community, django_capture_on_commit_callbacks
):
    host = _open(community, questions=())
    join_request = actions.host_join_request_submit(
        actor=community.eva, host=host, idea=IDEA, answers=[], rules_accepted=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        actions.join_request_decline(
            actor=community.anna, join_request=join_request, reason="We are full until spring."
        )
    join_request.refresh_from_db()
    assert (join_request.status, join_request.reason) == (
        JoinRequestStatus.DECLINED,
        "We are full until spring.",
    )
    assert not HostMembership.objects.filter(user=community.eva).exists()
    assert "We are full until spring." in mail.outbox[-1].body


@pytest.mark.parametrize(
    ("setup", "idea", "answers", "code"),
    [
        ("closed", IDEA, ["x"], CommunityErrorCode.HOST_JOIN_CLOSED),
        ("open", "   ", ["x"], CommunityErrorCode.IDEA_MISSING),
        ("open", "x" * 2001, ["x"], CommunityErrorCode.IDEA_MISSING),
        ("open", IDEA, [""], CommunityErrorCode.ANSWERS_MISSING),
    ],
)
def test_bad_requests_are_refused_and_change_nothing(community, setup, idea, answers, code):
    host = _open(community) if setup == "open" else community.host
    with pytest.raises(CommunityError) as caught:
        actions.host_join_request_submit(
            actor=community.eva, host=host, idea=idea, answers=answers, rules_accepted=False
        )
    assert caught.value.code == code
    assert not JoinRequest.objects.filter(host=host).exists()


def test_members_and_second_requests_are_refused_and_only_host_admins_decide(community):
    host = _open(community, questions=())
    actions.member_add(actor=community.anna, owner=host, user=community.chloe, role="member")
    with pytest.raises(CommunityError) as caught:
        actions.host_join_request_submit(
            actor=community.chloe, host=host, idea=IDEA, answers=[], rules_accepted=False
        )
    assert caught.value.code == CommunityErrorCode.ALREADY_MEMBER
    join_request = actions.host_join_request_submit(
        actor=community.eva, host=host, idea=IDEA, answers=[], rules_accepted=False
    )
    with pytest.raises(CommunityError) as caught:
        actions.host_join_request_submit(
            actor=community.eva, host=host, idea=IDEA, answers=[], rules_accepted=False
        )
    assert caught.value.code == CommunityErrorCode.JOIN_REQUEST_OPEN
    # Bram administers a hosted collective, not the host: he may not decide.
    with pytest.raises(PermissionDenied):
        actions.join_request_approve(actor=community.bram, join_request=join_request)
    assert not HostMembership.objects.filter(user=community.eva).exists()


def test_the_pages_ask_list_and_decide(community, client):
    host = _open(community)
    client.force_login(community.eva)
    assert (
        reverse("communities:host_join", args=[host.slug])
        in client.get(reverse("communities:host", args=[host.slug])).content.decode()
    )
    url = reverse("communities:host_join", args=[host.slug])
    refused = client.post(url, {"idea": "", "answer_0": "Bikes"})
    assert refused.status_code == 200
    assert not JoinRequest.objects.exists()
    response = client.post(url, {"idea": IDEA, "answer_0": "Bikes"})
    assert response.status_code == 302
    join_request = JoinRequest.objects.get(host=host)

    client.force_login(community.anna)
    team = client.get(reverse("communities:host_members", args=[host.slug])).content.decode()
    assert IDEA in team
    decide = reverse("communities:join_request_decide", args=[join_request.pk])
    response = client.post(decide, {"decision": "approve", "reason": "Welcome!"})
    assert response.url == reverse("communities:host_members", args=[host.slug])
    join_request.refresh_from_db()
    assert (join_request.status, join_request.reason) == (JoinRequestStatus.APPROVED, "Welcome!")


def test_the_api_takes_a_request_with_its_idea(community, client):
    host = _open(community)
    client.force_login(community.eva)
    response = client.post(
        f"/api/v1/hosts/{host.slug}/join-requests",
        {"idea": IDEA, "answers": ["Bikes"]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["host"], body["collective"], body["idea"]) == (host.slug, None, IDEA)
    response = client.post(
        f"/api/v1/hosts/{host.slug}/join-requests",
        {"idea": "", "answers": ["Bikes"]},
        content_type="application/json",
    )
    assert (response.status_code, response.json()["code"]) == (400, "idea_missing")
