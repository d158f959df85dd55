"""Decision pages: a community's decisions, starting one, the poll page with its ballot and
results, closing, amending, extending, the outcome and the CSV export. Views parse input,
ask access.py, and call actions or queries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samen.communities.models import Collective, Host
from samen.conversations.access import can_see_topic
from samen.conversations.models import Owner, owner_fields, owner_kind
from samen.conversations.queries import topic_list
from samen.decisions import actions, queries, segments
from samen.decisions.access import (
    Need,
    access_owner,
    access_poll,
    can_manage,
    can_see_poll,
    can_start,
    can_vote,
    is_admin,
)
from samen.decisions.errors import DecisionError
from samen.decisions.errors import DecisionErrorCode as Code
from samen.decisions.forms import (
    AmendForm,
    AnswerForm,
    ExtendForm,
    OutcomeForm,
    PollForm,
    QuestionFormSet,
    SettingsForm,
    SurveyForm,
    VoteForm,
    add_error,
)
from samen.decisions.links import read_vote_token
from samen.decisions.models import Audience, Outcome, Poll, PollKind
from samen.events.models import Event
from samen.funding.models import Campaign
from samen.lib.htmx import render_page
from samen.lib.spreadsheet import csv_writer
from samen.lib.svg import svg_number


def _segment_rows(owner: Owner) -> dict[str, Any]:
    """The events and campaigns of ``owner`` an admin may send a poll or survey to."""
    campaigns = Campaign.objects.filter(collective=owner if isinstance(owner, Collective) else None)
    return {
        "events": Event.objects.filter(**owner_fields(owner)).order_by("-id"),
        "campaigns": campaigns.order_by("-id"),
    }


def _owner_context(request: HttpRequest, owner: Owner) -> dict[str, Any]:
    return {
        "owner": owner,
        "owner_kind": owner_kind(owner),
        "can_start": can_start(request.user, owner),
        "is_admin": is_admin(request.user, owner),
    }


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The open decisions of all my communities, the ones waiting for me first in sight."""
    page = Paginator(queries.my_open_polls(request.user), 30).get_page(request.GET.get("page"))
    return render_page(request, "decisions/mine.html", {"page": page})


