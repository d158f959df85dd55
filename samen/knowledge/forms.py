"""Forms of the knowledge pages; the actions check the rules, the forms the shapes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from samen.communities.models import Collective
from samen.credits.models import Delivery
from samen.events.models import Event
from samen.knowledge import queries
from samen.knowledge.models import (
    Audience,
    ConceptVisibility,
    ItemKind,
    MentoringRole,
    MentoringSeason,
    Organisation,
    SeasonStatus,
    Segment,
    SessionKind,
    Stage,
)
from samen.lib.errors import DomainError


def _names(value: str) -> list[str]:
    return [name.strip() for name in (value or "").split(",") if name.strip()]


class ConceptForm(forms.Form):
    title = forms.CharField(label=_("Name"), max_length=160)
    pitch = forms.CharField(
        label=_("Pitch"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_("Markdown. What it is, for whom, and why it matters."),
    )
    impact = forms.CharField(
        label=_("Impact note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )
    collective = forms.ModelChoiceField(
        queryset=Collective.objects.none(), label=_("Collective"), required=False
    )
    visibility = forms.ChoiceField(label=_("Visible to"), choices=ConceptVisibility.choices)
    needs_skills = forms.CharField(
        label=_("Skills needed"),
        required=False,
        max_length=500,
        help_text=_("Separated by commas."),
    )
    needs_money = forms.BooleanField(label=_("Needs money"), required=False)
    needs_contacts = forms.BooleanField(label=_("Needs contacts"), required=False)
    needs_space = forms.BooleanField(label=_("Needs space"), required=False)

    def __init__(self, *args: Any, host: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["collective"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Collective.objects.filter(host=host).order_by("name")

    def clean_needs_skills(self) -> list[str]:
        return _names(self.cleaned_data.get("needs_skills", ""))


class MoveForm(forms.Form):
    stage = forms.ChoiceField(label=_("New stage"), choices=Stage.choices)
    reason = forms.CharField(
        label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )


class CoachForm(forms.Form):
    coach = forms.ModelChoiceField(queryset=get_user_model().objects.none(), label=_("Coach"))

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["coach"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = people


class OwnerForm(forms.Form):
    """An owner adds a co-owner, picked from the host's community."""

    owner = forms.ModelChoiceField(queryset=get_user_model().objects.none(), label=_("Co-owner"))

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = people


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Coaching note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
        help_text=_("Only the owners and coaches read it."),
    )


class _DeliveryChoice(forms.ModelChoiceField[Delivery]):
    def label_from_instance(self, obj: Delivery) -> str:
        people = " → ".join(
            person.public_name for person in (obj.provider, obj.recipient) if person is not None
        )
        return f"{obj.date:%Y-%m-%d} · {obj.service.name} · {people}"


