"""Forms of the Solution Lab pages; the actions check the rules, the forms the shapes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samen.events.forms import _when
from samen.events.labs.actions import MAX_TEXT
from samen.events.labs.errors import LabError

PROMPT = _("Which questions do you need creative solutions from fellow innovators for?")


def _markdown(label: Any, *, required: bool = True, help_text: Any = None) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=help_text or _("Markdown."),
    )


class LabCallForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    prompt = _markdown(
        _("Invitation"),
        required=False,
        help_text=_("What you ask the community, in Markdown."),
    )
    deadline = _when(_("Deadline"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"prompt": PROMPT})
        super().__init__(*args, **kwargs)
        self.fields["deadline"].help_text = _(
            "Brussels time. After it no new questions, and the support counts stand still."
        )


class QuestionForm(forms.Form):
    title = forms.CharField(label=_("Your question"), max_length=200)
    context = _markdown(_("Context"), help_text=_("Who is involved, what is at stake. Markdown."))
    tried = _markdown(_("What has been tried"), required=False)


class SelectForm(forms.Form):
    """The lab a question goes to; any id is accepted here and the action checks that it
    is one of the host's published Solution Labs."""

    event = forms.IntegerField(label=_("Solution Lab"))

    def __init__(self, *args: Any, labs: list[tuple[int | str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event"].widget = forms.Select(choices=[("", "—"), *labs])


class OutcomeForm(forms.Form):
    outcome = _markdown(
        _("What came out of it"),
        help_text=_("Ideas, next steps, who works on it. The community sees it. Markdown."),
    )


def add_lab_error(form: forms.Form, error: LabError) -> None:
    """Show an action's refusal on its field, or on the form when it names none; what was
    typed stays in the bound form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)
