"""Forms of the decision pages; the actions check the rules, the forms the shapes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samen.conversations.models import Topic
from samen.decisions.actions import MAX_ANSWER, MAX_DETAILS, MAX_REASON
from samen.decisions.errors import DecisionError
from samen.decisions.models import (
    MEETING_ANSWERS,
    Audience,
    Poll,
    PollKind,
    PollOption,
    Question,
    QuestionKind,
    Stance,
    StanceChoice,
    Starters,
    TakingPartRole,
)
from samen.events.models import Event
from samen.funding.models import Campaign

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class PeopleField(forms.ModelMultipleChoiceField):
    """Members picked by their public name, never their e-mail address."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.public_name)


def _people(label: Any, help_text: Any) -> PeopleField:
    return PeopleField(
        label=label, queryset=Topic.objects.none(), required=False, help_text=help_text,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )  # fmt: skip


class SegmentFields(forms.Form):
    """Which role, event or campaign an audience means (the action checks the pairing)."""

    role = forms.ChoiceField(
        label=_("Role"), choices=[("", "---------"), *TakingPartRole.choices], required=False,
        help_text=_("Only for “The people with a role”."),
    )  # fmt: skip
    event = forms.ModelChoiceField(
        label=_("Event"), queryset=Event.objects.none(), required=False,
        help_text=_("Only for “The attendees of an event”."),
    )  # fmt: skip
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.none(), required=False,
        help_text=_("Only for “The backers of a campaign”."),
    )  # fmt: skip

    def __init__(
        self, *args: Any, events: Any = None, campaigns: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, rows in (("event", events), ("campaign", campaigns)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            if rows is not None:
                field.queryset = rows


class PollForm(SegmentFields):
    field_order = ["kind", "title", "details", "options", "closes_at", "audience", "role",
                   "event", "campaign"]  # fmt: skip
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[c for c in PollKind.choices if c[0] != PollKind.SURVEY]
    )
    title = forms.CharField(label=_("Question or proposal"), max_length=200)
    details = forms.CharField(
        label=_("Details"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MAX_DETAILS,
        required=False,
        help_text=_("Markdown."),
    )
    options = forms.CharField(
        label=_("Options"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("One per line; not needed for a proposal or a consent poll."),
    )
    closes_at = forms.DateTimeField(label=_("Closes at"), widget=DATETIME)
    audience = forms.ChoiceField(label=_("Who may take part"), choices=Audience.choices)
    anonymous = forms.BooleanField(label=_("Anonymous: nobody sees who voted what"), required=False)
    hide_results = forms.BooleanField(label=_("Hide the results until the close"), required=False)
    quorum_percent = forms.IntegerField(
        label=_("Quorum (percentage of those who may take part)"),
        min_value=1,
        max_value=100,
        required=False,
    )
    max_score = forms.IntegerField(
        label=_("Score: highest score"), min_value=1, max_value=10, initial=5
    )
    dots = forms.IntegerField(
        label=_("Dot vote: dots per person"), min_value=1, max_value=100, initial=10
    )
    max_choices = forms.IntegerField(
        label=_("Several choices: most per person (0: no limit)"), min_value=0, initial=0
    )
    topic = forms.ModelChoiceField(
        label=_("From the discussion"), queryset=Topic.objects.none(), required=False
    )
    rules_text = forms.CharField(
        label=_("New house rules (admins; a proposal or consent poll)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MAX_DETAILS,
        required=False,
        help_text=_("The full new text. When the decision passes and its outcome is written, "
                    "it becomes the new version of the house rules. Markdown."),
    )  # fmt: skip
    affected = _people(
        _("Advice process: who is affected"),
        _("They are asked for their advice. Hold Ctrl (or ⌘) to pick several."),
    )
    experts = _people(
        _("Advice process: who has expertise"), _("They are asked for their advice too.")
    )
    listed = _people(
        _("The people listed"), _("Only for “Only the people listed”: who may take part.")
    )

    def __init__(self, *args: Any, topics: Any = None, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["topic"]
        assert isinstance(field, forms.ModelChoiceField)
        if topics is not None:
            field.queryset = topics
        for name in ("affected", "experts", "listed"):
            picker = self.fields[name]
            assert isinstance(picker, forms.ModelMultipleChoiceField)
            if people is not None:
                picker.queryset = people

    def clean_options(self) -> list[str]:
        return [line for line in self.cleaned_data["options"].splitlines() if line.strip()]


class VoteForm(forms.Form):
    """A ballot shaped by the poll's kind: one choice, several, or a field per option."""

    reason = forms.CharField(
        label=_("Your reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_REASON,
        required=False,
        help_text=_("A block or an objection needs one."),
    )

    def __init__(
        self,
        data: Any = None,
        *,
        poll: Poll,
        options: list[PollOption],
        stance: Stance | None = None,
        preselect: str | None = None,
    ) -> None:
        super().__init__(data)
        self.poll, self.options = poll, options
        kind = poll.kind
        given = {c.option_id: c.score for c in stance.choices.all()} if stance else {}
        choices = [(str(o.pk), o.display) for o in options]
        if kind in (PollKind.PROPOSAL, PollKind.CONSENT, PollKind.SINGLE, PollKind.ADVICE):
            self.fields["choice"] = forms.ChoiceField(
                label=_("Your choice"), choices=choices, widget=forms.RadioSelect
            )
            picked = next(iter(given), None)
            self.initial["choice"] = str(picked) if picked else preselect
        elif kind == PollKind.MULTIPLE:
            self.fields["choice"] = forms.MultipleChoiceField(
                label=_("Your choices"), choices=choices, widget=forms.CheckboxSelectMultiple
            )
            self.initial["choice"] = [str(pk) for pk in given]
        else:
            for option in options:
                self.fields[f"o{option.pk}"] = self._option_field(option)
                self.initial[f"o{option.pk}"] = given.get(option.pk)
        self.order_fields([name for name in self.fields if name != "reason"] + ["reason"])
        if stance is not None:
            self.initial["reason"] = stance.reason
        if kind == PollKind.ADVICE:
            self.fields["choice"].label = _("Your view")
            self.fields["reason"].label = _("Your advice")
            self.fields["reason"].help_text = _("What the author should know before deciding.")
            self.fields["reason"].widget.attrs["rows"] = 5

    def _option_field(self, option: PollOption) -> forms.Field:
        label = option.display
        if self.poll.kind == PollKind.MEETING:
            return forms.TypedChoiceField(
                label=label, choices=MEETING_ANSWERS, coerce=int, widget=forms.RadioSelect
            )
        if self.poll.kind == PollKind.RANKED:
            return forms.IntegerField(
                label=label, min_value=1, max_value=len(self.options), required=False,
                help_text=_("Rank: 1 is your first choice; leave empty to not rank it."),
            )  # fmt: skip
        high = self.poll.max_score if self.poll.kind == PollKind.SCORE else self.poll.dots
        return forms.IntegerField(label=label, min_value=0, max_value=high, required=False)

    def ballot(self) -> list[tuple[int, int]]:
        """The cleaned form as ``(option id, score)`` pairs for ``stance_cast``."""
        data = self.cleaned_data
        if "choice" in self.fields:
            picked = data["choice"]
            ids = picked if isinstance(picked, list) else [picked]
            return [(int(pk), 1) for pk in ids]
        pairs = [(o.pk, data.get(f"o{o.pk}")) for o in self.options]
        return [(pk, int(score)) for pk, score in pairs if score is not None]


class SurveyForm(SegmentFields):
    field_order = ["title", "details", "closes_at", "audience", "role", "event", "campaign"]
    title = forms.CharField(label=_("Title"), max_length=200)
    details = forms.CharField(
        label=_("Introduction"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_DETAILS,
        required=False,
        help_text=_("Markdown."),
    )
    closes_at = forms.DateTimeField(label=_("Closes at"), widget=DATETIME)
    audience = forms.ChoiceField(
        label=_("Who may answer"),
        choices=[c for c in Audience.choices if c[0] != Audience.LISTED],
        help_text=_("Members, a role, or a segment: attendees, backers, members in debt, "
                    "followers. Only they can answer."),
    )  # fmt: skip
    anonymous = forms.BooleanField(
        label=_("Anonymous: nobody sees who answered what"), required=False
    )
    hide_results = forms.BooleanField(label=_("Hide the results until the close"), required=False)


class QuestionForm(forms.Form):
    """One row of the survey builder; a row without a question is left out."""

    kind = forms.ChoiceField(label=_("Kind of question"), choices=QuestionKind.choices)
    prompt = forms.CharField(label=_("Question"), max_length=300, required=False)
    options = forms.CharField(
        label=_("Choices"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One per line; only for one or several choices."),
    )
    required = forms.BooleanField(label=_("Required"), required=False)

    def clean_options(self) -> list[str]:
        return [line for line in self.cleaned_data["options"].splitlines() if line.strip()]


QuestionFormSet = forms.formset_factory(QuestionForm, extra=6, max_num=30)


class AnswerForm(forms.Form):
    """A survey's questions as fields ``q<id>``: radio buttons for a scale, one choice and
    yes/no, checkboxes for several choices, a text field or area for text."""

    def __init__(
        self,
        data: Any = None,
        *,
        questions: list[Question],
        options: list[PollOption],
        stance: Stance | None = None,
    ) -> None:
        super().__init__(data)
        self.questions = questions
        given: dict[int, list[StanceChoice]] = {}
        for choice in stance.choices.all() if stance else []:
            given.setdefault(choice.option_id, []).append(choice)
        for question in questions:
            own = [o for o in options if o.question_id == question.pk]
            name = f"q{question.pk}"
            choices = [(str(o.pk), o.display) for o in own]
            required = question.required
            if question.is_text:
                widget = (
                    forms.Textarea(attrs={"rows": 4})
                    if question.kind == QuestionKind.LONG
                    else None
                )
                self.fields[name] = forms.CharField(
                    label=question.prompt, max_length=MAX_ANSWER, required=required, widget=widget
                )
                old = given.get(own[0].pk) if own else None
                self.initial[name] = old[0].text if old else ""
            elif question.kind == QuestionKind.MULTIPLE:
                self.fields[name] = forms.MultipleChoiceField(
                    label=question.prompt, choices=choices, required=required,
                    widget=forms.CheckboxSelectMultiple,
                )  # fmt: skip
                self.initial[name] = [str(o.pk) for o in own if o.pk in given]
            else:
                self.fields[name] = forms.ChoiceField(
                    label=question.prompt, choices=choices, required=required,
                    widget=forms.RadioSelect(attrs={"class": "form-check-inline"})
                    if question.is_scale else forms.RadioSelect,
                )  # fmt: skip
                self.initial[name] = next((str(o.pk) for o in own if o.pk in given), None)

    def answers(self) -> dict[int, list[int] | str]:
        """The cleaned form as ``survey_answer`` takes it."""
        found: dict[int, list[int] | str] = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q{question.pk}")
            if question.is_text:
                found[question.pk] = value or ""
            elif isinstance(value, list):
                found[question.pk] = [int(v) for v in value]
            else:
                found[question.pk] = [int(value)] if value else []
        return found


class OutcomeForm(forms.Form):
    statement = forms.CharField(
        label=_("Outcome"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MAX_DETAILS,
        help_text=_("What was decided and why. Markdown."),
    )
    publish_news = forms.BooleanField(label=_("Also publish it as news"), required=False)


class AmendForm(forms.Form):
    details = forms.CharField(
        label=_("Amended details"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MAX_DETAILS,
        help_text=_("Objections and blocks are set aside; their authors are asked to look again."),
    )


class SettingsForm(forms.Form):
    starters = forms.ChoiceField(
        label=_("Who may start a decision"), choices=Starters.choices, widget=forms.RadioSelect
    )


class ExtendForm(forms.Form):
    closes_at = forms.DateTimeField(label=_("New closing time"), widget=DATETIME)


def add_error(form: forms.Form, error: DecisionError) -> None:
    """Show an action's refusal on its field, or on the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)
