"""Builders for communities tests: plain functions calling the actions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from samen.communities import actions
from samen.communities.links import invitation_token
from samen.communities.models import (
    Chapter,
    Collective,
    HostApplication,
    Invitation,
    JoinRequest,
    NewsPost,
)
from samen.communities.testing import Community


def make_chapter(name: str = "Brussels", city: str = "Brussels", connectors: Any = ()) -> Chapter:
    chapter = Chapter.objects.create(name=name, slug=name.lower(), city=city)
    chapter.connectors.set(connectors)
    chapter.members.add(*connectors)
    return chapter


@dataclass
class World:
    """The community plus one of everything pending, for the access matrix."""

    c: Community
    chapter: Chapter
    popup: Collective
    application: HostApplication
    join_request: JoinRequest
    invitation: Invitation
    token: str


def build_world(c: Community) -> World:
    chapter = make_chapter(connectors=[c.chloe])
    actions.follow_add(actor=c.dries, target=chapter)
    popup = actions.collective_create(actor=c.bram, name="Zinneke Pop-up", slug="zinneke-popup")
    application = actions.application_submit(
        actor=c.bram,
        collective=popup,
        host=c.host,
        answers=["Pop-up bar."],
        terms_accepted=True,
    )
    actions.rules_publish(actor=c.bram, owner=c.collective, text="Be kind.")
    actions.rules_accept(actor=c.chloe, owner=c.collective)
    actions.rules_publish(actor=c.anna, owner=c.host, text="Keep receipts.")
    join_request = actions.join_request_submit(
        actor=c.eva, collective=c.collective, answers=[], rules_accepted=True
    )
    invitation = actions.invitation_send(
        actor=c.bram, owner=c.collective, email="newcomer@example.org", role="member"
    )
    return World(
        c=c,
        chapter=chapter,
        popup=popup,
        application=application,
        join_request=join_request,
        invitation=invitation,
        token=invitation_token(invitation),
    )


@dataclass
class NewsWorld(World):
    """The world plus news: on the brewery a public post, a members-only post and a draft
    (all by bram); a public post of the host (anna) and of the Brussels chapter (chloé)."""

    public: NewsPost
    members_only: NewsPost
    draft: NewsPost
    host_post: NewsPost
    chapter_post: NewsPost


def build_news_world(w: World) -> NewsWorld:
    c = w.c

    def post(actor: Any, owner: Any, title: str, **kw: Any) -> NewsPost:
        kw.setdefault("publish", True)
        return actions.news_create(actor=actor, owner=owner, title=title, body=f"{title}.", **kw)

    return NewsWorld(
        **{field: getattr(w, field) for field in World.__dataclass_fields__},
        public=post(c.bram, c.collective, "New saison"),
        members_only=post(c.bram, c.collective, "Brew day rota", audience="members"),
        draft=post(c.bram, c.collective, "Stout plans", publish=False),
        host_post=post(c.anna, c.host, "Annual meeting"),
        chapter_post=post(c.chloe, w.chapter, "Chapter picnic"),
    )
