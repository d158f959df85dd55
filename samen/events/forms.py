"""Forms of the event pages; the actions check the rules, the forms the shapes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from samen.events.actions import MAX_DESCRIPTION, MAX_FEEDBACK
from samen.events.errors import EventError
from samen.events.models import Event, EventKind, EventVisibility, Occurrence, PriceKind
from samen.funding.forms import AmountField
from samen.funding.models import Method
from samen.lib.money import AmountKind
from samen.lib.questions import (
    MAX_CHOICE,
    MAX_CHOICES,
    MAX_QUESTION,
    MAX_QUESTIONS,
    answer_fields,
    answers_of,
    questions_text,
)
from samen.lib.translations import TranslatedFieldsMixin, site_languages

_LOCAL = "%Y-%m-%dT%H:%M"


def _when(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=[_LOCAL],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=_LOCAL),
        help_text=_("Brussels time."),
    )


def registration_option_fields() -> dict[str, forms.Field]:
    """How people register, asked when an event is made and on its own page later."""
    return {
        "plus_one_allowed": forms.BooleanField(
            label=_("Each person may bring a guest"),
            required=False,
            help_text=_("Free events only. The guest takes a place of their own."),
        ),
        "requires_approval": forms.BooleanField(
            label=_("Registrations need an organiser's approval"),
            required=False,
            help_text=_("People wait as pending, without a place, until you approve them."),
        ),
        "questions": forms.CharField(
            label=_("Questions for people registering"),
            required=False,
            max_length=MAX_QUESTIONS * (MAX_QUESTION + MAX_CHOICES * (MAX_CHOICE + 3)),
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_(
                "One question per line; every question must be answered. For a choice, list "
                "the answers after the question: Diet? | none | vegetarian | vegan"
            ),
        ),
    }


def language_choices() -> list[tuple[str, str]]:
    """The site's languages, each named in itself, for choosing the languages spoken."""
    return [(code, str(get_language_info(code)["name_local"])) for code in site_languages()]


