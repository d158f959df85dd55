"""Reads for the decision pages and the API: lists filtered by access, the people a poll
concerns, and ``poll_results``, the one function that counts every kind of poll."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from samen.audit.queries import entries_for_target
from samen.communities.models import Host
from samen.communities.queries import _member_ids
from samen.conversations.models import Owner, owner_fields
from samen.decisions import access, segments
from samen.decisions.models import (
    OBJECTING,
    Audience,
    DecisionSettings,
    NamedPerson,
    NamedRole,
    Poll,
    PollKind,
    PollOption,
    Question,
    QuestionKind,
    Stance,
    StanceChoice,
    Starters,
)
from samen.lib.svg import svg_number

# --- people ----------------------------------------------------------------------------------


members_of = segments.members_of


def eligible_people(poll: Poll) -> QuerySet[Any]:
    """Who may take part, as far as they can be listed: the people listed, or the poll's
    segment (nobody in particular for an open network poll: its quorum and reminders then
    concern the community's members)."""
    if poll.audience == Audience.LISTED:
        return _named(poll, [NamedRole.LISTED])
    return segments.people(poll.owner, segments.of_poll(poll))


def _named(poll: Poll, roles: list[str]) -> QuerySet[Any]:
    named = NamedPerson.objects.filter(poll=poll, role__in=roles).values("person_id")
    return get_user_model().objects.filter(pk__in=named, is_active=True)


def advisor_people(poll: Poll) -> QuerySet[Any]:
    """The people whose advice an advice process asks: those affected and the experts."""
    return _named(poll, [NamedRole.AFFECTED, NamedRole.EXPERT])


def waiting_people(poll: Poll) -> QuerySet[Any]:
    """Who has not taken part yet (for the reminder): the eligible people, or for an
    advice process the advisors who have not given their advice."""
    voted = Stance.objects.filter(poll=poll, latest=True).values("participant_id")
    people = advisor_people(poll) if poll.kind == PollKind.ADVICE else eligible_people(poll)
    return people.exclude(pk__in=voted)


@dataclass
class Advisor:
    """A named advisor with their role(s) and their latest advice (None while waiting)."""

    name: str
    roles: list[str]
    stance: Stance | None


def advisors(poll: Poll) -> list[Advisor]:
    """The advisors of an advice process in the order they were named, each once with
    every role they were named for, and their advice: two queries."""
    rows = NamedPerson.objects.filter(
        poll=poll, role__in=[NamedRole.AFFECTED, NamedRole.EXPERT]
    ).select_related("person")
    stances = {
        s.participant_id: s
        for s in Stance.objects.filter(
            poll=poll, latest=True, participant__isnull=False
        ).prefetch_related("choices__option")
    }
    found: dict[Any, Advisor] = {}
    for row in rows.order_by("id"):
        key = row.person_id or f"gone-{row.pk}"
        if key not in found:
            found[key] = Advisor(row.person_name, [], stances.get(row.person_id))
        found[key].roles.append(str(NamedRole(row.role).label))
    return list(found.values())


def starters(owner: Owner) -> str:
    """Who may start decisions in ``owner`` (``Starters``; members without a setting)."""
    found = DecisionSettings.objects.filter(**owner_fields(owner)).first()
    return found.starters if found else Starters.MEMBERS


# --- lists -----------------------------------------------------------------------------------


def poll_list(
    user: Any, owner: Owner, *, closed: bool | None = None, text: str = ""
) -> QuerySet[Poll]:
    """The polls of ``owner`` that ``user`` may read (open network polls to all, the others
    to members and the host's admins), newest first; ``closed`` picks one side, ``text``
    searches titles, details and outcomes. A fixed number of queries whatever the number
    of rows."""
    polls = Poll.objects.filter(**owner_fields(owner)).select_related("author", "outcome")
    probe = Poll(audience=Audience.MEMBERS, **owner_fields(owner))
    if not access.can_see_poll(user, probe):
        polls = polls.filter(audience=Audience.SIGNED_IN)
    if closed is not None:
        ended = Q(closed_at__isnull=False) | Q(closes_at__lte=timezone.now())
        polls = polls.filter(ended) if closed else polls.exclude(ended)
    for word in text.split()[:10]:
        polls = polls.filter(
            Q(title__icontains=word)
            | Q(details__icontains=word)
            | Q(outcome__statement__icontains=word)
        )
    return polls.annotate(
        participant_count=Count("stances", filter=Q(stances__latest=True))
    ).order_by("-opened_at", "-id")


def my_open_polls(user: Any) -> QuerySet[Poll]:
    """The open decisions and surveys of every community ``user`` belongs to (a chapter's
    connectors too), soonest closing first, each marked ``taken_part``: one query."""
    belongs = Q(chapter__connectors=user)
    for kind in ("collective", "host", "chapter"):
        belongs |= Q(**{f"{kind}_id__in": _member_ids(kind, user=user)})
    mine = Stance.objects.filter(poll=OuterRef("pk"), participant=user, latest=True)
    return (
        Poll.objects.filter(belongs, closed_at__isnull=True, closes_at__gt=timezone.now())
        .select_related("collective", "host", "chapter", "author")
        .annotate(taken_part=Exists(mine))
        .distinct()
        .order_by("closes_at", "id")
    )


def register(user: Any, owner: Owner, *, text: str = "") -> list[dict[str, Any]]:
    """The decision register: every closed poll ``user`` may read as a ``register_row``
    (for the export; counted poll by poll). Results hidden until the close are visible here."""
    return [register_row(poll) for poll in poll_list(user, owner, closed=True, text=text)]


def poll_options(poll: Poll) -> list[PollOption]:
    return list(PollOption.objects.filter(poll=poll).order_by("position", "id"))


def my_stance(user: Any, poll: Poll) -> Stance | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Stance.objects.filter(poll=poll, participant=user, latest=True)
        .prefetch_related("choices")
        .first()
    )


