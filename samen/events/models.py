"""Events of a collective, host or chapter (DESIGN "Events", issue 14).

An ``Event`` (what, where, for whom) has one or more ``Occurrence`` rows (when, how many
places). A ``Registration`` is one row per person per occurrence whose status moves between
going, waiting (with a position in arrival order), cancelled, attended and refused; capacity
is checked under a row lock on the occurrence. A ``CheckIn`` records presence once, and a
``Feedback`` is one attendee's rating of one occurrence.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language_info, gettext
from django.utils.translation import gettext_lazy as _

from samen.conversations.models import CommunityOwned


class EventKind(models.TextChoices):
    MEETUP = "meetup", _("Meet-up")
    INFO_SESSION = "info_session", _("Info session")
    WORKSHOP = "workshop", _("Workshop")
    BOOTCAMP = "bootcamp", _("Bootcamp")
    WEBINAR = "webinar", _("Webinar")
    PEER_SESSION = "peer_session", _("Peer session")
    SOLUTION_LAB = "solution_lab", _("Solution Lab")


class PriceKind(models.TextChoices):
    FREE = "free", _("Free")
    EUROS = "euros", _("In euros")
    CREDITS = "credits", _("In credits")


class EventVisibility(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    MEMBERS = "members", _("Members only")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class RegistrationStatus(models.TextChoices):
    GOING = "going", _("Going")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")
    REFUSED = "refused", _("Refused")
    PENDING = "pending", _("Waiting for approval")


#: A person may change their feedback for this long after they first gave it.
FEEDBACK_CHANGE_WINDOW = timedelta(days=14)

#: The statuses that hold one of the occurrence's places.
HOLDS_PLACE = (RegistrationStatus.GOING, RegistrationStatus.ATTENDED)

#: How many guests one registration may bring when the organisers allow a plus-one.
MAX_GUESTS = 1

#: The places one registration takes, in a query: the person and their guests.
PLACES = models.ExpressionWrapper(models.F("guests") + 1, output_field=models.IntegerField())


class Event(CommunityOwned):
    """What happens, where, and who may see it; its dates are its occurrences."""

    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(
        _("online link"),
        blank=True,
        help_text=_("Shown only to the people going and to the organisers."),
    )
    visibility = models.CharField(
        _("who can see it"),
        max_length=10,
        choices=EventVisibility.choices,
        default=EventVisibility.PUBLIC,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Every change stamps it (the actions' bulk updates too): cached calendar feeds key on it.
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The revision of its calendar entries (RFC 5545 SEQUENCE): raised by every change of
    # what a calendar shows, so Google Calendar, Outlook and Apple Calendar replace the
    # entry they imported instead of keeping the old time or place.
    sequence = models.PositiveIntegerField(_("calendar revision"), default=0)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # The person who leads it: earns a peer session's credits, and sees the feedback on it
    # in their own aggregate. The creator unless the organisers name someone else.
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coach"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events_coached",
    )
    price_kind = models.CharField(
        _("price"), max_length=8, choices=PriceKind.choices, default=PriceKind.FREE
    )
    price_cents = models.PositiveIntegerField(_("price in euro cents"), default=0)
    # A credit price is a line of the host's rate card (credits.Service.code); its value in
    # thousandths of a credit is kept as shown at creation, and the rate card in force on
    # the day of the check-in prices the delivery, as for any delivery.
    credit_service = models.SlugField(_("rate card service"), max_length=40, blank=True)
    price_credits = models.BigIntegerField(_("price in credits"), default=0)
    credit_unit = models.ForeignKey(
        "ledger.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # How people register: with a guest who takes a place of their own, only once an
    # organiser approved them (waiting as "pending", holding no place), and answering the
    # organisers' questions (samen.lib.questions: text, or a choice among a few answers).
    plus_one_allowed = models.BooleanField(_("a guest may come along"), default=False)
    requires_approval = models.BooleanField(_("registrations need approval"), default=False)
    questions: models.JSONField[Any, Any] = models.JSONField(
        _("questions for people registering"), default=list, blank=True
    )
    # The languages spoken at the event: codes of settings.LANGUAGES in the site's order,
    # at least one (the actions check it); the agenda filters on them.
    languages: models.JSONField[list[str], list[str]] = models.JSONField(
        _("languages spoken"), default=list, blank=True
    )

    class Meta(CommunityOwned.Meta):
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-id"]
        constraints = [
            *CommunityOwned.Meta.constraints,
            models.CheckConstraint(
                condition=~Q(place="", online_url=""), name="events_event_place_or_link"
            ),
            models.CheckConstraint(
                condition=Q(price_kind="free", price_cents=0, price_credits=0)
                | Q(price_kind="euros", price_cents__gt=0, price_credits=0)
                | (
                    Q(price_kind="credits", price_cents=0, price_credits__gt=0)
                    & ~Q(credit_service="")
                ),
                name="events_event_price",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:event", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return self.visibility == EventVisibility.PUBLIC

    @property
    def costs_credits(self) -> bool:
        return self.price_kind == PriceKind.CREDITS

    @property
    def costs_euros(self) -> bool:
        return self.price_kind == PriceKind.EUROS

    @property
    def spoken_languages(self) -> list[tuple[str, str]]:
        """The languages spoken as (code, name), each named in itself ("Nederlands",
        "français"): a reader finds their own whatever the page's language."""
        return [(code, str(get_language_info(code)["name_local"])) for code in self.languages]

    @property
    def map_url(self) -> str:
        """An OpenStreetMap search for the place (no key, no tracking script)."""
        from urllib.parse import quote

        return (
            f"https://www.openstreetmap.org/search?query={quote(self.place)}" if self.place else ""
        )


