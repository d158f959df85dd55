"""The Solution Labs API, under /api/v1/events/labs/: a host's calls, a call with its
questions and support counts, asking, supporting, selecting for a lab and the outcome.

Every endpoint needs a person (401 otherwise). Errors are ``{"detail", "code"}``
(docs/api.md): 404 for a call or question outside the caller's community, 403
``permission_denied`` for a member doing an admin's or another author's part, and the codes
of ``LabErrorCode``: 409 ``call_closed``, ``call_open``, ``own_question``,
``already_supported``, ``not_supported``, ``outcome_given``, ``not_selected``,
``lab_not_held``; 422 ``lab_title_missing``, ``lab_context_missing``, ``deadline_past``,
``deadline_far``, ``not_a_lab``, ``outcome_missing``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from samen.api.auth import api_auth
from samen.api.pagination import CursorParams, page_of, paginate
from samen.communities.validation import render_markdown
from samen.events.labs import actions, queries
from samen.events.labs.access import LabNeed, access_call, access_lab_host, access_question
from samen.events.models import Event, LabCall, LabQuestion

router = Router(tags=["events"], auth=api_auth)


class LabCallIn(Schema):
    title: str = Field(..., max_length=200)
    deadline: datetime = Field(..., description="With its UTC offset; in the future.")
    prompt: str = Field("", max_length=actions.MAX_TEXT, description="Markdown.")


class LabCallOut(Schema):
    id: int
    title: str
    prompt: str = Field(description="Markdown, as written.")
    prompt_html: str = Field(description="Rendered and sanitised.")
    deadline: datetime
    open: bool = Field(description="Questions and supports are taken until the deadline.")
    url: str

    @staticmethod
    def resolve_prompt_html(obj: LabCall) -> str:
        return render_markdown(obj.prompt)

    @staticmethod
    def resolve_open(obj: LabCall) -> bool:
        return obj.is_open()

    @staticmethod
    def resolve_url(obj: LabCall) -> str:
        return obj.get_absolute_url()


class LabQuestionIn(Schema):
    title: str = Field(..., max_length=200)
    context: str = Field(..., max_length=actions.MAX_TEXT, description="Markdown.")
    tried: str = Field("", max_length=actions.MAX_TEXT, description="Markdown.")


class LabQuestionOut(Schema):
    id: int
    call_id: int
    title: str
    author: str = Field(description='Public name; "Former member" after erasure.')
    context: str
    context_html: str
    tried: str
    tried_html: str
    supporters: int = Field(description="How many members want to work on it.")
    supported: bool = Field(description="Whether the caller supports it.")
    event_id: int | None = Field(description="The Solution Lab it is selected for; else null.")
    selected_at: datetime | None
    outcome: str = Field(description="What came out of the lab (Markdown); empty until then.")
    outcome_html: str
    created_at: datetime
    url: str

    @staticmethod
    def resolve_author(obj: LabQuestion) -> str:
        return obj.author_name

    @staticmethod
    def resolve_context_html(obj: LabQuestion) -> str:
        return render_markdown(obj.context)

    @staticmethod
    def resolve_tried_html(obj: LabQuestion) -> str:
        return render_markdown(obj.tried)

    @staticmethod
    def resolve_outcome_html(obj: LabQuestion) -> str:
        return render_markdown(obj.outcome)

    @staticmethod
    def resolve_supporters(obj: LabQuestion) -> int:
        return int(getattr(obj, "supporters", 0))

    @staticmethod
    def resolve_supported(obj: LabQuestion) -> bool:
        return bool(getattr(obj, "supported", False))

    @staticmethod
    def resolve_url(obj: LabQuestion) -> str:
        return obj.get_absolute_url()


class LabCallDetailOut(LabCallOut):
    questions: list[LabQuestionOut] = Field(description="The most supported first.")

    @staticmethod
    def resolve_questions(obj: LabCall) -> list[LabQuestion]:
        return list(getattr(obj, "rows", []))


class LabSelectionIn(Schema):
    event_id: int = Field(..., description="A published Solution Lab event of the call's host.")


class LabOutcomeIn(Schema):
    outcome: str = Field(..., max_length=actions.MAX_TEXT, description="Markdown.")


def _counted(request: HttpRequest, question: LabQuestion) -> LabQuestion:
    return queries.question_detail(question, request.user)


@router.get("/hosts/{slug}/calls", response=page_of(LabCallOut), operation_id="events_lab_calls")
def calls(request: HttpRequest, slug: str, params: Query[CursorParams]) -> Any:
    """A host's calls, the latest deadline first (its community only; 404 for others)."""
    host = access_lab_host(request.user, slug)
    return paginate(queries.calls_of(host), params, order=("-deadline", "-id"))


