"""Pages of the learning network: the pipeline board and concepts, the library, and the
newsletter (subscribe, confirm, unsubscribe; compose and send for editors). Views parse
input, ask access.py, and call actions or queries."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.forms import ChoiceField
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from samen.communities.models import Host
from samen.communities.validation import render_markdown
from samen.conversations.models import Owner, owner_kind
from samen.knowledge import actions, queries
from samen.knowledge.access import (
    Need,
    access_concept,
    access_issue,
    access_item,
    access_item_file,
    access_library,
    access_milestone,
    access_newsletter,
    access_pipeline,
    can_concept,
    can_item,
    is_editor,
)
from samen.knowledge.errors import KnowledgeError
from samen.knowledge.forms import (
    AuthorForm,
    CoachForm,
    ConceptForm,
    ConceptOrganisationForm,
    IssueForm,
    ItemForm,
    MilestoneForm,
    MoveForm,
    NoteForm,
    OwnerForm,
    ReviewForm,
    ScheduleForm,
    SessionForm,
    SubscribeForm,
    TopicsForm,
    add_error,
)
from samen.knowledge.links import subscription_to_confirm, subscription_to_stop
from samen.knowledge.models import (
    Concept,
    ItemKind,
    ItemStatus,
    LibraryItem,
    NewsletterIssue,
)
from samen.lib.errors import DomainError
from samen.lib.htmx import render_page

# --- concepts -------------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    """Every host's pipeline, library and newsletter, one line each."""
    from samen.communities.queries import host_list

    return render_page(request, "knowledge/index.html", {"hosts": host_list()})


def pipeline(request: HttpRequest, slug: str) -> HttpResponse:
    """The host's board: one column per stage; its editors also see the figures."""
    host = access_pipeline(request.user, slug)
    editor = is_editor(request.user, host)
    context = {
        "host": host,
        "columns": queries.pipeline_board(request.user, host),
        "figures": queries.pipeline_figures(host) if editor else None,
        "can_add": queries.in_host_community(request.user, host) or editor,
    }
    return render_page(request, "knowledge/pipeline.html", context)


def _concept_input(form: ConceptForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "pitch": data["pitch"],
        "collective": data["collective"],
        "visibility": data["visibility"],
        "needs_skills": data["needs_skills"],
        "needs_money": data["needs_money"],
        "needs_contacts": data["needs_contacts"],
        "needs_space": data["needs_space"],
    }


@login_required
def concept_new(request: HttpRequest, slug: str) -> HttpResponse:
    host = access_pipeline(request.user, slug, Need.EDIT)
    form = ConceptForm(request.POST or None, host=host)
    if request.method == "POST" and form.is_valid():
        try:
            concept = actions.concept_create(actor=request.user, host=host, **_concept_input(form))
        except KnowledgeError as error:
            add_error(form, error)
        else:
            return redirect(concept)
    status = 400 if request.method == "POST" else 200
    return render_page(
        request, "knowledge/concept_form.html", {"host": host, "form": form}, status=status
    )


