"""Private categories joined by asking: the request with the category's questions, the
team's decision, leaving, and an access check of every surface (list, topic page, search,
notifications, API, digest) for each persona, which fails if one of them leaks."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from samen.communities import actions as community_actions
from samen.conversations import actions
from samen.conversations.errors import ConversationError
from samen.conversations.errors import ConversationErrorCode as Code
from samen.conversations.models import Category, EmailMode, GroupRequest, GroupRequestStatus
from samen.notifications import actions as notification_actions
from samen.notifications.models import Notification

pytestmark = pytest.mark.django_db

T = "/talk/collective/brasserie-zinneke"
A = "/api/v1/talk"
SECRET = "Zwanzegemrecept"
QUESTIONS = "Why do you want to join?\nDo you brew? | Yes | No"


@pytest.fixture
def group(moderated: Any, make_user: Any) -> Any:
    """``moderated``'s private "Team" category with two questions and a topic by bram;
    zoe (a member) was let in through a request, lena (a member) was let in and left."""
    talk = moderated.talk
    c = talk.c
    actions.category_set_questions(actor=c.bram, category=talk.team, join_questions=QUESTIONS)
    for email, name in [("zoe@example.org", "Zoe"), ("lena@example.org", "Lena")]:
        person = make_user(email, name)
        community_actions.member_add(actor=c.bram, owner=c.collective, user=person, role="member")
        asked = actions.group_request_submit(
            actor=person, category=talk.team, answers=["To help", "Yes"]
        )
        actions.group_request_decide(actor=moderated.mila, request=asked, approve=True)
        setattr(moderated, name.lower(), person)
    talk.team.group.add(moderated.bert)  # in the group before the ban: the ban wins
    moderated.topic = actions.topic_create(
        actor=c.bram, category=talk.team, title=f"{SECRET} plans", body=f"The {SECRET} itself."
    )
    actions.group_leave(actor=moderated.lena, category=talk.team, person=moderated.lena)
    return moderated


def test_asking_answers_the_questions_and_the_team_decides(group: Any) -> None:
    talk = group.talk
    c = talk.c
    with pytest.raises(ConversationError) as refused:
        actions.group_request_submit(actor=c.chloe, category=talk.team, answers=["Me", "Maybe"])
    assert refused.value.code == Code.ANSWER_NOT_A_CHOICE
    assert refused.value.field == "answer_1"
    with pytest.raises(ConversationError) as refused:
        actions.group_request_submit(actor=c.chloe, category=talk.team, answers=["", "Yes"])
    assert refused.value.code == Code.ANSWER_MISSING
    assert not GroupRequest.objects.filter(user=c.chloe).exists()
    asked = actions.group_request_submit(actor=c.chloe, category=talk.team, answers=["Hi", "No"])
    assert asked.answers == [
        {"question": "Why do you want to join?", "answer": "Hi"},
        {"question": "Do you brew?", "answer": "No"},
    ]
    told = Notification.objects.filter(kind="conversations.group_request")
    assert {c.bram.pk, group.mila.pk, c.anna.pk} <= {n.recipient_id for n in told}
    with pytest.raises(ConversationError) as refused:
        actions.group_request_submit(actor=c.chloe, category=talk.team, answers=["Hi", "No"])
    assert refused.value.code == Code.GROUP_REQUEST_OPEN
    with pytest.raises(ConversationError) as refused:
        actions.group_request_decide(actor=group.mila, request=asked, approve=False)
    assert refused.value.code == Code.REASON_MISSING
    actions.group_request_decide(actor=group.mila, request=asked, approve=False, reason="Full")
    asked.refresh_from_db()
    assert asked.status == GroupRequestStatus.DECLINED
    declined = Notification.objects.get(recipient=c.chloe, kind="conversations.group_declined")
    assert declined.data["reason"] == "Full"
    with pytest.raises(ConversationError) as refused:
        actions.group_request_decide(actor=c.bram, request=asked, approve=True)
    assert refused.value.code == Code.DECIDED
    assert not talk.team.group.filter(pk=c.chloe.pk).exists()


def test_bad_questions_are_refused_at_the_field(client: Any, talk: Any) -> None:
    client.force_login(talk.c.bram)
    response = client.post(
        f"{T}/manage/",
        {"name": "Board", "visibility": "private", "slow_mode_per_hour": 0,
         "join_questions": "Colour? | Red"},
    )  # fmt: skip
    assert response.status_code == 400
    page = response.content.decode()
    assert "Question 1 cannot be asked" in page
    assert "Colour? | Red" in page  # what was typed stays
    assert not Category.objects.filter(slug="board").exists()


def test_join_page_round_trip(client: Any, group: Any) -> None:
    talk = group.talk
    c = talk.c
    client.force_login(c.chloe)
    listing = client.get(f"{T}/").content.decode()
    assert "Private categories you can ask to join" in listing
    assert "Team" in listing
    response = client.post(f"{T}/groups/team/", {"answer_0": "I brew", "answer_1": "Perhaps"})
    assert response.status_code == 400
    assert "I brew" in response.content.decode()  # the answer typed is kept
    response = client.post(f"{T}/groups/team/", {"answer_0": "I brew", "answer_1": "Yes"})
    assert response.status_code == 302
    asked = GroupRequest.objects.get(user=c.chloe)
    assert "the team will answer soon" in client.get(f"{T}/groups/team/").content.decode()
    client.force_login(group.mila)
    review = client.get(f"{T}/review/").content.decode()
    assert "I brew" in review
    assert c.chloe.public_name in review
    client.post(f"/talk/groups/requests/{asked.pk}/decide/", {"decision": "approve"})
    client.force_login(c.chloe)
    assert client.get(f"{T}/groups/team/").status_code == 302  # straight to its topics
    assert SECRET in client.get(f"{T}/?category=team").content.decode()
    client.post(f"{T}/groups/team/leave/")
    assert client.get(f"{T}/?category=team").status_code == 404


def test_the_join_page_and_requests_are_hidden_from_outsiders(client: Any, group: Any) -> None:
    talk = group.talk
    asked = actions.group_request_submit(
        actor=talk.c.chloe, category=talk.team, answers=["Hi", "No"]
    )
    for person in (talk.c.eva, talk.c.dries, group.bert):
        client.force_login(person)
        assert client.get(f"{T}/groups/team/").status_code == 404
        assert "Team" not in client.get(f"{T}/").content.decode()
        decided = client.post(f"{A}/group-requests/{asked.pk}/decision",
                              json.dumps({"decision": "approve"}),
                              content_type="application/json")  # fmt: skip
        assert decided.status_code == 404
    client.force_login(talk.c.chloe)
    decided = client.post(f"{A}/group-requests/{asked.pk}/decision",
                          json.dumps({"decision": "approve"}),
                          content_type="application/json")  # fmt: skip
    assert decided.status_code == 403
    assert client.get(f"{A}/collective/brasserie-zinneke/group-requests").status_code == 403


def test_api_round_trip(client: Any, group: Any) -> None:
    talk = group.talk
    client.force_login(talk.c.chloe)
    url = f"{A}/collective/brasserie-zinneke/groups/team/requests"
    bad = client.post(url, json.dumps({"answers": ["Hi"]}), content_type="application/json")
    assert bad.status_code == 422
    assert bad.json()["code"] == "answer_missing"
    made = client.post(url, json.dumps({"answers": ["Hi", "Yes"]}),
                       content_type="application/json")  # fmt: skip
    assert made.status_code == 201
    again = client.post(url, json.dumps({"answers": ["Hi", "Yes"]}),
                        content_type="application/json")  # fmt: skip
    assert (again.status_code, again.json()["code"]) == (409, "group_request_open")
    client.force_login(talk.c.bram)
    waiting = client.get(f"{A}/collective/brasserie-zinneke/group-requests").json()
    assert [row["person"] for row in waiting] == [talk.c.chloe.public_name]
    decided = client.post(f"{A}/group-requests/{made.json()['id']}/decision",
                          json.dumps({"decision": "approve"}),
                          content_type="application/json")  # fmt: skip
    assert decided.json()["status"] == "approved"
    assert talk.team.group.filter(pk=talk.c.chloe.pk).exists()


PEOPLE = f"{T}/groups/team/people/"


def test_the_team_manages_the_groups_people(client: Any, group: Any) -> None:
    """mila (a moderator) takes zoe out with a reason zoe reads, lets chloe in (her request
    waiting counts as approved); bram (an admin) changes the questions. Every refusal keeps
    what was typed and changes nothing."""
    from samen.audit.models import AuditEntry

    talk = group.talk
    c = talk.c
    asked = actions.group_request_submit(actor=c.chloe, category=talk.team, answers=["Hi", "No"])
    client.force_login(group.mila)
    page = client.get(PEOPLE).content.decode()
    assert group.zoe.public_name in page
    assert group.lena.public_name not in page  # she left
    assert "1 request to join waits" in page
    refused = client.post(PEOPLE, {"do": "remove", "person": group.zoe.pk, "reason": " "})
    assert refused.status_code == 400
    assert "This field is required." in refused.content.decode()
    assert talk.team.group.filter(pk=group.zoe.pk).exists()
    gone = client.post(PEOPLE, {"do": "remove", "person": group.zoe.pk, "reason": "Moved away"})
    assert gone.status_code == 302
    assert not talk.team.group.filter(pk=group.zoe.pk).exists()
    told = Notification.objects.get(recipient=group.zoe, kind="conversations.group_removed")
    assert "Moved away" in told.text
    logged = AuditEntry.objects.filter(action="conversations.group.leave").latest("pk")
    assert logged.data == {"person_id": group.zoe.pk, "reason": "Moved away"}
    for email, error in [("nobody@example.org", "No member of this community"),
                         (c.eva.email, "No member of this community"),
                         ("not an address", "Enter a valid email address.")]:  # fmt: skip
        refused = client.post(PEOPLE, {"do": "add", "email": email})
        assert refused.status_code == 400
        assert error in refused.content.decode()
        assert f'value="{email}"' in refused.content.decode()  # what was typed stays
    added = client.post(PEOPLE, {"do": "add", "email": c.chloe.email.upper()})
    assert added.status_code == 302
    assert talk.team.group.filter(pk=c.chloe.pk).exists()
    asked.refresh_from_db()
    assert (asked.status, asked.decided_by) == (GroupRequestStatus.APPROVED, group.mila)
    assert Notification.objects.filter(
        recipient=c.chloe, kind="conversations.group_approved"
    ).exists()
    again = client.post(PEOPLE, {"do": "add", "email": c.chloe.email})
    assert "This person is already in the group." in again.content.decode()
    assert "Save the questions" not in client.get(PEOPLE).content.decode()  # admins only
    assert client.post(PEOPLE, {"do": "questions", "join_questions": "Why?"}).status_code == 403
    client.force_login(c.bram)
    refused = client.post(PEOPLE, {"do": "questions", "join_questions": "Colour? | Red"})
    assert refused.status_code == 400
    assert "Question 1 cannot be asked" in refused.content.decode()
    assert "Colour? | Red" in refused.content.decode()
    saved = client.post(PEOPLE, {"do": "questions", "join_questions": "Colour? | Red | Blue"})
    assert saved.status_code == 302
    talk.team.refresh_from_db()
    assert talk.team.join_questions == [{"text": "Colour?", "choices": ["Red", "Blue"]}]
    assert "Colour? | Red | Blue" in client.get(PEOPLE).content.decode()


def _send(client: Any, method: str, url: str, body: Any = None) -> Any:
    return getattr(client, method)(url, json.dumps(body or {}), content_type="application/json")


def test_the_team_manages_the_group_through_the_api(client: Any, group: Any) -> None:
    """The team's page as API: the list, letting in by e-mail, taking out with a reason,
    the admins' questions, leaving; a group member off the team gets 403, whoever cannot
    read the category 404, and every refusal changes nothing."""
    talk = group.talk
    c = talk.c
    people = f"{A}/collective/brasserie-zinneke/groups/team/people"
    questions = f"{A}/collective/brasserie-zinneke/groups/team/questions"
    for person, status in [(c.eva, 404), (c.chloe, 404), (group.bert, 404), (group.zoe, 403)]:
        client.force_login(person)
        assert client.get(people).status_code == status, person
        assert _send(client, "post", people, {"email": c.chloe.email}).status_code == status
    assert not talk.team.group.filter(pk=c.chloe.pk).exists()
    client.force_login(group.mila)
    listed = client.get(people).json()
    assert {row["name"] for row in listed} == {group.zoe.public_name, group.bert.public_name}
    for email, status, code in [("nobody@example.org", 422, "no_such_member"),
                                (c.eva.email, 422, "no_such_member"),
                                (group.zoe.email, 409, "in_group")]:  # fmt: skip
        refused = _send(client, "post", people, {"email": email})
        assert (refused.status_code, refused.json()["code"]) == (status, code), email
    added = _send(client, "post", people, {"email": c.chloe.email.upper()})
    assert added.status_code == 201
    assert added.json() == {"id": c.chloe.pk, "name": c.chloe.public_name}
    assert Notification.objects.filter(recipient=c.chloe, kind="conversations.group_approved")
    blank = _send(client, "post", f"{people}/{group.zoe.pk}/remove", {"reason": "  "})
    assert (blank.status_code, blank.json()["code"]) == (422, "reason_missing")
    outsider = _send(client, "post", f"{people}/{c.eva.pk}/remove", {"reason": "x"})
    assert outsider.status_code == 404
    gone = _send(client, "post", f"{people}/{group.zoe.pk}/remove", {"reason": "Moved away"})
    assert gone.status_code == 204
    assert not talk.team.group.filter(pk=group.zoe.pk).exists()
    told = Notification.objects.get(recipient=group.zoe, kind="conversations.group_removed")
    assert "Moved away" in told.text
    asked = [{"text": "Colour?", "choices": ["Red", "Blue"]}, {"text": "Why?", "choices": []}]
    assert _send(client, "put", questions, {"questions": asked}).status_code == 403  # moderator
    client.force_login(c.bram)
    refused = _send(client, "put", questions, {"questions": [{"text": "Hm?", "choices": ["A"]}]})
    assert (refused.status_code, refused.json()["code"]) == (422, "bad_questions")
    saved = _send(client, "put", questions, {"questions": asked})
    assert (saved.status_code, saved.json()) == (200, asked)
    talk.team.refresh_from_db()
    assert talk.team.join_questions == asked
    client.force_login(c.chloe)
    leave = f"{A}/collective/brasserie-zinneke/groups/team/leave"
    assert client.post(leave).status_code == 204
    assert not talk.team.group.filter(pk=c.chloe.pk).exists()
    assert client.post(leave).status_code == 404  # she cannot read it any more
    schema = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/talk/{kind}/{slug}/groups/{category}/people/{pk}/remove" in schema


def test_the_team_finds_the_page_from_the_category_the_queue_and_the_settings(
    client: Any, group: Any
) -> None:
    client.force_login(group.talk.c.bram)
    for url in (f"{T}/?category=team", f"{T}/review/", f"{T}/manage/"):
        assert PEOPLE in client.get(url).content.decode(), url
    client.force_login(group.zoe)  # in the group, not on the team
    assert PEOPLE not in client.get(f"{T}/?category=team").content.decode()
    assert client.get(PEOPLE).status_code == 403


def test_taking_someone_out_needs_the_team_and_a_reason(group: Any) -> None:
    from django.core.exceptions import PermissionDenied

    talk = group.talk
    with pytest.raises(PermissionDenied):
        actions.group_leave(actor=group.zoe, category=talk.team, person=talk.c.bram, reason="x")
    with pytest.raises(PermissionDenied):
        actions.category_group_add(actor=group.zoe, category=talk.team, users=[talk.c.chloe])
    with pytest.raises(ConversationError) as refused:
        actions.group_leave(actor=group.mila, category=talk.team, person=group.zoe)
    assert (refused.value.code, refused.value.field) == (Code.REASON_MISSING, "reason")
    with pytest.raises(ConversationError) as refused:
        actions.category_group_add(actor=group.mila, category=talk.team, users=[group.bert])
    assert refused.value.code == Code.NOT_A_MEMBER  # banned: no longer a member
    assert talk.team.group.filter(pk=group.zoe.pk).exists()


READERS = {"bram", "anna", "mila", "zoe"}
PERSONAS = ["anonymous", "eva", "dries", "chloe", "lena", "bert", "bram", "anna", "mila", "zoe"]


def _person(group: Any, name: str) -> Any:
    if name == "anonymous":
        return None
    return getattr(group, name, None) or getattr(group.talk.c, name)


def test_a_private_topic_reaches_exactly_its_readers_everywhere(
    client: Any, group: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Every persona, every surface: the list, the category, the topic page, search (page
    and API), the API's list and topic, the bell's list (page and API), e-mail for every
    post and the daily digest. Only the group and the team find the secret."""
    talk = group.talk
    c = talk.c
    people = {name: _person(group, name) for name in PERSONAS}
    for name, person in people.items():
        if person is not None and name not in {"eva", "dries"}:
            mode = EmailMode.DAILY if name in {"zoe", "lena", "chloe"} else EmailMode.EVERY_POST
            actions.email_choice_set(actor=person, owner=c.collective, mode=mode)
    mail.outbox.clear()
    body = f"More {SECRET} @Chloe @Eva @Lena @Zoe @Anna"
    with django_capture_on_commit_callbacks(execute=True):
        actions.post_reply(actor=c.bram, topic=group.topic, body=body)
    before = timezone.now() + dt.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        for person in people.values():
            if person is not None:
                notification_actions.digest_send(user_id=person.pk, before=before)
    topic = group.topic.pk
    surfaces = {
        "list": f"{T}/",
        "category": f"{T}/?category=team",
        "topic": f"/talk/topics/{topic}/",
        "search": f"{T}/search/?q=itself",
        "api list": f"{A}/collective/brasserie-zinneke/topics",
        "api topic": f"{A}/topics/{topic}",
        "api search": f"{A}/collective/brasserie-zinneke/search?q=itself",
        "bell": "/notifications/",
        "api bell": "/api/v1/notifications/",
    }
    leaks, misses = [], []
    for name, person in people.items():
        client.logout()
        if person is not None:
            client.force_login(person)
        for surface, url in surfaces.items():
            if person is None and "bell" in surface:
                continue
            response = client.get(url)
            found = response.status_code == 200 and SECRET in response.content.decode()
            if found and name not in READERS:
                leaks.append(f"{name}: {surface}")
            must_find = surface not in {"bell", "api bell"} or name in {"zoe", "anna"}
            if not found and name in READERS and must_find:
                misses.append(f"{name}: {surface} ({response.status_code})")
        if person is not None:
            mails = [m for m in mail.outbox if person.email in m.to]
            if any(SECRET in f"{m.subject} {m.body}" for m in mails) and name not in READERS:
                leaks.append(f"{name}: e-mail")
            if name in READERS - {"bram"} and not any(SECRET in m.body for m in mails):
                misses.append(f"{name}: e-mail")
    assert not leaks, leaks
    assert not misses, misses
