"""Moderation through the actions and pages: the team, reports citing the rule in force,
hide / restore / delete with a reason the author sees, warn, mute for a period, remove and
ban, and the moderation log members read."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from samen.audit.models import AuditEntry
from samen.communities import actions as community_actions
from samen.communities.errors import CommunityError
from samen.communities.models import CollectiveMembership
from samen.conversations import actions, kinds, queries
from samen.conversations.access import can_moderate, can_see_topic
from samen.conversations.errors import ConversationError
from samen.conversations.models import ModerationEntry, Post, PostStatus
from samen.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _reply(m: Any, body: str = "Buy my bikes!") -> Post:
    return actions.post_reply(actor=m.talk.c.chloe, topic=m.talk.question, body=body)


def test_report_cites_the_rule_in_force_and_the_decision_logs_it(moderated: Any) -> None:
    m, c = moderated, moderated.talk.c
    post = _reply(m)
    item = actions.post_report(actor=c.bram, post=post, reason="Advert", rule_number=2)
    score = item.scores.get()
    assert score.rule is not None
    assert (score.rule.version, score.rule_number) == (1, 2)
    community_actions.rules_publish(actor=c.bram, owner=c.collective, text="1. Kind.\n2. No ads.")
    actions.review_decide(actor=m.mila, reviewable=item, decision="hide", reason="An advert")
    entry = ModerationEntry.objects.filter(post=post).get()
    assert entry.rule is not None
    assert (entry.action, entry.rule_number, entry.rule.version) == ("hide", 2, 2)
    assert entry.actor == m.mila
    assert entry.person == c.chloe
    assert AuditEntry.objects.filter(action="conversations.moderation.hide").exists()


def test_report_on_own_post_is_refused(moderated: Any) -> None:
    post = _reply(moderated)
    with pytest.raises(ConversationError) as refused:
        actions.post_report(actor=moderated.talk.c.chloe, post=post, reason="Me")
    assert refused.value.code == "own_post"


def test_hide_restore_delete_each_with_a_reason_the_author_sees(
    moderated: Any, client: Any
) -> None:
    m, c = moderated, moderated.talk.c
    post = _reply(m)
    with pytest.raises(ConversationError):
        actions.post_moderate(actor=m.mila, post=post, action="hide", reason=" ")
    actions.post_moderate(
        actor=m.mila, post=post, action="hide", reason="Advertising", rule_number=2
    )
    client.force_login(c.chloe)
    page = client.get(f"/talk/topics/{m.talk.question.pk}/").content.decode()
    assert "Hidden by a moderator. Reason: Advertising" in page
    assert "Buy my bikes!" in page
    client.force_login(c.dries)
    assert "Buy my bikes!" not in client.get(f"/talk/topics/{m.talk.question.pk}/").content.decode()
    actions.post_moderate(actor=m.mila, post=post, action="restore", reason="Misread")
    assert Post.objects.get(pk=post.pk).status == PostStatus.VISIBLE
    actions.post_moderate(actor=m.mila, post=post, action="delete", reason="Spam after all")
    post.refresh_from_db()
    assert (post.status, post.body) == (PostStatus.DELETED, "")
    with pytest.raises(ConversationError) as refused:
        actions.post_moderate(actor=m.mila, post=post, action="restore", reason="Oops")
    assert refused.value.code == "not_restorable"
    told = Notification.objects.filter(recipient=c.chloe, kind__startswith="conversations.")
    texts = [n.text for n in told.order_by("pk")]
    assert any("Reason: Advertising" in t for t in texts)
    assert any("deleted your post" in t and "Spam after all" in t for t in texts)
    client.force_login(c.chloe)
    log = client.get("/talk/collective/brasserie-zinneke/log/").content.decode()
    assert "deleted a post" in log
    assert "Buy my bikes!" not in log


def test_a_member_cannot_moderate(moderated: Any) -> None:
    post = _reply(moderated)
    with pytest.raises(PermissionDenied):
        actions.post_moderate(actor=moderated.mats, post=post, action="hide", reason="No")


def test_warn_tells_the_person_and_the_log(moderated: Any) -> None:
    m, c = moderated, moderated.talk.c
    actions.member_warn(
        actor=m.mila, owner=c.collective, person=c.chloe, reason="Tone", rule_number=1
    )
    note = Notification.objects.get(recipient=c.chloe, kind="conversations.warned")
    assert "warned you" in note.text
    assert "Tone" in note.text
    with pytest.raises(ConversationError) as refused:
        actions.member_warn(actor=m.mila, owner=c.collective, person=c.bram, reason="Hm")
    assert refused.value.code == "team_member"


def test_mute_lasts_its_period_then_lifts(moderated: Any) -> None:
    m = moderated
    with pytest.raises(ConversationError) as refused:
        actions.post_reply(actor=m.mats, topic=m.talk.question, body="LOUD")
    assert refused.value.code == "muted"
    assert refused.value.status == 403
    assert can_see_topic(m.mats, m.talk.members_topic)  # a muted member still reads
    later = timezone.now() + dt.timedelta(hours=25)
    with time_machine.travel(later, tick=False):
        post = actions.post_reply(actor=m.mats, topic=m.talk.question, body="Sorry.")
    assert post.pk
    with pytest.raises(ConversationError):
        actions.member_mute(actor=m.mila, owner=m.talk.c.collective, person=m.mats, hours=0,
                            reason="x")  # fmt: skip


def test_unmute_ends_it_now(moderated: Any) -> None:
    m = moderated
    assert actions.member_unmute(actor=m.mila, owner=m.talk.c.collective, person=m.mats) == 1
    assert actions.post_reply(actor=m.mats, topic=m.talk.question, body="Thanks.").pk


def test_banned_can_do_nothing_in_that_community(moderated: Any) -> None:
    m, c = moderated, moderated.talk.c
    bert = m.bert
    assert not CollectiveMembership.objects.filter(user=bert, collective=c.collective).exists()
    assert not can_see_topic(bert, m.talk.members_topic)
    assert can_see_topic(bert, m.talk.question)  # public, like for anyone
    with pytest.raises(PermissionDenied):
        actions.post_reply(actor=bert, topic=m.talk.question, body="Hi again")
    with pytest.raises(PermissionDenied):
        actions.comment_add(actor=bert, target=m.talk.news, body="Hi")
    with pytest.raises(PermissionDenied):
        actions.topic_create(actor=bert, category=m.talk.questions, title="Bikes", body="Cheap")
    with pytest.raises(ConversationError):
        actions.post_report(actor=bert, post=m.talk.question.posts.get(number=1), reason="x")
    for attempt in (
        lambda: community_actions.join_request_submit(
            actor=bert, collective=c.collective, answers=[], rules_accepted=True
        ),
        lambda: community_actions.follow_add(actor=bert, target=c.collective),
        lambda: community_actions.member_add(
            actor=c.bram, owner=c.collective, user=bert, role="member"
        ),
    ):
        with pytest.raises(CommunityError) as refused:
            attempt()
        assert refused.value.code == "banned"
    assert actions.member_unban(actor=m.mila, owner=c.collective, person=bert, reason="Apology")
    community_actions.follow_add(actor=bert, target=c.collective)


def test_moderator_role_is_named_by_admins_only(moderated: Any) -> None:
    m, c = moderated, moderated.talk.c
    assert can_moderate(m.mila, c.collective)
    assert not can_moderate(m.mila, c.other_collective)
    with pytest.raises(PermissionDenied):
        actions.moderator_add(actor=m.mila, owner=c.collective, user=c.chloe)
    actions.moderator_remove(actor=c.bram, owner=c.collective, user=m.mila)
    assert not can_moderate(m.mila, c.collective)


def test_person_page_and_manage_page(moderated: Any, client: Any) -> None:
    m, c = moderated, moderated.talk.c
    client.force_login(m.mila)
    url = f"/talk/collective/brasserie-zinneke/people/{m.mats.pk}/"
    page = client.get(url).content.decode()
    assert "Muted until" in page
    assert "Shouting" in page
    response = client.post(url, {"action": "mute", "hours": "168", "reason": ""})
    assert response.status_code == 400
    response = client.post(url, {"action": "ban", "reason": "Again", "rule_number": "1"})
    assert response.status_code == 302
    assert queries.person_standing(c.collective, m.mats)["banned"] is not None
    client.force_login(c.bram)
    response = client.post("/talk/collective/brasserie-zinneke/moderators/",
                           {"email": "chloe@example.org"})  # fmt: skip
    fresh = type(c.chloe).objects.get(pk=c.chloe.pk)  # c.chloe caches her earlier answer
    assert response.status_code == 302
    assert can_moderate(fresh, c.collective)
    assert "Chloé" in client.get("/talk/collective/brasserie-zinneke/manage/").content.decode()


def test_host_admins_review_their_collectives_in_one_queue(moderated: Any, client: Any) -> None:
    m, c = moderated, moderated.talk.c
    post = _reply(m)
    actions.post_report(actor=c.bram, post=post, reason="Advert", rule_number=2)
    assert [i.target_id for i in queries.review_queue(c.host, c.anna)] == [post.pk]
    assert queries.review_queue(c.host, c.chloe) == []
    client.force_login(c.anna)
    page = client.get("/talk/host/brussels-commons/review/").content.decode()
    assert "Brasserie Zinneke" in page
    assert "Buy my bikes!" in page


def test_export_and_erasure_cover_moderation_and_choices(moderated: Any) -> None:
    from samen.conversations import privacy

    m, c = moderated, moderated.talk.c
    actions.email_choice_set(actor=m.mats, owner=c.collective, mode="daily")
    actions.topic_watch_set(actor=m.mats, topic=m.talk.question, level="follow")
    data = privacy.export_data(m.mats)
    assert [d["action"] for d in data["moderation_decisions"]] == ["mute"]
    assert data["email_choices"][0]["mode"] == "daily"
    assert data["topic_watches"]
    privacy.erase_data(m.mats)
    again = privacy.export_data(m.mats)
    assert not (again["moderation_decisions"])
    assert not (again["email_choices"])
    assert not (again["topic_watches"])
    assert ModerationEntry.objects.filter(action="mute", person=None).exists()


def test_the_issue_flow_through_the_pages(
    moderated: Any, client: Any, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A new member's first post is held; a moderator approves it; another member reports
    a reply citing rule 2; the moderator hides it with a reason; its author sees the reason;
    a third member gets the reply in a daily digest only once."""
    from django.core import mail

    from samen.notifications import actions as notification_actions

    m, c = moderated, moderated.talk.c
    actions.settings_set(actor=c.bram, owner=c.collective, hold_first_posts=True, posts_per_hour=20)
    nina = make_user("nina@example.org", "Nina")
    community_actions.member_add(actor=c.bram, owner=c.collective, user=nina, role="member")
    actions.email_choice_set(actor=c.dries, owner=c.collective, mode="daily")
    community_actions.member_add(actor=c.bram, owner=c.collective, user=c.dries, role="member")
    client.force_login(nina)
    client.post(f"/talk/topics/{m.talk.question.pk}/reply/", {"body": "Cheap bikes at my shop!"})
    held = Post.objects.get(author=nina)
    assert held.status == PostStatus.HELD
    client.force_login(m.mila)
    item = queries.review_queue(c.collective, m.mila)[0]
    client.post(f"/talk/review/{item.pk}/decide/", {"decision": "approve"})
    held.refresh_from_db()
    assert held.status == PostStatus.VISIBLE
    client.force_login(c.chloe)
    client.post(f"/talk/posts/{held.pk}/report/", {"reason": "Advert", "rule_number": "2"})
    client.force_login(m.mila)
    review = client.get("/talk/collective/brasserie-zinneke/review/").content.decode()
    assert "rule 2 (version 1)" in review
    report = queries.review_queue(c.collective, m.mila)[0]
    client.post(f"/talk/review/{report.pk}/decide/", {"decision": "hide", "reason": "Rule 2"})
    client.force_login(nina)
    page = client.get(f"/talk/topics/{m.talk.question.pk}/").content.decode()
    assert "Hidden by a moderator. Reason: Rule 2" in page
    mail.outbox.clear()
    before = timezone.now() + dt.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        notification_actions.digest_send(user_id=c.dries.pk, before=before)
        notification_actions.digest_send(user_id=c.dries.pk, before=before)
    assert [message.to for message in mail.outbox] == [[c.dries.email]]
    assert "Where do we store the kegs?" in mail.outbox[0].body


