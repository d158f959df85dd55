"""News: who writes, who reads, and delivery by e-mail exactly once per person."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives
from django.http import Http404
from django.test import Client

from samen.audit.models import AuditEntry
from samen.communities import actions, queries
from samen.communities.access import access_news_post, can_write_news
from samen.communities.errors import CommunityError, CommunityErrorCode
from samen.communities.models import Follow, NewsDelivery
from samen.communities.tasks import deliver_news
from samen.communities.tests.factories import make_chapter

pytestmark = pytest.mark.django_db


@pytest.fixture
def chapter(community):
    chapter = make_chapter(connectors=[community.chloe])
    actions.follow_add(actor=community.eva, target=chapter)
    return chapter


def _post(community, **kw):
    kw.setdefault("title", "New saison")
    kw.setdefault("body", "Our **saison** is ready.")
    return actions.news_create(actor=community.bram, owner=community.collective, **kw)


def _unsubscribe_path(body: str) -> str:
    found = re.search(r"https?://\S+(/news/unsubscribe/\S+/)", body)
    assert found is not None
    return found.group(1)


def _recipients():
    return sorted(address for message in mail.outbox for address in message.to)


# --- who writes -----------------------------------------------------------------------------


def test_each_owner_has_its_own_writers(community, chapter, make_user):
    c = community
    staff = make_user("stefaan@example.org", is_staff=True)
    allowed = {
        c.collective: {c.bram},
        c.host: {c.anna},
        chapter: {c.chloe},
    }
    everyone = [c.anna, c.femke, c.bram, c.chloe, c.dries, c.gilles, c.eva, staff]
    for owner, writers in allowed.items():
        for person in everyone:
            assert can_write_news(person, owner) == (person in writers), (owner, person)
            if person in writers:
                actions.news_create(actor=person, owner=owner, title="Hello", body="Hi.")
            else:
                with pytest.raises(PermissionDenied):
                    actions.news_create(actor=person, owner=owner, title="Hello", body="Hi.")
    assert not can_write_news(AnonymousUser(), c.collective)


def test_bad_input_is_refused_and_nothing_is_saved(community):
    for kw, code in [
        ({"title": "  "}, CommunityErrorCode.TITLE_REQUIRED),
        ({"body": ""}, CommunityErrorCode.BODY_REQUIRED),
        ({"audience": "friends"}, CommunityErrorCode.INVALID_AUDIENCE),
    ]:
        with pytest.raises(CommunityError) as caught:
            _post(community, **kw)
        assert caught.value.code == code
    assert not community.collective.news.exists()


# --- who reads ------------------------------------------------------------------------------


def test_drafts_are_seen_by_the_writers_only(community):
    c = community
    draft = _post(c)
    assert access_news_post(c.bram, draft.pk) == draft
    for person in (AnonymousUser(), c.chloe, c.dries, c.anna, c.eva):
        with pytest.raises(Http404):
            access_news_post(person, draft.pk)
    assert not queries.news_of(c.collective, members=True).exists()
    assert not queries.news_feed(c.chloe).exists()


def test_members_only_news_is_invisible_to_followers_and_visitors(community):
    c = community
    post = _post(c, audience="members", publish=True)
    assert access_news_post(c.chloe, post.pk) == post
    for person in (AnonymousUser(), c.dries, c.eva, c.anna):
        with pytest.raises(Http404):
            access_news_post(person, post.pk)
    assert list(queries.news_of(c.collective)) == []
    assert list(queries.news_of(c.collective, members=True)) == [post]
    assert list(queries.news_feed(c.chloe)) == [post]
    assert list(queries.news_feed(c.dries)) == []


def test_personal_feed_mixes_follows_and_memberships_newest_first(community, chapter):
    c = community
    old = _post(c, title="Old", publish=True)
    host_news = actions.news_create(
        actor=c.anna, owner=c.host, title="Host", body="Hi.", publish=True
    )
    chapter_news = actions.news_create(
        actor=c.chloe, owner=chapter, title="Chapter", body="Hi.", publish=True
    )
    members = _post(c, title="Members", audience="members", publish=True)
    # dries follows the brewery: its public news only
    assert list(queries.news_feed(c.dries)) == [old]
    # chloé is a member of the brewery and of the chapter
    assert list(queries.news_feed(c.chloe)) == [members, chapter_news, old]
    # femke is the host's accountant: a member of the host
    assert list(queries.news_feed(c.femke)) == [host_news]
    # eva follows the chapter
    assert list(queries.news_feed(c.eva)) == [chapter_news]


# --- edit, publish, delete ------------------------------------------------------------------


def test_edit_after_publishing_keeps_the_date_and_marks_it_edited(
    community, django_capture_on_commit_callbacks
):
    c = community
    with django_capture_on_commit_callbacks(execute=True):
        post = _post(c, publish=True)
    assert post.published_at is not None
    assert not post.was_edited
    mail.outbox.clear()
    published_at = post.published_at
    with django_capture_on_commit_callbacks(execute=True):
        post = actions.news_edit(actor=c.bram, post=post, body="Our saison is sold out.")
    assert post.published_at == published_at
    assert post.was_edited
    assert mail.outbox == []
    with pytest.raises(PermissionDenied):
        actions.news_edit(actor=c.chloe, post=post, title="Mine now")


def test_only_drafts_can_be_deleted(community):
    c = community
    draft = _post(c)
    published = _post(c, publish=True)
    with pytest.raises(CommunityError) as caught:
        actions.news_delete(actor=c.bram, post=published)
    assert caught.value.code == CommunityErrorCode.NEWS_PUBLISHED
    with pytest.raises(PermissionDenied):
        actions.news_delete(actor=c.chloe, post=draft)
    actions.news_delete(actor=c.bram, post=draft)
    assert list(c.collective.news.all()) == [published]
    assert list(
        AuditEntry.objects.filter(action__startswith="news.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["news.create", "news.create", "news.publish", "news.delete"]


# --- delivery -------------------------------------------------------------------------------


def test_publishing_emails_followers_and_members_once_in_their_language(
    community, make_user, django_capture_on_commit_callbacks
):
    c = community
    lea = make_user("lea@example.org", "Léa", language="fr")
    actions.follow_add(actor=lea, target=c.collective)
    post = _post(c)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.news_publish(actor=c.bram, post=post)
    # followers (dries, léa) and members (chloé); never the author (bram)
    assert _recipients() == ["chloe@example.org", "dries@example.org", "lea@example.org"]
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address["dries@example.org"].subject == "Brasserie Zinneke: New saison"
    french = by_address["lea@example.org"]
    assert "Brasserie Zinneke a publié une nouvelle" in french.body
    assert "Our **saison** is ready." in french.body
    assert isinstance(french, EmailMultiAlternatives)
    html = str(french.alternatives[0][0])
    assert "<strong>saison</strong>" in html
    assert "/news/unsubscribe/" in html

    # publishing again, and the task running again (a retry), e-mail nobody twice
    with django_capture_on_commit_callbacks(execute=True):
        actions.news_publish(actor=c.bram, post=post)
        deliver_news.enqueue(post_id=post.pk)
        deliver_news.enqueue(post_id=post.pk)
    assert len(mail.outbox) == 3
    assert NewsDelivery.objects.filter(post=post).count() == 3


def test_members_only_news_goes_to_members_only(community, django_capture_on_commit_callbacks):
    c = community
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _post(c, title="Beer & <bread>", audience="members", publish=True)
    assert _recipients() == ["chloe@example.org"]
    # plain text: nothing is HTML-escaped in the subject or the text body
    assert mail.outbox[0].subject == "Brasserie Zinneke (members): Beer & <bread>"
    assert "Beer & <bread>" in mail.outbox[0].body


def test_opted_out_inactive_and_erased_people_get_nothing(
    community, make_user, django_capture_on_commit_callbacks
):
    from samen.accounts.actions import user_erase

    c = community
    gone = make_user("gone@example.org", "Gone")
    asleep = make_user("asleep@example.org", "Asleep", is_active=False)
    for person in (gone, asleep):
        actions.follow_add(actor=person, target=c.collective)
    user_erase(actor=gone, user=gone)
    actions.follow_set_news(actor=c.dries, target=c.collective, news_emails=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _post(c, publish=True)
    assert _recipients() == ["chloe@example.org"]


def test_unsubscribe_link_works_without_login_and_refuses_forgery(
    client, community, django_capture_on_commit_callbacks
):
    c = community
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _post(c, publish=True)
    links = {m.to[0]: _unsubscribe_path(str(m.body)) for m in mail.outbox}
    # dries follows: the link turns his follow's e-mails off (one page, one button)
    page = client.get(links["dries@example.org"])
    assert page.status_code == 200
    assert "Stop news e-mails" in page.content.decode()
    assert client.post(links["dries@example.org"], {"do": "unsubscribe"}).status_code == 200
    assert not Follow.objects.get(user=c.dries, collective=c.collective).news_emails
    # chloé is a member without a follow: she gets a follow with e-mails off
    client.post(links["chloe@example.org"], {"do": "unsubscribe"})
    assert not Follow.objects.get(user=c.chloe, collective=c.collective).news_emails
    # a forged or altered token finds nothing
    assert client.get("/news/unsubscribe/forged/").status_code == 404
    tampered = links["dries@example.org"].replace(":", "x", 1)
    assert client.post(tampered, {"do": "unsubscribe"}).status_code == 404
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _post(c, title="Second", publish=True)
    assert mail.outbox == []
    # and back on again
    page = client.post(links["dries@example.org"], {"do": "resubscribe"})
    assert "you receive news e-mails from Brasserie Zinneke again" in page.content.decode()
    assert Follow.objects.get(user=c.dries, collective=c.collective).news_emails
    # someone who left (no follow, no membership) is not turned into a follower
    actions.follow_remove(actor=c.dries, target=c.collective)
    page = client.post(links["dries@example.org"], {"do": "unsubscribe"})
    assert "You neither follow nor belong" in page.content.decode()
    assert not Follow.objects.filter(user=c.dries, collective=c.collective).exists()


def test_switching_news_off_needs_a_follow(community):
    with pytest.raises(CommunityError) as caught:
        actions.follow_set_news(actor=community.eva, target=community.collective, news_emails=False)
    assert caught.value.code == CommunityErrorCode.NOT_FOLLOWING


def test_one_click_unsubscribe_from_the_mail_client(community, django_capture_on_commit_callbacks):
    """RFC 8058: the e-mail names its unsubscribe link in headers, and a mail client's POST
    (no session, no CSRF cookie) switches the news e-mails off."""
    c = community
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _post(c, publish=True)
    message = next(m for m in mail.outbox if m.to == ["dries@example.org"])
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert link.endswith(_unsubscribe_path(str(message.body)))
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(
        _unsubscribe_path(str(message.body)), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert not Follow.objects.get(user=c.dries, collective=c.collective).news_emails
