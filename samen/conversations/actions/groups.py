"""Private categories that people join by asking: a member answers the category's
questions (the shared ``samen.lib.questions``, as a community's join requests do), the
community's team approves or declines with a reason, and a person leaves or is taken out
of the group. Reading is decided by ``access.can_see_category``, which counts the group."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from samen.audit.actions import audit_record
from samen.communities.models import host_of
from samen.conversations import access, kinds
from samen.conversations.errors import ConversationError
from samen.conversations.errors import ConversationErrorCode as Code
from samen.conversations.models import (
    Category,
    GroupRequest,
    GroupRequestStatus,
    Post,
    Visibility,
    owner_kind,
)
from samen.lib.questions import (
    MAX_CHOICES,
    MAX_QUESTIONS,
    AnswerRefused,
    QuestionsRefused,
    answer_field_name,
    pair_answers,
    read_questions,
)
from samen.notifications.actions import notifications_forget, notify

MAX_REASON = 500


def read_join_questions(text: str | Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The questions an admin typed (one a line, choices after ``|``) or sent as a list of
    ``{"text", "choices"}``, as stored JSON; ``ConversationError`` at the field when one
    cannot be asked."""
    try:
        return [question.as_json() for question in read_questions(text or "")]
    except QuestionsRefused as refused:
        message = gettext(
            "Question %(number)s cannot be asked: a choice question needs two different "
            "choices at least (and at most %(choices)s), and ask %(questions)s questions at most."
        ) % {"number": refused.index + 1, "choices": MAX_CHOICES, "questions": MAX_QUESTIONS}
        raise ConversationError(Code.BAD_QUESTIONS, message, field="join_questions") from None


def _review_url(category: Category) -> str:
    owner = category.owner
    return reverse("conversations:review", args=[owner_kind(owner), owner.slug]) + "#groups"


@transaction.atomic
def category_set_questions(
    *, actor: Any, category: Category, join_questions: str | Sequence[Mapping[str, Any]]
) -> Category:
    """The admins change what people answer when they ask to join a private category;
    requests already sent keep the questions they answered."""
    access.require(access.can_manage_categories(actor, category.owner))
    category.join_questions = read_join_questions(join_questions)
    category.save(update_fields=["join_questions"])
    audit_record(actor=actor, action="conversations.category.questions", target=category,
                 host=host_of(category.owner),
                 data={"questions": len(category.join_questions)})  # fmt: skip
    return category


@transaction.atomic
def group_request_submit(*, actor: Any, category: Category, answers: list[str]) -> GroupRequest:
    """A member asks to join a private category, answering each of its questions. The
    team is told; nothing of the category's topics is shown before the approval."""
    category = Category.objects.select_for_update().get(pk=category.pk)
    if access.banned(actor, category.owner):
        raise ConversationError(Code.BANNED)
    if category.visibility != Visibility.PRIVATE or access.can_see_category(actor, category):
        raise ConversationError(Code.ALREADY_IN_GROUP)
    access.require(access.can_ask_to_join(actor, category))
    if GroupRequest.objects.filter(
        category=category, user=actor, status=GroupRequestStatus.PENDING
    ).exists():
        raise ConversationError(Code.GROUP_REQUEST_OPEN)
    try:
        paired = pair_answers(category.join_questions or [], answers)
    except AnswerRefused as refused:
        code = Code.ANSWER_MISSING if refused.missing else Code.ANSWER_NOT_A_CHOICE
        raise ConversationError(code, field=answer_field_name(refused.index)) from None
    request = GroupRequest.objects.create(category=category, user=actor, answers=paired)
    audit_record(actor=actor, action="conversations.group.ask", target=category,
                 host=host_of(category.owner), data={"request": request.pk})  # fmt: skip
    team = _people(access.team_ids(category.owner))
    notify(team, kinds.GROUP_REQUEST, request, actor=actor, url=_review_url(category),
           data={"actor": actor.public_name, "category": category.name})  # fmt: skip
    return request


def _people(ids: set[int]) -> list[Any]:
    from samen.accounts.models import User

    return list(User.objects.filter(pk__in=ids, is_active=True))


def _lock_pending(request: GroupRequest) -> GroupRequest:
    locked = (
        GroupRequest.objects.select_for_update(of=("self",))
        .select_related("category", "user")
        .get(pk=request.pk)
    )
    if locked.status != GroupRequestStatus.PENDING:
        raise ConversationError(Code.DECIDED)
    return locked