def poll_list(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    owner = access_owner(request.user, kind, slug)
    closed = request.GET.get("state") == "closed"
    text = request.GET.get("q", "")[:200] if closed else ""
    polls = queries.poll_list(request.user, owner, closed=closed, text=text)
    page = Paginator(polls, 30).get_page(request.GET.get("page"))
    return render_page(
        request,
        "decisions/poll_list.html",
        {**_owner_context(request, owner), "page": page, "closed": closed, "q": text},
        partial="decisions/partials/poll_rows.html",
    )


@login_required
def decision_settings(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    """Who may start decisions, for the community's admins."""
    owner = access_owner(request.user, kind, slug, Need.MANAGE)
    form = SettingsForm(request.POST or None, initial={"starters": queries.starters(owner)})
    if request.method == "POST" and form.is_valid():
        actions.settings_set(actor=request.user, owner=owner, **form.cleaned_data)
        messages.success(request, _("Settings saved."))
        return redirect("decisions:polls", owner_kind(owner), owner.slug)
    return render_page(
        request,
        "decisions/settings.html",
        {**_owner_context(request, owner), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def poll_new(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    owner = access_owner(request.user, kind, slug, Need.START)
    form = PollForm(
        request.POST or None,
        topics=topic_list(request.user, owner),
        people=queries.members_of(owner).order_by("display_name", "pk"),
        initial={"kind": request.GET.get("kind", PollKind.PROPOSAL),
                 "closes_at": timezone.localtime() + timedelta(days=7),
                 "topic": request.GET.get("topic"),
                 "audience": request.GET.get("audience", Audience.MEMBERS),
                 "campaign": request.GET.get("campaign"), "event": request.GET.get("event")},
        **_segment_rows(owner),
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            poll = actions.poll_create(actor=request.user, owner=owner, **form.cleaned_data)
        except DecisionError as error:
            add_error(form, error)
        else:
            return redirect(poll)
    return render_page(
        request,
        "decisions/poll_new.html",
        {**_owner_context(request, owner), "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _poll_context(request: HttpRequest, poll: Poll, form: VoteForm | None = None) -> dict[str, Any]:
    options = queries.poll_options(poll)
    stance = queries.my_stance(request.user, poll)
    visible = queries.results_visible(request.user, poll)
    voting = poll.is_open() and can_vote(request.user, poll)
    if form is None and voting:
        form = VoteForm(
            poll=poll, options=options, stance=stance, preselect=request.GET.get("choice")
        )
    manage = can_manage(request.user, poll)
    topic = poll.topic
    advisors = queries.advisors(poll) if poll.kind == PollKind.ADVICE and visible else []
    segment = segments.parse(poll.owner, request.GET.get("segment", "")) if visible else None
    people = segments.people(poll.owner, segment) if segment is not None else None
    given = sum(1 for advisor in advisors if advisor.stance)
    return {
        **_owner_context(request, poll.owner),
        "poll": poll,
        "topic": topic if topic is not None and can_see_topic(request.user, topic) else None,
        "options": options,
        "stance": stance,
        "form": form if voting else None,
        "results": queries.segment_results(poll, options, segment) if visible else None,
        "stances": queries.named_stances(poll, people) if visible else [],
        "segments": segments.choices(poll.owner) if visible else [],
        "segment": segment,
        "timeline": queries.timeline(poll, with_stances=visible),
        "outcome": Outcome.objects.filter(poll=poll)
        .select_related("author", "news", "rules")
        .first(),
        "advisors": advisors,
        "advice_given": given,
        "advice_bar": svg_number(100 * given / len(advisors)) if advisors else "0",
        "can_manage": manage,
        "amend_form": AmendForm(initial={"details": poll.details})
        if manage and poll.is_open() and poll.kind in actions.FIXED
        else None,
        "extend_form": ExtendForm(initial={"closes_at": poll.closes_at}) if manage else None,
    }


def poll_detail(request: HttpRequest, pk: int) -> HttpResponse:
    poll = access_poll(request.user, pk)
    if poll.kind == PollKind.SURVEY:
        return render_page(
            request,
            "decisions/survey_detail.html",
            _survey_context(request, poll),
            partial="decisions/partials/survey_body.html",
        )
    return render_page(
        request,
        "decisions/poll_detail.html",
        _poll_context(request, poll),
        partial="decisions/partials/poll_body.html",
    )


@require_POST
@login_required
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    """Vote, or change one's vote; htmx gets the ballot and results back in place."""
    poll = access_poll(request.user, pk, Need.VOTE)
    if poll.kind == PollKind.SURVEY:
        return redirect(poll)
    options = queries.poll_options(poll)
    form = VoteForm(request.POST, poll=poll, options=options)
    if form.is_valid():
        try:
            actions.stance_cast(
                actor=request.user,
                poll=poll,
                choices=form.ballot(),
                reason=form.cleaned_data["reason"],
            )
        except DecisionError as error:
            add_error(form, error)
        else:
            messages.success(request, _("Your vote is saved. You may change it until the close."))
            if getattr(request, "htmx", False):
                return render_page(
                    request, "decisions/poll_detail.html", _poll_context(request, poll),
                    partial="decisions/partials/poll_body.html",
                )  # fmt: skip
            return redirect(poll)
    return render_page(
        request,
        "decisions/poll_detail.html",
        _poll_context(request, poll, form),
        partial="decisions/partials/poll_body.html",
        status=400,
    )


@require_POST
@login_required
def close(request: HttpRequest, pk: int) -> HttpResponse:
    poll = access_poll(request.user, pk, Need.MANAGE)
    try:
        actions.poll_close(actor=request.user, poll=poll)
    except DecisionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The decision is closed. Now write its outcome."))
    return redirect(poll)


@require_POST
@login_required
def amend(request: HttpRequest, pk: int) -> HttpResponse:
    poll = access_poll(request.user, pk, Need.MANAGE)
    form = AmendForm(request.POST)
    if form.is_valid():
        try:
            actions.poll_amend(actor=request.user, poll=poll, details=form.cleaned_data["details"])
        except DecisionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Amended. Those who objected are asked to look again."))
    return redirect(poll)


@require_POST
@login_required
def extend(request: HttpRequest, pk: int) -> HttpResponse:
    poll = access_poll(request.user, pk, Need.MANAGE)
    form = ExtendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a valid closing time."))
        return redirect(poll)
    try:
        actions.poll_extend(actor=request.user, poll=poll, closes_at=form.cleaned_data["closes_at"])
    except DecisionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The closing time is changed."))
    return redirect(poll)


@login_required
def outcome(request: HttpRequest, pk: int) -> HttpResponse:
    poll = access_poll(request.user, pk, Need.MANAGE)
    current = Outcome.objects.filter(poll=poll).first()
    form = OutcomeForm(
        request.POST or None, initial={"statement": current.statement if current else ""}
    )
    if poll.kind == PollKind.ADVICE:
        form.fields["statement"].label = _("The decision you took")
        form.fields["statement"].help_text = _(
            "What you decided and why, in the light of the advice you received. Markdown."
        )
    if request.method == "POST" and form.is_valid():
        try:
            actions.outcome_set(actor=request.user, poll=poll, **form.cleaned_data)
        except DecisionError as error:
            add_error(form, error)
        else:
            messages.success(request, _("The outcome is saved and members are told."))
            return redirect(poll)
    return render_page(
        request,
        "decisions/outcome.html",
        {**_owner_context(request, poll.owner), "poll": poll, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def export(request: HttpRequest, pk: int) -> HttpResponse:
    """The latest stances as CSV: names, times, choices and reasons for a named poll; for an
    anonymous one only choices and reasons, sorted by their content so that not even the
    order of the rows tells who voted when. ``?segment=`` keeps one segment's stances (an
    anonymous poll's segment of fewer than ``queries.MIN_GROUP`` gives the header alone)."""
    poll = access_poll(request.user, pk)
    if not queries.results_visible(request.user, poll):
        return HttpResponse(_("The results are hidden until the close."), status=403)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="decision-{poll.pk}.csv"'
    writer = csv_writer(response)
    segment = segments.parse(poll.owner, request.GET.get("segment", ""))
    if poll.kind == PollKind.SURVEY:
        _survey_rows(writer, poll, segment)
        return response
    options = queries.poll_options(poll)
    head = [o.display for o in options] + [_("Reason")]
    writer.writerow(head if poll.anonymous else [_("Participant"), _("Voted at"), *head])
    people = segments.people(poll.owner, segment) if segment is not None else None
    stances = queries.export_stances(poll, people)
    if people is not None and poll.anonymous and len(stances) < queries.MIN_GROUP:
        return response
    rows = []
    for stance in stances:
        scores = {c.option_id: c.score for c in stance.choices.all()}
        row: list[Any] = [scores.get(o.pk, "") for o in options] + [stance.reason]
        if not poll.anonymous:
            row = [stance.participant_name, timezone.localtime(stance.created_at).isoformat(), *row]
        rows.append(row)
    if poll.anonymous:
        rows.sort(key=lambda row: [str(cell) for cell in row])
    writer.writerows(rows)
    return response


#: The register's columns, the same names in CSV and JSON (a machine reads them back).
REGISTER_COLUMNS = (
    "id", "title", "kind", "opened_at", "closed_at", "participants", "result", "outcome", "url",
)  # fmt: skip


def register_export(request: HttpRequest, kind: str, slug: str, fmt: str) -> HttpResponse:
    """The decision register (closed polls with results and outcomes) as CSV or JSON,
    searched like the page (``q``)."""
    owner = access_owner(request.user, kind, slug)
    if fmt not in ("csv", "json"):
        raise Http404
    rows = []
    for row in queries.register(request.user, owner, text=request.GET.get("q", "")):
        url = reverse("decisions:poll", args=[row["id"]])
        rows.append({**row, "opened_at": timezone.localtime(row["opened_at"]).isoformat(),
                     "closed_at": timezone.localtime(row["closed_at"]).isoformat(),
                     "url": request.build_absolute_uri(url)})  # fmt: skip
    name = f"decisions-{owner.slug}"
    if fmt == "json":
        as_json = JsonResponse({"decisions": rows}, json_dumps_params={"ensure_ascii": False})
        as_json["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return as_json
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    writer = csv_writer(response)
    writer.writerow(REGISTER_COLUMNS)
    writer.writerows([row[key] for key in REGISTER_COLUMNS] for row in rows)
    return response


# --- surveys ---------------------------------------------------------------------------------


@login_required
def survey_new(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    """The community's admins build a survey from up to six questions at a time."""
    owner = access_owner(request.user, kind, slug, Need.MANAGE)
    form = SurveyForm(
        request.POST or None,
        initial={"closes_at": timezone.localtime() + timedelta(days=14),
                 "audience": request.GET.get("audience", Audience.MEMBERS),
                 "campaign": request.GET.get("campaign"), "event": request.GET.get("event")},
        **_segment_rows(owner),
    )  # fmt: skip
    questions = QuestionFormSet(request.POST or None, prefix="q")
    if request.method == "POST" and form.is_valid() and questions.is_valid():
        specs = [row for row in questions.cleaned_data if row]
        try:
            poll = actions.survey_create(
                actor=request.user, owner=owner, questions=specs, **form.cleaned_data
            )
        except DecisionError as error:
            add_error(form, error)
        else:
            return redirect(poll)
    return render_page(
        request,
        "decisions/survey_new.html",
        {**_owner_context(request, owner), "form": form, "questions": questions},
        status=400 if request.method == "POST" else 200,
    )


def _survey_context(
    request: HttpRequest, poll: Poll, form: AnswerForm | None = None
) -> dict[str, Any]:
    options = queries.poll_options(poll)
    questions = queries.survey_questions(poll)
    stance = queries.my_stance(request.user, poll)
    answering = poll.is_open() and can_vote(request.user, poll)
    if form is None and answering:
        form = AnswerForm(questions=questions, options=options, stance=stance)
    visible = queries.results_visible(request.user, poll)
    segment = segments.parse(poll.owner, request.GET.get("segment", ""))
    return {
        **_owner_context(request, poll.owner),
        "poll": poll,
        "stance": stance,
        "form": form if answering else None,
        "audience_label": segments.of_poll(poll).label,
        "segments": segments.choices(poll.owner) if visible else [],
        "segment": segment,
        "results": queries.survey_results(poll, options, segment) if visible else None,
        "can_publish": poll.host_id is not None and is_admin(request.user, poll.owner),
        "outcome": Outcome.objects.filter(poll=poll).select_related("author", "news").first(),
        "can_manage": can_manage(request.user, poll),
        "extend_form": ExtendForm(initial={"closes_at": poll.closes_at})
        if can_manage(request.user, poll)
        else None,
    }


@require_POST
@login_required
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Answer a survey, or change one's answers; htmx gets the form and results in place.
    Someone outside the survey's segment is told so, and nothing is stored."""
    poll = access_poll(request.user, pk)
    if poll.kind != PollKind.SURVEY:
        raise Http404
    if not can_vote(request.user, poll):
        messages.error(request, actions.outside_segment(poll).message)
        return render_page(
            request, "decisions/survey_detail.html", _survey_context(request, poll),
            partial="decisions/partials/survey_body.html", status=403,
        )  # fmt: skip
    form = AnswerForm(
        request.POST,
        questions=queries.survey_questions(poll),
        options=queries.poll_options(poll),
    )
    if form.is_valid():
        try:
            actions.survey_answer(actor=request.user, poll=poll, answers=form.answers())
        except DecisionError as error:
            add_error(form, error)
        else:
            messages.success(request, _("Thank you. You may change your answers until the close."))
            if not getattr(request, "htmx", False):
                return redirect(poll)
            return render_page(
                request, "decisions/survey_detail.html", _survey_context(request, poll),
                partial="decisions/partials/survey_body.html",
            )  # fmt: skip
    return render_page(
        request,
        "decisions/survey_detail.html",
        _survey_context(request, poll, form),
        partial="decisions/partials/survey_body.html",
        status=400,
    )


def _survey_rows(writer: Any, poll: Poll, segment: segments.Segment | None = None) -> None:
    """A row per person (of ``segment`` only, when given) and a column per question
    (choices joined by "; ", or the text); an anonymous survey has no name or time column
    and its rows are sorted by content; an anonymous segment of fewer than
    ``queries.MIN_GROUP`` answers gives the header alone."""
    questions = queries.survey_questions(poll)
    options = {o.pk: o for o in queries.poll_options(poll)}
    head = [q.prompt for q in questions]
    writer.writerow(head if poll.anonymous else [_("Participant"), _("Answered at"), *head])
    people = segments.people(poll.owner, segment) if segment is not None else None
    stances = queries.export_stances(poll, people)
    if people is not None and poll.anonymous and len(stances) < queries.MIN_GROUP:
        return
    rows = []
    for stance in stances:
        cells: dict[int, list[str]] = {}
        for choice in stance.choices.all():
            option = options[choice.option_id]
            cells.setdefault(option.question_id or 0, []).append(
                choice.text if option.key == "text" else option.display
            )
        row: list[Any] = ["; ".join(cells.get(q.pk, [])) for q in questions]
        if not poll.anonymous:
            row = [stance.participant_name, timezone.localtime(stance.created_at).isoformat(), *row]
        rows.append(row)
    if poll.anonymous:
        rows.sort()
    writer.writerows(rows)


# --- signed vote links from e-mails -----------------------------------------------------------

#: The status of each way a vote link can fail: a clear page, never a 500.
LINK_STATUS = {Code.LINK_INVALID: 400, Code.LINK_EXPIRED: 410, Code.LINK_OTHER_PERSON: 403,
               Code.CLOSED: 409, Code.NOT_ELIGIBLE: 403}  # fmt: skip


def _link_poll(request: HttpRequest, token: str) -> tuple[Poll, Any]:
    """The poll and person of a vote link, or a ``DecisionError`` saying why not."""
    link = read_vote_token(token)
    if request.user.is_authenticated and request.user.pk != link.person.pk:
        raise DecisionError(Code.LINK_OTHER_PERSON)
    poll = (
        Poll.objects.select_related("collective__host", "host", "chapter", "author")
        .filter(pk=link.poll_id)
        .first()
    )
    if poll is None or poll.kind == PollKind.SURVEY:
        raise DecisionError(Code.LINK_INVALID)
    if not (can_see_poll(link.person, poll) and can_vote(link.person, poll)):
        raise DecisionError(Code.NOT_ELIGIBLE)
    if not poll.is_open():
        raise DecisionError(Code.CLOSED)
    return poll, link


def vote_link(request: HttpRequest, token: str) -> HttpResponse:
    """A vote link from an e-mail: GET shows the ballot with the clicked option chosen,
    for the person the link was sent to; only the POST of that page records the stance.
    A changed, expired or someone else's link, or a closed poll, gets a page saying so."""
    try:
        poll, link = _link_poll(request, token)
    except DecisionError as error:
        return render_page(request, "decisions/vote_link.html", {"error": error.message},
                           status=LINK_STATUS.get(error.code, 400))  # fmt: skip
    person = link.person
    options = queries.poll_options(poll)
    stance = queries.my_stance(person, poll)
    if request.method == "POST":
        form = VoteForm(request.POST, poll=poll, options=options)
        if form.is_valid():
            try:
                actions.stance_cast(actor=person, poll=poll, choices=form.ballot(),
                                    reason=form.cleaned_data["reason"])  # fmt: skip
            except DecisionError as error:
                add_error(form, error)
            else:
                return render_page(request, "decisions/vote_link.html",
                                   {"poll": poll, "done": True, "person": person})  # fmt: skip
    else:
        form = VoteForm(poll=poll, options=options, stance=stance,
                        preselect=str(link.option_id) if link.option_id else None)  # fmt: skip
    return render_page(
        request,
        "decisions/vote_link.html",
        {"poll": poll, "form": form, "person": person, "stance": stance},
        status=400 if request.method == "POST" else 200,
    )


# --- the yearly impact survey and published results --------------------------------------------


@require_POST
@login_required
def impact_new(request: HttpRequest, slug: str) -> HttpResponse:
    """A host's admins start the yearly impact survey in one click."""
    host = access_owner(request.user, "host", slug, Need.MANAGE)
    assert isinstance(host, Host)
    poll = actions.impact_survey_create(actor=request.user, host=host)
    messages.success(request, _("The impact survey is sent to the members."))
    return redirect(poll)


@require_POST
@login_required
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    """A host's admins publish a closed survey's results on the host's page, or not."""
    poll = access_poll(request.user, pk)
    try:
        actions.survey_publish(
            actor=request.user, poll=poll, publish=request.POST.get("publish") != "0"
        )
    except DecisionError as error:
        messages.error(request, error.message)
    return redirect(poll)