class Occurrence(models.Model):
    """One date of an event, with its own places; ``capacity`` null means no limit."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="occurrences")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # One date of a series called off; the event and its other dates go on.
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = _("date")
        verbose_name_plural = _("dates")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="events_occurrence_ends_after"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="events_occurrence_capacity",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "starts_at"], name="events_occurrence_when"),
            # The agenda across every community: the soonest dates first.
            models.Index(fields=["starts_at", "id"], name="events_occurrence_agenda"),
        ]

    def __str__(self) -> str:
        return f"{self.event} · {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return f"{self.event.get_absolute_url()}#occurrence-{self.pk}"


class Registration(models.Model):
    """One person for one occurrence. ``position`` orders the waiting list (arrival order;
    kept while waiting, cleared otherwise)."""

    occurrence = models.ForeignKey(
        Occurrence, on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    status = models.CharField(_("status"), max_length=10, choices=RegistrationStatus.choices)
    position = models.PositiveIntegerField(_("place on the waiting list"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Claimed before the day-before reminder is queued, so it leaves once per registration.
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    # A credit price is booked through the credits app at check-in (its delivery, invoice
    # and statement); a euro price is paid through a contribution of the funding app.
    delivery = models.ForeignKey(
        "credits.Delivery", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contribution = models.ForeignKey(
        "funding.Contribution",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_registrations",
    )
    # A plus-one takes a place of its own: a registration holds ``places`` of them.
    guests = models.PositiveSmallIntegerField(_("guests"), default=0)
    # Each of the event's questions with the person's answer, frozen when they registered.
    answers: models.JSONField[Any, Any] = models.JSONField(_("answers"), default=list, blank=True)
    # Added by an organiser at the check-in desk without having registered: checked in at
    # once, whatever the places left (the room decides at the door).
    walk_in = models.BooleanField(_("walk-in"), default=False)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["occurrence", "user"], name="events_one_per_person"),
            models.CheckConstraint(
                condition=Q(status="waiting", position__isnull=False)
                | (~Q(status="waiting") & Q(position__isnull=True)),
                name="events_position_when_waiting",
            ),
            models.CheckConstraint(
                condition=Q(guests__lte=MAX_GUESTS), name="events_registration_guests"
            ),
        ]
        indexes = [
            models.Index(fields=["occurrence", "status", "position"], name="events_reg_status"),
        ]

    def __str__(self) -> str:
        # No name: audit rows label their target with this, and outlive an erased account.
        return f"{self.occurrence} · #{self.user_id} ({self.status})"

    @property
    def holds_place(self) -> bool:
        return self.status in HOLDS_PLACE

    @property
    def places(self) -> int:
        """The places this registration takes once going: the person and their guests."""
        return 1 + self.guests


class WalkInGuest(models.Model):
    """Someone without an account whom an organiser added at the check-in desk by name
    (and an e-mail address if they gave one): present at the date, so counted among the
    people who attended and in the places taken, with no price booked, no invoice and
    nothing sent. The address is kept as written, linked to no account: if the person
    signs up later, their account starts on its own."""

    occurrence = models.ForeignKey(
        Occurrence, on_delete=models.CASCADE, related_name="walk_in_guests"
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"), blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("checked in"), auto_now_add=True)

    class Meta:
        verbose_name = _("walk-in guest")
        verbose_name_plural = _("walk-in guests")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        # No name: audit rows label their target with this.
        return f"{self.occurrence} · walk-in guest #{self.pk}"


class CheckIn(models.Model):
    """Presence at an occurrence, recorded once by an organiser."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="check_in"
    )
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("checked in"), auto_now_add=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")

    def __str__(self) -> str:
        return str(self.registration)