class SessionForm(forms.Form):
    """A session the concept went through, linked to its event or credits delivery where
    those exist: each picked from the host's own (anything else is refused at the field)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    summary = forms.CharField(label=_("Summary"), max_length=300, required=False)
    event = forms.ModelChoiceField(
        queryset=Event.objects.none(), label=_("Held at the event"), required=False
    )
    delivery = _DeliveryChoice(
        queryset=Delivery.objects.none(), label=_("Paid as the credits delivery"), required=False
    )

    def __init__(self, *args: Any, concept: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, rows in (
            ("event", queries.host_events(concept.host)),
            ("delivery", queries.concept_deliveries(concept)),
        ):
            # The newest 50, kept a queryset (not a slice) so the field can look a pick up.
            newest = list(rows.values_list("pk", flat=True)[:50])
            if not newest:
                del self.fields[name]
                continue
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = rows.filter(pk__in=newest)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(
        label=_("Aimed for"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ItemKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=50_000,
        help_text=_("Markdown."),
    )
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https")
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=500, help_text=_("Separated by commas.")
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_(
            "Templates and checklists: a PDF, Word, Excel, PowerPoint or OpenDocument file "
            "up to 20 MB. Recordings: audio or video (MP3, M4A, MP4, WebM, Ogg, WAV) up to "
            "200 MB. A new file replaces the old one."
        ),
    )

    def clean_tags(self) -> list[str]:
        return _names(self.cleaned_data.get("tags", ""))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("publish", _("Publish")), ("send_back", _("Send back to the authors"))],
    )
    note = forms.CharField(
        label=_("Note to the authors"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    service_code = forms.ChoiceField(
        label=_("Credits for the authors"),
        required=False,
        help_text=_("The service of the host's rate card that pays each author for it."),
    )

    def __init__(self, *args: Any, host: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _service_choices(self, host, peer=False, empty=_("No credits"))


class TopicsForm(forms.Form):
    """The topics and chapters a reader follows, among those the newsletter offers; a
    newsletter that offers none shows neither field."""

    topics = forms.MultipleChoiceField(
        label=_("Topics you follow"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Issues about a topic reach its followers."),
    )
    chapters = forms.MultipleChoiceField(
        label=_("Chapters you follow"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Issues for a chapter reach its followers and members."),
    )

    def __init__(self, *args: Any, owner: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, rows in (
            ("topics", queries.newsletter_topics(owner)),
            ("chapters", queries.newsletter_chapters(owner)),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.MultipleChoiceField)
            field.choices = [(row.slug, row.name) for row in rows]
            if not field.choices:
                del self.fields[name]


class SubscribeForm(TopicsForm):
    email = forms.EmailField(label=_("Your e-mail address"))
    language = forms.ChoiceField(label=_("Language of the e-mails"), choices=settings.LANGUAGES)
    field_order = ["email", "language", "topics", "chapters"]


class IssueForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=50_000,
        help_text=_("Markdown."),
    )
    segment = forms.ChoiceField(label=_("Send to"), choices=Segment.choices, initial=Segment.ALL)
    segment_language = forms.ChoiceField(
        label=_("Language of the segment"),
        choices=[("", "—"), *settings.LANGUAGES],
        required=False,
    )
    segment_tag = forms.ChoiceField(label=_("Topic of the segment"), required=False)
    segment_chapter = forms.ChoiceField(label=_("Chapter of the segment"), required=False)

    def __init__(self, *args: Any, owner: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, rows in (
            ("segment_tag", queries.newsletter_topics(owner)),
            ("segment_chapter", queries.newsletter_chapters(owner)),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", "—"), *((row.slug, row.name) for row in rows)]


class ScheduleForm(forms.Form):
    when = forms.DateTimeField(
        label=_("Send at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


def _service_choices(form: forms.Form, host: Any, *, peer: bool, empty: Any) -> None:
    """The host's rate-card services as the pick-list of ``service_code`` (a choice outside
    it is refused at the field); a host without a credit scheme has none, and no field."""
    services = queries.rate_card_services(host, peer=peer)
    if not services:
        del form.fields["service_code"]
        return
    field = form.fields["service_code"]
    assert isinstance(field, forms.ChoiceField)
    field.choices = [("", empty), *services]


def add_error(form: forms.Form, error: DomainError) -> None:
    """Show an action's refusal on its field, or on the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


class OfferForm(forms.Form):
    title = forms.CharField(label=_("What you offer"), max_length=140)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=4000,
    )
    skills = forms.CharField(
        label=_("Skills"), required=False, max_length=500, help_text=_("Separated by commas.")
    )
    availability = forms.CharField(
        label=_("When you are available"), required=False, max_length=200
    )
    service_code = forms.ChoiceField(
        label=_("Rate-card service"),
        required=False,
        help_text=_("The service between members of the host's rate card it is given as."),
    )

    def __init__(self, *args: Any, host: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _service_choices(self, host, peer=True, empty=_("Chosen later"))

    def clean_skills(self) -> list[str]:
        return _names(self.cleaned_data["skills"])


class TakeForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the person offering"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
    )


