"""Private categories through the API: ask to join (answering the category's questions),
the team's pending requests and decisions, withdrawing. Attached to the conversations
``router`` when ``samen.conversations.api`` is imported."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Schema, Status

from samen.api.auth import api_auth
from samen.conversations import actions, queries
from samen.conversations.access import (
    Need,
    access_group_category,
    access_group_request,
    access_owner,
    can_moderate,
    require,
)
from samen.conversations.api import OwnerKind, router
from samen.conversations.models import GroupRequest
from samen.lib.questions import MAX_ANSWER, MAX_QUESTIONS


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
