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

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samen.communities.models import Collective, Host, Tag
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


class Concept(models.Model):
    """An innovation or project that a host coaches: owned by one or more people, perhaps
    belonging to one of the host's collectives, at one stage of the pipeline."""

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


# --- the library ----------------------------------------------------------------------------


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


class NewsletterIssue(CommunityOwned):
    """One issue of a community's newsletter: written, previewed, tested, then sent (now or
    at ``scheduled_for``) to every confirmed subscription once."""

    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Markdown."))
    status = models.CharField(
        _("status"), max_length=10, choices=IssueStatus.choices, default=IssueStatus.DRAFT
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