def test_the_log_never_names_a_private_topic(moderated: Any, client: Any) -> None:
    m, c = moderated, moderated.talk.c
    topic = actions.topic_create(actor=c.bram, category=m.talk.team, title="Salaries", body="x")
    actions.post_moderate(
        actor=c.bram, post=topic.posts.get(number=1), action="hide", reason="Too early"
    )
    client.force_login(c.chloe)
    log = client.get("/talk/collective/brasserie-zinneke/log/").content.decode()
    api = client.get("/api/v1/talk/collective/brasserie-zinneke/moderation-log").content.decode()
    assert "Too early" in log
    assert "Too early" in api
    assert "Salaries" not in log
    assert "Salaries" not in api


def test_a_ban_clears_what_waits_from_that_community(
    moderated: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """What chloe had waiting from the collective (a reply in her digest, a mention to be
    e-mailed, a private group's answer) leaves with the ban; the ban's own notice and a
    moderator's reason for hiding her post stay; nothing of the community follows."""
    from django.core import mail

    from samen.conversations.models import EmailMode
    from samen.notifications import actions as notification_actions

    m, c = moderated, moderated.talk.c
    chloe, question = c.chloe, m.talk.question
    actions.email_choice_set(actor=chloe, owner=c.collective, mode=EmailMode.DAILY)
    asked = actions.group_request_submit(actor=chloe, category=m.talk.team, answers=[])
    actions.group_request_decide(actor=m.mila, request=asked, approve=False, reason="Full")
    hidden = _reply(m, "Buy my bikes!")
    actions.post_moderate(actor=m.mila, post=hidden, action="hide", reason="Advertising")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.post_reply(actor=c.bram, topic=question, body="@Chloé the shed is free.")
        actions.post_reply(actor=m.mila, topic=question, body="Or the attic.")
        waiting = set(Notification.objects.filter(recipient=chloe).values_list("kind", flat=True))
        assert {kinds.MENTION, kinds.REPLY, kinds.GROUP_DECLINED, kinds.HIDDEN} <= waiting
        actions.member_ban(actor=m.mila, owner=c.collective, person=chloe, reason="Spam")
    left = set(Notification.objects.filter(recipient=chloe).values_list("kind", flat=True))
    assert left == {kinds.HIDDEN, kinds.BANNED}
    assert [message.subject for message in mail.outbox if message.to == [chloe.email]] == [
        Notification.objects.get(recipient=chloe, kind=kinds.BANNED).text
    ]  # the mention's e-mail, queued before the ban, did not leave
    actions.post_reply(actor=c.bram, topic=question, body="@Chloé are you there?")
    actions.reaction_toggle(actor=c.bram, post=question.posts.get(number=1), kind="thanks")
    assert set(Notification.objects.filter(recipient=chloe).values_list("kind", flat=True)) == left
    before = timezone.now() + dt.timedelta(minutes=1)
    assert notification_actions.digest_send(user_id=chloe.pk, before=before) == 0


def _tell_of_events_and_a_poll(c: Any, person: Any) -> dict[str, Any]:
    """``person`` is told of a members-only meet-up, a public one and a members' proposal
    of ``c.collective``; returns them by name (members, public, poll)."""
    from samen.decisions import actions as decision_actions
    from samen.events import actions as event_actions
    from samen.events import kinds as event_kinds
    from samen.notifications.actions import notify

    starts = timezone.now() + dt.timedelta(days=7)
    told: dict[str, Any] = {}
    for visibility in ("members", "public"):
        event = event_actions.event_create(
            actor=c.bram, owner=c.collective, kind="meetup", title=f"Brew day ({visibility})",
            starts_at=starts, ends_at=starts + dt.timedelta(hours=2), visibility=visibility,
            place="Zinneke brewery",
        )  # fmt: skip
        event_actions.event_publish(actor=c.bram, event=event)
        notify([person], event_kinds.UPDATED, event, actor=c.bram,
               url=event.get_absolute_url(), data={"title": event.title})  # fmt: skip
        told[visibility] = event
    told["poll"] = decision_actions.poll_create(
        actor=c.bram, owner=c.collective, kind="proposal", title="Buy a second kettle",
        closes_at=timezone.now() + dt.timedelta(days=3),
    )  # fmt: skip
    return told


def _notices_about(person: Any) -> set[tuple[str, int | None]]:
    return set(
        Notification.objects.filter(recipient=person).values_list("target_type__model", "target_id")
    )


def test_a_ban_clears_the_notices_of_the_communitys_members_only_events_and_polls(
    moderated: Any,
) -> None:
    """chloe was told of a members-only meet-up, a public one and a members' proposal; the
    ban takes the members-only notices out of her bell (and any e-mail or digest still to
    go), by each app's own access rule. The public event's notice stays: she may still
    read it, as anyone may."""
    m, c = moderated, moderated.talk.c
    told = _tell_of_events_and_a_poll(c, c.chloe)
    events, poll = told, told["poll"]
    assert {
        ("event", events["members"].pk),
        ("event", events["public"].pk),
        ("poll", poll.pk),
    } <= _notices_about(c.chloe)
    actions.member_ban(actor=m.mila, owner=c.collective, person=c.chloe, reason="Spam")
    left = _notices_about(c.chloe)
    assert ("event", events["public"].pk) in left
    assert ("event", events["members"].pk) not in left
    assert ("poll", poll.pk) not in left
    from samen.events.models import Occurrence
    from samen.knowledge.models import Concept, LibraryItem
    from samen.notifications.registry import target_readers

    assert {Occurrence, Concept, LibraryItem} <= set(target_readers())  # the same for these


def test_leaving_the_community_clears_the_notices_of_what_only_members_read(
    moderated: Any,
) -> None:
    """chloe has notices of a reply in the members-only "Ideas", of a reply to her public
    question, of a members-only and a public meet-up, of a members' proposal, and of the
    hiding of her own post in "Ideas". She leaves the collective: what only members read
    leaves her bell (and the e-mail or digest still to go); the public notices stay, and
    so does the decision on her own post, with the reason she is owed."""
    m, c = moderated, moderated.talk.c
    told = _tell_of_events_and_a_poll(c, c.chloe)
    members_reply = actions.post_reply(actor=c.bram, topic=m.talk.members_topic, body="Nice.")
    public_reply = actions.post_reply(actor=c.bram, topic=m.talk.question, body="Cellar 2.")
    own = actions.post_reply(actor=c.chloe, topic=m.talk.members_topic, body="Buy my hops!")
    actions.post_moderate(actor=m.mila, post=own, action="hide", reason="Advert", rule_number=2)
    before = _notices_about(c.chloe)
    members_only = {
        ("post", members_reply.pk),
        ("event", told["members"].pk),
        ("poll", told["poll"].pk),
    }
    public = {("post", public_reply.pk), ("event", told["public"].pk), ("post", own.pk)}
    assert members_only | public <= before
    community_actions.membership_leave(actor=c.chloe, owner=c.collective)
    assert _notices_about(c.chloe) == before - members_only
    assert Notification.objects.filter(recipient=c.chloe, kind=kinds.HIDDEN).exists()


def test_a_moderator_taken_off_the_team_loses_the_notices_of_others_held_posts(
    moderated: Any,
) -> None:
    """A held post is read by its author and the team only: once bram takes mila off the
    team, her notice about someone else's hidden reply goes, her notice about a visible
    reply in the members-only category stays (she is still a member)."""
    from samen.notifications.actions import notify

    m, c = moderated, moderated.talk.c
    hidden = _reply(m, "Cheap bikes")
    actions.post_moderate(actor=m.mila, post=hidden, action="hide", reason="Advert")
    visible = actions.post_reply(actor=c.bram, topic=m.talk.members_topic, body="Fine.")
    for post in (hidden, visible):
        notify([m.mila], kinds.REPLY, post, actor=post.author, url=post.get_absolute_url(),
               data={"title": post.topic.title})  # fmt: skip
    actions.moderator_remove(actor=c.bram, owner=c.collective, user=m.mila)
    left = _notices_about(m.mila)
    assert ("post", visible.pk) in left
    assert ("post", hidden.pk) not in left


def test_leaving_a_chapter_clears_the_notices_of_its_members_only_topics_and_polls(
    community: Any,
) -> None:
    """The same for a chapter: chloe leaves Gent and loses the notices of its members'
    discussion and its members' decision."""
    from samen.decisions import actions as decision_actions
    from samen.notifications.actions import notify

    c = community
    c.anna.is_staff = True
    c.anna.save(update_fields=["is_staff"])
    gent = community_actions.chapter_create(
        actor=c.anna, name="Gent", slug="gent", connectors=[c.gilles]
    )
    community_actions.chapter_join(actor=c.chloe, chapter=gent)
    ideas = actions.category_create(actor=c.gilles, owner=gent, name="Ideas")  # members
    topic = actions.topic_create(actor=c.gilles, category=ideas, title="Picnic", body="Where?")
    poll = decision_actions.poll_create(
        actor=c.gilles, owner=gent, kind="consent", title="Monthly meetup",
        closes_at=timezone.now() + dt.timedelta(days=3),
    )  # fmt: skip
    first = topic.posts.get(number=1)
    notify([c.chloe], kinds.REPLY, first, actor=c.gilles, url=first.get_absolute_url(),
           data={"title": topic.title})  # fmt: skip
    assert {("post", first.pk), ("poll", poll.pk)} <= _notices_about(c.chloe)
    community_actions.chapter_leave(actor=c.chloe, chapter=gent)
    assert not {("post", first.pk), ("poll", poll.pk)} & _notices_about(c.chloe)
