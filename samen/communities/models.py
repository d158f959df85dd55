"""Hosts, collectives, chapters and the people around them: roles, follows, house rules,
applications for hosting, invitations and join requests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

FEE_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class VatStatus(models.TextChoices):
    SUBJECT = "subject", _("Subject to VAT")
    EXEMPT = "exempt", _("Exempt from VAT (article 44)")
    SMALL_BUSINESS = "small", _("Small business exemption")
    NOT_SUBJECT = "not_subject", _("Not subject to VAT")


class CollectiveRole(models.TextChoices):
    ADMIN = "admin", _("Admin")
    MEMBER = "member", _("Member")


class HostRole(models.TextChoices):
    ADMIN = "admin", _("Admin")
    ACCOUNTANT = "accountant", _("Accountant")
    MEMBER = "member", _("Member")


class Chapter(models.Model):
    """A local group of a network (a city, or a country) led by a few connectors."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = models.CharField(_("country"), max_length=2, default="BE")
    description = models.TextField(_("description"), blank=True)
    connectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("connectors"),
        blank=True,
        related_name="connector_of",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("members"),
        blank=True,
        related_name="chapters",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("chapter")
        verbose_name_plural = _("chapters")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Host(models.Model):
    """A registered organisation that holds money on behalf of the collectives it hosts.

    ``flat_monthly_fee_cents`` is charged per hosted collective on top of the percentage;
    ``application_questions`` is a list of plain-text questions a collective answers when it
    applies.
    """

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    country = models.CharField(
        _("country"), max_length=2, default="BE", help_text=_("Two-letter ISO code.")
    )
    enterprise_number = models.CharField(
        _("enterprise number"),
        max_length=40,
        blank=True,
        help_text=_("KBO/BCE number for Belgian organisations, e.g. 0403.019.261."),
    )
    vat_status = models.CharField(
        _("VAT status"), max_length=20, choices=VatStatus.choices, default=VatStatus.NOT_SUBJECT
    )
    vat_number = models.CharField(_("VAT number"), max_length=40, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    address = models.TextField(_("address"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    about = models.TextField(_("about"), blank=True, help_text=_("Markdown."))
    terms = models.TextField(
        _("terms for hosted collectives"), blank=True, help_text=_("Markdown.")
    )
    default_fee_percent = models.DecimalField(
        _("default host fee (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=FEE_VALIDATORS,
    )
    flat_monthly_fee_cents = models.PositiveIntegerField(
        _("flat monthly fee (cents)"), null=True, blank=True
    )
    accepts_members = models.BooleanField(
        _("accepts requests to join its community"),
        default=False,
        help_text=_(
            "People may ask to join the community of members who use the host's credit, "
            "describing the idea or project they come with."
        ),
    )
    member_questions: models.JSONField[Any, Any] = models.JSONField(
        _("questions for people who ask to join"), default=list, blank=True
    )
    accepts_applications = models.BooleanField(_("accepts applications"), default=True)
    application_questions: models.JSONField[Any, Any] = models.JSONField(
        _("application questions"), default=list, blank=True
    )

    class Meta:
        verbose_name = _("host")
        verbose_name_plural = _("hosts")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(default_fee_percent__gte=0) & Q(default_fee_percent__lte=100),
                name="communities_host_fee_range",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    """A free label on collectives, shared so that the directory can filter by it."""

    name = models.CharField(_("name"), max_length=40)
    slug = models.SlugField(_("slug"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


def _logo_path(instance: Collective, filename: str) -> str:
    return f"collectives/{instance.slug}/logo-{filename}"


def _cover_path(instance: Collective, filename: str) -> str:
    return f"collectives/{instance.slug}/cover-{filename}"


class Collective(models.Model):
    """A project or initiative; it can receive money once a host accepts it.

    ``host`` is null while unhosted. A frozen collective keeps its host (the money stays
    there) but cannot receive or spend until unfrozen.
    """

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    host = models.ForeignKey(
        Host,
        verbose_name=_("host"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="collectives",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    tagline = models.CharField(_("tagline"), max_length=160, blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    logo = models.ImageField(_("logo"), upload_to=_logo_path, blank=True)
    cover = models.ImageField(_("cover image"), upload_to=_cover_path, blank=True)
    tags = models.ManyToManyField(
        Tag, verbose_name=_("tags"), blank=True, related_name="collectives"
    )
    website = models.URLField(_("website"), blank=True)
    social_links: models.JSONField[Any, Any] = models.JSONField(
        _("social links"), default=list, blank=True
    )
    city = models.CharField(_("city"), max_length=120, blank=True)
    chapters = models.ManyToManyField(
        Chapter, verbose_name=_("chapters"), blank=True, related_name="collectives"
    )
    languages: models.JSONField[Any, Any] = models.JSONField(
        _("languages"), default=list, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    is_frozen = models.BooleanField(_("frozen"), default=False)
    hosted_since = models.DateTimeField(_("hosted since"), null=True, blank=True)
    custom_fee_percent = models.DecimalField(
        _("custom host fee (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=FEE_VALIDATORS,
    )
    allows_join_requests = models.BooleanField(_("people may ask to join"), default=True)
    membership_questions: models.JSONField[Any, Any] = models.JSONField(
        _("membership questions"), default=list, blank=True
    )

    class Meta:
        verbose_name = _("collective")
        verbose_name_plural = _("collectives")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(custom_fee_percent__isnull=True)
                | (Q(custom_fee_percent__gte=0) & Q(custom_fee_percent__lte=100)),
                name="communities_collective_fee_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def effective_fee_percent(self) -> Decimal | None:
        """The fee the host takes from this collective: its custom fee or the host default."""
        if self.custom_fee_percent is not None:
            return self.custom_fee_percent
        return self.host.default_fee_percent if self.host_id and self.host else None

    @property
    def status(self) -> str:
        """``unhosted``, ``hosted`` or ``frozen``."""
        if self.host_id is None:
            return "unhosted"
        return "frozen" if self.is_frozen else "hosted"

    @property
    def can_receive_money(self) -> bool:
        return self.host_id is not None and not self.is_frozen


class HouseRules(models.Model):
    """One version of a collective's or host's house rules; a new text is a new version."""

    collective = models.ForeignKey(
        Collective, null=True, blank=True, on_delete=models.CASCADE, related_name="rules"
    )
    host = models.ForeignKey(
        Host, null=True, blank=True, on_delete=models.CASCADE, related_name="rules"
    )
    version = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text"), help_text=_("Markdown."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("house rules")
        verbose_name_plural = _("house rules")
        ordering = ["-version"]
        constraints = [
            models.CheckConstraint(
                condition=Q(collective__isnull=True, host__isnull=False)
                | Q(collective__isnull=False, host__isnull=True),
                name="communities_rules_one_owner",
            ),
            models.UniqueConstraint(
                fields=["collective", "version"], name="communities_rules_collective_version"
            ),
            models.UniqueConstraint(
                fields=["host", "version"], name="communities_rules_host_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner} v{self.version}"

    @property
    def owner(self) -> Collective | Host:
        owner = self.collective or self.host
        assert owner is not None
        return owner


class MembershipBase(models.Model):
    """Fields shared by collective and host memberships: who, when, and which house rules
    version they accepted (null when the owner has no rules yet)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE
    )
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)
    rules_accepted = models.ForeignKey(
        HouseRules,
        verbose_name=_("accepted house rules"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rules_accepted_at = models.DateTimeField(_("rules accepted at"), null=True, blank=True)

    class Meta:
        abstract = True


class CollectiveMembership(MembershipBase):
    """A person's role in a collective."""

    collective = models.ForeignKey(Collective, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(
        _("role"), max_length=20, choices=CollectiveRole.choices, default=CollectiveRole.MEMBER
    )

    class Meta:
        verbose_name = _("collective membership")
        verbose_name_plural = _("collective memberships")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["collective", "user"], name="communities_collective_member_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.collective} · {self.role}"


class HostMembership(MembershipBase):
    """A person's role in a host: admin, accountant (reads all finances) or member."""

    host = models.ForeignKey(Host, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(
        _("role"), max_length=20, choices=HostRole.choices, default=HostRole.MEMBER
    )

    class Meta:
        verbose_name = _("host membership")
        verbose_name_plural = _("host memberships")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["host", "user"], name="communities_host_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.host} · {self.role}"


class Follow(models.Model):
    """Someone follows exactly one collective, host or chapter to get its public news."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    collective = models.ForeignKey(
        Collective, null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    host = models.ForeignKey(
        Host, null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    chapter = models.ForeignKey(
        Chapter, null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)
    news_emails = models.BooleanField(
        _("news by e-mail"),
        default=True,
        help_text=_("Receive the news of what you follow by e-mail."),
    )

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(collective__isnull=False, host__isnull=True, chapter__isnull=True)
                | Q(collective__isnull=True, host__isnull=False, chapter__isnull=True)
                | Q(collective__isnull=True, host__isnull=True, chapter__isnull=False),
                name="communities_follow_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "collective"], name="communities_follow_collective_once"
            ),
            models.UniqueConstraint(fields=["user", "host"], name="communities_follow_host_once"),
            models.UniqueConstraint(
                fields=["user", "chapter"], name="communities_follow_chapter_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.collective or self.host or self.chapter}"


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    NEEDS_INFO = "needs_info", _("More information requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_APPLICATION_STATUSES = [ApplicationStatus.PENDING, ApplicationStatus.NEEDS_INFO]


class HostApplication(models.Model):
    """A collective asks a host to carry it. ``answers`` pairs each host question with the
    collective's answer, frozen at the time of applying so that later edits to the questions
    do not change what was answered."""

    host = models.ForeignKey(Host, on_delete=models.CASCADE, related_name="applications")
    collective = models.ForeignKey(
        Collective, on_delete=models.CASCADE, related_name="applications"
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.PENDING,
    )
    answers: models.JSONField[Any, Any] = models.JSONField(_("answers"), default=list)
    message = models.TextField(_("message"), blank=True)
    terms_accepted_at = models.DateTimeField(_("terms accepted at"))
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("applied"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.TextField(_("reason or question"), blank=True)
    custom_fee_percent = models.DecimalField(
        _("custom host fee (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=FEE_VALIDATORS,
    )

    class Meta:
        verbose_name = _("host application")
        verbose_name_plural = _("host applications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["collective"],
                condition=Q(status__in=["pending", "needs_info"]),
                name="communities_one_open_application",
            )
        ]

    def __str__(self) -> str:
        return f"{self.collective} → {self.host} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_APPLICATION_STATUSES


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    REVOKED = "revoked", _("Revoked")


class Invitation(models.Model):
    """An admin invites an e-mail address to a collective or a host with a role; the link
    in the e-mail is signed, so it cannot be guessed from the id."""

    collective = models.ForeignKey(
        Collective, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    host = models.ForeignKey(
        Host, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InvitationStatus.choices,
        default=InvitationStatus.PENDING,
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(collective__isnull=True, host__isnull=False)
                | Q(collective__isnull=False, host__isnull=True),
                name="communities_invitation_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.owner}"

    @property
    def role_label(self) -> str:
        """The role in the reader's language."""
        choices = CollectiveRole if self.collective_id else HostRole
        return str(choices(self.role).label) if self.role in choices.values else self.role

    @property
    def owner(self) -> Collective | Host:
        owner = self.collective or self.host
        assert owner is not None
        return owner


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class JoinRequest(models.Model):
    """Someone asks to join a collective, or a host's community (the members who use its
    credit, with the idea or project they come with), answering its questions and accepting
    its rules. Exactly one of ``collective`` and ``host`` is set."""

    collective = models.ForeignKey(
        Collective, null=True, blank=True, on_delete=models.CASCADE, related_name="join_requests"
    )
    host = models.ForeignKey(
        Host, null=True, blank=True, on_delete=models.CASCADE, related_name="join_requests"
    )
    idea = models.TextField(
        _("your idea or project"),
        blank=True,
        help_text=_("What you come with: a few sentences about your own idea or project."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests"
    )
    answers: models.JSONField[Any, Any] = models.JSONField(_("answers"), default=list)
    rules_accepted = models.ForeignKey(
        HouseRules, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=JoinRequestStatus.choices,
        default=JoinRequestStatus.PENDING,
    )
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["collective", "user"],
                condition=Q(status="pending"),
                name="communities_one_open_join_request",
            ),
            models.UniqueConstraint(
                fields=["host", "user"],
                condition=Q(status="pending"),
                name="communities_one_open_host_join_request",
            ),
            models.CheckConstraint(
                condition=Q(collective__isnull=False, host__isnull=True)
                | Q(collective__isnull=True, host__isnull=False),
                name="communities_join_request_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.owner} ({self.status})"

    @property
    def owner(self) -> Collective | Host:
        owner = self.collective or self.host
        assert owner is not None  # the check constraint guarantees exactly one
        return owner


class NewsAudience(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    MEMBERS = "members", _("Members only")


class NewsPost(models.Model):
    """News from exactly one collective, host or chapter, written by its admins (a chapter's
    connectors). ``published_at`` is null while the post is a draft. A ``members`` post is
    read by members only and never appears on a public page or feed."""

    collective = models.ForeignKey(
        Collective, null=True, blank=True, on_delete=models.CASCADE, related_name="news"
    )
    host = models.ForeignKey(
        Host, null=True, blank=True, on_delete=models.CASCADE, related_name="news"
    )
    chapter = models.ForeignKey(
        Chapter, null=True, blank=True, on_delete=models.CASCADE, related_name="news"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Markdown."))
    audience = models.CharField(
        _("audience"), max_length=10, choices=NewsAudience.choices, default=NewsAudience.PUBLIC
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("news post")
        verbose_name_plural = _("news posts")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(collective__isnull=False, host__isnull=True, chapter__isnull=True)
                | Q(collective__isnull=True, host__isnull=False, chapter__isnull=True)
                | Q(collective__isnull=True, host__isnull=True, chapter__isnull=False),
                name="communities_news_one_owner",
            ),
        ]
        indexes = [
            models.Index(fields=["collective", "published_at"], name="communities_news_coll_pub"),
            models.Index(fields=["host", "published_at"], name="communities_news_host_pub"),
            models.Index(fields=["chapter", "published_at"], name="communities_news_chap_pub"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse(f"communities:{self.kind}_news_detail", args=[self.owner.slug, self.pk])

    @property
    def owner(self) -> Collective | Host | Chapter:
        owner = self.collective or self.host or self.chapter
        assert owner is not None  # the check constraint guarantees exactly one
        return owner

    @property
    def kind(self) -> str:
        """``collective``, ``host`` or ``chapter``: names the URLs of the owner."""
        if self.collective_id:
            return "collective"
        return "host" if self.host_id else "chapter"

    @property
    def author_name(self) -> str:
        """Who wrote it, as shown to readers: a post outlives its author's account (the
        author is then removed) and then reads "Former member", never an e-mail address."""
        return self.author.public_name if self.author else gettext("Former member")

    @property
    def is_draft(self) -> bool:
        return self.published_at is None

    @property
    def is_public(self) -> bool:
        return self.audience == NewsAudience.PUBLIC

    @property
    def was_edited(self) -> bool:
        """Changed after it was published (publishing itself leaves ``updated_at`` alone)."""
        return self.published_at is not None and self.updated_at > self.published_at

    @property
    def owner_url(self) -> str:
        from django.urls import reverse

        return reverse(f"communities:{self.kind}", args=[self.owner.slug])


class NewsDelivery(models.Model):
    """One person was e-mailed one news post. The unique pair is what makes delivery
    idempotent: publishing twice or re-running the task never e-mails anyone twice."""

    post = models.ForeignKey(NewsPost, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("news delivery")
        verbose_name_plural = _("news deliveries")
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="communities_news_delivered_once")
        ]

    def __str__(self) -> str:
        return f"{self.post} → {self.user}"


class Ban(models.Model):
    """A person removed from a collective, host or chapter by its moderation team, who may
    not rejoin, follow or post there until the ban is lifted (the row deleted)."""

    collective = models.ForeignKey(
        Collective, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    host = models.ForeignKey(
        Host, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    chapter = models.ForeignKey(
        Chapter, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=500)
    banned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("banned"), auto_now_add=True)

    class Meta:
        verbose_name = _("ban")
        verbose_name_plural = _("bans")
        constraints = [
            models.CheckConstraint(
                condition=Q(collective__isnull=False, host__isnull=True, chapter__isnull=True)
                | Q(collective__isnull=True, host__isnull=False, chapter__isnull=True)
                | Q(collective__isnull=True, host__isnull=True, chapter__isnull=False),
                name="communities_ban_one_owner",
            ),
            models.UniqueConstraint(fields=["collective", "user"], name="communities_ban_coll"),
            models.UniqueConstraint(fields=["host", "user"], name="communities_ban_host"),
            models.UniqueConstraint(fields=["chapter", "user"], name="communities_ban_chap"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ✕ {self.collective or self.host or self.chapter}"


class HostSuspension(models.Model):
    """A person suspended by a host's admins across the host: no topics, replies, messages,
    reactions, comments or expense claims in the host or any collective it carries, until
    ``until`` (indefinitely when empty) or until lifted. Lifting sets ``lifted_at`` instead
    of deleting the row, so the host keeps the history."""

    host = models.ForeignKey(Host, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=500)
    until = models.DateTimeField(_("suspended until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("suspended"), auto_now_add=True)
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("host suspension")
        verbose_name_plural = _("host suspensions")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "host"], name="communities_susp_user"),
            models.Index(fields=["host", "lifted_at"], name="communities_susp_host"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ⏸ {self.host}"


def host_of(owner: Host | Collective | Chapter) -> Host | None:
    """The host an owner's audit rows are filed under: a host itself, a collective's host
    (none while it is not hosted), none for a chapter."""
    if isinstance(owner, Host):
        return owner
    if isinstance(owner, Collective):
        return owner.host if owner.host_id else None
    return None
