"""Decisions in every collective, host and chapter (DESIGN "Decisions", after Loomio).

``Poll`` (its kind, closing time, anonymity, who may take part) → ``PollOption`` → ``Stance``
(one person's participation with a reason; a changed vote makes a new stance and marks the
old one not latest, so the history is kept) → ``StanceChoice`` (an option and its score) →
``Outcome`` (the author's statement after the close). Every kind is the same tables with its
own counting rules (``samen.decisions.tally``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samen.communities.models import HouseRules, NewsPost
from samen.conversations.models import CommunityOwned, Topic


class PollKind(models.TextChoices):
    PROPOSAL = "proposal", _("Proposal")
    CONSENT = "consent", _("Consent (no objection by the deadline)")
    SINGLE = "single", _("Poll: one choice")
    MULTIPLE = "multiple", _("Poll: several choices")
    SCORE = "score", _("Score")
    RANKED = "ranked", _("Ranked choice")
    DOTS = "dots", _("Dot vote")
    MEETING = "meeting", _("Meeting time")
    ADVICE = "advice", _("Advice process")
    SURVEY = "survey", _("Survey")


class Audience(models.TextChoices):
    """Who may take part (and, but for ``SIGNED_IN``, who may read the poll at all). The
    last four are the segments a survey (or a poll) is sent to: the attendees of one of
    the community's events, the backers of one of its campaigns, its members whose credit
    balance is below zero, and the people who follow it."""

    MEMBERS = "members", _("The community's members")
    ADMINS = "admins", _("The community's admins")
    ROLE = "role", _("The people with a role (moderators, admins, coaches)")
    SIGNED_IN = "signed_in", _("Everyone signed in (an open network poll)")
    LISTED = "listed", _("Only the people listed")
    ATTENDEES = "attendees", _("The attendees of an event")
    BACKERS = "backers", _("The backers of a campaign")
    DEBTORS = "debtors", _("The members in debt (credit balance below zero)")
    FOLLOWERS = "followers", _("Everyone following the community")


class TakingPartRole(models.TextChoices):
    """The roles ``Audience.ROLE`` may name: the community's admins (a chapter's
    connectors), its moderators, or the coaches of its host's concepts."""

    ADMINS = "admins", _("Admins")
    MODERATORS = "moderators", _("Moderators")
    COACHES = "coaches", _("Coaches")


#: The fixed options of the kinds that have them, in the order they are shown.
PROPOSAL_OPTIONS = [
    ("agree", _("Agree")),
    ("abstain", _("Abstain")),
    ("disagree", _("Disagree")),
    ("block", _("Block")),
]
CONSENT_OPTIONS = [("consent", _("No objection")), ("object", _("Objection"))]
#: The options that stop a proposal or consent poll, and so need a reason.
OBJECTING = ("block", "object")
YES_NO_OPTIONS = [("yes", _("Yes")), ("no", _("No"))]
#: The advice an advisor gives (always with its text): the author decides, not a count.
ADVICE_OPTIONS = [
    ("support", _("In favour")),
    ("concern", _("In favour, with concerns")),
    ("against", _("Advise against")),
]
#: A meeting-time answer per slot: the score stored for each.
MEETING_ANSWERS = [(2, _("Yes")), (1, _("If need be")), (0, _("No"))]


class Starters(models.TextChoices):
    MEMBERS = "members", _("Every member")
    ADMINS = "admins", _("Admins only")


class DecisionSettings(CommunityOwned):
    """Who may start decisions in a community; without a row every member may."""

    starters = models.CharField(
        _("who may start a decision"),
        max_length=10,
        choices=Starters.choices,
        default=Starters.MEMBERS,
    )

    class Meta(CommunityOwned.Meta):
        verbose_name = _("decision settings")
        verbose_name_plural = _("decision settings")
        constraints = [
            *CommunityOwned.Meta.constraints,
            models.UniqueConstraint(fields=["collective"], name="decisions_settings_coll"),
            models.UniqueConstraint(fields=["host"], name="decisions_settings_host"),
            models.UniqueConstraint(fields=["chapter"], name="decisions_settings_chap"),
        ]

    def __str__(self) -> str:
        return str(self.owner)