class _EventFields(forms.Form):
    """What an event says and where and when it happens: asked when it is made and when
    it is edited."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown."),
    )
    place = forms.CharField(
        label=_("Place"), required=False, max_length=300, help_text=_("An address.")
    )
    online_url = forms.URLField(
        label=_("Online link"),
        required=False,
        assume_scheme="https",
        help_text=_("Shown only to the people going and to the organisers."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one language spoken at the event.")},
    )
    starts_at = _when(_("Starts"))
    ends_at = _when(_("Ends"))
    capacity = forms.IntegerField(
        label=_("Places"), required=False, min_value=1, help_text=_("Leave empty for no limit.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        spoken = self.fields["languages"]
        assert isinstance(spoken, forms.MultipleChoiceField)
        spoken.choices = language_choices()


class EventForm(TranslatedFieldsMixin, _EventFields):
    translated = ("title", "description")
    field_order = ["kind", "title", "description", "place", "online_url", "visibility"]

    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    visibility = forms.ChoiceField(label=_("Who can see it"), choices=EventVisibility.choices)
    price_kind = forms.ChoiceField(
        label=_("Price"), choices=PriceKind.choices, initial=PriceKind.FREE, required=False
    )
    price_euros = AmountField(
        label=_("Price in euros"),
        kind=AmountKind.PRICE,
        required=False,
        help_text=_("Paid by card or bank transfer to the collective; refunded if you cancel."),
    )
    credit_service = forms.ChoiceField(
        label=_("Price in credits"),
        required=False,
        help_text=_(
            "A line of the host's rate card; booked when the person is checked in. A peer "
            "session costs a session between members: you earn what the attendee spends."
        ),
    )

    def __init__(self, *args: Any, services: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(registration_option_fields())
        field = self.fields["credit_service"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *services]

    def action_fields(self) -> dict[str, Any]:
        """The cleaned data as ``event_create`` takes it (the euro price in cents)."""
        data = dict(self.cleaned_data)
        data["price_cents"] = data.pop("price_euros")
        data["price_kind"] = data["price_kind"] or PriceKind.FREE
        return data


class EventEditForm(TranslatedFieldsMixin, _EventFields):
    """The organisers change an event after it was made. Its time and places are asked
    here only for an event of one date (``one_date``); a series changes each date on the
    date's own page."""

    translated = ("title", "description")

    reason = forms.CharField(
        label=_("Reason (sent to everyone registered when the time or place changes)"),
        required=False,
        max_length=500,
    )

    def __init__(self, *args: Any, one_date: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not one_date:
            for name in ("starts_at", "ends_at", "capacity"):
                del self.fields[name]

    @staticmethod
    def initial_of(event: Event, date: Occurrence | None) -> dict[str, Any]:
        initial = {**EventEditForm.initial_from(event, EventEditForm.translated),
                   "place": event.place, "online_url": event.online_url,
                   "languages": list(event.languages)}  # fmt: skip
        if date is not None:
            initial["starts_at"] = timezone.localtime(date.starts_at)
            initial["ends_at"] = timezone.localtime(date.ends_at)
            initial["capacity"] = date.capacity
        return initial

    def action_fields(self) -> dict[str, Any]:
        """What ``event_update`` takes: the texts per language, where and when."""
        data = self.cleaned_data
        fields = {name: data[name] for name in ("place", "online_url", "languages", "reason")}
        fields.update({name: data[name] for name in ("starts_at", "ends_at", "capacity")
                       if name in self.fields})  # fmt: skip
        return {**fields, **self.translations()}


class RegistrationOptionsForm(forms.Form):
    """The organisers change how people register for an event already made."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(registration_option_fields())

    @staticmethod
    def initial_of(event: Event) -> dict[str, Any]:
        return {"plus_one_allowed": event.plus_one_allowed,
                "requires_approval": event.requires_approval,
                "questions": questions_text(event.questions or [])}  # fmt: skip


class RegisterForm(forms.Form):
    """Registering for a date: how to pay a euro price, a guest when the event allows
    one, and an answer to each of the organisers' questions."""

    method = forms.ChoiceField(
        label=_("Pay by"),
        choices=[(m.value, m.label) for m in (Method.BANK_TRANSFER, Method.STRIPE)],
        required=False,
    )
    guests = forms.BooleanField(
        label=_("I bring a guest"),
        required=False,
        help_text=_("Your guest takes a place too."),
    )

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(event.questions or [])
        if not event.costs_euros:
            del self.fields["method"]
        if not event.plus_one_allowed:
            del self.fields["guests"]
        self.fields.update(answer_fields(self.questions))

    @property
    def asks(self) -> bool:
        """Whether the person has something to fill in beyond pressing "Register"."""
        return bool(self.questions) or "guests" in self.fields

    def action_fields(self) -> dict[str, Any]:
        """What ``occurrence_register`` takes; the valid part of an invalid form too."""
        data = getattr(self, "cleaned_data", {})
        return {
            "method": data.get("method") or Method.BANK_TRANSFER,
            "guests": 1 if data.get("guests") else 0,
            "answers": answers_of(self, len(self.questions)),
        }


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(
        label=_("Places"), required=False, min_value=1, help_text=_("Leave empty for no limit.")
    )


class CancelEventForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to everyone registered)"), required=False, max_length=500
    )


class SeriesForm(forms.Form):
    every = forms.ChoiceField(
        label=_("Repeat"), choices=[("weekly", _("Every week")), ("monthly", _("Every month"))]
    )
    count = forms.IntegerField(label=_("Times"), min_value=1, max_value=52, initial=4)
    capacity = forms.IntegerField(label=_("Places"), required=False, min_value=1)


class DateChangeForm(forms.Form):
    starts_at = _when(_("Starts"))
    ends_at = _when(_("Ends"))
    reason = forms.CharField(
        label=_("Reason (sent to everyone registered)"), required=False, max_length=500
    )


class CheckInCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Check-in code"),
        max_length=40,
        help_text=_("Scan the person's QR code with your phone's camera, or type the code."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class WalkInGuestForm(forms.Form):
    """Someone without an account added at the check-in desk."""

    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        help_text=_("Optional. Nothing is sent to it."),
    )


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How useful was it for you?"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1: not at all, 5: very."),
    )
    prepared = forms.TypedChoiceField(
        label=_("How well was the coach or organiser prepared?"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
        help_text=_("1: not at all, 5: very well."),
    )
    text = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=MAX_FEEDBACK,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    anonymous = forms.BooleanField(
        label=_("Hide my name from the organisers"),
        required=False,
        help_text=_("Your rating still counts in the averages."),
    )


def add_error(form: forms.Form, error: EventError) -> None:
    """Show an action's refusal on its field, or on the form when it names none."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)
