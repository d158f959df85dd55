"""Discussions in every collective, host and chapter: one model of posts (DESIGN "Posts").

A ``Topic`` lives in a ``Category`` of a community, or is attached to an object (a news
post, later a campaign update or an event) to hold its comments. A ``Post`` belongs to a
topic; the first post is the topic's opening text. Everything that waits on a moderator is
one ``Reviewable`` (DESIGN "Moderation").
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samen.communities.models import Chapter, Collective, Host, HouseRules

Owner = Collective | Host | Chapter


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    MEMBERS = "members", _("Members only")
    PRIVATE = "private", _("A private group")


class TopicKind(models.TextChoices):
    DISCUSSION = "discussion", _("Discussion")
    QUESTION = "question", _("Question")
    IDEA = "idea", _("Idea")


class IdeaStage(models.TextChoices):
    """Where an idea on the sounding board stands."""

    IDEA = "idea", _("Idea")
    PROTOTYPE = "prototype", _("Prototype")
    RUNNING = "running", _("Running")


class FeedbackKind(models.TextChoices):
    """The structured replies to an idea (a plain reply has none)."""

    WORKS = "works", _("What works")
    IMPROVE = "improve", _("What to improve")
    TALK_TO = "talk_to", _("Who you should talk to")


class PostStatus(models.TextChoices):
    VISIBLE = "visible", _("Visible")
    HELD = "held", _("Waiting for approval")
    HIDDEN = "hidden", _("Hidden by a moderator")
    DELETED = "deleted", _("Deleted by a moderator")


class ReactionKind(models.TextChoices):
    """A small fixed set: enough to say thanks without a reply."""

    THANKS = "thanks", _("Thanks")
    AGREE = "agree", _("Agree")
    HEART = "heart", _("Love it")
    LAUGH = "laugh", _("Funny")
    THINKING = "thinking", _("Makes me think")


class CommunityOwned(models.Model):
    """Exactly one of collective, host or chapter owns the row (as news posts do)."""

    collective = models.ForeignKey(
        Collective, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    host = models.ForeignKey(
        Host, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    chapter = models.ForeignKey(
        Chapter, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(collective__isnull=False, host__isnull=True, chapter__isnull=True)
                | Q(collective__isnull=True, host__isnull=False, chapter__isnull=True)
                | Q(collective__isnull=True, host__isnull=True, chapter__isnull=False),
                name="%(app_label)s_%(class)s_one_owner",
            ),
        ]

    @property
    def owner(self) -> Owner:
        owner = self.collective or self.host or self.chapter
        assert owner is not None  # the check constraint guarantees exactly one
        return owner

    @property
    def owner_kind(self) -> str:
        if self.collective_id:
            return "collective"
        return "host" if self.host_id else "chapter"


def owner_fields(owner: Owner) -> dict[str, Any]:
    """``{"collective": owner}`` (or host, chapter): to create or filter owned rows."""
    if isinstance(owner, Collective):
        return {"collective": owner}
    if isinstance(owner, Host):
        return {"host": owner}
    return {"chapter": owner}


def comments_anchor(target: Any) -> str:
    """The element id of the comments under ``target`` on its page, unique on a page that
    shows several objects with their comments."""
    return f"comments-{target._meta.model_name}-{target.pk}"


def owner_kind(owner: Owner) -> str:
    return next(iter(owner_fields(owner)))


class CommunitySettings(CommunityOwned):
    """How a community runs its discussions; without a row the defaults apply."""

    hold_first_posts = models.BooleanField(
        _("hold new members' first post for approval"), default=False
    )
    posts_per_hour = models.PositiveSmallIntegerField(
        _("posts per person per hour"),
        default=20,
        help_text=_("A limit against floods and spam, across the whole community."),
    )

    class Meta(CommunityOwned.Meta):
        verbose_name = _("discussion settings")
        verbose_name_plural = _("discussion settings")
        constraints = [
            *CommunityOwned.Meta.constraints,
            models.UniqueConstraint(fields=["collective"], name="conversations_settings_coll"),
            models.UniqueConstraint(fields=["host"], name="conversations_settings_host"),
            models.UniqueConstraint(fields=["chapter"], name="conversations_settings_chap"),
        ]

    def __str__(self) -> str:
        return str(self.owner)


class Moderator(CommunityOwned):
    """A member of the community's "fixed team": moderates beside its admins."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta(CommunityOwned.Meta):
        verbose_name = _("moderator")
        verbose_name_plural = _("moderators")
        constraints = [
            *CommunityOwned.Meta.constraints,
            models.UniqueConstraint(fields=["collective", "user"], name="conversations_mod_coll"),
            models.UniqueConstraint(fields=["host", "user"], name="conversations_mod_host"),
            models.UniqueConstraint(fields=["chapter", "user"], name="conversations_mod_chap"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.owner}"


class Category(CommunityOwned):
    """A shelf of topics chosen by the community's admins ("Questions", "Ideas", ...)."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=60)
    description = models.CharField(_("description"), max_length=300, blank=True)
    visibility = models.CharField(
        _("who can read it"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.MEMBERS,
    )
    group = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("private group"),
        blank=True,
        related_name="+",
        help_text=_("Who may read and write in a private category."),
    )
    join_questions: models.JSONField[Any, Any] = models.JSONField(
        _("questions for people who ask to join"),
        default=list,
        blank=True,
        help_text=_("For a private category: what people answer when they ask to join it."),
    )
    slow_mode_per_hour = models.PositiveSmallIntegerField(
        _("slow mode: posts per person per hour"),
        default=0,
        help_text=_("0 means no slow mode."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta(CommunityOwned.Meta):
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name", "id"]
        constraints = [
            *CommunityOwned.Meta.constraints,
            models.UniqueConstraint(fields=["collective", "slug"], name="conversations_cat_coll"),
            models.UniqueConstraint(fields=["host", "slug"], name="conversations_cat_host"),
            models.UniqueConstraint(fields=["chapter", "slug"], name="conversations_cat_chap"),
        ]

    def __str__(self) -> str:
        return self.name


class GroupRequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class GroupRequest(models.Model):
    """A member of the community asks to join a private category, answering its questions
    (paired and frozen by ``samen.lib.questions``, as a community's join requests are); the
    community's team approves (the person joins ``Category.group``) or declines with a
    reason the person reads. One pending request per person and category."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    answers: models.JSONField[Any, Any] = models.JSONField(_("answers"), default=list)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=GroupRequestStatus.choices,
        default=GroupRequestStatus.PENDING,
    )
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("request to join a private category")
        verbose_name_plural = _("requests to join a private category")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "user"],
                condition=Q(status="pending"),
                name="conversations_one_pending_group_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.category} ({self.status})"


