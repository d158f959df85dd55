"""Private categories that members join by asking: the join page with the category's
questions, the team's decision from the review queue, the team's page of a group's people
(take one out, let a member in, change the questions), withdrawing and leaving."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

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
    can_see_category,
    require,
)
from samen.conversations.errors import ConversationError
from samen.conversations.errors import ConversationErrorCode as Code
from samen.conversations.forms import (
    GroupAddForm,
    GroupDecisionForm,
    GroupQuestionsForm,
    GroupRemoveForm,
    GroupRequestForm,
    add_error,
)
from samen.conversations.models import Category, GroupRequestStatus, Owner, owner_kind
from samen.conversations.views import _owner_context
from samen.lib.htmx import render_page
from samen.lib.questions import answers_of, questions_text


def _category_url(category: Category) -> str:
    owner = category.owner
    url = reverse("conversations:topics", args=[owner_kind(owner), owner.slug])
    return f"{url}?category={category.slug}"


@login_required
def group_join(request: HttpRequest, kind: str, slug: str, category: str) -> HttpResponse:
    """Ask to join a private category (members of the community only; 404 for others):
    its questions, or the state of one's request with a way to take it back."""
    owner = access_owner(request.user, kind, slug)
    found = access_group_category(request.user, owner, category)
    if can_see_category(request.user, found):
        return redirect(_category_url(found))
    questions = list(found.join_questions or [])
    form = GroupRequestForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            actions.group_request_submit(
                actor=request.user, category=found, answers=answers_of(form, len(questions))
            )
        except ConversationError as error:
            add_error(form, error)
        else:
            messages.success(request, _("Your request was sent; the team will answer soon."))
            return redirect(request.path)
    latest = queries.my_group_request(request.user, found)
    pending = latest if latest and latest.status == GroupRequestStatus.PENDING else None
    return render_page(
        request,
        "conversations/group_join.html",
        {
            **_owner_context(request, owner),
            "category": found,
            "form": form,
            "pending": pending,
            "latest": latest,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def group_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The team lets a person into a private category or declines with a message."""
    found = access_group_request(request.user, pk)
    owner = found.category.owner
    require(can_moderate(request.user, owner))
    form = GroupDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to let them in or to decline."))
    else:
        try:
            actions.group_request_decide(
                actor=request.user,
                request=found,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
            )
        except ConversationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Decision saved."))
    url = reverse("conversations:review", args=[owner_kind(owner), owner.slug])
    return redirect(f"{url}#groups")


@require_POST
@login_required
def group_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    found = access_group_request(request.user, pk)
    try:
        actions.group_request_withdraw(actor=request.user, request=found)
    except ConversationError as error:
        messages.error(request, error.message)
    owner = found.category.owner
    return redirect("conversations:topics", owner_kind(owner), owner.slug)


@require_POST
@login_required
def group_leave(request: HttpRequest, kind: str, slug: str, category: str) -> HttpResponse:
    """Leave a private category one reads as a member of its group."""
    owner = access_owner(request.user, kind, slug, Need.VIEW)
    found = access_category(request.user, owner, category)
    actions.group_leave(actor=request.user, category=found, person=request.user)
    messages.success(request, _("You left “%(name)s”.") % {"name": found.name})
    return redirect("conversations:topics", kind, slug)


@login_required
def group_people(request: HttpRequest, kind: str, slug: str, category: str) -> HttpResponse:
    """The team's page of a private category: its people, each of whom it may take out
    with a reason they read; a member to let in; and, for the admins, its questions."""
    owner = access_owner(request.user, kind, slug)
    found = access_group_to_manage(request.user, owner, category)
    do = request.POST.get("do", "")
    forms = {
        "add": GroupAddForm(request.POST if do == "add" else None),
        "remove": GroupRemoveForm(request.POST if do == "remove" else None),
        "questions": GroupQuestionsForm(
            request.POST if do == "questions" else None,
            initial={"join_questions": questions_text(found.join_questions or [])},
        ),
    }
    if request.method == "POST":
        done = _group_change(request, owner, found, do, forms)
        if done:
            messages.success(request, done)
            return redirect(request.path)
    posted = request.POST.get("person", "")
    return render_page(
        request,
        "conversations/group_people.html",
        {
            **_owner_context(request, owner),
            "category": found,
            "people": queries.group_people(found),
            "waiting": queries.pending_group_requests(owner).filter(category=found).count(),
            "add_form": forms["add"],
            "remove_form": forms["remove"],
            "remove_for": int(posted) if do == "remove" and posted.isdigit() else None,
            "questions_form": forms["questions"],
        },
        status=400 if request.method == "POST" else 200,
    )


def _group_change(
    request: HttpRequest, owner: Owner, category: Category, do: str, forms: dict[str, Any]
) -> str | None:
    """Carry out what one of the page's forms asks; the message to show, or None with the
    refusal on the form (which keeps what was typed)."""
    form = forms.get(do)
    if form is None or not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        if do == "add":
            person = access_member_by_email(request.user, owner, data["email"])
            if person is None:
                raise ConversationError(Code.NO_SUCH_MEMBER, field="email")
            actions.category_group_add(actor=request.user, category=category, users=[person])
            return _("%(name)s is in the group now.") % {"name": person.public_name}
        if do == "remove":
            person = access_group_member(request.user, category, data["person"])
            actions.group_leave(
                actor=request.user, category=category, person=person, reason=data["reason"]
            )
            return _("%(name)s is no longer in the group.") % {"name": person.public_name}
        actions.category_set_questions(
            actor=request.user, category=category, join_questions=data["join_questions"]
        )
        return _("Questions saved.")
    except ConversationError as error:
        add_error(form, error)
    return None
