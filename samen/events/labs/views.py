"""Solution Lab pages: a host's calls, opening one, the call with its questions and their
support, asking a question, the host's selection page, a question with its outcome, and
the outcome form. Views parse input, ask access.py, and call actions or queries."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samen.events.labs import actions, queries
from samen.events.labs.access import (
    LabNeed,
    access_call,
    access_lab_host,
    access_question,
    can_run,
)
from samen.events.labs.errors import LabError
from samen.events.labs.forms import (
    LabCallForm,
    OutcomeForm,
    QuestionForm,
    SelectForm,
    add_lab_error,
)
from samen.events.models import Event, LabCall, LabQuestion
from samen.events.views import _fragment
from samen.lib.htmx import render_page


def _call_context(request: HttpRequest, call: LabCall) -> dict[str, Any]:
    return {
        "host": call.host,
        "call": call,
        "is_open": call.is_open(),
        "can_run": can_run(request.user, call.host),
    }


@login_required
def calls(request: HttpRequest, slug: str) -> HttpResponse:
    """A host's calls for Solution Lab questions, for its community."""
    host = access_lab_host(request.user, slug)
    return render_page(
        request,
        "events/labs/calls.html",
        {"host": host, "calls": list(queries.calls_of(host)), "now": timezone.now(),
         "can_run": can_run(request.user, host)},
    )  # fmt: skip


@login_required
def call_new(request: HttpRequest, slug: str) -> HttpResponse:
    """A host's admin opens a call with a deadline."""
    host = access_lab_host(request.user, slug, LabNeed.RUN)
    form = LabCallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            call = actions.lab_call_create(actor=request.user, host=host, **form.cleaned_data)
        except LabError as error:
            add_lab_error(form, error)
        else:
            messages.success(request, _("The call is open: your community can ask questions."))
            return redirect(call)
    return render_page(
        request,
        "events/labs/call_new.html",
        {"host": host, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The call with its questions, the most supported first, and the support buttons."""
    call = access_call(request.user, pk)
    return render_page(
        request,
        "events/labs/call_detail.html",
        {
            **_call_context(request, call),
            "questions": list(queries.call_questions(call, request.user)),
        },
    )


@login_required
def question_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask a question until the deadline; a refusal keeps what was typed."""
    call = access_call(request.user, pk)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            question = actions.lab_question_submit(
                actor=request.user, call=call, **form.cleaned_data
            )
        except LabError as error:
            add_lab_error(form, error)
        else:
            messages.success(request, _("Your question is in. Others can now support it."))
            return redirect(question)
    return render_page(
        request,
        "events/labs/question_new.html",
        {**_call_context(request, call), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def question_detail(request: HttpRequest, pk: int) -> HttpResponse:
    question = access_question(request.user, pk)
    counted = queries.question_detail(question, request.user)
    return render_page(
        request,
        "events/labs/question_detail.html",
        {
            **_call_context(request, question.call),
            "question": counted,
            "supporters": list(queries.supporters(question)),
            "is_author": question.author_id == request.user.pk,
            "lab_held": question.event is not None and actions.lab_held(question.event),
        },
    )


def _support_answer(request: HttpRequest, question: LabQuestion, error: str) -> HttpResponse:
    if _fragment(request):
        return render_page(
            request,
            "events/labs/partials/question_row.html",
            {**_call_context(request, question.call), "error": error,
             "question": queries.question_detail(question, request.user)},
        )  # fmt: skip
    if error:
        messages.error(request, error)
    return redirect(f"{question.call.get_absolute_url()}#question-{question.pk}")


@require_POST
@login_required
def support(request: HttpRequest, pk: int) -> HttpResponse:
    """Support a question (or, with ``withdraw``, take the support back)."""
    question = access_question(request.user, pk)
    try:
        if request.POST.get("withdraw"):
            actions.lab_support_withdraw(actor=request.user, question=question)
        else:
            actions.lab_support_add(actor=request.user, question=question)
    except LabError as error:
        return _support_answer(request, question, error.message)
    return _support_answer(request, question, "")


def _select_forms(questions: list[LabQuestion], labs: list[tuple[int | str, str]]) -> None:
    for question in questions:
        question.form = SelectForm(  # type: ignore[attr-defined]
            prefix=f"q{question.pk}", labs=labs, initial={"event": question.event_id}
        )


def _lab_choices(call: LabCall) -> list[tuple[int | str, str]]:
    """The host's labs to choose from, each with its first date (Brussels time)."""
    choices: list[tuple[int | str, str]] = []
    for event in queries.lab_events(call.host):
        first = getattr(event, "first_date", None)
        when = f" · {timezone.localtime(first):%Y-%m-%d %H:%M}" if first else ""
        choices.append((event.pk, f"{event.title}{when}"))
    return choices


@login_required
def select(request: HttpRequest, pk: int) -> HttpResponse:
    """The host's selection page: each question of the call with its support count and the
    lab it goes to. A POST attaches one question (``question``) to the chosen lab."""
    call = access_call(request.user, pk, LabNeed.RUN)
    questions = list(queries.call_questions(call, request.user))
    labs = _lab_choices(call)
    _select_forms(questions, labs)
    failed = False
    if request.method == "POST":
        failed = not _select_one(request, questions, labs)
        if not failed:
            return redirect("events:lab_select", call.pk)
    return render_page(
        request,
        "events/labs/select.html",
        {**_call_context(request, call), "questions": questions, "labs": labs},
        status=400 if failed else 200,
    )


def _select_one(
    request: HttpRequest, questions: list[LabQuestion], labs: list[tuple[int | str, str]]
) -> bool:
    """Attach the posted question to the posted lab; on a refusal its form carries the
    error and the choice made. True when it was attached."""
    chosen = {str(q.pk): q for q in questions}.get(request.POST.get("question", ""))
    if chosen is None:
        raise Http404
    form = SelectForm(request.POST, prefix=f"q{chosen.pk}", labs=labs)
    chosen.form = form  # type: ignore[attr-defined]
    if not form.is_valid():
        return False
    event = Event.objects.filter(pk=form.cleaned_data["event"]).first()
    try:
        actions.lab_question_select(actor=request.user, question=chosen, event=event)
    except LabError as error:
        add_lab_error(form, error)
        return False
    told = _("“%(title)s” is selected; its author is told.") % {"title": chosen.title}
    messages.success(request, told)
    return True


@require_POST
@login_required
def unselect(request: HttpRequest, pk: int) -> HttpResponse:
    """A host's admin takes a question off its lab."""
    question = access_question(request.user, pk, LabNeed.RUN)
    try:
        actions.lab_question_unselect(actor=request.user, question=question)
    except LabError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The question is no longer selected."))
    return redirect("events:lab_select", question.call_id)


@login_required
def outcome(request: HttpRequest, pk: int) -> HttpResponse:
    """The question's author records what came out of its lab."""
    question = access_question(request.user, pk, LabNeed.OWN)
    form = OutcomeForm(request.POST or None, initial={"outcome": question.outcome})
    if request.method == "POST" and form.is_valid():
        try:
            actions.lab_outcome_record(actor=request.user, question=question, **form.cleaned_data)
        except LabError as error:
            add_lab_error(form, error)
        else:
            messages.success(request, _("Thank you: the community can read what came out of it."))
            return redirect(question)
    return render_page(
        request,
        "events/labs/outcome.html",
        {**_call_context(request, question.call), "question": question, "form": form,
         "lab_held": question.event is not None and actions.lab_held(question.event)},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip
