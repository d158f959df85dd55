"""The decisions API: polls of a community, one poll with its results, voting, closing and
the outcome; surveys (created, answered and counted here; closed and given an outcome through
the polls' endpoints).

Errors are ``{"detail", "code"}`` (docs/api.md): 401 without a person on writes, 404 for a
poll the caller may not read, 403 ``permission_denied`` for one they may read but not take
part in or manage, 409 ``closed`` / ``still_open``, and the other codes of
``DecisionErrorCode`` with 422. In an anonymous poll no answer names a participant."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from samen.api.auth import api_auth
from samen.api.pagination import CursorParams, page_of, paginate
from samen.communities.models import Host
from samen.communities.validation import render_markdown
from samen.conversations.access import access_topic, can_see_topic
from samen.decisions import actions, queries, segments
from samen.decisions.access import Need, access_owner, access_poll
from samen.decisions.errors import DecisionError
from samen.decisions.errors import DecisionErrorCode as Code
from samen.decisions.models import Outcome, Poll, PollKind, PollOption, Stance
from samen.events.models import Event
from samen.funding.models import Campaign

router = Router(tags=["decisions"])

OwnerKind = Literal["collective", "host", "chapter"]
KindName = Literal[
    "proposal", "consent", "single", "multiple", "score", "ranked", "dots", "meeting", "advice"
]
AudienceName = Literal[
    "members", "admins", "role", "signed_in", "listed", "attendees", "backers", "debtors",
    "followers",
]  # fmt: skip
RoleName = Literal["", "admins", "moderators", "coaches"]


class PollOut(Schema):
    id: int
    kind: KindName | Literal["survey"]
    title: str
    author: str = Field(description='Public name; "Former member" after erasure.')
    audience: AudienceName
    segment: str = Field(description="Who may take part, in words (with the event or campaign).")
    role: str = Field(description='For audience "role": admins, moderators or coaches.')
    event: int | None = Field(description='Audience "attendees": the event.')
    campaign: int | None = Field(description='Audience "backers": the campaign.')
    anonymous: bool
    hide_results: bool = Field(description="Results are hidden until the close.")
    opened_at: datetime
    closes_at: datetime
    closed_at: datetime | None
    is_open: bool
    url: str

    @staticmethod
    def resolve_author(obj: Poll) -> str:
        return obj.author_name

    @staticmethod
    def resolve_segment(obj: Poll) -> str:
        return segments.of_poll(obj).label

    @staticmethod
    def resolve_event(obj: Poll) -> int | None:
        return obj.event_id

    @staticmethod
    def resolve_campaign(obj: Poll) -> int | None:
        return obj.campaign_id

    @staticmethod
    def resolve_is_open(obj: Poll) -> bool:
        return obj.is_open()

    @staticmethod
    def resolve_url(obj: Poll) -> str:
        return obj.get_absolute_url()


class OptionOut(Schema):
    id: int
    label: str

    @staticmethod
    def resolve_label(obj: PollOption) -> str:
        return obj.display


class OptionResultOut(Schema):
    option: int
    label: str
    count: int = Field(description="People who chose it (said yes to a meeting slot).")
    total: int = Field(description="Sum of scores or dots; a ranked option's last-round votes.")
    maybe: int = Field(description='"If need be" answers to a meeting slot.')
    percent: float


class RoundOut(Schema):
    counts: dict[int, int] = Field(description="First choices per option still in.")
    exhausted: int
    eliminated: int | None


class ResultsOut(Schema):
    participants: int
    eligible: int | None = Field(description="Who may take part; null for open network polls.")
    quorum_needed: int | None
    quorum_reached: bool | None
    winner: int | None = Field(description="The winning option; null without one or on a tie.")
    passed: bool | None = Field(description="For proposals and consent polls.")
    options: list[OptionResultOut] = Field(description="Empty when ``too_few``.")
    rounds: list[RoundOut] = Field(description="Ranked choice: every instant run-off round.")
    segment: str | None = Field(
        description="The segment counted alone (``?segment=``); null for everyone."
    )
    too_few: bool = Field(
        description="An anonymous poll's segment with fewer than 5 participants: no option shown."
    )


class ChoiceOut(Schema):
    option: int
    score: int


class StanceOut(Schema):
    participant: str | None = Field(description="Null in anonymous polls.")
    reason: str
    created_at: datetime
    choices: list[ChoiceOut]


class OutcomeOut(Schema):
    statement: str
    statement_html: str
    author: str
    created_at: datetime
    news_id: int | None
    rules_version: int | None = Field(description="The house-rules version it adopted.")


class MomentOut(Schema):
    at: datetime
    text: str = Field(description="What happened, in the caller's language.")
    detail: str = Field(description="The reason given with an objection or a block.")


class AdvisorOut(Schema):
    name: str
    roles: list[str]
    advice: StanceOut | None = Field(description="Null while their advice is awaited.")


class PollDetailOut(PollOut):
    details: str = Field(description="Markdown, as written.")
    rules_text: str = Field(description="Proposed house rules, if any (Markdown).")
    details_html: str = Field(description="Rendered and sanitised.")
    options: list[OptionOut]
    results: ResultsOut | None = Field(description="Null while hidden until the close.")
    stances: list[StanceOut] = Field(description="Named polls only; empty when anonymous.")
    my_stance: StanceOut | None
    outcome: OutcomeOut | None
    topic: int | None = Field(
        description="The discussion it comes from, if the caller can read it."
    )
    advisors: list[AdvisorOut] = Field(
        description="Advice process: who was asked and their advice (while results show)."
    )
    timeline: list[MomentOut] = Field(
        description="Start, objections and blocks (named polls, while results show), "
        "amendments, new closing times, the close and the outcome, oldest first."
    )

    @staticmethod
    def resolve_timeline(obj: Poll) -> list[dict[str, Any]]:
        return list(obj.for_caller["timeline"])  # type: ignore[attr-defined]

    @staticmethod
    def resolve_advisors(obj: Poll) -> list[dict[str, Any]]:
        return list(obj.for_caller["advisors"])  # type: ignore[attr-defined]

    @staticmethod
    def resolve_topic(obj: Poll) -> int | None:
        return obj.for_caller["topic"]  # type: ignore[attr-defined]

    @staticmethod
    def resolve_details_html(obj: Poll) -> str:
        return render_markdown(obj.details, link_rel="nofollow ugc")

    @staticmethod
    def resolve_options(obj: Poll) -> list[PollOption]:
        return list(obj.for_caller["options"])  # type: ignore[attr-defined]

    @staticmethod
    def resolve_results(obj: Poll) -> dict[str, Any] | None:
        return obj.for_caller["results"]  # type: ignore[attr-defined]

    @staticmethod
    def resolve_stances(obj: Poll) -> list[dict[str, Any]]:
        return list(obj.for_caller["stances"])  # type: ignore[attr-defined]

    @staticmethod
    def resolve_my_stance(obj: Poll) -> dict[str, Any] | None:
        return obj.for_caller["my_stance"]  # type: ignore[attr-defined]

    @staticmethod
    def resolve_outcome(obj: Poll) -> dict[str, Any] | None:
        return obj.for_caller["outcome"]  # type: ignore[attr-defined]


class PollIn(Schema):
    kind: KindName
    title: str = Field(..., max_length=200)
    details: str = Field("", max_length=actions.MAX_DETAILS, description="Markdown.")
    closes_at: datetime = Field(description="One hour to one year from now.")
    options: list[str] = Field([], description="Not for proposals and consent polls.")
    audience: AudienceName = "members"
    anonymous: bool = False
    hide_results: bool = False
    quorum_percent: int | None = Field(None, ge=1, le=100)
    max_score: int = Field(5, ge=1, le=10)
    dots: int = Field(10, ge=1, le=100)
    max_choices: int = Field(0, ge=0, description="Multiple choice; 0: no limit.")
    topic: int | None = Field(None, description="A discussion topic of the same community.")
    affected: list[int] = Field([], description="Advice process: ids of the people affected.")
    experts: list[int] = Field([], description="Advice process: ids of people with expertise.")
    listed: list[int] = Field([], description='Audience "listed": ids of who may take part.')
    role: RoleName = Field("", description='Audience "role": whose people take part.')
    event: int | None = Field(None, description='Audience "attendees": an event of the community.')
    campaign: int | None = Field(
        None, description='Audience "backers": a campaign of the collective.'
    )
    rules_text: str = Field(
        "", max_length=actions.MAX_DETAILS,
        description="New house rules (admins; proposal or consent), adopted when it passes.",
    )  # fmt: skip


class ChoiceIn(Schema):
    option: int
    score: int = Field(1, ge=0, description="Rank (1 first), score, dots, or 2/1/0 per slot.")


class VoteIn(Schema):
    choices: list[ChoiceIn]
    reason: str = Field("", max_length=actions.MAX_REASON)


class OutcomeIn(Schema):
    statement: str = Field(..., max_length=actions.MAX_DETAILS, description="Markdown.")
    publish_news: bool = False


def _stance(stance: Stance, anonymous: bool) -> dict[str, Any]:
    return {
        "participant": None if anonymous else stance.participant_name,
        "reason": stance.reason,
        "created_at": stance.created_at,
        "choices": [{"option": c.option_id, "score": c.score} for c in stance.choices.all()],
    }


def _results(results: queries.Results) -> dict[str, Any]:
    return {
        "participants": results.participants,
        "eligible": results.eligible,
        "quorum_needed": results.quorum_needed,
        "quorum_reached": results.quorum_reached,
        "winner": results.winner.pk if results.winner else None,
        "passed": results.passed,
        "segment": results.segment.key if results.segment else None,
        "too_few": results.too_few,
        "options": [
            {
                "option": r.option.pk,
                "label": r.label,
                "count": r.count,
                "total": r.total,
                "maybe": r.maybe,
                "percent": round(r.percent, 1),
            }
            for r in results.options
        ],
        "rounds": [
            {
                "counts": {o.pk: n for o, n in rnd.counts},
                "exhausted": rnd.exhausted,
                "eliminated": rnd.eliminated.pk if rnd.eliminated else None,
            }
            for rnd in results.rounds
        ],
    }


def _outcome(poll: Poll) -> dict[str, Any] | None:
    outcome = Outcome.objects.filter(poll=poll).select_related("author", "rules").first()
    if outcome is None:
        return None
    return {
        "statement": outcome.statement,
        "statement_html": render_markdown(outcome.statement, link_rel="nofollow ugc"),
        "author": outcome.author.public_name if outcome.author else poll.author_name,
        "created_at": outcome.created_at,
        "news_id": outcome.news_id,
        "rules_version": outcome.rules.version if outcome.rules else None,
    }


def _segment(poll: Poll, key: str) -> segments.Segment | None:
    """The segment a ``?segment=`` names (None for everyone); 422 ``bad_setting`` for one
    that is not the poll's community's."""
    picked = segments.parse(poll.owner, key) if key else None
    if key and picked is None:
        raise DecisionError(Code.BAD_SETTING, field="segment")
    return picked


def _detail(request: HttpRequest, poll: Poll, segment: str = "") -> Poll:
    """``poll`` with what the caller may see of it, for ``PollDetailOut``; its results
    and named stances of one ``segment`` (``segments.Segment.key``) when given."""
    options = queries.poll_options(poll)
    mine = queries.my_stance(request.user, poll)
    visible = queries.results_visible(request.user, poll)
    picked = _segment(poll, segment)
    people = segments.people(poll.owner, picked) if picked is not None else None
    named = queries.named_stances(poll, people) if visible else []
    poll.for_caller = {  # type: ignore[attr-defined]
        "options": options,
        "results": _results(queries.segment_results(poll, options, picked)) if visible else None,
        "stances": [_stance(s, False) for s in named],
        "my_stance": _stance(mine, poll.anonymous) if mine else None,
        "outcome": _outcome(poll),
        "timeline": [vars(m) for m in queries.timeline(poll, with_stances=visible)],
        "topic": poll.topic_id if poll.topic and can_see_topic(request.user, poll.topic) else None,
        "advisors": [
            {
                "name": a.name,
                "roles": [str(r) for r in a.roles],
                "advice": _stance(a.stance, False) if a.stance else None,
            }
            for a in queries.advisors(poll)
        ]
        if visible and poll.kind == PollKind.ADVICE
        else [],
    }
    return poll


def _segment_rows(fields: dict[str, Any]) -> dict[str, Any]:
    """The event and campaign ids of a payload as rows (the action checks whose they are)."""
    event_id, campaign_id = fields.pop("event"), fields.pop("campaign")
    event = Event.objects.filter(pk=event_id).first() if event_id is not None else None
    campaign = Campaign.objects.filter(pk=campaign_id).first() if campaign_id else None
    return {**fields, "event": event, "campaign": campaign}


def _people(ids: list[int], field: str) -> list[Any]:
    """The people named by id; an id that names nobody active is refused like a stranger."""
    found = list(get_user_model().objects.filter(pk__in=set(ids), is_active=True))
    if len(found) != len(set(ids)):
        raise DecisionError(Code.NOT_MEMBER, field=field)
    return found


@router.get("/{kind}/{slug}/polls", response=page_of(PollOut), operation_id="decision_polls")
def polls(
    request: HttpRequest,
    kind: OwnerKind,
    slug: str,
    params: Query[CursorParams],
    state: Literal["open", "closed"] | None = None,
) -> Any:
    """The polls the caller may read, newest first (``state``: only open or closed ones).
    404 ``not_found`` for an unknown community."""
    owner = access_owner(request.user, kind, slug)
    closed = None if state is None else state == "closed"
    return paginate(queries.poll_list(request.user, owner, closed=closed), params)


@router.post(
    "/{kind}/{slug}/polls",
    response={201: PollDetailOut},
    auth=api_auth,
    operation_id="decision_poll_create",
)
def poll_create(request: HttpRequest, kind: OwnerKind, slug: str, payload: PollIn) -> Any:
    """Start a decision (members). 403 for others; 422 ``title_missing``, ``too_long``,
    ``deadline_past``, ``deadline_far``, ``options_missing``, ``too_many_options``,
    ``bad_setting``, ``wrong_topic``; 404 for a topic the caller may not read."""
    owner = access_owner(request.user, kind, slug, Need.START)
    fields = payload.dict()
    for key in ("affected", "experts", "listed"):
        fields[key] = _people(fields[key], key)
    topic_id = fields.pop("topic")
    topic = access_topic(request.user, topic_id) if topic_id is not None else None
    poll = actions.poll_create(
        actor=request.user, owner=owner, topic=topic, **_segment_rows(fields)
    )
    return Status(201, _detail(request, access_poll(request.user, poll.pk)))


@router.get("/polls/{pk}", response=PollDetailOut, operation_id="decision_poll")
def poll_get(request: HttpRequest, pk: int, segment: str = "") -> Any:
    """A poll with its options, results (unless hidden until the close), the named stances
    (never for an anonymous poll), the caller's own stance and the outcome. ``segment``
    (``members``, ``admins``, ``role-moderators``, ``role-coaches``, ``debtors``,
    ``followers``, ``event-<id>``, ``campaign-<id>``) counts, and lists, only that
    segment's stances (``too_few`` for an anonymous poll's segment under 5); 422
    ``bad_setting`` for one that is not the community's. 404 when the poll is not for the
    caller."""
    return _detail(request, access_poll(request.user, pk), segment)


@router.post(
    "/polls/{pk}/votes", response={201: PollDetailOut}, auth=api_auth, operation_id="decision_vote"
)
def vote(request: HttpRequest, pk: int, payload: VoteIn) -> Any:
    """Take part, or change one's vote (the earlier stance is kept, not latest). 403 for
    people who may not take part; 409 ``closed``; 422 ``choice_missing``, ``one_choice``,
    ``too_many_choices``, ``unknown_option``, ``repeated_option``, ``bad_score``,
    ``bad_ranks``, ``too_many_dots``, ``reason_missing`` (a block or an objection)."""
    poll = access_poll(request.user, pk, Need.VOTE)
    actions.stance_cast(
        actor=request.user,
        poll=poll,
        choices=[(c.option, c.score) for c in payload.choices],
        reason=payload.reason,
    )
    return Status(201, _detail(request, poll))


@router.post(
    "/polls/{pk}/close", response=PollDetailOut, auth=api_auth, operation_id="decision_close"
)
def close(request: HttpRequest, pk: int) -> Any:
    """Close early (the author or an admin; 403 for others). 409 ``closed``."""
    poll = access_poll(request.user, pk, Need.MANAGE)
    return _detail(request, actions.poll_close(actor=request.user, poll=poll))


@router.post(
    "/polls/{pk}/outcome",
    response={201: OutcomeOut},
    auth=api_auth,
    operation_id="decision_outcome",
)
def outcome(request: HttpRequest, pk: int, payload: OutcomeIn) -> Any:
    """State the outcome of a closed poll (the author or an admin); members are told.
    409 ``still_open``; 422 ``outcome_missing``; ``publish_news`` is for news writers (403)."""
    poll = access_poll(request.user, pk, Need.MANAGE)
    actions.outcome_set(
        actor=request.user,
        poll=poll,
        statement=payload.statement,
        publish_news=payload.publish_news,
    )
    return Status(201, _outcome(poll))


class AmendIn(Schema):
    details: str = Field(..., max_length=actions.MAX_DETAILS, description="Markdown, in full.")


class ExtendIn(Schema):
    closes_at: datetime = Field(description="One hour to one year from now.")


@router.post(
    "/polls/{pk}/amend", response=PollDetailOut, auth=api_auth, operation_id="decision_amend"
)
def amend(request: HttpRequest, pk: int, payload: AmendIn) -> Any:
    """Amend an open proposal, consent poll or advice process (the author or an admin; 403
    for others): the new details replace the old, blocks and objections are set aside
    (kept in the history) and their authors asked to look again. 409 ``closed``; 422
    ``not_consent`` for another kind, ``too_long``."""
    poll = access_poll(request.user, pk, Need.MANAGE)
    return _detail(request, actions.poll_amend(actor=request.user, poll=poll,
                                               details=payload.details))  # fmt: skip


@router.post(
    "/polls/{pk}/extend", response=PollDetailOut, auth=api_auth, operation_id="decision_extend"
)
def extend(request: HttpRequest, pk: int, payload: ExtendIn) -> Any:
    """Move the closing time (the author or an admin; 403 for others); a poll closed
    without an outcome opens again. 409 ``closed`` once its outcome is written; 422
    ``deadline_past``, ``deadline_far``."""
    poll = access_poll(request.user, pk, Need.MANAGE)
    return _detail(request, actions.poll_extend(actor=request.user, poll=poll,
                                                closes_at=payload.closes_at))  # fmt: skip


class RegisterOut(Schema):
    id: int
    title: str
    kind: KindName | Literal["survey"]
    opened_at: datetime
    closed_at: datetime
    participants: int
    result: str = Field(description='"passed" / "not passed", the winner, or "" (a tie, a survey).')
    outcome: str = Field(
        description="The outcome statement (Markdown); empty before it is written."
    )
    url: str


@router.get(
    "/{kind}/{slug}/register", response=page_of(RegisterOut), operation_id="decision_register"
)
def register(
    request: HttpRequest, kind: OwnerKind, slug: str, params: Query[CursorParams], q: str = ""
) -> Any:
    """The decision register: every closed poll the caller may read, newest first, with
    its participants, result and outcome (the rows of ``register.csv`` and
    ``register.json``); ``q`` searches titles, details and outcomes. 404 ``not_found``
    for an unknown community."""
    owner = access_owner(request.user, kind, slug)
    polls = queries.poll_list(request.user, owner, closed=True, text=q[:200])
    page = paginate(polls, params, order=("-opened_at", "-id"))
    page["items"] = [{**queries.register_row(poll), "url": poll.get_absolute_url()}
                     for poll in page["items"]]  # fmt: skip
    return page


# --- surveys ---------------------------------------------------------------------------------

QuestionKindName = Literal["scale5", "scale10", "single", "multiple", "short", "long", "yes_no"]


class QuestionIn(Schema):
    kind: QuestionKindName
    prompt: str = Field(..., max_length=300)
    options: list[str] = Field([], description="For single and multiple choice only.")
    required: bool = False


class SurveyIn(Schema):
    title: str = Field(..., max_length=200)
    details: str = Field("", max_length=actions.MAX_DETAILS, description="Markdown.")
    closes_at: datetime = Field(description="One hour to one year from now.")
    audience: AudienceName = Field("members", description='Not "listed".')
    role: RoleName = Field("", description='Audience "role": whose people take part.')
    event: int | None = Field(None, description='Audience "attendees": an event of the community.')
    campaign: int | None = Field(
        None, description='Audience "backers": a campaign of the collective.'
    )
    anonymous: bool = False
    hide_results: bool = False
    questions: list[QuestionIn] = Field(..., description="At most 30.")


class AnswerIn(Schema):
    question: int
    options: list[int] = Field([], description="The chosen options (one but for multiple).")
    text: str = Field("", max_length=actions.MAX_ANSWER, description="For a text question.")


class AnswersIn(Schema):
    answers: list[AnswerIn]


class QuestionOut(Schema):
    id: int
    kind: QuestionKindName
    prompt: str
    required: bool
    options: list[OptionOut] = Field(description="Empty for a text question.")


class TextAnswerOut(Schema):
    participant: str | None = Field(description="Null in anonymous surveys.")
    text: str


class QuestionResultOut(Schema):
    question: int
    answered: int
    mean: float | None = Field(description="The average of a scale question.")
    options: list[OptionResultOut]
    texts: list[TextAnswerOut] = Field(description="At most 200 written answers; the CSV has all.")


class SurveyResultsOut(Schema):
    participants: int
    eligible: int | None
    segment: str | None = Field(description="The segment the results are of; null for all.")
    too_few: bool = Field(
        description="An anonymous survey's segment with fewer than 5 answers: nothing shown."
    )
    questions: list[QuestionResultOut]


class MyAnswerOut(Schema):
    question: int
    options: list[int]
    text: str


class SurveyOut(PollOut):
    details: str
    details_html: str
    questions: list[QuestionOut]
    results: SurveyResultsOut | None = Field(description="Null while hidden until the close.")
    my_answers: list[MyAnswerOut] | None = Field(description="The caller's answers, no name.")
    outcome: OutcomeOut | None

    @staticmethod
    def resolve_details_html(obj: Poll) -> str:
        return render_markdown(obj.details, link_rel="nofollow ugc")

    @staticmethod
    def resolve_questions(obj: Poll) -> list[dict[str, Any]]:
        return list(obj.for_caller["questions"])  # type: ignore[attr-defined]

    @staticmethod
    def resolve_results(obj: Poll) -> dict[str, Any] | None:
        return obj.for_caller["results"]  # type: ignore[attr-defined]

    @staticmethod
    def resolve_my_answers(obj: Poll) -> list[dict[str, Any]] | None:
        return obj.for_caller["my_answers"]  # type: ignore[attr-defined]

    @staticmethod
    def resolve_outcome(obj: Poll) -> dict[str, Any] | None:
        return obj.for_caller["outcome"]  # type: ignore[attr-defined]


def _survey_results(results: queries.SurveyResults) -> dict[str, Any]:
    return {
        "participants": results.participants,
        "eligible": results.eligible,
        "segment": results.segment.key if results.segment else None,
        "too_few": results.too_few,
        "questions": [
            {
                "question": q.question.pk,
                "answered": q.answered,
                "mean": round(q.mean, 2) if q.mean is not None else None,
                "options": [
                    {
                        "option": r.option.pk,
                        "label": r.label,
                        "count": r.count,
                        "total": r.total,
                        "maybe": 0,
                        "percent": round(r.percent, 1),
                    }
                    for r in q.options
                ],
                "texts": [{"participant": name, "text": text} for name, text in q.texts],
            }
            for q in results.questions
        ],
    }


def _survey(request: HttpRequest, poll: Poll, segment: str = "") -> Poll:
    """``poll`` (a survey) with what the caller may see of it, for ``SurveyOut``; its
    results of one ``segment`` (``segments.Segment.key``) when given."""
    options = queries.poll_options(poll)
    questions = queries.survey_questions(poll)
    mine = queries.my_stance(request.user, poll)
    by_option = {o.pk: o for o in options}
    my_answers = None
    if mine is not None:
        found: dict[int, dict[str, Any]] = {
            q.pk: {"question": q.pk, "options": [], "text": ""} for q in questions
        }
        for choice in mine.choices.all():
            option = by_option[choice.option_id]
            row = found[option.question_id or 0]
            if option.key == "text":
                row["text"] = choice.text
            else:
                row["options"].append(option.pk)
        my_answers = list(found.values())
    visible = queries.results_visible(request.user, poll)
    picked = _segment(poll, segment)
    poll.for_caller = {  # type: ignore[attr-defined]
        "questions": [
            {
                "id": q.pk,
                "kind": q.kind,
                "prompt": q.prompt,
                "required": q.required,
                "options": [o for o in options if o.question_id == q.pk and o.key != "text"],
            }
            for q in questions
        ],
        "results": _survey_results(queries.survey_results(poll, options, picked))
        if visible
        else None,
        "my_answers": my_answers,
        "outcome": _outcome(poll),
    }
    return poll


def _access_survey(request: HttpRequest, pk: int, need: Need = Need.VIEW) -> Poll:
    poll = access_poll(request.user, pk, need)
    if poll.kind != PollKind.SURVEY:
        raise Http404
    return poll


@router.post(
    "/{kind}/{slug}/surveys",
    response={201: SurveyOut},
    auth=api_auth,
    operation_id="decision_survey_create",
)
def survey_create(request: HttpRequest, kind: OwnerKind, slug: str, payload: SurveyIn) -> Any:
    """Send a survey to the community (its admins; 403 for others). 422 ``title_missing``,
    ``too_long``, ``deadline_past``, ``deadline_far``, ``questions_missing``,
    ``too_many_questions``, ``options_missing`` (a choice question with fewer than two)."""
    owner = access_owner(request.user, kind, slug, Need.MANAGE)
    poll = actions.survey_create(actor=request.user, owner=owner, **_segment_rows(payload.dict()))
    return Status(201, _survey(request, access_poll(request.user, poll.pk)))


@router.get("/surveys/{pk}", response=SurveyOut, operation_id="decision_survey")
def survey_get(request: HttpRequest, pk: int, segment: str = "") -> Any:
    """A survey with its questions, results per question (unless hidden until the close;
    written answers without names when anonymous) and the caller's answers. ``segment``
    (``members``, ``admins``, ``role-moderators``, ``role-coaches``, ``debtors``,
    ``followers``, ``event-<id>``, ``campaign-<id>``) counts only that segment's answers;
    422 ``bad_setting`` for one that is not the community's. 404 when the survey is not
    for the caller."""
    return _survey(request, _access_survey(request, pk), segment)


@router.post(
    "/surveys/{pk}/answers",
    response={201: SurveyOut},
    auth=api_auth,
    operation_id="decision_survey_answer",
)
def survey_answer(request: HttpRequest, pk: int, payload: AnswersIn) -> Any:
    """Answer, or change one's answers until the close. 403 ``outside_segment`` (naming
    the segment; nothing stored) for people outside the survey's segment; 409 ``closed``;
    422 ``answer_missing``, ``unknown_question``, ``unknown_option``, ``repeated_option``,
    ``one_choice``, ``too_long``."""
    poll = _access_survey(request, pk)
    answers: dict[int, list[int] | str] = {}
    for given in payload.answers:
        if given.question in answers:
            raise DecisionError(Code.REPEATED_OPTION, field="answers")
        answers[given.question] = given.text if given.text else list(given.options)
    actions.survey_answer(actor=request.user, poll=poll, answers=answers)
    return Status(201, _survey(request, poll))


class PublishIn(Schema):
    published: bool = True


@router.post(
    "/host/{slug}/surveys/impact",
    response={201: SurveyOut},
    auth=api_auth,
    operation_id="decision_impact_survey_create",
)
def impact_survey_create(request: HttpRequest, slug: str) -> Any:
    """Start the host's yearly impact survey from its template (the host's admins; 403 for
    others): anonymous, to the host's members, open for 30 days."""
    host = access_owner(request.user, "host", slug, Need.MANAGE)
    assert isinstance(host, Host)
    poll = actions.impact_survey_create(actor=request.user, host=host)
    return Status(201, _survey(request, access_poll(request.user, poll.pk)))


@router.post(
    "/surveys/{pk}/publish",
    response=SurveyOut,
    auth=api_auth,
    operation_id="decision_survey_publish",
)
def survey_publish(request: HttpRequest, pk: int, payload: PublishIn) -> Any:
    """Publish a host's closed survey's results on the host's page (``published``: false
    takes them off). 403 for all but the host's admins; 409 ``still_open``; 422
    ``not_host_survey`` for a survey of a collective or chapter."""
    poll = _access_survey(request, pk)
    poll = actions.survey_publish(actor=request.user, poll=poll, publish=payload.published)
    return _survey(request, access_poll(request.user, poll.pk))