def named_stances(poll: Poll, people: QuerySet[Any] | None = None) -> list[Stance]:
    """The latest stances (of ``people`` only, when given) with names and choices, for a
    named poll only: an anonymous poll's participants are never listed anywhere."""
    if poll.anonymous:
        return []
    stances = Stance.objects.filter(poll=poll, latest=True)
    if people is not None:
        stances = stances.filter(participant__in=people.values("pk"))
    return list(
        stances.select_related("participant")
        .prefetch_related("choices__option")
        .order_by("-created_at", "-id")
    )


def export_stances(poll: Poll, people: QuerySet[Any] | None = None) -> list[Stance]:
    """The latest stances (of ``people`` only, when given) with their choices; names are
    loaded for a named poll only."""
    stances = Stance.objects.filter(poll=poll, latest=True).prefetch_related("choices")
    if people is not None:
        stances = stances.filter(participant__in=people.values("pk"))
    if not poll.anonymous:
        stances = stances.select_related("participant")
    return list(stances.order_by("created_at", "id"))


def decision_passed(poll: Poll) -> bool:
    """Whether ``poll`` is a closed proposal or consent poll that passed (what another app,
    such as an expense above the policy's amount, rests on)."""
    return not poll.is_open() and poll_results(poll).passed is True


def results_visible(user: Any, poll: Poll) -> bool:
    """Live results are shown unless the author hid them until the close."""
    return not poll.hide_results or not poll.is_open()


@dataclass
class Moment:
    """One line of a decision's timeline: when, what (in the reader's language), and the
    reason given for an objection."""

    at: datetime
    text: str
    detail: str = ""


#: The audited acts a timeline shows (votes are never audited: see actions).
TIMELINE_ACTS = ["decisions.poll.amend", "decisions.poll.extend", "decisions.poll.close",
                 "decisions.outcome.set"]  # fmt: skip
#: The most objections and blocks a timeline lists (the latest ones).
TIMELINE_OBJECTIONS = 50


def _act_text(action: str, name: str, data: dict[str, Any]) -> str:
    if action == "decisions.poll.amend":
        return gettext("%(name)s amended the proposal") % {"name": name}
    if action == "decisions.poll.extend":
        return gettext("%(name)s changed the closing time") % {"name": name}
    if action == "decisions.poll.close":
        if data.get("early"):
            return gettext("%(name)s closed it early") % {"name": name}
        return gettext("Closed at the deadline")
    if data.get("created", True):
        return gettext("%(name)s wrote the outcome") % {"name": name}
    return gettext("%(name)s changed the outcome") % {"name": name}


