"""The learning network of the demo host, through the actions: 28 concepts spread over every
stage with owners, coaches and sessions; 20 library items in three languages (15 published,
5 waiting for review); the host's newsletter with six confirmed subscribers and one sent
issue. Idempotent: nothing is added when the demo concepts are already there."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from samen.accounts.demo import person
from samen.communities.models import Host
from samen.knowledge import actions, queries
from samen.knowledge.models import (
    PIPELINE,
    Audience,
    Concept,
    ConceptVisibility,
    ItemKind,
    NewsletterIssue,
    SessionKind,
    Stage,
)

HOST_SLUG = "brussels-commons"
IDEAS = [
    "Repair café", "Tool library", "Community fridge", "Bike kitchen", "Seed bank",
    "Rooftop garden", "Shared cargo bikes", "Neighbourhood compost", "Language café",
    "Homework club", "Solar co-op", "Zero-waste shop", "Clothes swap", "Care circle",
]  # fmt: skip
SKILLS = ["Carpentry", "Fundraising", "Accounting", "Communication", "Welding", "Law"]
ITEMS = [
    ("Starting a repair café", "en"), ("Een repaircafé opstarten", "nl"),
    ("Lancer un repair café", "fr"), ("Budget template for collectives", "en"),
    ("Begrotingssjabloon voor collectieven", "nl"), ("Modèle de budget", "fr"),
    ("Checklist for a first event", "en"), ("Checklist voor een eerste activiteit", "nl"),
    ("Liste pour un premier événement", "fr"), ("Case: the Ledeberg garden", "en"),
    ("Case: de moestuin van Ledeberg", "nl"), ("Cas : le potager de Ledeberg", "fr"),
    ("Webinar: crowdfunding basics", "en"), ("Webinar: crowdfunding voor beginners", "nl"),
    ("Webinaire : bases du financement participatif", "fr"), ("Insurance for volunteers", "en"),
    ("Verzekering voor vrijwilligers", "nl"), ("Assurance des bénévoles", "fr"),
    ("Link: Belgian non-profit law", "en"), ("Link: vzw-wetgeving", "nl"),
]  # fmt: skip


def seed() -> None:
    host = Host.objects.get(slug=HOST_SLUG)
    if Concept.objects.filter(host=host).exists():
        return
    anna = person("anna@samen.test")
    coaches = [person("femke@samen.test"), person("hanne@samen.test")]
    people = [p for p in queries.community_people(host) if p.pk != anna.pk]
    stages = [*PIPELINE, Stage.STOPPED]
    today = timezone.localdate()
    for n in range(28):
        owner = people[n % len(people)]
        title = IDEAS[n % len(IDEAS)] + ("" if n < len(IDEAS) else " II")
        concept = actions.concept_create(
            actor=owner,
            host=host,
            title=title,
            pitch=f"{title}: neighbours doing it together.",
            visibility=[ConceptVisibility.PUBLIC, ConceptVisibility.COMMUNITY][n % 2],
            needs_skills=[SKILLS[n % len(SKILLS)]],
            needs_money=n % 3 == 0,
        )
        coach = coaches[n % 2]
        actions.concept_coach_add(actor=anna, concept=concept, coach=coach)
        stage = stages[n % len(stages)]
        if stage != Stage.IDEA:
            actions.concept_move(actor=coach, concept=concept, to_stage=stage, reason="Demo")
        if n % 4:
            actions.concept_session_record(
                actor=coach,
                concept=concept,
                kind=list(SessionKind)[n % 3],
                on=today - dt.timedelta(days=7 * n),
            )
    kinds = list(ItemKind)
    for n, (title, language) in enumerate(ITEMS):
        author = people[n % len(people)]
        item = actions.item_create(
            actor=author,
            host=host,
            kind=kinds[n % len(kinds)],
            title=title,
            summary=title,
            body=f"{title}.",
            language=language,
            audience=[Audience.PUBLIC, Audience.NETWORK, Audience.COMMUNITY][n % 3],
            tags=[SKILLS[n % len(SKILLS)]],
        )
        item = actions.item_submit(actor=author, item=item)
        if n < 15:
            actions.item_review(actor=anna, item=item, publish=True)
    _newsletter(host, anna)


def _newsletter(host: Host, anna: object) -> None:
    for n, language in enumerate(["nl", "fr", "en", "nl", "fr", "en"]):
        subscription = actions.subscription_request(
            owner=host, email=f"reader{n}@samen.test", language=language
        )
        actions.subscription_confirm(subscription=subscription)
    issue: NewsletterIssue = actions.issue_create(
        actor=anna, owner=host, subject="December news", body=actions.issue_suggestion(host)
    )
    actions.issue_send(actor=anna, issue=issue)
    # Send now rather than wait for a worker, so the demo shows the issue's figures.
    actions.issue_deliver(issue_id=issue.pk)