class Poll(CommunityOwned):
    """A question put to a community until ``closes_at``. ``closed_at`` is set once, by
    the author closing early or by the scheduled task at the deadline; votes are refused
    from ``closes_at`` on even before the task runs."""

    kind = models.CharField(_("kind"), max_length=10, choices=PollKind.choices)
    title = models.CharField(_("title"), max_length=200)
    details = models.TextField(_("details"), blank=True, help_text=_("Markdown."))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("discussion"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The discussion topic this decision comes from."),
    )
    audience = models.CharField(
        _("who may take part"), max_length=10, choices=Audience.choices, default=Audience.MEMBERS
    )
    role = models.CharField(
        _("role"), max_length=12, choices=TakingPartRole.choices, blank=True,
        help_text=_("For “The people with a role”: which role."),
    )  # fmt: skip
    event = models.ForeignKey(
        "events.Event", verbose_name=_("event"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
        help_text=_("For “The attendees of an event”."),
    )  # fmt: skip
    campaign = models.ForeignKey(
        "funding.Campaign", verbose_name=_("campaign"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
        help_text=_("For “The backers of a campaign”."),
    )  # fmt: skip
    published_at = models.DateTimeField(
        _("results published"), null=True, blank=True,
        help_text=_("A host's survey whose results show on the host's page."),
    )  # fmt: skip
    anonymous = models.BooleanField(
        _("anonymous"), default=False, help_text=_("Nobody sees who voted what.")
    )
    hide_results = models.BooleanField(_("hide results until the close"), default=False)
    quorum_percent = models.PositiveSmallIntegerField(
        _("quorum (percentage of those who may take part)"), null=True, blank=True
    )
    max_score = models.PositiveSmallIntegerField(_("highest score"), default=5)
    dots = models.PositiveSmallIntegerField(_("dots per person"), default=10)
    max_choices = models.PositiveSmallIntegerField(_("most choices per person"), default=0)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    closes_at = models.DateTimeField(_("closes"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    amended_at = models.DateTimeField(_("amended"), null=True, blank=True)
    rules_text = models.TextField(
        _("proposed house rules"),
        blank=True,
        help_text=_("Markdown. When the proposal passes, this becomes the new version."),
    )

    class Meta(CommunityOwned.Meta):
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["closed_at", "closes_at"], name="decisions_poll_due"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("decisions:poll", args=[self.pk])

    @property
    def author_name(self) -> str:
        return self.author.public_name if self.author else gettext("Former member")

    def is_open(self, now: Any = None) -> bool:
        return self.closed_at is None and (now or timezone.now()) < self.closes_at


class QuestionKind(models.TextChoices):
    SCALE5 = "scale5", _("Scale 1-5")
    SCALE10 = "scale10", _("Scale 0-10")
    SINGLE = "single", _("One choice")
    MULTIPLE = "multiple", _("Several choices")
    SHORT = "short", _("Short text")
    LONG = "long", _("Long text")
    YES_NO = "yes_no", _("Yes or no")


class NamedRole(models.TextChoices):
    AFFECTED = "affected", _("Affected")
    EXPERT = "expert", _("Has expertise")
    LISTED = "listed", _("Listed")


class NamedPerson(models.Model):
    """A person the author named: an advisor of an advice process (affected by the
    decision, or with expertise), or one of the people listed to take part in a poll for
    ``Audience.LISTED``. One row per person and role."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="named")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    role = models.CharField(_("role"), max_length=10, choices=NamedRole.choices)

    class Meta:
        verbose_name = _("named person")
        verbose_name_plural = _("named people")
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "person", "role"], name="decisions_named_once")
        ]

    def __str__(self) -> str:
        return f"{self.poll} · {self.role} · {self.person_id}"

    @property
    def person_name(self) -> str:
        return self.person.public_name if self.person else gettext("Former member")


class Question(models.Model):
    """One question of a survey (a poll of kind ``survey``). Its answers are options like
    any poll's: the choices, the points of a scale, yes and no, or one ``text`` option
    whose stance choices carry the written answer."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    prompt = models.CharField(_("question"), max_length=300)
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.prompt

    @property
    def is_text(self) -> bool:
        return self.kind in (QuestionKind.SHORT, QuestionKind.LONG)

    @property
    def is_scale(self) -> bool:
        return self.kind in (QuestionKind.SCALE5, QuestionKind.SCALE10)


class PollOption(models.Model):
    """One answer a participant may choose, score, rank or give dots to. Proposals and
    consent polls get their fixed options (``key``) when they are created."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.CASCADE, related_name="options"
    )
    key = models.CharField(_("key"), max_length=20, blank=True)
    label = models.CharField(_("option"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def display(self) -> str:
        """The label in the reader's language for the fixed options."""
        fixed = dict(PROPOSAL_OPTIONS + CONSENT_OPTIONS + YES_NO_OPTIONS + ADVICE_OPTIONS)
        return str(fixed[self.key]) if self.key in fixed else self.label


class Stance(models.Model):
    """One person's participation: their choices and reason. Voting again adds a stance
    and marks this one not ``latest``; only latest stances count."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="stances")
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    latest = models.BooleanField(_("latest"), default=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("voted"), default=timezone.now)

    class Meta:
        verbose_name = _("stance")
        verbose_name_plural = _("stances")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "participant"],
                condition=Q(latest=True, participant__isnull=False),
                name="decisions_one_latest_stance",
            )
        ]
        indexes = [models.Index(fields=["poll", "latest"], name="decisions_stance_latest")]

    def __str__(self) -> str:
        return f"{self.poll} · {self.participant_id}"

    @property
    def participant_name(self) -> str:
        return self.participant.public_name if self.participant else gettext("Former member")


class StanceChoice(models.Model):
    """An option in a stance with its ``score``: 1 for a plain choice, the score given, the
    rank (1 is first) in a ranked ballot, the dots, or 2/1/0 for a meeting slot."""

    stance = models.ForeignKey(Stance, on_delete=models.CASCADE, related_name="choices")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveIntegerField(_("score"), default=1)
    text = models.TextField(_("written answer"), blank=True)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        constraints = [
            models.UniqueConstraint(fields=["stance", "option"], name="decisions_choice_once")
        ]

    def __str__(self) -> str:
        return f"{self.option} = {self.score}"


class Outcome(models.Model):
    """What was decided, written by the author (or an admin) after the close."""

    poll = models.OneToOneField(Poll, on_delete=models.CASCADE, related_name="outcome")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    statement = models.TextField(_("outcome"), help_text=_("Markdown."))
    news = models.ForeignKey(
        NewsPost,
        verbose_name=_("published as news"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rules = models.ForeignKey(
        HouseRules,
        verbose_name=_("house rules adopted"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")

    def __str__(self) -> str:
        return f"{self.poll}: {self.statement[:60]}"