def timeline(poll: Poll, *, with_stances: bool = True) -> list[Moment]:
    """What happened to ``poll``, oldest first: its start, every block and objection
    (``with_stances``, named polls only, set-aside ones too: the latest
    ``TIMELINE_OBJECTIONS``), amendments, new closing times, the close and the outcome.
    Two queries whatever the number of votes."""
    moments = [Moment(poll.opened_at, gettext("Started by %(name)s") % {"name": poll.author_name})]
    for entry in entries_for_target(poll, TIMELINE_ACTS):
        name = entry.actor.public_name if entry.actor else gettext("Former member")
        moments.append(Moment(entry.created_at, _act_text(entry.action, name, entry.data)))
    if with_stances and not poll.anonymous:
        objections = (
            Stance.objects.filter(poll=poll, choices__option__key__in=OBJECTING)
            .select_related("participant")
            .annotate(key=Min("choices__option__key"))
            .order_by("-created_at", "-id")[:TIMELINE_OBJECTIONS]
        )
        for stance in objections:
            who = {"name": stance.participant_name}
            blocks = getattr(stance, "key", "") == "block"
            text = (gettext("%(name)s blocks") if blocks else gettext("%(name)s objects")) % who
            moments.append(Moment(stance.created_at, text, stance.reason))
    return sorted(moments, key=lambda moment: moment.at)


# --- counting --------------------------------------------------------------------------------


@dataclass
class OptionResult:
    """One option's numbers. ``count``: people who chose it (gave it a score or dots above
    0; for a meeting slot, said yes); ``total``: the sum of scores or dots (the winner's
    measure for score and dot votes); ``maybe``: "if need be" for a meeting slot;
    ``percent``: its bar, 0-100."""

    option: PollOption
    count: int = 0
    total: int = 0
    maybe: int = 0
    percent: float = 0.0

    @property
    def label(self) -> str:
        return self.option.display

    @property
    def bar(self) -> str:
        """The bar's width for CSS, never localised (``42.5``, not ``42,5``)."""
        return svg_number(min(100.0, self.percent))


@dataclass
class Round:
    """One round of an instant run-off: first choices among the options still in, the
    ballots with none of them left, and the option eliminated at its end (None in the last)."""

    counts: list[tuple[PollOption, int]]
    exhausted: int
    eliminated: PollOption | None


