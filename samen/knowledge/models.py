"""The learning network: concepts coached through their stages, the knowledge library and
the open network's newsletter (issue 16).

A ``Concept`` is an innovation a host coaches; each change of stage is one ``StageChange``
row (who, when, why), so the time spent in each stage is read from history. A
``LibraryItem`` waits for a host editor's review before anyone but its authors sees it. A
newsletter has no model of its own: a collective, host or chapter has ``Subscription`` rows
(an e-mail address, no account) and ``NewsletterIssue`` rows, and each issue reaches each
confirmed address once (``NewsletterDelivery``, unique per pair).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samen.communities.models import Chapter, Collective, Host, Tag
from samen.conversations.models import CommunityOwned

# --- concepts -------------------------------------------------------------------------------


class Stage(models.TextChoices):
    IDEA = "idea", _("Idea")
    CONCEPT = "concept", _("Concept")
    PROTOTYPE = "prototype", _("Prototype")
    PILOT = "pilot", _("Pilot")
    RUNNING = "running", _("Running")
    SCALING = "scaling", _("Scaling")
    STOPPED = "stopped", _("Stopped")


# The pipeline's order; STOPPED stands beside it (a concept may stop at any stage).
PIPELINE = [
    Stage.IDEA,
    Stage.CONCEPT,
    Stage.PROTOTYPE,
    Stage.PILOT,
    Stage.RUNNING,
    Stage.SCALING,
]


class ConceptVisibility(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    COMMUNITY = "community", _("The host's community")
    PRIVATE = "private", _("Its owners and coaches only")


class Organisation(models.Model):
    """A partner that owns concepts beside people: a company, an association, a school, a
    city service of the host's network. The people acting for it (members of the host's
    community) hold its owner rights on every concept it owns; someone who stops acting
    for it loses them."""

    host = models.ForeignKey(
        Host,
        verbose_name=_("host"),
        on_delete=models.CASCADE,
        related_name="knowledge_organisations",
    )
    name = models.CharField(_("name"), max_length=160)
    website = models.URLField(_("website"), blank=True)
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    people = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("people acting for it"),
        related_name="knowledge_organisations",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "host", name="knowledge_organisation_name_once")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("knowledge:organisation", args=[self.pk])


class Concept(models.Model):
    """An innovation or project that a host coaches: owned by one or more people and
    organisations (whose people act for them), perhaps belonging to one of the host's
    collectives, at one stage of the pipeline."""

    host = models.ForeignKey(
        Host, verbose_name=_("host"), on_delete=models.CASCADE, related_name="concepts"
    )
    collective = models.ForeignKey(
        Collective,
        verbose_name=_("collective"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="concepts",
    )
    title = models.CharField(_("name"), max_length=160)
    pitch = models.TextField(_("pitch"), help_text=_("Markdown."))
    impact = models.TextField(_("impact note"), blank=True, help_text=_("Markdown."))
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.IDEA)
    stage_changed_at = models.DateTimeField(_("in this stage since"), default=timezone.now)
    visibility = models.CharField(
        _("visible to"),
        max_length=12,
        choices=ConceptVisibility.choices,
        default=ConceptVisibility.COMMUNITY,
    )
    needs_skills = models.ManyToManyField(
        "accounts.Skill", verbose_name=_("skills needed"), blank=True, related_name="+"
    )
    needs_money = models.BooleanField(_("needs money"), default=False)
    needs_contacts = models.BooleanField(_("needs contacts"), default=False)
    needs_space = models.BooleanField(_("needs space"), default=False)
    owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("owners"), related_name="owned_concepts"
    )
    organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("owning organisations"),
        blank=True,
        related_name="concepts",
    )
    coaches = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coaches"),
        blank=True,
        related_name="coached_concepts",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("concept")
        verbose_name_plural = _("concepts")
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["host", "stage"], name="knowledge_concept_stage")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:concept", args=[self.pk])

    @property
    def needs_help(self) -> bool:
        """Something is asked for: money, contacts, space or a skill (the caller prefetches
        ``needs_skills`` for the last one)."""
        return (
            self.needs_money
            or self.needs_contacts
            or self.needs_space
            or bool(self.needs_skills.all())
        )


class StageChange(models.Model):
    """One move of a concept from one stage to another (``from_stage`` is empty for the
    first stage it was created in)."""

    concept = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(_("from"), max_length=12, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=12, choices=Stage.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moved by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("why"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.concept} → {self.to_stage}"

    @property
    def actor_name(self) -> str:
        return self.actor.public_name if self.actor else gettext("Former member")


class ConceptNote(models.Model):
    """A coach's or owner's note on a concept: only its owners and coaches ever read it."""

    concept = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("note"), help_text=_("Markdown."))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("coaching note")
        verbose_name_plural = _("coaching notes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.concept} · {self.created_at:%Y-%m-%d}"

    @property
    def author_name(self) -> str:
        return self.author.public_name if self.author else gettext("Former member")


class SessionKind(models.TextChoices):
    SESSION = "session", _("Coaching session")
    WORKSHOP = "workshop", _("Workshop")
    SOLUTION_LAB = "solution_lab", _("Solution Lab")


class ConceptSession(models.Model):
    """A coaching session, workshop or Solution Lab the concept went through; the host's
    pipeline flags concepts with none in the last 90 days."""

    concept = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="sessions")
    kind = models.CharField(_("kind"), max_length=14, choices=SessionKind.choices)
    date = models.DateField(_("date"))
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    # Where the session exists elsewhere too: the event it was held at, or the credits
    # delivery that paid for it.
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    delivery = models.ForeignKey(
        "credits.Delivery",
        verbose_name=_("credits delivery"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.concept} · {self.date}"


class ConceptMilestone(models.Model):
    """A step the concept's people set themselves (a first customer, a permit, a pilot
    site), with the date they aim for and the date it was reached."""

    concept = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("aimed for"), null=True, blank=True)
    reached_on = models.DateField(_("reached"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("set"), auto_now_add=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title


# --- the library ----------------------------------------------------------------------------


def _library_storage() -> Any:
    # Every library file is private, whatever the item's audience: an item in review or
    # for the community must never have a public URL, and an audience or status can change
    # after the upload, while a public URL, once out, cannot be taken back. A public item's
    # file reaches everyone all the same, streamed through ``access_item_file``.
    from samen.expenses.models import private_storage

    return private_storage()


class ItemKind(models.TextChoices):
    ARTICLE = "article", _("Article")
    CASE = "case", _("Case")
    TEMPLATE = "template", _("Template")
    CHECKLIST = "checklist", _("Checklist")
    LINK = "link", _("Link")
    RECORDING = "recording", _("Recording")


class Audience(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    NETWORK = "network", _("Everyone signed in")
    COMMUNITY = "community", _("The host's community")


class ItemStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("Waiting for review")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Sent back")


class LibraryItem(models.Model):
    """An article, case, template, checklist, link or recording in a host's library. Only
    its authors and the host's editors see it until an editor publishes it."""

    host = models.ForeignKey(
        Host, verbose_name=_("host"), on_delete=models.CASCADE, related_name="library_items"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ItemKind.choices)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=1000)
    body = models.TextField(_("text"), blank=True, help_text=_("Markdown."))
    url = models.URLField(_("link"), blank=True)
    file = models.FileField(
        _("file"), storage=_library_storage, upload_to="library/%Y/%m/", blank=True
    )
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_type = models.CharField(_("file type"), max_length=100, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size"), default=0)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.PUBLIC
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="+")
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("authors"), related_name="library_items"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.DRAFT
    )
    service_code = models.SlugField(
        _("rate-card service"),
        max_length=40,
        blank=True,
        help_text=_("The service of the credit rate card that pays its authors when published."),
    )
    review_note = models.TextField(_("editor's note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("library item")
        verbose_name_plural = _("library items")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["host", "status", "published_at"], name="knowledge_item_pub")
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="knowledge_item_published_at",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:item", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == ItemStatus.PUBLISHED


class ItemCredit(models.Model):
    """The credits one author earned for one published item, booked once as a delivery of
    the credits app (so the credit note follows its confirmation)."""

    item = models.ForeignKey(LibraryItem, on_delete=models.CASCADE, related_name="credits")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    delivery = models.OneToOneField(
        "credits.Delivery", on_delete=models.PROTECT, related_name="library_credit"
    )
    created_at = models.DateTimeField(_("booked"), auto_now_add=True)

    class Meta:
        verbose_name = _("library credit")
        verbose_name_plural = _("library credits")
        constraints = [
            models.UniqueConstraint(fields=["item", "author"], name="knowledge_item_credit_once")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.author_id}"


# --- offers ---------------------------------------------------------------------------------


class OfferStatus(models.TextChoices):
    OPEN = "open", _("Open")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Offer(models.Model):
    """What a member offers the host's community (the mirror of a credits request): a
    service they give for credits, with the skills it draws on and when they are free."""

    host = models.ForeignKey(
        Host, verbose_name=_("host"), on_delete=models.CASCADE, related_name="offers"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("offered by"),
        on_delete=models.CASCADE,
        related_name="knowledge_offers",
    )
    title = models.CharField(_("title"), max_length=140)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    service_code = models.SlugField(
        _("service"),
        max_length=40,
        blank=True,
        help_text=_("The rate-card service between members it is given as."),
    )
    skills = models.ManyToManyField(
        "accounts.Skill", verbose_name=_("skills"), blank=True, related_name="+"
    )
    availability = models.CharField(_("availability"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.OPEN
    )
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["host", "status"], name="knowledge_offer_open")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:offer", args=[self.pk])


class OfferTake(models.Model):
    """ "I'd like this": a member asks for an offer; the offerer is told, and records the
    session given as a credits delivery (``delivery``) once it took place."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="takes")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="knowledge_offer_takes"
    )
    message = models.TextField(_("message"), blank=True)
    delivery = models.OneToOneField(
        "credits.Delivery",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="offer_take",
    )
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)

    class Meta:
        verbose_name = _("request for an offer")
        verbose_name_plural = _("requests for offers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "person"], name="knowledge_offer_take_once")
        ]

    def __str__(self) -> str:
        return f"{self.offer} ← {self.person_id}"


# --- mentoring ------------------------------------------------------------------------------


class SeasonStatus(models.TextChoices):
    OPEN = "open", _("Taking applications")
    RUNNING = "running", _("Running")
    CLOSED = "closed", _("Closed")


class MentoringSeason(models.Model):
    """A season of a host's (or one collective's) mentoring programme: people apply as
    mentor or mentee, the organisers (the host's admins) confirm pairs, pairs check in every
    month and give feedback at the end. Mentors' hours may earn ``service_code``."""

    host = models.ForeignKey(
        Host, verbose_name=_("host"), on_delete=models.CASCADE, related_name="mentoring_seasons"
    )
    collective = models.ForeignKey(
        Collective,
        verbose_name=_("collective"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mentoring_seasons",
    )
    name = models.CharField(_("name"), max_length=160)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    service_code = models.SlugField(
        _("rate-card service"),
        max_length=40,
        blank=True,
        help_text=_("The network service a mentor's hour earns; empty: no credits."),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=SeasonStatus.choices, default=SeasonStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("mentoring season")
        verbose_name_plural = _("mentoring seasons")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="knowledge_season_dates"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("knowledge:season", args=[self.pk])


class MentoringRole(models.TextChoices):
    MENTOR = "mentor", _("Mentor")
    MENTEE = "mentee", _("Mentee")


class MentoringApplication(models.Model):
    """Someone applies to a season as mentor or mentee, with goals, skills, language and
    city: what the proposed pairs are matched on."""

    season = models.ForeignKey(
        MentoringSeason, on_delete=models.CASCADE, related_name="applications"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentoring_applications"
    )
    role = models.CharField(_("as"), max_length=8, choices=MentoringRole.choices)
    goals = models.TextField(_("goals"))
    skills = models.ManyToManyField(
        "accounts.Skill", verbose_name=_("skills"), blank=True, related_name="+"
    )
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    city = models.CharField(_("city"), max_length=80, blank=True)
    created_at = models.DateTimeField(_("applied"), auto_now_add=True)

    class Meta:
        verbose_name = _("mentoring application")
        verbose_name_plural = _("mentoring applications")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["season", "person", "role"], name="knowledge_apply_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.season} · {self.person_id} · {self.role}"


class PairStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")


class MentoringPair(models.Model):
    """A mentor and a mentee of one season: proposed by shared skills, language and city,
    confirmed by the organisers. A mentee has one pair per season."""

    season = models.ForeignKey(MentoringSeason, on_delete=models.CASCADE, related_name="pairs")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentoring_as_mentor"
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentoring_as_mentee"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PairStatus.choices, default=PairStatus.PROPOSED
    )
    score = models.PositiveSmallIntegerField(_("match score"), default=0)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("mentoring pair")
        verbose_name_plural = _("mentoring pairs")
        ordering = ["season", "id"]
        constraints = [
            models.UniqueConstraint(fields=["season", "mentee"], name="knowledge_pair_mentee"),
            models.CheckConstraint(
                condition=~Q(mentor=models.F("mentee")), name="knowledge_pair_two_people"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor_id} → {self.mentee_id}"


class CheckIn(models.Model):
    """A pair's monthly check-in by one of them: how it goes, and (for the mentor) the hours
    given, which earn credits through the season's rate-card service."""

    pair = models.ForeignKey(MentoringPair, on_delete=models.CASCADE, related_name="checkins")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    progress = models.TextField(_("how it goes"))
    hours = models.PositiveSmallIntegerField(_("hours"), default=0)
    delivery = models.OneToOneField(
        "credits.Delivery", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-month", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pair", "author", "month"], name="knowledge_checkin_monthly"
            )
        ]

    def __str__(self) -> str:
        return f"{self.pair} · {self.month:%Y-%m}"


class MentoringFeedback(models.Model):
    """Each side's end-of-season feedback on their pair: a rating and a few words."""

    pair = models.ForeignKey(MentoringPair, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(_("rating"))
    text = models.TextField(_("feedback"), blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("mentoring feedback")
        verbose_name_plural = _("mentoring feedback")
        constraints = [
            models.UniqueConstraint(fields=["pair", "author"], name="knowledge_feedback_once"),
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="knowledge_feedback_rating"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pair} · {self.rating}"


# --- the newsletter -------------------------------------------------------------------------


class SubscriptionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Subscribed")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
    BOUNCED = "bounced", _("Stopped: the address bounced or complained")


class Subscription(CommunityOwned):
    """An e-mail address (no account needed) that asked for one community's newsletter.
    Only a ``confirmed`` address receives issues (double opt-in)."""

    email = models.EmailField(_("e-mail address"))
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=SubscriptionStatus.choices,
        default=SubscriptionStatus.PENDING,
    )
    created_at = models.DateTimeField(_("subscribed"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    tags = models.ManyToManyField(
        Tag,
        verbose_name=_("topics followed"),
        blank=True,
        related_name="+",
        help_text=_("Issues sent to the followers of a topic reach those who chose it."),
    )
    chapters = models.ManyToManyField(
        Chapter,
        verbose_name=_("chapters followed"),
        blank=True,
        related_name="+",
        help_text=_("Issues sent to a chapter reach those who chose it."),
    )

    class Meta(CommunityOwned.Meta):
        verbose_name = _("newsletter subscription")
        verbose_name_plural = _("newsletter subscriptions")
        ordering = ["id"]
        constraints = [
            *CommunityOwned.Meta.constraints,
            models.UniqueConstraint(fields=["collective", "email"], name="knowledge_sub_coll"),
            models.UniqueConstraint(fields=["host", "email"], name="knowledge_sub_host"),
            models.UniqueConstraint(fields=["chapter", "email"], name="knowledge_sub_chap"),
        ]
        indexes = [models.Index(fields=["email"], name="knowledge_sub_email")]

    def __str__(self) -> str:
        return f"{self.email} · {self.owner}"


class IssueStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")


class Segment(models.TextChoices):
    ALL = "all", _("Every subscriber")
    COMMUNITY = "community", _("Subscribers who are members of the community")
    LANGUAGE = "language", _("Subscribers reading one language")
    TAG = "tag", _("Followers of a topic")
    CHAPTER = "chapter", _("Followers and members of a chapter")


class NewsletterIssue(CommunityOwned):
    """One issue of a community's newsletter: written, previewed, tested, then sent (now or
    at ``scheduled_for``) to every confirmed subscription once."""

    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Markdown."))
    status = models.CharField(
        _("status"), max_length=10, choices=IssueStatus.choices, default=IssueStatus.DRAFT
    )
    segment = models.CharField(
        _("send to"), max_length=10, choices=Segment.choices, default=Segment.ALL
    )
    segment_language = models.CharField(
        _("language"), max_length=2, choices=settings.LANGUAGES, blank=True
    )
    segment_tag = models.ForeignKey(
        Tag,
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    segment_chapter = models.ForeignKey(
        Chapter,
        verbose_name=_("chapter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scheduled_for = models.DateTimeField(_("send at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta(CommunityOwned.Meta):
        verbose_name = _("newsletter issue")
        verbose_name_plural = _("newsletter issues")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("knowledge:issue", args=[self.pk])


class DeliveryStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    BOUNCED = "bounced", _("Bounced")


class NewsletterDelivery(models.Model):
    """One issue queued for one subscription; the unique pair is what keeps a retry, a
    second run or a second click on "send" from e-mailing anyone twice."""

    issue = models.ForeignKey(NewsletterIssue, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.SENT
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("newsletter delivery")
        verbose_name_plural = _("newsletter deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "subscription"], name="knowledge_delivered_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.issue} → {self.subscription_id}"
