"""The learning network of the demo host, through the actions: 30 concepts spread over every
stage with owners, coaches, sessions and milestones; 20 library items in three languages (15
published, 5 waiting for review), its templates and checklists with a PDF and its recordings
with a sound file; the host's newsletter with six confirmed subscribers and one sent issue,
whose figures show a bounce and an unsubscription; a mentoring season with six confirmed
pairs and their first check-ins; and, on the network with a credit, three published articles
and cases that earned their authors credits (the credits app's deliveries, confirmed, with
their credit notes) and offers that match its members' open requests.

Idempotent: each part is added only when it is absent (concepts, files, offers, season,
the network's library), so a database seeded before a part existed gets that part on the
next run.
"""

from __future__ import annotations

import datetime as dt
import io
import wave
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify

from samen.accounts.demo import person
from samen.communities.models import Host
from samen.knowledge import actions, queries
from samen.knowledge.files import FILE_LIMITS
from samen.knowledge.models import (
    PIPELINE,
    Audience,
    Concept,
    ConceptVisibility,
    ItemCredit,
    ItemKind,
    LibraryItem,
    MentoringRole,
    MentoringSeason,
    NewsletterIssue,
    Offer,
    Organisation,
    SeasonStatus,
    SessionKind,
    Stage,
    Subscription,
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
    anna = person("anna@samen.test")
    if not Concept.objects.filter(host=host).exists():
        _pipeline(host, anna)
        _library(host, anna)
        _newsletter(host, anna)
    _library_files(host, anna)
    _organisations(host)
    _mentoring(host, anna)
    _network_library(anna)
    _offers()


# Partners owning concepts beside people: (name, website, VAT number).
ORGANISATIONS = [
    ("Kringloopcentrum Brussel vzw", "https://kringloop.example", "BE0403170701"),
    ("Maison de quartier Anneessens asbl", "https://anneessens.example", ""),
]


def _organisations(host: Host) -> None:
    """Two partner organisations, each with two people acting for it, co-owning the first
    two concepts of the person who registered it. Once: skipped when the host has any."""
    if Organisation.objects.filter(host=host).exists():
        return
    people = list(queries.community_people(host).filter(owned_concepts__host=host).distinct())
    for n, (name, website, vat_number) in enumerate(ORGANISATIONS):
        founder, partner = people[n], people[(n + 2) % len(people)]
        organisation = actions.organisation_create(
            actor=founder, host=host, name=name, website=website, vat_number=vat_number
        )
        if partner.pk != founder.pk:
            actions.organisation_person_add(
                actor=founder, organisation=organisation, person=partner
            )
        for concept in Concept.objects.filter(host=host, owners=founder).order_by("pk")[:2]:
            actions.concept_organisation_add(
                actor=founder, concept=concept, organisation=organisation
            )


def _pipeline(host: Host, anna: Any) -> None:
    coaches = [person("femke@samen.test"), person("hanne@samen.test")]
    people = [p for p in queries.community_people(host) if p.pk != anna.pk]
    stages = [*PIPELINE, Stage.STOPPED]
    today = timezone.localdate()
    for n in range(30):
        owner = people[n % len(people)]
        title = IDEAS[n % len(IDEAS)] + ["", " II", " III"][n // len(IDEAS)]
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
        if n % 5 == 0:
            milestone = actions.concept_milestone_add(
                actor=owner,
                concept=concept,
                title="First ten neighbours on board",
                due_on=today + dt.timedelta(days=60),
            )
            if stage not in (Stage.IDEA, Stage.CONCEPT):
                actions.concept_milestone_reach(actor=coach, milestone=milestone)
        if n % 4:
            actions.concept_session_record(
                actor=coach,
                concept=concept,
                kind=list(SessionKind)[n % 3],
                on=today - dt.timedelta(days=7 * n),
            )


def _library(host: Host, anna: Any) -> None:
    people = [p for p in queries.community_people(host) if p.pk != anna.pk]
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


def _newsletter(host: Host, anna: Any) -> None:
    for n, language in enumerate(["nl", "fr", "en", "nl", "fr", "en"]):
        subscription = actions.subscription_request(
            owner=host, email=f"reader{n}@samen.test", language=language
        )
        actions.subscription_confirm(subscription=subscription)
    issue: NewsletterIssue = actions.issue_create(
        actor=anna, owner=host, subject="December news", body=actions.issue_suggestion(host)
    )
    actions.issue_send(actor=anna, issue=issue)
    # Send now rather than wait for a worker, so the demo shows the issue's figures: one
    # address bounced (as the mail provider's webhook reports it) and one reader left
    # through the link in the issue.
    actions.issue_deliver(issue_id=issue.pk)
    actions.subscriptions_stop_for_address(email="reader4@samen.test", reason="bounced")
    reader = Subscription.objects.get(host=host, email="reader5@samen.test")
    actions.subscription_stop(subscription=reader)


def _demo_pdf(title: str) -> bytes:
    from weasyprint import HTML

    page = f"<h1>{escape(title)}</h1><p>Samen · demo</p><ul><li>…</li><li>…</li></ul>"
    return bytes(HTML(string=page).write_pdf())


def _demo_sound() -> bytes:
    """Two seconds of silence, a real WAV file the browser plays."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(1)
        sound.setframerate(8000)
        sound.writeframes(b"\x80" * 16000)
    return buffer.getvalue()


def _library_files(host: Host, editor: Any) -> None:
    """Templates and checklists get a PDF, recordings a sound file, where they have none."""
    rows = queries.item_rows().filter(host=host, kind__in=list(FILE_LIMITS), file="")
    for item in rows:
        if item.kind == ItemKind.RECORDING:
            upload = ContentFile(_demo_sound(), name=f"{slugify(item.title)}.wav")
        else:
            upload = ContentFile(_demo_pdf(item.title), name=f"{slugify(item.title)}.pdf")
        actions.item_update(
            actor=editor,
            item=item,
            title=item.title,
            summary=item.summary,
            body=item.body,
            url=item.url,
            audience=item.audience,
            tags=[tag.name for tag in item.tags.all()],
            file=upload,
        )


MENTORING_SKILLS = ["Fundraising", "Communication", "Accounting", "Law", "Carpentry", "Welding"]
MENTORING_PAIRS = 6


def _mentoring(host: Host, anna: Any) -> None:
    """A running season of the founders' peer mentoring: six founders of the host's
    community each apply as mentor in what they know and as mentee in what the next one
    knows, so the proposed pairs (by shared skill first) form a ring of six; the organiser
    confirms them and each pair's mentor checks in for the first month."""
    if MentoringSeason.objects.filter(host=host).exists():
        return
    today = timezone.localdate()
    season = actions.season_create(
        actor=anna,
        host=host,
        name="Founders' mentoring",
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=150),
    )
    people = [p for p in queries.community_people(host) if p.pk != anna.pk][:MENTORING_PAIRS]
    for n, someone in enumerate(people):
        language = getattr(someone, "language", "") or "en"
        for role, skill, goals in (
            (MentoringRole.MENTOR, MENTORING_SKILLS[n], "Share what worked for us."),
            (MentoringRole.MENTEE, MENTORING_SKILLS[n - 1], "Grow our collective."),
        ):
            actions.application_create(
                actor=someone,
                season=season,
                role=role,
                goals=goals,
                skills=[skill],
                language=language,
                city="Brussels",
            )
    for pair in actions.pairs_propose(actor=anna, season=season):
        pair = actions.pair_confirm(
            actor=anna, season=season, mentor=pair.mentor, mentee=pair.mentee
        )
        actions.checkin_record(
            actor=pair.mentor,
            pair=pair,
            month=season.starts_on,
            progress="We met twice and set three goals for the season.",
            hours=2,
        )
    actions.season_set_status(actor=anna, season=season, status=SeasonStatus.RUNNING)


CREDIT_HOST_SLUG = "innovatienetwerk"
OFFERS = [
    ("hanne@samen.test", "Fietsherstel voor beginners", ["Fietsherstel", "Repair café"]),
    ("bram@samen.test", "Samen koken en brouwen", ["Koken", "Bier brouwen"]),
    ("dries@samen.test", "Een repair café opzetten", ["Repair café", "Workshops geven"]),
    ("chloe@samen.test", "Un repas pour trente personnes", ["Koken", "Evenementen"]),
]


def _offers() -> None:
    """On the network with a credit: members offer sessions whose skills match the open
    requests of others (the credits demo's), given as its peer service."""
    host = Host.objects.filter(slug=CREDIT_HOST_SLUG).first()
    if host is None or Offer.objects.filter(host=host).exists():
        return
    peer = [code for code, _name in queries.rate_card_services(host, peer=True)]
    for email, title, skills in OFFERS:
        someone = person(email)
        if not queries.in_host_community(someone, host):
            continue
        actions.offer_create(
            actor=someone,
            host=host,
            title=title,
            description=f"{title}: een namiddag, bij jou of bij mij.",
            skills=skills,
            availability="Weekends",
            service_code="session" if "session" in peer else "",
        )


# (author, kind, title, language, rate-card service that pays for it)
NETWORK_ITEMS = [
    ("jana@samen.test", ItemKind.ARTICLE, "Wat een versterkingssessie oplevert", "nl", "article"),
    ("gilles@samen.test", ItemKind.CASE, "Le premier repair café de Liège", "fr", "case-research"),
    ("bram@samen.test", ItemKind.ARTICLE, "Pricing a workshop in credits", "en", "article"),
]


def _network_library(anna: Any) -> None:
    """The network with a credit pays its members for writing articles and researching
    cases: each item is published with its rate-card service, which books its author's
    credits through the credits app; the author confirms, and the credit note follows."""
    from samen.credits.actions import delivery_confirm

    host = Host.objects.filter(slug=CREDIT_HOST_SLUG).first()
    if host is None or LibraryItem.objects.filter(host=host).exists():
        return
    if not queries.rate_card_services(host, peer=False):
        return
    for email, kind, title, language, service in NETWORK_ITEMS:
        author = person(email)
        if not queries.in_host_community(author, host):
            continue
        item = actions.item_create(
            actor=author,
            host=host,
            kind=kind,
            title=title,
            summary=title,
            body=f"{title}: what we learnt, step by step.",
            language=language,
            audience=Audience.PUBLIC,
            tags=["Kennisdeling"],
        )
        item = actions.item_submit(actor=author, item=item)
        item = actions.item_review(actor=anna, item=item, publish=True, service_code=service)
        for credit in ItemCredit.objects.filter(item=item).select_related("delivery"):
            delivery_confirm(actor=credit.author, delivery=credit.delivery)