@router.post(
    "/hosts/{slug}/calls", response={201: LabCallOut}, operation_id="events_lab_call_create"
)
def call_create(request: HttpRequest, slug: str, payload: LabCallIn) -> Any:
    """Open a call (the host's admins; 403 for its other members). 422 ``deadline_past``,
    ``deadline_far``, ``lab_title_missing``."""
    host = access_lab_host(request.user, slug, LabNeed.RUN)
    return Status(201, actions.lab_call_create(actor=request.user, host=host, **payload.dict()))


@router.get("/calls/{pk}", response=LabCallDetailOut, operation_id="events_lab_call")
def call_detail(request: HttpRequest, pk: int) -> Any:
    """A call with its questions, their support counts and outcomes."""
    call = access_call(request.user, pk)
    call.rows = list(queries.call_questions(call, request.user))  # type: ignore[attr-defined]
    return call


@router.post("/calls/{pk}/questions", response={201: LabQuestionOut}, operation_id="events_lab_ask")
def ask(request: HttpRequest, pk: int, payload: LabQuestionIn) -> Any:
    """Ask a question (the community). 409 ``call_closed`` after the deadline; 422
    ``lab_title_missing``, ``lab_context_missing``."""
    call = access_call(request.user, pk)
    question = actions.lab_question_submit(actor=request.user, call=call, **payload.dict())
    return Status(201, _counted(request, question))


@router.get("/questions/{pk}", response=LabQuestionOut, operation_id="events_lab_question")
def question(request: HttpRequest, pk: int) -> Any:
    return _counted(request, access_question(request.user, pk))


@router.post(
    "/questions/{pk}/support", response={201: LabQuestionOut}, operation_id="events_lab_support"
)
def support(request: HttpRequest, pk: int) -> Any:
    """Support a question: once per person, not your own, until the deadline. 409
    ``already_supported``, ``own_question``, ``call_closed``."""
    found = access_question(request.user, pk)
    actions.lab_support_add(actor=request.user, question=found)
    return Status(201, _counted(request, found))


@router.delete(
    "/questions/{pk}/support", response=LabQuestionOut, operation_id="events_lab_support_withdraw"
)
def support_withdraw(request: HttpRequest, pk: int) -> Any:
    """Take your support back, until the deadline. 409 ``not_supported``, ``call_closed``."""
    found = access_question(request.user, pk)
    actions.lab_support_withdraw(actor=request.user, question=found)
    return _counted(request, found)


@router.put("/questions/{pk}/selection", response=LabQuestionOut, operation_id="events_lab_select")
def select(request: HttpRequest, pk: int, payload: LabSelectionIn) -> Any:
    """Attach a question of a closed call to a Solution Lab (the host's admins). Its author
    is told once per lab. 409 ``call_open``, ``outcome_given``; 422 ``not_a_lab`` for an
    event that is not a published Solution Lab of this host."""
    found = access_question(request.user, pk, LabNeed.RUN)
    event = Event.objects.filter(pk=payload.event_id).first()
    actions.lab_question_select(actor=request.user, question=found, event=event)
    return _counted(request, found)


@router.delete(
    "/questions/{pk}/selection", response=LabQuestionOut, operation_id="events_lab_unselect"
)
def unselect(request: HttpRequest, pk: int) -> Any:
    """Take a question off its lab (the host's admins). 409 ``not_selected``,
    ``outcome_given``."""
    found = access_question(request.user, pk, LabNeed.RUN)
    actions.lab_question_unselect(actor=request.user, question=found)
    return _counted(request, found)


@router.put("/questions/{pk}/outcome", response=LabQuestionOut, operation_id="events_lab_outcome")
def outcome(request: HttpRequest, pk: int, payload: LabOutcomeIn) -> Any:
    """Record what came out of the lab (the question's author; 403 for others). 409
    ``not_selected``, ``lab_not_held`` before the lab; 422 ``outcome_missing``."""
    found = access_question(request.user, pk, LabNeed.OWN)
    actions.lab_outcome_record(actor=request.user, question=found, outcome=payload.outcome)
    return _counted(request, found)
