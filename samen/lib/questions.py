"""Questions people answer when they ask for something: joining a community, registering
for an event. A question is plain text or a choice among a few answers; the answers are
paired with their questions and frozen, so later edits of the questions do not rewrite what
someone answered. One reader, one pairing rule and one set of form fields for every app
that asks (DESIGN rule 15).

Stored as JSON: a community keeps its questions as plain strings (text questions), an
event as ``{"text": ..., "choices": [...]}``; both read the same here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms

MAX_QUESTIONS = 20
MAX_QUESTION = 300
MAX_CHOICES = 12
MAX_CHOICE = 100
MAX_ANSWER = 2000
#: Between a question and its choices, and between choices, when written on one line.
CHOICE_SEPARATOR = "|"


@dataclass(frozen=True)
class Question:
    """One question; with ``choices``, the answer must be one of them."""

    text: str
    choices: tuple[str, ...] = field(default=())

    def as_json(self) -> dict[str, Any]:
        return {"text": self.text, "choices": list(self.choices)}


class QuestionsRefused(ValueError):
    """A list of questions that cannot be asked (a choice question with one choice)."""

    def __init__(self, index: int) -> None:
        self.index = index
        super().__init__(f"question {index + 1}")


class AnswerRefused(ValueError):
    """An answer missing, or not one of its question's choices; ``index`` is its place."""

    def __init__(self, index: int, *, missing: bool) -> None:
        self.index = index
        self.missing = missing
        super().__init__(f"answer {index + 1}")


def _clean(text: Any, limit: int) -> str:
    return " ".join(str(text or "").replace("\x00", "").split())[:limit]


def as_question(value: str | Mapping[str, Any] | Question) -> Question:
    """A stored or typed question as a ``Question``: a string is a text question."""
    if isinstance(value, Question):
        return value
    if isinstance(value, str):
        return Question(_clean(value, MAX_QUESTION))
    choices = tuple(_clean(c, MAX_CHOICE) for c in value.get("choices") or ())
    return Question(_clean(value.get("text"), MAX_QUESTION), tuple(c for c in choices if c))


def read_questions(value: str | Sequence[str | Mapping[str, Any] | Question]) -> list[Question]:
    """Questions from a form's text (one per line, a choice question as ``Question? |
    first choice | second choice``) or from a list; blank ones dropped. A choice
    question needs two different choices at least, else ``QuestionsRefused``."""
    if isinstance(value, str):
        items: list[Any] = []
        for line in value.splitlines():
            text, *choices = line.split(CHOICE_SEPARATOR)
            items.append({"text": text, "choices": choices})
    else:
        items = list(value)
    questions = [q for q in (as_question(item) for item in items) if q.text]
    if len(questions) > MAX_QUESTIONS:
        raise QuestionsRefused(MAX_QUESTIONS)
    for index, question in enumerate(questions):
        unique = set(question.choices)
        if question.choices and (len(unique) < 2 or len(question.choices) > MAX_CHOICES):
            raise QuestionsRefused(index)
    return questions


def questions_text(questions: Sequence[str | Mapping[str, Any] | Question]) -> str:
    """The questions as a form shows them for editing (what ``read_questions`` reads)."""
    lines = []
    for question in map(as_question, questions):
        parts = [question.text, *question.choices]
        lines.append(f" {CHOICE_SEPARATOR} ".join(parts))
    return "\n".join(lines)


def pair_answers(
    questions: Sequence[str | Mapping[str, Any] | Question], answers: Sequence[Any]
) -> list[dict[str, str]]:
    """Each question with its answer, in order: every question answered, a choice
    question with one of its choices (``AnswerRefused`` otherwise). Extra answers are
    ignored; each answer is trimmed and capped."""
    paired = []
    for index, question in enumerate(map(as_question, questions)):
        answer = str(answers[index]).strip()[:MAX_ANSWER] if index < len(answers) else ""
        if not answer:
            raise AnswerRefused(index, missing=True)
        if question.choices and answer not in question.choices:
            raise AnswerRefused(index, missing=False)
        paired.append({"question": question.text, "answer": answer})
    return paired


def answer_field_name(index: int) -> str:
    return f"answer_{index}"


def answer_fields(
    questions: Sequence[str | Mapping[str, Any] | Question],
) -> dict[str, forms.Field]:
    """One required form field per question: a text area, or a list of the choices."""
    fields: dict[str, forms.Field] = {}
    for index, question in enumerate(map(as_question, questions)):
        if question.choices:
            fields[answer_field_name(index)] = forms.ChoiceField(
                label=question.text,
                choices=[("", "—"), *((c, c) for c in question.choices)],
            )
        else:
            fields[answer_field_name(index)] = forms.CharField(
                label=question.text,
                max_length=MAX_ANSWER,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
            )
    return fields


def answers_of(form: forms.Form, count: int) -> list[str]:
    """The answers a form's ``answer_fields`` received, in order."""
    return [form.cleaned_data.get(answer_field_name(i), "") for i in range(count)]
