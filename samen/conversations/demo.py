"""The demo brewery's discussions, through the actions: three categories, an answered
question, an idea on the sounding board with structured feedback, a pinned announcement,
and a reply reported under house rule 2 that waits in the review queue. Idempotent: nothing
is added once the brewery has its "Questions" category."""

from __future__ import annotations

from samen.accounts.demo import person
from samen.communities.models import Collective
from samen.conversations import actions
from samen.conversations.models import Category, FeedbackKind, TopicKind, Visibility

COLLECTIVE_SLUG = "brasserie-zinneke"


def seed() -> None:
    brewery = Collective.objects.get(slug=COLLECTIVE_SLUG)
    if Category.objects.filter(collective=brewery, slug="questions").exists():
        return
    bram, chloe, hanne = (person(f"{n}@samen.test") for n in ("bram", "chloe", "hanne"))
    questions = actions.category_create(actor=bram, owner=brewery, name="Questions",
                                        visibility=Visibility.PUBLIC)  # fmt: skip
    ideas = actions.category_create(actor=bram, owner=brewery, name="Ideas")
    news = actions.category_create(actor=bram, owner=brewery, name="Announcements",
                                   visibility=Visibility.PUBLIC)  # fmt: skip
    welcome = actions.topic_create(
        actor=bram, category=news, title="Welcome to our discussions",
        body="Ask anything about the brewery here. Please read the **house rules** first.",
    )  # fmt: skip
    actions.topic_set_flags(actor=bram, topic=welcome, pinned=True)
    kegs = actions.topic_create(
        actor=chloe, category=questions, title="Where do we store the empty kegs?",
        body="The cellar is full after the festival. Any idea?", kind=TopicKind.QUESTION,
    )  # fmt: skip
    answer = actions.post_reply(
        actor=bram, topic=kegs, body="The garage of the community centre has room until May."
    )
    actions.answer_accept(actor=chloe, topic=kegs, post=answer)
    actions.post_reply(actor=hanne, topic=kegs, body="Thanks, I can help carry them.")
    idea = actions.topic_create(
        actor=hanne, category=ideas, title="A monthly tasting with the neighbours",
        body="One Friday a month, a tasting of the new batch with soup.", kind=TopicKind.IDEA,
        question="Who would cook the soup?",
    )  # fmt: skip
    actions.post_reply(actor=chloe, topic=idea, body="People love the Friday feeling.",
                       feedback=FeedbackKind.WORKS)  # fmt: skip
    tip = actions.post_reply(actor=bram, topic=idea, body="Talk to @Chloé: she ran a soup bar.",
                             feedback=FeedbackKind.TALK_TO)  # fmt: skip
    actions.post_mark_helpful(actor=hanne, post=tip, helpful=True)
    advert = actions.post_reply(
        actor=hanne, topic=welcome, body="Buy my second-hand bike, 50 euro, ask me!"
    )
    actions.post_report(actor=chloe, post=advert, reason="An advert", rule_number=2)