class Feedback(models.Model):
    """One attendee's rating (1-5) and comment on one occurrence, anonymous after erasure."""

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="feedback")
    # Null once the person erased their account: the rating stays in the averages.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="event_feedback",
    )
    rating = models.PositiveSmallIntegerField(_("usefulness"))
    # How well the coach or organiser was prepared (1-5); null in answers given before it
    # was asked.
    prepared = models.PositiveSmallIntegerField(_("preparation"), null=True, blank=True)
    text = models.TextField(_("comment"), blank=True)
    anonymous = models.BooleanField(_("anonymous to the organisers"), default=False)
    created_at = models.DateTimeField(_("given"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["occurrence", "user"], name="events_feedback_once"),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="events_feedback_rating"
            ),
            models.CheckConstraint(
                condition=Q(prepared__isnull=True) | Q(prepared__gte=1, prepared__lte=5),
                name="events_feedback_prepared",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurrence}: {self.rating}"


class LabCall(models.Model):
    """A host's call for Solution Lab questions: which questions does its community need
    creative solutions for from fellow innovators? Open until ``deadline``; after it no
    new questions and no change of support, and the host selects questions for its labs
    (samen/events/labs/)."""

    host = models.ForeignKey("communities.Host", on_delete=models.CASCADE, related_name="lab_calls")
    title = models.CharField(_("title"), max_length=200)
    prompt = models.TextField(_("invitation"), blank=True, help_text=_("Markdown."))
    deadline = models.DateTimeField(_("deadline"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("Solution Lab call")
        verbose_name_plural = _("Solution Lab calls")
        ordering = ["-deadline", "-id"]
        indexes = [models.Index(fields=["host", "deadline"], name="events_labcall_host")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:lab_call", args=[self.pk])

    def is_open(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) < self.deadline


class LabQuestion(models.Model):
    """A member's question to a call: its title, context and what has been tried. The host
    selects it by attaching it to a Solution Lab event of its own (``event``); after the
    lab its author records what came out of it (``outcome``). It outlives its author's
    erasure, shown as "Former member"'s, as news posts do."""

    call = models.ForeignKey(LabCall, on_delete=models.CASCADE, related_name="questions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="lab_questions",
    )
    title = models.CharField(_("question"), max_length=200)
    context = models.TextField(_("context"), help_text=_("Markdown."))
    tried = models.TextField(_("what has been tried"), blank=True, help_text=_("Markdown."))
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    event = models.ForeignKey(
        Event,
        verbose_name=_("lab"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lab_questions",
    )
    selected_at = models.DateTimeField(_("selected"), null=True, blank=True)
    selected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.TextField(_("what came out of it"), blank=True, help_text=_("Markdown."))
    outcome_at = models.DateTimeField(_("outcome recorded"), null=True, blank=True)

    class Meta:
        verbose_name = _("Solution Lab question")
        verbose_name_plural = _("Solution Lab questions")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(event__isnull=True, selected_at__isnull=True)
                | Q(event__isnull=False, selected_at__isnull=False),
                name="events_labquestion_selected_with_event",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:lab_question", args=[self.pk])

    @property
    def author_name(self) -> str:
        return self.author.public_name if self.author else gettext("Former member")


class LabSupport(models.Model):
    """A member's wish to work on a question: one per person per question, withdrawable
    until the call's deadline."""

    question = models.ForeignKey(LabQuestion, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lab_supports"
    )
    created_at = models.DateTimeField(_("supported"), auto_now_add=True)

    class Meta:
        verbose_name = _("Solution Lab support")
        verbose_name_plural = _("Solution Lab supports")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["question", "user"], name="events_labsupport_once"),
        ]

    def __str__(self) -> str:
        return f"{self.question_id} · #{self.user_id}"


class CalendarFeed(models.Model):
    """A person's secret address for the feed of the dates they are going to. Resetting it
    replaces the token, so an address that leaked stops working at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_feed"
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("personal calendar feed")
        verbose_name_plural = _("personal calendar feeds")

    def __str__(self) -> str:
        return f"#{self.user_id}"
