"""Forms of the discussion pages; the actions check the rules, the forms the shapes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samen.conversations.actions import MAX_BODY
from samen.conversations.errors import ConversationError
from samen.conversations.models import (
    BlocklistKind,
    Category,
    EmailMode,
    FeedbackKind,
    IdeaStage,
    TopicKind,
    Visibility,
    WatchLevel,
)
from samen.lib.questions import answer_fields


class ImagesInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ImagesField(forms.FileField):
    """Up to four images in one input; the action checks each from its content."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", ImagesInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Images (at most four)"))
        kwargs.setdefault(
            "help_text", _("JPEG, PNG or WebP; we shrink them and remove their metadata.")
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(ImagesField, self).clean(f, initial) for f in files]


class TopicForm(forms.Form):
    category = forms.ModelChoiceField(queryset=Category.objects.none(), label=_("Category"))
    kind = forms.ChoiceField(choices=TopicKind.choices, label=_("Kind"))
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=MAX_BODY,
        help_text=_("Markdown. Mention someone with @ and their name without spaces."),
    )
    stage = forms.ChoiceField(
        label=_("Stage (for an idea)"), choices=IdeaStage.choices, required=False
    )
    question = forms.CharField(
        label=_("Your question for readers (for an idea)"), max_length=300, required=False
    )
    images = ImagesField()

    def __init__(self, *args: object, categories: list[Category], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["category"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Category.objects.filter(pk__in=[c.pk for c in categories])


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_BODY,
        help_text=_("Markdown. Quote with > at the start of a line."),
    )
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)
    images = ImagesField()
    feedback = forms.ChoiceField(
        label=_("Kind of feedback"),
        choices=[("", _("A plain reply")), *FeedbackKind.choices],
        required=False,
    )

    def __init__(self, *args: object, idea: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not idea:
            del self.fields["feedback"]


class ReportForm(forms.Form):
    reason = forms.CharField(label=_("Why should a moderator look at this?"), max_length=500)
    rule_number = forms.IntegerField(
        label=_("Which house rule does it break? (number)"), required=False, min_value=1
    )


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    visibility = forms.ChoiceField(label=_("Who can read it"), choices=Visibility.choices)
    slow_mode_per_hour = forms.IntegerField(
        label=_("Slow mode: posts per person per hour (0: off)"), min_value=0, initial=0
    )
    join_questions = forms.CharField(
        label=_("Questions for people who ask to join (a private category)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One question a line. For a choice, write the question and its answers "
            "separated by |, such as: Are you a volunteer? | Yes | No"
        ),
    )


class GroupRequestForm(forms.Form):
    """The answers to a private category's questions, one field per question."""

    def __init__(self, *args: Any, questions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.fields.update(answer_fields(questions))


class GroupDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Let them in")), ("decline", _("Decline"))],
    )
    reason = forms.CharField(
        label=_("Message to the person (required to decline)"),
        max_length=500,
        required=False,
    )


class GroupAddForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of a member"))


class GroupRemoveForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(label=_("Reason (the person sees it)"), max_length=500)


class GroupQuestionsForm(forms.Form):
    join_questions = CategoryForm.declared_fields["join_questions"]


class SettingsForm(forms.Form):
    hold_first_posts = forms.BooleanField(
        label=_("Hold new members' first post for approval"), required=False
    )
    posts_per_hour = forms.IntegerField(
        label=_("Posts per person per hour"), min_value=1, max_value=1000
    )


class RuleNumberField(forms.IntegerField):
    def __init__(self) -> None:
        super().__init__(
            label=_("House rule it breaks (number, optional)"), required=False, min_value=1
        )


class ModerateForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("hide", _("Hide the post")),
            ("restore", _("Restore the post")),
            ("delete", _("Delete the post for good")),
        ],
    )
    reason = forms.CharField(label=_("Reason (the author sees it)"), max_length=500)
    rule_number = RuleNumberField()


MUTE_PERIODS = [
    (1, _("One hour")),
    (24, _("One day")),
    (24 * 7, _("One week")),
    (24 * 30, _("30 days")),
]


class SanctionForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("warn", _("Warn")),
            ("mute", _("Mute for a period")),
            ("unmute", _("Lift the mute")),
            ("ban", _("Remove and ban")),
            ("unban", _("Lift the ban")),
        ],
    )
    hours = forms.TypedChoiceField(
        label=_("Mute for"), choices=MUTE_PERIODS, coerce=int, initial=24, required=False
    )
    reason = forms.CharField(label=_("Reason (the person sees it)"), max_length=500)
    rule_number = RuleNumberField()


class ModeratorForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of a member"))


class SuspensionForm(forms.Form):
    """A host admin suspends a person across the host, found by their e-mail address."""

    email = forms.EmailField(label=_("E-mail address of the person"))
    reason = forms.CharField(label=_("Reason (the person sees it)"), max_length=500)
    until = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The suspension ends as this day begins; leave empty for no end date."),
    )


class BlocklistForm(forms.Form):
    """A host admin lists an e-mail domain or a web address the host refuses."""

    kind = forms.ChoiceField(label=_("Refuse"), choices=BlocklistKind.choices)
    value = forms.CharField(
        label=_("Domain or web address"),
        max_length=200,
        help_text=_("For example spam.example, or spam.example/offers for one part of a site."),
    )


class EmailChoiceForm(forms.Form):
    mode = forms.ChoiceField(label=_("E-mail me"), choices=EmailMode.choices)


class WatchForm(forms.Form):
    level = forms.ChoiceField(
        choices=[("", _("Normal")), *WatchLevel.choices], required=False, label=_("This topic")
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000
    )
    share_email = forms.BooleanField(
        label=_("Let them see my e-mail address so they can reply directly"), required=False
    )


def add_error(form: forms.Form, error: ConversationError) -> None:
    """Show an action's refusal on its field, or on the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)