class DeliverForm(forms.Form):
    """The offerer records the session they gave someone who asked for the offer."""

    on = forms.DateField(label=_("Given on"), widget=forms.DateInput(attrs={"type": "date"}))
    quantity = forms.IntegerField(label=_("How many"), min_value=1, max_value=100, initial=1)
    service_code = forms.ChoiceField(
        label=_("Rate-card service"),
        required=False,
        help_text=_("The service between members it was given as."),
    )

    def __init__(self, *args: Any, offer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if offer.service_code:  # the offer names its service already
            del self.fields["service_code"]
        else:
            _service_choices(self, offer.host, peer=True, empty="—")


class ApplicationForm(forms.Form):
    role = forms.ChoiceField(label=_("I apply as"), choices=MentoringRole.choices)
    goals = forms.CharField(
        label=_("Goals"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    skills = forms.CharField(
        label=_("Skills"), required=False, max_length=500, help_text=_("Separated by commas.")
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    city = forms.CharField(label=_("City"), required=False, max_length=80)

    def clean_skills(self) -> list[str]:
        return _names(self.cleaned_data["skills"])


class CheckInForm(forms.Form):
    month = forms.DateField(label=_("Month"), widget=forms.DateInput(attrs={"type": "date"}))
    progress = forms.CharField(
        label=_("How it goes"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    hours = forms.IntegerField(label=_("Hours"), min_value=0, max_value=200, initial=0)


class SeasonForm(forms.Form):
    """An organiser opens a season: for the whole host or one of its collectives, paying
    mentors' hours by one of the host's rate-card services (or not)."""

    name = forms.CharField(label=_("Name"), max_length=160)
    collective = forms.ModelChoiceField(
        queryset=Collective.objects.none(),
        label=_("Programme of"),
        required=False,
        empty_label=_("The whole host"),
    )
    starts_on = forms.DateField(label=_("Starts"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends"), widget=forms.DateInput(attrs={"type": "date"}))
    service_code = forms.ChoiceField(
        label=_("Credits for mentors' hours"),
        required=False,
        help_text=_("The service of the host's rate card that pays a mentor for each hour."),
    )

    def __init__(self, *args: Any, host: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["collective"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Collective.objects.filter(host=host).order_by("name")
        _service_choices(self, host, peer=False, empty=_("No credits"))


class SeasonStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status of the season"), choices=SeasonStatus.choices)


class SeasonPickForm(ApplicationForm):
    """Apply from the host's mentoring page: the season is picked among those open for
    applications (a closed or running one is refused at the field)."""

    season = forms.ModelChoiceField(
        queryset=MentoringSeason.objects.none(), label=_("Season"), empty_label=None
    )
    field_order = ["season", "role", "goals", "skills", "language", "city"]

    def __init__(self, *args: Any, seasons: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["season"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = seasons


class PairForm(forms.Form):
    """Organisers pair two applicants of their own choosing: a mentor among those who
    applied as mentor, a mentee among those who applied as mentee."""

    mentor = forms.ModelChoiceField(queryset=get_user_model().objects.none(), label=_("Mentor"))
    mentee = forms.ModelChoiceField(queryset=get_user_model().objects.none(), label=_("Mentee"))

    def __init__(self, *args: Any, season: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, role in (("mentor", MentoringRole.MENTOR), ("mentee", MentoringRole.MENTEE)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queries.applicants(season, role)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mentor") is not None and data.get("mentor") == data.get("mentee"):
            self.add_error("mentee", _("A mentor cannot mentor themselves."))
        return data


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        help_text=_("5: very good, 1: poor."),
    )
    text = forms.CharField(
        label=_("Feedback"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    vat_number = forms.CharField(
        label=_("VAT number"),
        required=False,
        max_length=20,
        help_text=_("Optional. A European VAT number, for example BE0403170701."),
    )


class PersonForm(forms.Form):
    """Someone of the host's community who acts for an organisation from now on."""

    person = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), label=_("Person acting for it")
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = people


class ConceptOrganisationForm(forms.Form):
    """An owner names an organisation they act for (an editor: any of the host's) as a
    co-owner of the concept."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Organisation")
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations


class AuthorForm(forms.Form):
    """A co-author of a library item, picked from the host's community."""

    author = forms.ModelChoiceField(queryset=get_user_model().objects.none(), label=_("Co-author"))

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["author"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = people
