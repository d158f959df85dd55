"""Forms of the communities pages. They parse input; the rules live in the actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from samen.communities.errors import CommunityError
from samen.communities.models import (
    Chapter,
    Collective,
    CollectiveRole,
    Host,
    HostRole,
    NewsAudience,
    NewsPost,
    VatStatus,
)
from samen.lib.images import WEB_FORMATS
from samen.lib.questions import answer_fields, answers_of
from samen.lib.translations import TranslatedFieldsMixin


def add_community_error(form: forms.Form, error: CommunityError) -> None:
    """Show an action's refusal on the field it concerns, or at the top of the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


class BootstrapForm(forms.Form):
    """Adds Bootstrap's classes to text inputs so the shared field partial stays simple."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                continue
            if isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


_IMAGE_ACCEPT = ",".join(f"image/{f.lower()}" for f in sorted(WEB_FORMATS))


class CollectiveForm(TranslatedFieldsMixin, BootstrapForm):
    translated = ("tagline", "description")

    name = forms.CharField(label=_("Name"), max_length=120)
    slug = forms.SlugField(
        label=_("Address"),
        max_length=60,
        required=False,
        help_text=_("The last part of the collective's web address; leave empty to derive it."),
    )
    tagline = forms.CharField(label=_("Tagline"), max_length=160, required=False)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown: **bold**, *italic*, [links](https://example.org), lists."),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": _IMAGE_ACCEPT}),
    )
    cover = forms.FileField(
        label=_("Cover image"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": _IMAGE_ACCEPT}),
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separated by commas, e.g. food, circular")
    )
    city = forms.CharField(label=_("City"), max_length=120, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    social_links = forms.CharField(
        label=_("Social links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One address per line."),
    )
    chapters = forms.ModelMultipleChoiceField(
        label=_("Chapters"),
        queryset=Chapter.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=settings.LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=[("EUR", "EUR")], initial="EUR")
    allows_join_requests = forms.BooleanField(
        label=_("People may ask to join"), required=False, initial=True
    )
    membership_questions = forms.CharField(
        label=_("Membership questions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One question per line; people answer them when they ask to join."),
    )

    @classmethod
    def initial_for(cls, collective: Collective) -> dict[str, Any]:
        return {
            "name": collective.name,
            "slug": collective.slug,
            "tagline": collective.tagline,
            "description": collective.description,
            "tags": ", ".join(t.name for t in collective.tags.all()),
            "city": collective.city,
            "website": collective.website,
            "social_links": "\n".join(collective.social_links or []),
            "chapters": list(collective.chapters.all()),
            "languages": collective.languages,
            "currency": collective.currency,
            "allows_join_requests": collective.allows_join_requests,
            "membership_questions": "\n".join(collective.membership_questions or []),
            **cls.initial_from(collective, cls.translated),
        }


class HostForm(TranslatedFieldsMixin, BootstrapForm):
    translated = ("about", "terms")

    name = forms.CharField(label=_("Name"), max_length=120)
    slug = forms.SlugField(label=_("Address"), max_length=60, required=False)
    legal_name = forms.CharField(label=_("Legal name"), max_length=200, required=False)
    country = forms.CharField(
        label=_("Country"), max_length=2, initial="BE", help_text=_("Two-letter ISO code.")
    )
    enterprise_number = forms.CharField(
        label=_("Enterprise number"),
        max_length=40,
        required=False,
        help_text=_("KBO/BCE number for Belgian organisations, e.g. 0403.019.261."),
    )
    vat_status = forms.ChoiceField(label=_("VAT status"), choices=VatStatus.choices)
    vat_number = forms.CharField(label=_("VAT number"), max_length=40, required=False)
    iban = forms.CharField(label=_("IBAN"), max_length=42, required=False)
    bic = forms.CharField(label=_("BIC"), max_length=11, required=False)
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    about = forms.CharField(
        label=_("About"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    terms = forms.CharField(
        label=_("Terms for hosted collectives"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    default_fee_percent = forms.DecimalField(
        label=_("Default host fee (%)"), min_value=0, max_value=100, decimal_places=2, initial=0
    )
    flat_monthly_fee_cents = forms.IntegerField(
        label=_("Flat monthly fee per collective (cents)"), min_value=0, required=False
    )
    accepts_applications = forms.BooleanField(
        label=_("Accepts applications"), required=False, initial=True
    )
    application_questions = forms.CharField(
        label=_("Application questions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One question per line."),
    )
    accepts_members = forms.BooleanField(
        label=_("People may ask to join the community that uses the host's credit"),
        required=False,
    )
    member_questions = forms.CharField(
        label=_("Questions for people who ask to join"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One question per line. Everyone is also asked for their idea or project."),
    )

    @classmethod
    def initial_for(cls, host: Host) -> dict[str, Any]:
        initial = {name: getattr(host, name) for name in cls.base_fields if hasattr(host, name)}
        initial["application_questions"] = "\n".join(host.application_questions or [])
        initial["member_questions"] = "\n".join(host.member_questions or [])
        return {**initial, **cls.initial_from(host, cls.translated)}

    def host_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("name")
        data.pop("slug")
        return data


class ApplicationForm(BootstrapForm):
    """Apply to a host: one answer field per host question, and the terms checkbox."""

    collective = forms.ModelChoiceField(label=_("Collective"), queryset=Collective.objects.none())
    message = forms.CharField(
        label=_("Anything else the host should know?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    terms_accepted = forms.BooleanField(label=_("I accept the host's terms"), required=False)

    def __init__(self, *args: Any, host: Host, collectives: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["collective"].queryset = collectives  # type: ignore[attr-defined]
        self.questions = list(host.application_questions or [])
        self.fields.update(answer_fields(self.questions))

    def answers(self) -> list[str]:
        return answers_of(self, len(self.questions))


class DecisionForm(BootstrapForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("approve", _("Approve")),
            ("reject", _("Reject")),
            ("request_info", _("Ask for more information")),
        ],
        # No choice is made for the host: a decision nobody took must not pass as approval.
        widget=forms.RadioSelect,
    )
    custom_fee_percent = forms.DecimalField(
        label=_("Custom host fee (%)"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
        help_text=_("Leave empty to use the host's default fee."),
    )
    reason = forms.CharField(
        label=_("Reason or question"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") in ("reject", "request_info") and not data.get("reason"):
            self.add_error("reason", _("Tell the collective why, or what you need to know."))
        return data


class ReplyForm(BootstrapForm):
    message = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 3}))


class InviteForm(BootstrapForm):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = (  # type: ignore[attr-defined]
            CollectiveRole.choices if kind == "collective" else HostRole.choices
        )


class RoleForm(BootstrapForm):
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = (  # type: ignore[attr-defined]
            CollectiveRole.choices if kind == "collective" else HostRole.choices
        )


class JoinForm(BootstrapForm):
    rules_accepted = forms.BooleanField(label=_("I accept the house rules"), required=False)

    def __init__(self, *args: Any, collective: Collective, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ask(list(collective.membership_questions or []))

    def _ask(self, questions: list[str]) -> None:
        self.questions = questions
        self.fields.update(answer_fields(questions))

    def answers(self) -> list[str]:
        return answers_of(self, len(self.questions))


class HostJoinForm(JoinForm):
    """Asking to join a host's community: the idea one comes with, the host's questions."""

    field_order = ["idea"]
    idea = forms.CharField(
        label=_("Your idea or project"),
        max_length=2000,
        help_text=_("What you come with: a few sentences about your own idea or project."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, host: Host, **kwargs: Any) -> None:
        BootstrapForm.__init__(self, *args, **kwargs)
        self._ask(list(host.member_questions or []))


class JoinDecisionForm(BootstrapForm):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("decline", _("Decline"))])
    reason = forms.CharField(label=_("Message"), required=False, max_length=1000)


class RulesForm(TranslatedFieldsMixin, BootstrapForm):
    translated = ("text",)

    text = forms.CharField(
        label=_("House rules"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown. Publishing creates a new version that members must accept."),
    )


class InvitationAnswerForm(BootstrapForm):
    answer = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])
    rules_accepted = forms.BooleanField(label=_("I accept the house rules"), required=False)


class ReasonForm(BootstrapForm):
    action = forms.ChoiceField(
        choices=[("freeze", _("Freeze")), ("unfreeze", _("Unfreeze")), ("unhost", _("Unhost"))]
    )
    reason = forms.CharField(label=_("Reason"), required=False)


class SearchForm(BootstrapForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=40)
    city = forms.CharField(label=_("City"), required=False, max_length=120)


class ChapterForm(TranslatedFieldsMixin, BootstrapForm):
    """Open or edit a chapter (platform staff)."""

    translated = ("description",)

    name = forms.CharField(label=_("Name"), max_length=120)
    slug = forms.SlugField(
        label=_("Address"),
        max_length=60,
        required=False,
        help_text=_("The last part of the chapter's web address; leave empty to derive it."),
    )
    city = forms.CharField(label=_("City"), max_length=120, required=False)
    country = forms.CharField(
        label=_("Country"),
        min_length=2,
        max_length=2,
        initial="BE",
        help_text=_("Two-letter ISO code."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Markdown: **bold**, *italic*, [links](https://example.org), lists."),
    )

    @classmethod
    def initial_for(cls, chapter: Chapter) -> dict[str, Any]:
        initial = {name: getattr(chapter, name) for name in cls.base_fields}
        return {**initial, **cls.initial_from(chapter, cls.translated)}


class ConnectorForm(BootstrapForm):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("The person must already have an account."),
    )


class NewsForm(TranslatedFieldsMixin, BootstrapForm):
    translated = ("title", "body")

    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Markdown: **bold**, *italic*, [links](https://example.org), lists."),
    )
    audience = forms.ChoiceField(
        label=_("Who may read it"),
        choices=NewsAudience.choices,
        initial=NewsAudience.PUBLIC,
        help_text=_(
            "Everyone: on the public pages and the feed, e-mailed to followers and members. "
            "Members only: never public, e-mailed to members only."
        ),
    )

    @classmethod
    def initial_for(cls, post: NewsPost) -> dict[str, Any]:
        return {"audience": post.audience, **cls.initial_from(post, cls.translated)}
