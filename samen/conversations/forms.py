"""Forms of the discussion pages; the actions check the rules, the forms the shapes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samen.conversations.actions import MAX_BODY
from samen.conversations.errors import ConversationError
from samen.conversations.models import Category, TopicKind, Visibility


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


class SettingsForm(forms.Form):
    hold_first_posts = forms.BooleanField(
        label=_("Hold new members' first post for approval"), required=False
    )
    posts_per_hour = forms.IntegerField(
        label=_("Posts per person per hour"), min_value=1, max_value=1000
    )


def add_error(form: forms.Form, error: ConversationError) -> None:
    """Show an action's refusal on its field, or on the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)