class Topic(CommunityOwned):
    """A discussion in a category, or the comments of one object (``target``).

    ``last_posted_at`` and ``reply_count`` are kept by the actions so the list reads one row
    per topic whatever the number of replies.
    """

    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.CASCADE, related_name="topics"
    )
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    kind = models.CharField(
        _("kind"), max_length=12, choices=TopicKind.choices, default=TopicKind.DISCUSSION
    )
    title = models.CharField(_("title"), max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_posted_at = models.DateTimeField(_("last post"), null=True, blank=True)
    reply_count = models.PositiveIntegerField(_("replies"), default=0)
    pinned = models.BooleanField(_("pinned"), default=False)
    closed = models.BooleanField(_("closed"), default=False)
    comments_enabled = models.BooleanField(_("comments open"), default=True)
    answer = models.ForeignKey(
        "Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stage = models.CharField(_("stage"), max_length=10, choices=IdeaStage.choices, blank=True)
    question = models.CharField(
        _("question for readers"),
        max_length=300,
        blank=True,
        help_text=_("What the idea's owner would like to hear about."),
    )

    class Meta(CommunityOwned.Meta):
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["-pinned", "-last_posted_at", "-id"]
        constraints = [
            *CommunityOwned.Meta.constraints,
            models.CheckConstraint(
                condition=Q(category__isnull=False, target_type__isnull=True)
                | Q(category__isnull=True, target_type__isnull=False, target_id__isnull=False),
                name="conversations_topic_category_or_target",
            ),
            models.UniqueConstraint(
                fields=["target_type", "target_id"], name="conversations_one_topic_per_target"
            ),
        ]
        indexes = [
            models.Index(
                fields=["category", "pinned", "last_posted_at"], name="conversations_topic_list"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("conversations:topic", args=[self.pk])

    @property
    def author_name(self) -> str:
        return self.author.public_name if self.author else gettext("Former member")


class Post(models.Model):
    """One message in a topic: ``number`` 1 opens it, the others reply (flat, in order)."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="posts")
    number = models.PositiveIntegerField(_("number"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("text"), help_text=_("Markdown."))
    reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PostStatus.choices, default=PostStatus.VISIBLE
    )
    moderation_reason = models.CharField(_("moderator's reason"), max_length=500, blank=True)
    feedback = models.CharField(
        _("kind of feedback"), max_length=10, choices=FeedbackKind.choices, blank=True
    )
    helpful = models.BooleanField(_("marked helpful by the idea's owner"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    # The topic's title (weight A) and the body (B) in the community's text-search
    # configuration, kept by the actions (``actions.search``) and indexed with GIN on
    # PostgreSQL (migration 0003); on SQLite the column stays empty and search falls back.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "number"], name="conversations_post_number")
        ]
        indexes = [models.Index(fields=["author", "created_at"], name="conversations_post_author")]

    def __str__(self) -> str:
        return f"{self.topic} #{self.number}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        # the permalink, which finds the post's page: lists of posts (the moderation log,
        # search, notifications) need neither the topic nor the page for the link
        return reverse("conversations:post", args=[self.pk])

    @property
    def author_name(self) -> str:
        return self.author.public_name if self.author else gettext("Former member")

    @property
    def is_visible(self) -> bool:
        return self.status == PostStatus.VISIBLE

    @property
    def comment_anchor(self) -> str:
        """The element id of a comment on the page of the object it is on: by its own id,
        since one page may show several comment threads (a campaign's updates)."""
        return f"comment-{self.pk}"


def _post_image_storage() -> Any:
    from samen.expenses.models import private_storage

    return private_storage()


class PostImage(models.Model):
    """An image attached to a post: shrunk and re-encoded without metadata by the one image
    loader (``samen.lib.images``), kept in the private storage and served only to people
    who may read the post (a members-only topic's image is never public)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="images")
    file = models.FileField(
        _("image"), storage=_post_image_storage, upload_to="conversations/%Y/%m/"
    )
    content_type = models.CharField(_("content type"), max_length=20)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.post} · {self.file.name}"


class Reaction(models.Model):
    """One person's reaction of one kind to a post; reacting again takes it back."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("reaction"), max_length=10, choices=ReactionKind.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "user", "kind"], name="conversations_react_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.post}"


class ReviewKind(models.TextChoices):
    FLAGGED = "flagged", _("Reported")
    HELD = "held", _("Held for approval")
    MESSAGE = "message", _("Reported message")
    PROFILE = "profile", _("Reported member")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    IGNORED = "ignored", _("Ignored")


class Reviewable(CommunityOwned):
    """One item in the community's review queue, whatever waits: a reported post, a post
    held for approval (later a message or a profile). People who reported it each have a
    ``ReviewScore``; one pending item per target and kind."""

    kind = models.CharField(_("kind"), max_length=10, choices=ReviewKind.choices)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.CharField(_("moderator's reason"), max_length=500, blank=True)

    class Meta(CommunityOwned.Meta):
        verbose_name = _("review item")
        verbose_name_plural = _("review items")
        ordering = ["created_at", "id"]
        constraints = [
            *CommunityOwned.Meta.constraints,
            models.UniqueConstraint(
                fields=["target_type", "target_id", "kind"],
                condition=Q(status="pending"),
                name="conversations_one_pending_review",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.target_type_id}:{self.target_id} ({self.status})"


class ReviewScore(models.Model):
    """One person's report on a reviewable: why, which house rule (the version in force),
    and, once decided, whether the moderator agreed."""

    reviewable = models.ForeignKey(Reviewable, on_delete=models.CASCADE, related_name="scores")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=500)
    rule = models.ForeignKey(
        HouseRules,
        verbose_name=_("house rules"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rule_number = models.PositiveSmallIntegerField(_("rule number"), null=True, blank=True)
    agreed = models.BooleanField(_("moderator agreed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(fields=["reviewable", "user"], name="conversations_score_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.reviewable}"


class Mute(CommunityOwned):
    """A member may read but not write in a community until ``until`` (a moderator's
    decision; lifting it sets ``until`` to the moment it was lifted, so history stays)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    until = models.DateTimeField(_("muted until"))
    reason = models.CharField(_("reason"), max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta(CommunityOwned.Meta):
        verbose_name = _("mute")
        verbose_name_plural = _("mutes")
        indexes = [models.Index(fields=["user", "until"], name="conversations_mute_user")]

    def __str__(self) -> str:
        return f"{self.user} · {self.owner} · {self.until:%Y-%m-%d %H:%M}"


class ModerationAction(models.TextChoices):
    APPROVE = "approve", _("approved a held post")
    REJECT = "reject", _("rejected a held post")
    KEEP = "keep", _("kept a reported post")
    HIDE = "hide", _("hid a post")
    RESTORE = "restore", _("restored a post")
    DELETE = "delete", _("deleted a post")
    WARN = "warn", _("warned a member")
    MUTE = "mute", _("muted a member")
    UNMUTE = "unmute", _("lifted a mute")
    BAN = "ban", _("removed and banned a member")
    UNBAN = "unban", _("lifted a ban")


class ModerationEntry(CommunityOwned):
    """One line of the moderation log that the community's members read: who acted, what,
    on whom, under which house rule and why. It never holds the content of a post, so a
    deleted post's text does not live on here."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=10, choices=ModerationAction.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rule = models.ForeignKey(
        HouseRules, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rule_number = models.PositiveSmallIntegerField(_("rule number"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    until = models.DateTimeField(_("until"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta(CommunityOwned.Meta):
        verbose_name = _("moderation log entry")
        verbose_name_plural = _("moderation log")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["collective", "created_at"], name="conversations_modlog_coll"),
            models.Index(fields=["host", "created_at"], name="conversations_modlog_host"),
        ]

    def __str__(self) -> str:
        return f"{self.actor} {self.action} ({self.created_at:%Y-%m-%d})"

    @property
    def actor_name(self) -> str:
        return self.actor.public_name if self.actor else gettext("Former member")

    @property
    def person_name(self) -> str:
        return self.person.public_name if self.person else ""


class WatchLevel(models.TextChoices):
    FOLLOW = "follow", _("Following: tell me about every reply")
    MUTE = "mute", _("Muted: never tell me about this topic")


class TopicWatch(models.Model):
    """One person's choice for one topic: follow every reply, or hear nothing of it."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="watches")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    level = models.CharField(_("level"), max_length=10, choices=WatchLevel.choices)

    class Meta:
        verbose_name = _("topic watch")
        verbose_name_plural = _("topic watches")
        constraints = [
            models.UniqueConstraint(fields=["topic", "user"], name="conversations_watch_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.level} {self.topic}"


class EmailMode(models.TextChoices):
    EVERY_POST = "every", _("An e-mail for every post")
    DAILY = "daily", _("A daily digest")
    WEEKLY = "weekly", _("A weekly digest")
    NONE = "none", _("No e-mail")


class EmailChoice(CommunityOwned):
    """How one person hears of new posts in one community's discussions (no row: none)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mode = models.CharField(_("e-mail"), max_length=10, choices=EmailMode.choices)

    class Meta(CommunityOwned.Meta):
        verbose_name = _("e-mail choice")
        verbose_name_plural = _("e-mail choices")
        constraints = [
            *CommunityOwned.Meta.constraints,
            models.UniqueConstraint(fields=["collective", "user"], name="conversations_mail_coll"),
            models.UniqueConstraint(fields=["host", "user"], name="conversations_mail_host"),
            models.UniqueConstraint(fields=["chapter", "user"], name="conversations_mail_chap"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.owner} · {self.mode}"


class RelayedMessage(CommunityOwned):
    """A message one member sent another through the community, relayed by e-mail without
    showing the sender's address (unless they agreed); kept so it can be reported."""

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    body = models.TextField(_("message"))
    share_email = models.BooleanField(_("the recipient may see my e-mail address"), default=False)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta(CommunityOwned.Meta):
        verbose_name = _("relayed message")
        verbose_name_plural = _("relayed messages")
        indexes = [models.Index(fields=["sender", "created_at"], name="conversations_relay_sender")]

    def __str__(self) -> str:
        return f"{self.sender} → {self.recipient}"


class ContactRefusal(models.Model):
    """A person who does not want messages relayed to them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("refusal of messages")
        verbose_name_plural = _("refusals of messages")

    def __str__(self) -> str:
        return str(self.user)


class Block(models.Model):
    """One person blocks another: neither is told of the other's posts, reactions or
    mentions any more, and no message is relayed between them (either way)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        constraints = [
            models.UniqueConstraint(fields=["user", "blocked"], name="conversations_block_once"),
            models.CheckConstraint(
                condition=~Q(user=models.F("blocked")), name="conversations_block_not_self"
            ),
        ]
        indexes = [models.Index(fields=["blocked"], name="conversations_block_blocked")]

    def __str__(self) -> str:
        return f"{self.user} ⊘ {self.blocked}"


class BlocklistKind(models.TextChoices):
    EMAIL_DOMAIN = "email_domain", _("E-mail domain")
    URL = "url", _("Web address")


class HostBlocklistEntry(models.Model):
    """An e-mail domain or a web address that a host's admins refuse across the host and
    every collective it carries: nobody whose account's address is at the domain writes
    there (topics, replies, comments, reactions, messages), and no post or message that
    links to the address (the site, or a path under it) is accepted. ``value`` is kept
    normalised: a lower-case domain, or a domain and path without scheme or ``www.``."""

    host = models.ForeignKey(Host, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=15, choices=BlocklistKind.choices)
    value = models.CharField(_("domain or web address"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("block list entry")
        verbose_name_plural = _("block list")
        ordering = ["kind", "value", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["host", "kind", "value"], name="conversations_blocklist_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.host} ⊘ {self.value}"