@dataclass
class Results:
    poll: Poll
    participants: int
    eligible: int | None
    options: list[OptionResult]
    rounds: list[Round] = field(default_factory=list)
    winner: PollOption | None = None
    passed: bool | None = None
    #: The segment counted alone (``segment_results``), and whether it was too small to show.
    segment: segments.Segment | None = None
    too_few: bool = False

    @property
    def quorum_needed(self) -> int | None:
        """How many must take part for the quorum, or None without one."""
        if self.poll.quorum_percent is None or self.eligible is None:
            return None
        return -(-self.eligible * self.poll.quorum_percent // 100)  # rounded up

    @property
    def quorum_reached(self) -> bool | None:
        needed = self.quorum_needed
        return None if needed is None else self.participants >= needed

    @property
    def quorum_bar(self) -> str:
        """The quorum bar's width for CSS (0-100, never localised)."""
        needed = self.quorum_needed
        return svg_number(min(100.0, 100.0 * self.participants / needed) if needed else 100)


def instant_runoff(
    ballots: list[list[int]], candidates: list[int]
) -> tuple[list[tuple[dict[int, int], int, int | None]], int | None]:
    """Count ranked ballots (option ids, first choice first) by instant run-off.

    Each round counts every ballot for its highest-ranked option still in; an option with
    more than half of those ballots wins; otherwise the option with the fewest is
    eliminated, ties broken by the earlier rounds (fewest there goes), then by position
    (the later option goes). Returns the rounds, each ``(counts, exhausted, eliminated)``,
    and the winner (None without any ballot). The result does not depend on the order of
    ``ballots``."""
    position = {c: i for i, c in enumerate(candidates)}
    continuing = set(candidates)
    rounds: list[tuple[dict[int, int], int, int | None]] = []
    while continuing:
        counts = dict.fromkeys(sorted(continuing, key=position.__getitem__), 0)
        exhausted = 0
        for ballot in ballots:
            for choice in ballot:
                if choice in continuing:
                    counts[choice] += 1
                    break
            else:
                exhausted += 1
        active = sum(counts.values())
        if active == 0:
            rounds.append((counts, exhausted, None))
            return rounds, None
        leader = max(counts, key=lambda c: (counts[c], -position[c]))
        if counts[leader] * 2 > active or len(continuing) == 1:
            rounds.append((counts, exhausted, None))
            return rounds, leader
        history = [r[0] for r in reversed(rounds)]
        loser = min(
            counts,
            key=lambda c: (counts[c], tuple(h.get(c, 0) for h in history), -position[c]),
        )
        rounds.append((counts, exhausted, loser))
        continuing.discard(loser)
    return rounds, None


def _percent(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole else 0.0


def _unique_top(results: list[OptionResult], key: Any) -> PollOption | None:
    if not results:
        return None
    ranked = sorted(results, key=key, reverse=True)
    if key(ranked[0]) == (0, 0) or key(ranked[0]) == 0:
        return None
    if len(ranked) > 1 and key(ranked[0]) == key(ranked[1]):
        return None  # a tie: the outcome says what the community makes of it
    return ranked[0].option


def poll_results(
    poll: Poll, options: list[PollOption] | None = None, people: QuerySet[Any] | None = None
) -> Results:
    """Count ``poll``'s latest stances by the rules of its kind, in three queries whatever
    the number of participants (four for a ranked-choice poll, which reads every ballot).

    proposal: passes without a block when agree outnumbers disagree (and the quorum, if
    any, is reached); consent: passes when nobody objects (and the quorum is reached);
    single and multiple choice: people per option; score: the sum of scores; dot vote: the
    sum of dots; meeting time: yes, then "if need be", per slot; ranked choice: instant
    run-off with every round. ``people`` counts only their stances (a segment's)."""
    options = options if options is not None else poll_options(poll)
    by_id = {option.pk: OptionResult(option=option) for option in options}
    stances = Stance.objects.filter(poll=poll, latest=True)
    choices = StanceChoice.objects.filter(stance__poll=poll, stance__latest=True)
    eligible_query = None if poll.audience == Audience.SIGNED_IN else eligible_people(poll)
    if people is not None:
        stances = stances.filter(participant__in=people.values("pk"))
        choices = choices.filter(stance__participant__in=people.values("pk"))
        eligible_query = people if eligible_query is None else eligible_query & people
    participants = stances.count()
    eligible = None if eligible_query is None else eligible_query.count()
    rows = choices.values("option_id", "score").annotate(n=Count("id")).order_by()
    for row in rows:
        result = by_id.get(row["option_id"])
        if result is None:
            continue
        if poll.kind == PollKind.MEETING:
            if row["score"] == 2:
                result.count += row["n"]
            elif row["score"] == 1:
                result.maybe += row["n"]
        elif row["score"] > 0:
            result.count += row["n"]
        result.total += row["score"] * row["n"]
    ordered = list(by_id.values())
    results = Results(poll=poll, participants=participants, eligible=eligible, options=ordered)
    kind = poll.kind
    if kind == PollKind.SCORE:
        for r in ordered:
            r.percent = _percent(r.total, participants * poll.max_score)
        results.winner = _unique_top(ordered, key=lambda r: r.total)
    elif kind == PollKind.DOTS:
        spent = sum(r.total for r in ordered)
        for r in ordered:
            r.percent = _percent(r.total, spent)
        results.winner = _unique_top(ordered, key=lambda r: r.total)
    elif kind == PollKind.RANKED:
        _count_ranked(poll, results, choices)
    else:
        for r in ordered:
            r.percent = _percent(r.count, participants)
        if kind == PollKind.MEETING:
            results.winner = _unique_top(ordered, key=lambda r: (r.count, r.maybe))
        elif kind in (PollKind.SINGLE, PollKind.MULTIPLE):
            results.winner = _unique_top(ordered, key=lambda r: r.count)
    if kind in (PollKind.PROPOSAL, PollKind.CONSENT):
        counts = {r.option.key: r.count for r in ordered}
        if kind == PollKind.PROPOSAL:
            passed = counts.get("block", 0) == 0 and counts.get("agree", 0) > counts.get(
                "disagree", 0
            )
        else:
            passed = counts.get("object", 0) == 0
        results.passed = passed and results.quorum_reached is not False
    return results


def segment_results(
    poll: Poll, options: list[PollOption] | None = None, segment: segments.Segment | None = None
) -> Results:
    """``poll_results`` of everyone, or of one ``segment``'s people only (the filter of
    the poll page, its CSV and the API). In an anonymous poll a segment with fewer than
    ``MIN_GROUP`` participants shows no option (``too_few``): a small group's votes would
    tell who voted what."""
    if segment is None:
        return poll_results(poll, options)
    counted = poll_results(poll, options, segments.people(poll.owner, segment))
    counted.segment = segment
    if poll.anonymous and counted.participants < MIN_GROUP:
        return Results(poll, counted.participants, counted.eligible, [], segment=segment,
                       too_few=True)  # fmt: skip
    return counted


def result_text(results: Results) -> str:
    """A closed poll's result in a word, for the register: passed or not, or the winner."""
    if results.passed is not None:
        return gettext("passed") if results.passed else gettext("not passed")
    return results.winner.display if results.winner else ""


def register_row(poll: Poll) -> dict[str, Any]:
    """One line of the decision register (``REGISTER_COLUMNS`` but the URL): the same in
    its CSV, its JSON and the API. ``poll`` comes from ``poll_list`` (its outcome loaded)."""
    results = poll_results(poll)
    outcome = getattr(poll, "outcome", None)
    return {
        "id": poll.pk,
        "title": poll.title,
        "kind": poll.kind,
        "opened_at": poll.opened_at,
        "closed_at": poll.closed_at or poll.closes_at,
        "participants": results.participants,
        "result": result_text(results),
        "outcome": outcome.statement if outcome else "",
    }


def _count_ranked(poll: Poll, results: Results, choices: QuerySet[StanceChoice]) -> None:
    ballots: dict[int, list[int]] = defaultdict(list)
    for stance_id, option_id in choices.order_by("stance_id", "score").values_list(
        "stance_id", "option_id"
    ):
        ballots[stance_id].append(option_id)
    by_id = {r.option.pk: r for r in results.options}
    rounds, winner = instant_runoff(list(ballots.values()), list(by_id))
    for counts, exhausted, eliminated in rounds:
        results.rounds.append(
            Round(
                counts=[(by_id[pk].option, n) for pk, n in counts.items()],
                exhausted=exhausted,
                eliminated=by_id[eliminated].option if eliminated is not None else None,
            )
        )
    # The bars show where each option stood when it went out (or in the last round).
    final: dict[int, int] = {}
    for counts, _exhausted, _eliminated in rounds:
        final.update(counts)
    first = rounds[0][0] if rounds else {}
    for pk, r in by_id.items():
        r.count = first.get(pk, 0)
        r.total = final.get(pk, 0)
        r.percent = _percent(r.total, results.participants)
    results.winner = by_id[winner].option if winner is not None else None


# --- surveys ---------------------------------------------------------------------------------


@dataclass
class QuestionResult:
    """One survey question's numbers: ``answered`` (people who answered it), a bar per
    option (``percent`` of those who answered), the ``mean`` of a scale, and the written
    answers of a text question (``texts``: name or None, answer), at most ``TEXTS_SHOWN``."""

    question: Question
    answered: int = 0
    options: list[OptionResult] = field(default_factory=list)
    mean: float | None = None
    texts: list[tuple[str | None, str]] = field(default_factory=list)


@dataclass
class SurveyResults:
    """A survey's numbers, of everyone or of one ``segment``. ``too_few``: an anonymous
    survey's segment had fewer than ``MIN_GROUP`` answers, so nothing is shown of it (a
    small group's answers would tell who said what)."""

    poll: Poll
    participants: int
    eligible: int | None
    questions: list[QuestionResult]
    segment: segments.Segment | None = None
    too_few: bool = False


#: Written answers shown per question on the page and in the API; the CSV has them all.
TEXTS_SHOWN = 200
#: The fewest answers of a segment shown for an anonymous survey.
MIN_GROUP = 5


def survey_questions(poll: Poll) -> list[Question]:
    return list(Question.objects.filter(poll=poll).order_by("position", "id"))


def survey_texts(
    poll: Poll,
    question: Question,
    limit: int = TEXTS_SHOWN,
    people: QuerySet[Any] | None = None,
) -> list[tuple[str | None, str]]:
    """The first ``limit`` latest written answers to ``question`` (of ``people`` only,
    when given) as ``(name, text)``: named by their author in a named survey, in order of
    answering; in an anonymous one without names, sorted by their content so that not
    even the order tells who wrote what."""
    rows = StanceChoice.objects.filter(
        stance__poll=poll, stance__latest=True, option__question=question
    )
    if people is not None:
        rows = rows.filter(stance__participant__in=people.values("pk"))
    if poll.anonymous:
        texts = rows.order_by("text", "id").values_list("text", flat=True)[:limit]
        return [(None, text) for text in texts]
    rows = rows.select_related("stance__participant").order_by("stance__created_at", "stance_id")
    return [(c.stance.participant_name, c.text) for c in rows[:limit]]


def survey_results(
    poll: Poll,
    options: list[PollOption] | None = None,
    segment: segments.Segment | None = None,
) -> SurveyResults:
    """Count a survey question by question (of one ``segment``'s people only, when
    given), in a fixed number of queries whatever the number of answers: the options'
    counts are ``poll_results``' own (one answer per person tells who answered), one more
    query counts who answered the several-choice questions, and one per text question
    reads its first written answers."""
    options = options if options is not None else poll_options(poll)
    people = segments.people(poll.owner, segment) if segment is not None else None
    counted = poll_results(poll, options, people)
    if people is not None and poll.anonymous and counted.participants < MIN_GROUP:
        return SurveyResults(poll, counted.participants, counted.eligible, [], segment, True)
    questions = survey_questions(poll)
    several = [q.pk for q in questions if q.kind == QuestionKind.MULTIPLE]
    # One answer per person but for several choices: only those need a distinct count.
    answered: dict[int, int] = defaultdict(int)
    for result in counted.options:
        if result.option.question_id not in several:
            answered[result.option.question_id or 0] += result.count
    if several:
        picked = StanceChoice.objects.filter(
            stance__poll=poll, stance__latest=True, option__question__in=several
        )
        if people is not None:
            picked = picked.filter(stance__participant__in=people.values("pk"))
        answered.update(
            picked.values("option__question_id")
            .annotate(n=Count("stance_id", distinct=True))
            .order_by()
            .values_list("option__question_id", "n")
        )
    by_question: dict[int, list[OptionResult]] = defaultdict(list)
    for result in counted.options:
        if result.option.key != "text":
            by_question[result.option.question_id or 0].append(result)
    per_question = []
    for question in questions:
        found = QuestionResult(
            question=question,
            answered=answered.get(question.pk, 0),
            options=by_question[question.pk],
            texts=survey_texts(poll, question, people=people) if question.is_text else [],
        )
        for r in found.options:
            r.percent = _percent(r.count, found.answered)
        if question.is_scale and found.answered:
            points = sum(int(r.option.label) * r.count for r in found.options)
            found.mean = points / found.answered
        per_question.append(found)
    return SurveyResults(
        poll=poll,
        participants=counted.participants,
        eligible=counted.eligible,
        questions=per_question,
        segment=segment,
    )


def published_surveys(host: Host) -> QuerySet[Poll]:
    """The closed surveys whose results ``host`` published on its page, newest first."""
    return Poll.objects.filter(
        host=host, kind=PollKind.SURVEY, published_at__isnull=False, closed_at__isnull=False
    ).order_by("-published_at", "-id")
