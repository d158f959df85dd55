"""Private categories through the API: ask to join (answering the category's questions),
the team's pending requests and decisions, withdrawing; the team's page of a group (its
people, letting a member in by e-mail, taking someone out with a reason, the questions)
and leaving. Attached to the conversations ``router`` when ``samen.conversations.api`` is
imported."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Schema, Status

from samen.api.auth import api_auth
from samen.conversations import actions, queries
from samen.conversations.access import (
    Need,
    access_category,
    access_group_category,
    access_group_member,
    access_group_request,
    access_group_to_manage,
    access_member_by_email,
    access_owner,
    can_moderate,
    require,
)
from samen.conversations.api import OwnerKind, router
from samen.conversations.errors import ConversationError
from samen.conversations.errors import ConversationErrorCode as Code
from samen.conversations.models import GroupRequest
from samen.lib.questions import MAX_ANSWER, MAX_CHOICE, MAX_CHOICES, MAX_QUESTION, MAX_QUESTIONS


class GroupRequestIn(Schema):
    answers: list[str] = Field(
        default_factory=list,
        max_length=MAX_QUESTIONS,
        description="One answer per question of the category, in order (a choice question "
        "takes one of its choices).",
    )


class GroupRequestOut(Schema):
    id: int
    category: str = Field(description="The category's slug.")
    person: str = Field(description="The public name of the person who asks.")
    status: Literal["pending", "approved", "declined", "withdrawn"]
    answers: list[dict[str, str]] = Field(description='[{"question", "answer"}], frozen.')
    created_at: datetime
    decided_at: datetime | None
    reason: str = Field(description="The team's message, when declined.")

    @staticmethod
    def resolve_category(obj: GroupRequest) -> str:
        return obj.category.slug

    @staticmethod
    def resolve_person(obj: GroupRequest) -> str:
        return str(obj.user.public_name)


class GroupDecisionIn(Schema):
    decision: Literal["approve", "decline"]
    reason: str = Field("", max_length=500, description="Required to decline; the person reads it.")


@router.post(
    "/{kind}/{slug}/groups/{category}/requests",
    response={201: GroupRequestOut},
    auth=api_auth,
    operation_id="conversation_group_request",
)
def group_request(
    request: HttpRequest, kind: OwnerKind, slug: str, category: str, payload: GroupRequestIn
) -> Any:
    """Ask to join a private category (members of the community; 404 for anyone else).
    409 ``already_in_group`` or ``group_request_open``; 403 ``banned``; 422
    ``answer_missing`` or ``answer_not_a_choice``."""
    owner = access_owner(request.user, kind, slug)
    found = access_group_category(request.user, owner, category)
    answers = [answer[:MAX_ANSWER] for answer in payload.answers]
    return Status(
        201, actions.group_request_submit(actor=request.user, category=found, answers=answers)
    )


@router.get(
    "/{kind}/{slug}/group-requests",
    response=list[GroupRequestOut],
    auth=api_auth,
    operation_id="conversation_group_requests",
)
def group_requests(request: HttpRequest, kind: OwnerKind, slug: str) -> Any:
    """The requests to join private categories that wait, oldest first (the team; 403
    for others)."""
    owner = access_owner(request.user, kind, slug, Need.MODERATE)
    return queries.pending_group_requests(owner)


@router.post(
    "/group-requests/{pk}/decision",
    response=GroupRequestOut,
    auth=api_auth,
    operation_id="conversation_group_request_decide",
)
def group_request_decide(request: HttpRequest, pk: int, payload: GroupDecisionIn) -> Any:
    """Let the person in or decline with a reason (the team; 404 for others, 403 for the
    person who asked). 409 ``decided``; 422 ``reason_missing``."""
    found = access_group_request(request.user, pk)
    require(can_moderate(request.user, found.category.owner))
    return actions.group_request_decide(
        actor=request.user,
        request=found,
        approve=payload.decision == "approve",
        reason=payload.reason,
    )


@router.post(
    "/group-requests/{pk}/withdraw",
    response=GroupRequestOut,
    auth=api_auth,
    operation_id="conversation_group_request_withdraw",
)
def group_request_withdraw(request: HttpRequest, pk: int) -> Any:
    """The person who asked takes the request back (403 for the team, 404 for others);
    409 ``decided``."""
    found = access_group_request(request.user, pk)
    return actions.group_request_withdraw(actor=request.user, request=found)


class GroupPersonOut(Schema):
    id: int
    name: str = Field(description="The person's public name.")

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.public_name)


class GroupAddIn(Schema):
    email: str = Field(max_length=254, description="The e-mail address of a member.")


class GroupRemoveIn(Schema):
    reason: str = Field(min_length=1, max_length=500, description="The person reads it.")


class JoinQuestionIn(Schema):
    text: str = Field(min_length=1, max_length=MAX_QUESTION)
    choices: list[str] = Field(
        default_factory=list,
        max_length=MAX_CHOICES,
        description="Empty for a free answer; else two different choices at least.",
    )


class JoinQuestionsIn(Schema):
    questions: list[JoinQuestionIn] = Field(max_length=MAX_QUESTIONS)


class JoinQuestionOut(Schema):
    text: str
    choices: list[str]


def _group(request: HttpRequest, kind: str, slug: str, category: str) -> Any:
    return access_group_to_manage(request.user, access_owner(request.user, kind, slug), category)


@router.get(
    "/{kind}/{slug}/groups/{category}/people",
    response=list[GroupPersonOut],
    auth=api_auth,
    operation_id="conversation_group_people",
)
def group_people(request: HttpRequest, kind: OwnerKind, slug: str, category: str) -> Any:
    """The people of a private category's group, by name (its community's team; 403 for
    a member of the group, 404 for whoever cannot read the category)."""
    return queries.group_people(_group(request, kind, slug, category))


@router.post(
    "/{kind}/{slug}/groups/{category}/people",
    response={201: GroupPersonOut},
    auth=api_auth,
    operation_id="conversation_group_add",
)
def group_add(
    request: HttpRequest, kind: OwnerKind, slug: str, category: str, payload: GroupAddIn
) -> Any:
    """The team lets a member in by e-mail address (a request of theirs still waiting
    counts as approved; they are told). 422 ``no_such_member``; 409 ``in_group`` or
    ``not_a_member`` (banned)."""
    found = _group(request, kind, slug, category)
    person = access_member_by_email(request.user, found.owner, payload.email)
    if person is None:
        raise ConversationError(Code.NO_SUCH_MEMBER, field="email")
    actions.category_group_add(actor=request.user, category=found, users=[person])
    return Status(201, person)


@router.post(
    "/{kind}/{slug}/groups/{category}/people/{pk}/remove",
    response={204: None},
    auth=api_auth,
    operation_id="conversation_group_remove",
)
def group_remove(
    request: HttpRequest, kind: OwnerKind, slug: str, category: str, pk: int, payload: GroupRemoveIn
) -> Any:
    """The team takes a person out of the group with a reason they read; its topics,
    search results, e-mails and notifications stop for them. 404 when they are not in it;
    422 ``reason_missing`` for a blank reason."""
    found = _group(request, kind, slug, category)
    person = access_group_member(request.user, found, pk)
    actions.group_leave(actor=request.user, category=found, person=person, reason=payload.reason)
    return Status(204, None)


@router.put(
    "/{kind}/{slug}/groups/{category}/questions",
    response=list[JoinQuestionOut],
    auth=api_auth,
    operation_id="conversation_group_questions",
)
def group_questions(
    request: HttpRequest, kind: OwnerKind, slug: str, category: str, payload: JoinQuestionsIn
) -> Any:
    """The community's admins replace what people answer when they ask to join (requests
    already sent keep theirs); 403 for moderators, 422 ``bad_questions``."""
    found = _group(request, kind, slug, category)
    questions = [
        {"text": q.text, "choices": [c[:MAX_CHOICE] for c in q.choices]} for q in payload.questions
    ]
    actions.category_set_questions(actor=request.user, category=found, join_questions=questions)
    return found.join_questions


@router.post(
    "/{kind}/{slug}/groups/{category}/leave",
    response={204: None},
    auth=api_auth,
    operation_id="conversation_group_leave",
)
def group_leave(request: HttpRequest, kind: OwnerKind, slug: str, category: str) -> Any:
    """Leave a private category one reads as a member of its group (404 for whoever cannot
    read it)."""
    owner = access_owner(request.user, kind, slug)
    found = access_category(request.user, owner, category)
    actions.group_leave(actor=request.user, category=found, person=request.user)
    return Status(204, None)