@login_required
def concept_edit(request: HttpRequest, pk: int) -> HttpResponse:
    concept = access_concept(request.user, pk, Need.EDIT)
    initial = {
        "title": concept.title,
        "pitch": concept.pitch,
        "impact": concept.impact,
        "collective": concept.collective_id,
        "visibility": concept.visibility,
        "needs_skills": ", ".join(s.name for s in concept.needs_skills.all()),
        "needs_money": concept.needs_money,
        "needs_contacts": concept.needs_contacts,
        "needs_space": concept.needs_space,
    }
    form = ConceptForm(request.POST or None, host=concept.host, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.concept_update(
                actor=request.user,
                concept=concept,
                impact=form.cleaned_data["impact"],
                **_concept_input(form),
            )
        except KnowledgeError as error:
            add_error(form, error)
        else:
            return redirect(concept)
    status = 400 if request.method == "POST" else 200
    context = {"host": concept.host, "concept": concept, "form": form}
    return render_page(request, "knowledge/concept_form.html", context, status=status)


def concept_detail(request: HttpRequest, pk: int) -> HttpResponse:
    concept = access_concept(request.user, pk)
    return _render_concept(request, concept)


def _render_concept(
    request: HttpRequest, concept: Concept, *, status: int = 200, **forms: Any
) -> HttpResponse:
    user = request.user
    may_move = can_concept(user, Need.MOVE, concept)
    may_note = can_concept(user, Need.NOTES, concept)
    may_coach = can_concept(user, Need.COACH, concept)
    move_form = forms.get("move_form") or MoveForm()
    stage_field = move_form.fields["stage"]
    assert isinstance(stage_field, ChoiceField)
    stage_field.choices = [(stage.value, stage.label) for stage in actions.next_stages(concept)]
    context = {
        "concept": concept,
        "host": concept.host,
        "history": queries.concept_history(concept),
        "sessions": queries.concept_sessions(concept),
        "notes": queries.concept_notes(concept) if may_note else None,
        "related": queries.related_items(user, concept),
        "can_edit": can_concept(user, Need.EDIT, concept),
        "can_move": may_move,
        "can_note": may_note,
        "can_coach": may_coach,
        "can_record": may_note or is_editor(user, concept.host),
        "move_form": move_form,
        "note_form": forms.get("note_form") or NoteForm(),
        "session_form": forms.get("session_form") or SessionForm(concept=concept),
        "milestones": concept.milestones.all(),
        "milestone_form": forms.get("milestone_form") or MilestoneForm(),
        "coach_form": forms.get("coach_form")
        or CoachForm(people=queries.community_people(concept.host)),
        "owner_form": forms.get("owner_form")
        or OwnerForm(people=queries.community_people(concept.host)),
        "organisation_form": forms.get("organisation_form")
        or ConceptOrganisationForm(organisations=queries.organisations_for(user, concept.host)),
    }
    return render_page(request, "knowledge/concept_detail.html", context, status=status)


@login_required
@require_POST
def concept_move(request: HttpRequest, pk: int) -> HttpResponse:
    concept = access_concept(request.user, pk, Need.MOVE)
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            actions.concept_move(
                actor=request.user,
                concept=concept,
                to_stage=form.cleaned_data["stage"],
                reason=form.cleaned_data["reason"],
            )
        except KnowledgeError as error:
            add_error(form, error)
        else:
            messages.success(request, _("The concept moved to another stage."))
            return redirect(concept)
    return _render_concept(request, concept, status=400, move_form=form)


@login_required
@require_POST
def concept_coach(request: HttpRequest, pk: int) -> HttpResponse:
    concept = access_concept(request.user, pk, Need.COACH)
    form = CoachForm(request.POST, people=queries.community_people(concept.host))
    if form.is_valid():
        try:
            if request.POST.get("remove"):
                actions.concept_coach_remove(
                    actor=request.user, concept=concept, coach=form.cleaned_data["coach"]
                )
            else:
                actions.concept_coach_add(
                    actor=request.user, concept=concept, coach=form.cleaned_data["coach"]
                )
        except KnowledgeError as error:
            add_error(form, error)
        else:
            return redirect(concept)
    return _render_concept(request, concept, status=400, coach_form=form)


@login_required
@require_POST
def concept_owner(request: HttpRequest, pk: int) -> HttpResponse:
    """An owner (or the host's admin) adds a co-owner from the host's community."""
    concept = access_concept(request.user, pk, Need.EDIT)
    form = OwnerForm(request.POST, people=queries.community_people(concept.host))
    if form.is_valid():
        try:
            actions.concept_owner_add(
                actor=request.user, concept=concept, owner=form.cleaned_data["owner"]
            )
        except KnowledgeError as error:
            add_error(form, error)
        else:
            return redirect(concept)
    return _render_concept(request, concept, status=400, owner_form=form)


@login_required
@require_POST
def concept_note(request: HttpRequest, pk: int) -> HttpResponse:
    concept = access_concept(request.user, pk, Need.NOTES)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            actions.concept_note_add(
                actor=request.user, concept=concept, body=form.cleaned_data["body"]
            )
        except KnowledgeError as error:
            add_error(form, error)
        else:
            return redirect(concept)
    return _render_concept(request, concept, status=400, note_form=form)


@login_required
@require_POST
def concept_session(request: HttpRequest, pk: int) -> HttpResponse:
    concept = access_concept(request.user, pk)
    form = SessionForm(request.POST, concept=concept)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.concept_session_record(
                actor=request.user,
                concept=concept,
                kind=data["kind"],
                on=data["date"],
                summary=data["summary"],
                event=data.get("event"),
                delivery=data.get("delivery"),
            )
        except KnowledgeError as error:
            add_error(form, error)
        else:
            return redirect(concept)
    return _render_concept(request, concept, status=400, session_form=form)


@login_required
@require_POST
def concept_milestone(request: HttpRequest, pk: int) -> HttpResponse:
    """Owners, coaches and the host's admins set a milestone."""
    concept = access_concept(request.user, pk, Need.MOVE)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        actions.concept_milestone_add(actor=request.user, concept=concept, **form.cleaned_data)
        return redirect(concept)
    return _render_concept(request, concept, status=400, milestone_form=form)


@login_required
@require_POST
def milestone_reached(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = access_milestone(request.user, pk)
    try:
        actions.concept_milestone_reach(actor=request.user, milestone=milestone)
    except KnowledgeError as error:
        messages.error(request, error.message)
    return redirect(milestone.concept)


# --- the library ----------------------------------------------------------------------------


def library(request: HttpRequest, slug: str) -> HttpResponse:
    host = access_library(request.user, slug)
    text = request.GET.get("q", "")[:200]
    tag = request.GET.get("tag", "")[:40]
    kind = request.GET.get("kind", "")
    kind = kind if kind in ItemKind.values else ""
    items = queries.library(request.user, host, text=text, tag=tag, kind=kind)
    editor = is_editor(request.user, host)
    context = {
        "host": host,
        "items": items[:100],
        "q": text,
        "tag": tag,
        "kind": kind,
        "kinds": ItemKind.choices,
        "mine": queries.my_items(request.user, host),
        "can_add": queries.in_host_community(request.user, host) or editor,
        "can_review": editor,
    }
    return render_page(
        request, "knowledge/library.html", context, partial="knowledge/partials/items.html"
    )


def _item_input(form: ItemForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "summary": data["summary"],
        "body": data["body"],
        "url": data["url"],
        "audience": data["audience"],
        "tags": data["tags"],
        "file": data["file"],
    }


@login_required
def item_new(request: HttpRequest, slug: str) -> HttpResponse:
    host = access_library(request.user, slug, Need.EDIT)
    form = ItemForm(
        request.POST or None, request.FILES or None, initial={"language": get_language()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = actions.item_create(
                actor=request.user,
                host=host,
                kind=form.cleaned_data["kind"],
                language=form.cleaned_data["language"],
                **_item_input(form),
            )
        except KnowledgeError as error:
            add_error(form, error)
        else:
            return redirect(item)
    status = 400 if request.method == "POST" else 200
    return render_page(
        request, "knowledge/item_form.html", {"host": host, "form": form}, status=status
    )


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = access_item(request.user, pk, Need.EDIT)
    initial = {
        "kind": item.kind,
        "title": item.title,
        "summary": item.summary,
        "body": item.body,
        "url": item.url,
        "language": item.language,
        "audience": item.audience,
        "tags": ", ".join(t.name for t in item.tags.all()),
    }
    form = ItemForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.item_update(actor=request.user, item=item, **_item_input(form))
        except KnowledgeError as error:
            add_error(form, error)
        else:
            return redirect(item)
    status = 400 if request.method == "POST" else 200
    context = {"host": item.host, "item": item, "form": form}
    return render_page(request, "knowledge/item_form.html", context, status=status)


def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = access_item(request.user, pk)
    return _render_item(request, item, ReviewForm(host=item.host))


def _render_item(
    request: HttpRequest,
    item: LibraryItem,
    form: ReviewForm,
    status: int = 200,
    author_form: AuthorForm | None = None,
) -> HttpResponse:
    editor = can_item(request.user, Need.REVIEW, item)
    context = {
        "item": item,
        "host": item.host,
        "can_edit": can_item(request.user, Need.EDIT, item),
        "can_review": editor,
        "can_add_author": editor
        or (can_item(request.user, Need.EDIT, item) and item.status in _AUTHORS_CHANGE),
        "review_form": form,
        "author_form": author_form or AuthorForm(people=queries.community_people(item.host)),
    }
    return render_page(request, "knowledge/item_detail.html", context, status=status)


def item_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Stream an item's file to those who may see the item (``access_item_file``); audio
    and video play in the page, documents download. Never cached by a shared cache: the
    same URL answers 404 to others while the item is in review or not for them."""
    item = access_item_file(request.user, pk)
    response = FileResponse(
        item.file.open("rb"),
        content_type=item.file_type,
        as_attachment=not item.file_type.startswith(("audio/", "video/")),
        filename=item.file_name or item.file.name.rsplit("/", 1)[-1],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


_AUTHORS_CHANGE = (ItemStatus.DRAFT, ItemStatus.REJECTED)


@login_required
@require_POST
def item_author(request: HttpRequest, pk: int) -> HttpResponse:
    """An author (while a draft or sent back) or an editor adds a co-author."""
    item = access_item(request.user, pk, Need.EDIT)
    form = AuthorForm(request.POST, people=queries.community_people(item.host))
    if form.is_valid():
        try:
            actions.item_author_add(
                actor=request.user, item=item, author=form.cleaned_data["author"]
            )
        except DomainError as error:
            add_error(form, error)
        else:
            return redirect(item)
    review = ReviewForm(host=item.host)
    return _render_item(request, item, review, status=400, author_form=form)


@login_required
@require_POST
def item_submit(request: HttpRequest, pk: int) -> HttpResponse:
    item = access_item(request.user, pk, Need.EDIT)
    try:
        actions.item_submit(actor=request.user, item=item)
    except KnowledgeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Sent to the editors for review."))
    return redirect(item)


@login_required
@require_POST
def item_review(request: HttpRequest, pk: int) -> HttpResponse:
    item = access_item(request.user, pk, Need.REVIEW)
    form = ReviewForm(request.POST, host=item.host)
    if form.is_valid():
        try:
            actions.item_review(
                actor=request.user,
                item=item,
                publish=form.cleaned_data["decision"] == "publish",
                note=form.cleaned_data["note"],
                service_code=form.cleaned_data.get("service_code", ""),
            )
        except DomainError as error:
            add_error(form, error)
        else:
            return redirect(item)
    return _render_item(request, item, form, status=400)


@login_required
def review_queue(request: HttpRequest, slug: str) -> HttpResponse:
    host = access_library(request.user, slug, Need.REVIEW)
    context = {"host": host, "items": queries.review_queue(host)}
    return render_page(request, "knowledge/review_queue.html", context)


class LibraryFeed(Feed):
    """Atom feed of a host's public library (never items for the network or community)."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, slug: str) -> Host:
        return access_library(None, slug)

    def title(self, obj: Host) -> str:
        return _("The library of %(name)s") % {"name": obj.name}

    def link(self, obj: Host) -> str:
        return reverse("knowledge:library", args=[obj.slug])

    def items(self, obj: Host) -> list[LibraryItem]:
        return list(queries.library(None, obj)[:50])

    def item_title(self, item: LibraryItem) -> str:
        return item.title

    def item_description(self, item: LibraryItem) -> str:
        return render_markdown(item.summary)

    def item_pubdate(self, item: LibraryItem) -> Any:
        return item.published_at


# --- the newsletter -------------------------------------------------------------------------


def _newsletter_context(owner: Owner) -> dict[str, Any]:
    return {"owner": owner, "owner_kind": owner_kind(owner)}


def subscribe(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    """Anyone subscribes with an e-mail address; the answer is the same whether or not the
    address was already subscribed, so the page tells nobody who reads the newsletter."""
    owner = access_newsletter(request.user, kind, slug)
    initial = {"language": get_language()}
    if getattr(request.user, "is_authenticated", False):
        initial["email"] = getattr(request.user, "email", "")
    form = SubscribeForm(request.POST or None, initial=initial, owner=owner)
    done = False
    if request.method == "POST" and form.is_valid():
        try:
            actions.subscription_request(
                owner=owner,
                email=form.cleaned_data["email"],
                language=form.cleaned_data["language"],
                topics=form.cleaned_data.get("topics", []),
                chapters=form.cleaned_data.get("chapters", []),
            )
        except KnowledgeError as error:
            add_error(form, error)
        else:
            done = True
    status = 400 if request.method == "POST" and not done else 200
    context = {**_newsletter_context(owner), "form": form, "done": done}
    return render_page(request, "knowledge/subscribe.html", context, status=status)


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the confirmation e-mail shows one button (mail scanners open links, and
    must not subscribe anyone); pressing it confirms."""
    subscription = subscription_to_confirm(token)
    if subscription is None:
        raise Http404
    if request.method == "POST":
        subscription = actions.subscription_confirm(subscription=subscription)
    context = {"subscription": subscription, "owner": subscription.owner}
    return render_page(request, "knowledge/confirm.html", context)


@csrf_exempt
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every issue, with no login. Exempt from CSRF because a mail client's
    one-click unsubscribe (RFC 8058) POSTs here without a cookie; the signed token is what
    authorises, and it can only stop the one subscription it names."""
    subscription = subscription_to_stop(token)
    if subscription is None:
        raise Http404
    if request.method == "POST":
        subscription = actions.subscription_stop(subscription=subscription)
    context = {"subscription": subscription, "owner": subscription.owner, "token": token}
    return render_page(request, "knowledge/unsubscribe.html", context)


def preferences(request: HttpRequest, token: str) -> HttpResponse:
    """The reader's preferences, through the same signed link as the one-click unsubscribe
    (no login): the topics and chapters they follow."""
    subscription = subscription_to_stop(token)
    if subscription is None:
        raise Http404
    owner = subscription.owner
    initial = {
        "topics": [tag.slug for tag in subscription.tags.all()],
        "chapters": [chapter.slug for chapter in subscription.chapters.all()],
    }
    form = TopicsForm(request.POST or None, initial=initial, owner=owner)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                actions.subscription_set_topics(subscription=subscription, **form.cleaned_data)
            except KnowledgeError as error:
                add_error(form, error)
            else:
                messages.success(request, _("Your choices are saved."))
                return redirect(request.path)
    context = {"subscription": subscription, "owner": owner, "form": form, "token": token}
    return render_page(request, "knowledge/preferences.html", context, status=status)


@login_required
def issues(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    owner = access_newsletter(request.user, kind, slug, Need.EDIT)
    context = {
        **_newsletter_context(owner),
        "issues": queries.issues_of(owner),
        "subscribers": queries.subscriber_count(owner),
    }
    return render_page(request, "knowledge/issues.html", context)


@login_required
def issue_new(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    owner = access_newsletter(request.user, kind, slug, Need.EDIT)
    form = IssueForm(
        request.POST or None, initial={"body": actions.issue_suggestion(owner)}, owner=owner
    )
    if request.method == "POST" and form.is_valid():
        try:
            issue = actions.issue_create(actor=request.user, owner=owner, **form.cleaned_data)
        except KnowledgeError as error:
            add_error(form, error)
        else:
            return redirect(issue)
    status = 400 if request.method == "POST" else 200
    context = {**_newsletter_context(owner), "form": form}
    return render_page(request, "knowledge/issue_form.html", context, status=status)


def _issue_initial(issue: NewsletterIssue) -> dict[str, str]:
    return {
        "subject": issue.subject,
        "body": issue.body,
        "segment": issue.segment,
        "segment_language": issue.segment_language,
        "segment_tag": issue.segment_tag.slug if issue.segment_tag else "",
        "segment_chapter": issue.segment_chapter.slug if issue.segment_chapter else "",
    }


@login_required
def issue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview, with what an editor does next: edit, test, schedule, send; once sent,
    the figures."""
    issue = access_issue(request.user, pk)
    form = IssueForm(request.POST or None, initial=_issue_initial(issue), owner=issue.owner)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.issue_update(actor=request.user, issue=issue, **form.cleaned_data)
            except KnowledgeError as error:
                add_error(form, error)
            else:
                return redirect(issue)
        status = 400
    return _render_issue(request, issue, form=form, status=status)


def _render_issue(
    request: HttpRequest,
    issue: NewsletterIssue,
    *,
    form: IssueForm | None = None,
    schedule_form: ScheduleForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        **_newsletter_context(issue.owner),
        "issue": issue,
        "form": form or IssueForm(initial=_issue_initial(issue), owner=issue.owner),
        "schedule_form": schedule_form or ScheduleForm(),
        "figures": queries.issue_figures(issue),
        # how many the segment reaches now, as the "send" button says
        "subscribers": queries.pending_recipients(issue).count(),
    }
    return render_page(request, "knowledge/issue_detail.html", context, status=status)


@login_required
@require_POST
def issue_test(request: HttpRequest, pk: int) -> HttpResponse:
    issue = access_issue(request.user, pk)
    actions.issue_send_test(actor=request.user, issue=issue)
    messages.success(request, _("A test was e-mailed to you."))
    return redirect(issue)


@login_required
@require_POST
def issue_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    issue = access_issue(request.user, pk)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            actions.issue_schedule(actor=request.user, issue=issue, when=form.cleaned_data["when"])
        except KnowledgeError as error:
            add_error(form, error)
        else:
            return redirect(issue)
    return _render_issue(request, issue, schedule_form=form, status=400)


@login_required
@require_POST
def issue_send(request: HttpRequest, pk: int) -> HttpResponse:
    issue = access_issue(request.user, pk)
    try:
        actions.issue_send(actor=request.user, issue=issue)
    except KnowledgeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The issue is being sent."))
    return redirect(issue)


# The offers and mentoring pages live in their own modules, re-exported here so that the
# URLs keep one door.
from samen.knowledge.views.mentoring import (  # noqa: E402
    pair_checkin,
    pair_confirm,
    pair_feedback,
    season_apply,
    season_detail,
    season_new,
    season_pair,
    season_propose,
    season_status,
    seasons,
    seasons_apply,
)
from samen.knowledge.views.offers import (  # noqa: E402
    offer_deliver,
    offer_detail,
    offer_new,
    offer_take,
    offer_withdraw,
    offers,
)
from samen.knowledge.views.organisations import (  # noqa: E402
    concept_organisation,
    organisation_detail,
    organisation_edit,
    organisation_new,
    organisation_person,
)

__all__ = [
    "concept_organisation",
    "offer_deliver",
    "offer_detail",
    "offer_new",
    "offer_take",
    "offer_withdraw",
    "offers",
    "organisation_detail",
    "organisation_edit",
    "organisation_new",
    "organisation_person",
    "pair_checkin",
    "pair_confirm",
    "pair_feedback",
    "season_apply",
    "season_detail",
    "season_new",
    "season_pair",
    "season_propose",
    "season_status",
    "seasons",
    "seasons_apply",
]