@transaction.atomic
def group_request_decide(
    *, actor: Any, request: GroupRequest, approve: bool, reason: str = ""
) -> GroupRequest:
    """The team lets the person into the group or declines (a reason is then required,
    and the person reads it). Deciding twice is refused (409), so two moderators acting at
    once leave one decision."""
    access.require(access.can_moderate(actor, request.category.owner))
    request = _lock_pending(request)
    category = request.category
    reason = (reason or "").strip()[:MAX_REASON]
    if not approve and not reason:
        raise ConversationError(Code.REASON_MISSING, field="reason")
    if approve and not access.can_write_in(request.user, category.owner):
        raise ConversationError(Code.NOT_A_MEMBER)
    request.status = GroupRequestStatus.APPROVED if approve else GroupRequestStatus.DECLINED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.reason = reason
    request.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    if approve:
        category.group.add(request.user)
    audit_record(actor=actor, action=f"conversations.group.{request.status}", target=category,
                 host=host_of(category.owner),
                 data={"person_id": request.user_id, "request": request.pk})  # fmt: skip
    owner = category.owner
    url = reverse("conversations:topics", args=[owner_kind(owner), owner.slug])
    if approve:
        url += f"?category={category.slug}"
    kind = kinds.GROUP_APPROVED if approve else kinds.GROUP_DECLINED
    notify([request.user], kind, request, actor=actor, url=url,
           data={"category": category.name, "community": owner.name,
                 "reason": reason})  # fmt: skip
    return request


@transaction.atomic
def group_request_withdraw(*, actor: Any, request: GroupRequest) -> GroupRequest:
    """The person who asked takes the request back while it waits."""
    access.require(request.user_id == actor.pk)
    request = _lock_pending(request)
    request.status = GroupRequestStatus.WITHDRAWN
    request.save(update_fields=["status"])
    return request


@transaction.atomic
def category_group_add(*, actor: Any, category: Category, users: Iterable[Any]) -> None:
    """The team lets members of the community into a private category without a request
    (a request of theirs still waiting counts as approved); each is told."""
    access.require(access.can_moderate(actor, category.owner))
    owner = category.owner
    people = list(users)
    for person in people:
        if not access.can_write_in(person, owner):
            raise ConversationError(Code.NOT_A_MEMBER, field="email")
        if category.group.filter(pk=person.pk).exists():
            raise ConversationError(Code.IN_GROUP, field="email")
    category.group.add(*people)
    GroupRequest.objects.filter(
        category=category, user__in=people, status=GroupRequestStatus.PENDING
    ).update(status=GroupRequestStatus.APPROVED, decided_by=actor, decided_at=timezone.now())
    audit_record(actor=actor, action="conversations.category.group_add", target=category,
                 host=host_of(owner), data={"users": [p.pk for p in people]})  # fmt: skip
    url = reverse("conversations:topics", args=[owner_kind(owner), owner.slug])
    notify(people, kinds.GROUP_APPROVED, category, actor=actor,
           url=f"{url}?category={category.slug}",
           data={"category": category.name, "community": owner.name})  # fmt: skip


@transaction.atomic
def group_leave(*, actor: Any, category: Category, person: Any, reason: str = "") -> None:
    """A person leaves a private category's group, or the team takes them out of it with a
    reason the person reads: from then on its topics, search results, e-mails and
    notifications stop for them."""
    owner = category.owner
    removed = person.pk != actor.pk
    access.require(not removed or access.can_moderate(actor, owner))
    reason = (reason or "").strip()[:MAX_REASON]
    if removed and not reason:
        raise ConversationError(Code.REASON_MISSING, field="reason")
    category.group.remove(person)
    if not access.can_see_category(person, category):  # the team still reads it
        notifications_forget(
            recipient=person, targets=Post.objects.filter(topic__category=category)
        )
    audit_record(actor=actor, action="conversations.group.leave", target=category,
                 host=host_of(owner),
                 data={"person_id": person.pk, "reason": reason})  # fmt: skip
    if removed:
        notify([person], kinds.GROUP_REMOVED, category, actor=actor,
               url=reverse("conversations:topics", args=[owner_kind(owner), owner.slug]),
               data={"category": category.name, "community": owner.name,
                     "reason": reason})  # fmt: skip
