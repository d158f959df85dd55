"""Every write of decisions: starting, voting, amending, extending, closing and the outcome.
Each is atomic, takes the acting person, and refuses with a ``DecisionError`` before writing
anything.

Votes have no audit row: in an anonymous poll it would tie a person to their vote. Their
history is the stances themselves (a changed vote keeps the old stance, not latest).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from samen.audit.actions import audit_record
from samen.communities.actions import news_create, rules_publish
from samen.communities.models import Chapter, Collective, Host, host_of
from samen.conversations import access as conversations_access
from samen.conversations.models import Owner, Topic, owner_fields
from samen.decisions import access, kinds, queries, segments
from samen.decisions.errors import DecisionError
from samen.decisions.errors import DecisionErrorCode as Code
from samen.decisions.models import (
    ADVICE_OPTIONS,
    CONSENT_OPTIONS,
    OBJECTING,
    PROPOSAL_OPTIONS,
    YES_NO_OPTIONS,
    Audience,
    DecisionSettings,
    NamedPerson,
    NamedRole,
    Outcome,
    Poll,
    PollKind,
    PollOption,
    Question,
    QuestionKind,
    Stance,
    StanceChoice,
    Starters,
    TakingPartRole,
)
from samen.events.models import Event
from samen.funding.models import Campaign
from samen.notifications.actions import notify

MAX_DETAILS = 20_000
MAX_REASON = 2_000
MAX_OPTIONS = 20
MIN_OPEN = timedelta(hours=1)
MAX_OPEN = timedelta(days=365)
REMIND_BEFORE = timedelta(hours=24)
MAX_QUESTIONS = 30
MAX_ANSWER = 2_000
#: Kinds whose options are fixed and chosen one at a time.
FIXED = {
    PollKind.PROPOSAL: PROPOSAL_OPTIONS,
    PollKind.CONSENT: CONSENT_OPTIONS,
    PollKind.ADVICE: ADVICE_OPTIONS,
}
#: The options that need a reason.
NEEDS_REASON = set(OBJECTING)


def _text(value: str, limit: int, field: str) -> str:
    value = (value or "").replace("\x00", "").strip()
    if len(value) > limit:
        raise DecisionError(Code.TOO_LONG, field=field)
    return value


def _check_deadline(closes_at: datetime) -> datetime:
    if timezone.is_naive(closes_at):
        closes_at = timezone.make_aware(closes_at)
    now = timezone.now()
    if closes_at < now + MIN_OPEN:
        raise DecisionError(Code.DEADLINE_PAST, field="closes_at")
    if closes_at > now + MAX_OPEN:
        raise DecisionError(Code.DEADLINE_FAR, field="closes_at")
    return closes_at


def _clean_options(kind: PollKind, labels: Iterable[str]) -> list[tuple[str, str]]:
    if kind in FIXED:
        return [(key, str(label)) for key, label in FIXED[kind]]
    seen: dict[str, str] = {}
    for label in labels:
        label = " ".join((label or "").split())[:200]
        if label and label.casefold() not in seen:
            seen[label.casefold()] = label
    if len(seen) < 2:
        raise DecisionError(Code.OPTIONS_MISSING, field="options")
    if len(seen) > MAX_OPTIONS:
        raise DecisionError(Code.TOO_MANY_OPTIONS, field="options")
    return [("", label) for label in seen.values()]


def _in_range(value: int | None, low: int, high: int, field: str) -> None:
    if value is not None and not low <= value <= high:
        raise DecisionError(Code.BAD_SETTING, field=field)


def _tell_members(poll: Poll, kind: str, actor: Any) -> None:
    """Notify the people a poll concerns (for an open network poll: the community's members).
    A new advice process asks its advisors for their advice and tells the others."""
    people = queries.eligible_people(poll)
    data = {"actor": poll.author_name, "title": poll.title}
    if kind == kinds.NEW_POLL and poll.kind == PollKind.ADVICE:
        advisors = queries.advisor_people(poll)
        notify(advisors, kinds.ADVICE_ASKED, poll, actor=actor, url=poll.get_absolute_url(),
               data=data)  # fmt: skip
        people = people.exclude(pk__in=[person.pk for person in advisors])
    notify(people, kind, poll, actor=actor, url=poll.get_absolute_url(), data=data)


def _clean_named(
    owner: Owner, kind: PollKind, audience: Audience, anonymous: bool, named: Mapping[str, Any]
) -> list[tuple[Any, NamedRole]]:
    """The people the author named, checked: advisors (``affected``, ``experts``) for an
    advice process, ``listed`` people for a poll only they take part in. Each must belong
    to the community unless anyone signed in may take part."""
    wanted = [(person, NamedRole(role)) for role, key in
              ((NamedRole.AFFECTED, "affected"), (NamedRole.EXPERT, "experts"),
               (NamedRole.LISTED, "listed")) for person in named.get(key) or ()]  # fmt: skip
    if audience != Audience.LISTED:
        wanted = [(person, role) for person, role in wanted if role != NamedRole.LISTED]
    if kind == PollKind.ADVICE:
        if anonymous:
            raise DecisionError(Code.ANONYMOUS_ADVICE, field="anonymous")
        if not any(role != NamedRole.LISTED for _person, role in wanted):
            raise DecisionError(Code.ADVISORS_MISSING, field="affected")
    if audience == Audience.LISTED and not any(r == NamedRole.LISTED for _p, r in wanted):
        raise DecisionError(Code.PEOPLE_MISSING, field="listed")
    if audience != Audience.SIGNED_IN:
        for person, role in wanted:
            if not access.is_member(person, owner):
                field = {"affected": "affected", "expert": "experts"}.get(role, "listed")
                raise DecisionError(Code.NOT_MEMBER, field=field)
    return list(dict.fromkeys((person, role) for person, role in wanted if person.is_active))


#: Audiences only a community's admins may choose: they reach people beyond its members
#: or single some out (a role, who is in debt).
ADMIN_AUDIENCES = (Audience.ROLE, Audience.ATTENDEES, Audience.BACKERS, Audience.DEBTORS,
                   Audience.FOLLOWERS)  # fmt: skip


def _clean_segment(
    actor: Any,
    owner: Owner,
    audience: Audience,
    role: str = "",
    event: Event | None = None,
    campaign: Campaign | None = None,
) -> dict[str, Any]:
    """The audience's fields, checked: its admins choose a segment; a role must be one of
    ``TakingPartRole``, an event the community's own, a campaign the collective's own.
    What the audience does not use is dropped."""
    fields: dict[str, Any] = {"audience": audience, "role": "", "event": None, "campaign": None}
    if audience in ADMIN_AUDIENCES and not access.is_admin(actor, owner):
        raise DecisionError(Code.SEGMENT_ADMINS, field="audience")
    if audience == Audience.ROLE:
        if role not in TakingPartRole.values:
            raise DecisionError(Code.ROLE_MISSING, field="role")
        fields["role"] = role
    if audience == Audience.ATTENDEES:
        if event is None or event.owner != owner:
            raise DecisionError(Code.EVENT_MISSING, field="event")
        fields["event"] = event
    if audience == Audience.BACKERS:
        if (
            not isinstance(owner, Collective)
            or campaign is None
            or (campaign.collective_id != owner.pk)
        ):
            raise DecisionError(Code.CAMPAIGN_MISSING, field="campaign")
        fields["campaign"] = campaign
    return fields


def _check_rules(actor: Any, owner: Owner, kind: PollKind, text: str) -> str:
    text = _text(text, MAX_DETAILS, "rules_text")
    if text and (
        kind not in (PollKind.PROPOSAL, PollKind.CONSENT)
        or isinstance(owner, Chapter)
        or not access.is_admin(actor, owner)
    ):
        raise DecisionError(Code.RULES_ADMINS, field="rules_text")
    return text


def _adopt_rules(actor: Any, poll: Poll, outcome: Outcome) -> None:
    """A passed house-rules proposal becomes the community's new version, once, ending
    with a link back to the decision."""
    if not poll.rules_text or outcome.rules_id is not None:
        return
    if not queries.poll_results(poll).passed:
        return
    owner = poll.owner
    assert not isinstance(owner, Chapter)  # refused when the poll was made
    link = f"[{poll.title}]({poll.get_absolute_url()})"
    adopted = gettext("Adopted by the decision")
    text = f"{poll.rules_text}\n\n---\n\n{adopted} {link}"
    outcome.rules = rules_publish(actor=actor, owner=owner, text=text)
    outcome.save(update_fields=["rules"])


@transaction.atomic
def poll_create(
    *,
    actor: Any,
    owner: Owner,
    kind: PollKind | str,
    title: str,
    closes_at: datetime,
    details: str = "",
    options: Sequence[str] = (),
    audience: Audience | str = Audience.MEMBERS,
    anonymous: bool = False,
    hide_results: bool = False,
    quorum_percent: int | None = None,
    max_score: int = 5,
    dots: int = 10,
    max_choices: int = 0,
    topic: Topic | None = None,
    affected: Sequence[Any] = (),
    experts: Sequence[Any] = (),
    listed: Sequence[Any] = (),
    rules_text: str = "",
    role: str = "",
    event: Event | None = None,
    campaign: Campaign | None = None,
) -> Poll:
    """Start a decision in ``owner`` (its members, or only its admins when it chose so),
    open at once until ``closes_at`` (one hour to one year ahead), optionally from one of
    its discussion ``topic``s the actor can read; the people it concerns are told. An
    advice process names the people ``affected`` and the ``experts`` whose advice it asks;
    a poll for ``Audience.LISTED`` names the ``listed`` people who take part. The admins
    of a collective or host may put new house rules (``rules_text``) to a proposal or a
    consent poll: they become the new version when its outcome is written and it passed.
    Its admins may also ask only a segment (``ADMIN_AUDIENCES``): the people with a
    ``role``, the attendees of an ``event``, the backers of a ``campaign`` (a campaign
    polling its backers), the members in debt or the followers."""
    access.require(access.can_start(actor, owner))
    kind = PollKind(kind)
    if kind == PollKind.SURVEY:
        raise DecisionError(Code.WRONG_KIND, field="kind")
    title = " ".join((title or "").split())
    if not title:
        raise DecisionError(Code.TITLE_MISSING, field="title")
    if len(title) > 200:
        raise DecisionError(Code.TOO_LONG, field="title")
    details = _text(details, MAX_DETAILS, "details")
    closes_at = _check_deadline(closes_at)
    labels = _clean_options(kind, options)
    if topic is not None and (
        topic.owner != owner or not conversations_access.can_see_topic(actor, topic)
    ):
        raise DecisionError(Code.WRONG_TOPIC, field="topic")
    _in_range(quorum_percent, 1, 100, "quorum_percent")
    _in_range(max_score, 1, 10, "max_score")
    _in_range(dots, 1, 100, "dots")
    _in_range(max_choices, 0, len(labels), "max_choices")
    named = _clean_named(owner, kind, Audience(audience), bool(anonymous),
                         {"affected": affected, "experts": experts, "listed": listed})  # fmt: skip
    rules_text = _check_rules(actor, owner, kind, rules_text)
    segment = _clean_segment(actor, owner, Audience(audience), role, event, campaign)
    poll = Poll.objects.create(
        kind=kind,
        title=title,
        details=details,
        author=actor,
        **segment,
        anonymous=bool(anonymous),
        hide_results=bool(hide_results),
        quorum_percent=quorum_percent,
        max_score=max_score,
        dots=dots,
        max_choices=max_choices,
        closes_at=closes_at,
        topic=topic,
        rules_text=rules_text,
        **owner_fields(owner),
    )
    PollOption.objects.bulk_create(
        PollOption(poll=poll, key=key, label=label, position=i)
        for i, (key, label) in enumerate(labels)
    )
    NamedPerson.objects.bulk_create(
        NamedPerson(poll=poll, person=person, role=role) for person, role in named
    )
    audit_record(actor=actor, action="decisions.poll.create", target=poll, host=host_of(owner),
                 data={"kind": kind, "audience": segments.of_poll(poll).key,
                       "anonymous": poll.anonymous,
                       "closes_at": closes_at.isoformat(), "named": len(named)})  # fmt: skip
    _tell_members(poll, kinds.NEW_POLL, actor)
    return poll


@transaction.atomic
def settings_set(*, actor: Any, owner: Owner, starters: Starters | str) -> DecisionSettings:
    """The community's admins choose who may start decisions: every member, or admins only."""
    access.require(access.is_admin(actor, owner))
    row, _created = DecisionSettings.objects.update_or_create(
        **owner_fields(owner), defaults={"starters": Starters(starters)}
    )
    audit_record(actor=actor, action="decisions.settings", target=row, host=host_of(owner),
                 data={"starters": row.starters})  # fmt: skip
    return row


def _clean_choices(
    poll: Poll, options: list[PollOption], choices: Sequence[tuple[int, int]], reason: str
) -> list[tuple[PollOption, int]]:
    """The ballot checked against the rules of the poll's kind (see StanceChoice.score)."""
    by_id = {option.pk: option for option in options}
    ids = [int(option_id) for option_id, _score in choices]
    if len(set(ids)) != len(ids):
        raise DecisionError(Code.REPEATED_OPTION, field="choices")
    if any(option_id not in by_id for option_id in ids):
        raise DecisionError(Code.UNKNOWN_OPTION, field="choices")
    picked = [(by_id[int(option_id)], int(score)) for option_id, score in choices]
    if not picked:
        raise DecisionError(Code.CHOICE_MISSING, field="choices")
    kind = poll.kind
    if kind in (PollKind.PROPOSAL, PollKind.CONSENT, PollKind.SINGLE, PollKind.ADVICE):
        if len(picked) != 1:
            raise DecisionError(Code.ONE_CHOICE, field="choices")
        option = picked[0][0]
        if kind == PollKind.ADVICE and not reason:
            raise DecisionError(Code.ADVICE_MISSING, field="reason")
        if option.key in NEEDS_REASON and not reason:
            raise DecisionError(Code.REASON_MISSING, field="reason")
        return [(option, 1)]
    if kind == PollKind.MULTIPLE:
        if poll.max_choices and len(picked) > poll.max_choices:
            raise DecisionError(Code.TOO_MANY_CHOICES, field="choices")
        return [(option, 1) for option, _score in picked]
    scores = [score for _option, score in picked]
    if kind == PollKind.SCORE and not all(0 <= s <= poll.max_score for s in scores):
        raise DecisionError(Code.BAD_SCORE, field="choices")
    if kind == PollKind.MEETING and not all(s in (0, 1, 2) for s in scores):
        raise DecisionError(Code.BAD_SCORE, field="choices")
    if kind == PollKind.RANKED and sorted(scores) != list(range(1, len(scores) + 1)):
        raise DecisionError(Code.BAD_RANKS, field="choices")
    if kind == PollKind.DOTS:
        if any(s < 0 for s in scores):
            raise DecisionError(Code.BAD_SCORE, field="choices")
        if sum(scores) > poll.dots:
            raise DecisionError(Code.TOO_MANY_DOTS, field="choices")
        if sum(scores) == 0:
            raise DecisionError(Code.CHOICE_MISSING, field="choices")
        picked = [(option, score) for option, score in picked if score > 0]
    return picked


def _locked(poll: Poll) -> Poll:
    locked = Poll.objects.select_for_update().get(pk=poll.pk)
    for name in ("collective", "host", "chapter", "author"):
        cached = poll._state.fields_cache.get(name)
        if cached is not None:
            locked._state.fields_cache[name] = cached
    return locked


@transaction.atomic
def stance_cast(
    *, actor: Any, poll: Poll, choices: Sequence[tuple[int, int]], reason: str = ""
) -> Stance:
    """Take part, or change one's vote until the close: ``choices`` are ``(option id,
    score)`` pairs (score 1 for a plain choice; the rank, score, dots or meeting answer
    otherwise). The poll's row lock makes one latest stance per person even when the same
    person votes twice at once; the earlier stance stays, not latest."""
    access.require(access.can_vote(actor, poll))
    reason = _text(reason, MAX_REASON, "reason")
    if poll.kind == PollKind.SURVEY:
        raise DecisionError(Code.WRONG_KIND)
    poll = _locked(poll)
    if not poll.is_open():
        raise DecisionError(Code.CLOSED)
    picked = _clean_choices(poll, queries.poll_options(poll), choices, reason)
    Stance.objects.filter(poll=poll, participant=actor, latest=True).update(latest=False)
    stance = Stance.objects.create(poll=poll, participant=actor, reason=reason)
    StanceChoice.objects.bulk_create(
        StanceChoice(stance=stance, option=option, score=score) for option, score in picked
    )
    if any(option.key in NEEDS_REASON for option, _score in picked) and poll.author:
        notify([poll.author], kinds.OBJECTION, poll, actor=None if poll.anonymous else actor,
               url=poll.get_absolute_url(), data={"title": poll.title})  # fmt: skip
    return stance


@transaction.atomic
def poll_amend(*, actor: Any, poll: Poll, details: str) -> Poll:
    """The author amends an open proposal or consent poll after objections: the new text
    replaces the details, and blocks and objections are set aside (kept in the history)
    so the people who made them look again."""
    access.require(access.can_manage(actor, poll))
    poll = _locked(poll)
    if poll.kind not in FIXED:
        raise DecisionError(Code.NOT_CONSENT)
    if not poll.is_open():
        raise DecisionError(Code.CLOSED)
    poll.details = _text(details, MAX_DETAILS, "details")
    poll.amended_at = timezone.now()
    poll.save(update_fields=["details", "amended_at"])
    objections = Stance.objects.filter(
        poll=poll, latest=True, choices__option__key__in=NEEDS_REASON
    )
    objectors = [s.participant for s in objections.select_related("participant")]
    Stance.objects.filter(pk__in=[s.pk for s in objections]).update(latest=False)
    audit_record(
        actor=actor,
        action="decisions.poll.amend",
        target=poll,
        host=host_of(poll.owner),
        data={"objections_set_aside": len(objectors)},
    )
    notify(objectors, kinds.AMENDED, poll, actor=actor, url=poll.get_absolute_url(),
           data={"title": poll.title})  # fmt: skip
    return poll


@transaction.atomic
def poll_extend(*, actor: Any, poll: Poll, closes_at: datetime) -> Poll:
    """Move the closing time (one hour to one year ahead); a poll closed without an outcome
    opens again. A new time more than a day away sends the reminder again."""
    access.require(access.can_manage(actor, poll))
    poll = _locked(poll)
    if Outcome.objects.filter(poll=poll).exists():
        raise DecisionError(Code.CLOSED)
    poll.closes_at = _check_deadline(closes_at)
    poll.closed_at = None
    if poll.closes_at - REMIND_BEFORE > timezone.now():
        poll.reminded_at = None
    poll.save(update_fields=["closes_at", "closed_at", "reminded_at"])
    audit_record(
        actor=actor,
        action="decisions.poll.extend",
        target=poll,
        host=host_of(poll.owner),
        data={"closes_at": poll.closes_at.isoformat()},
    )
    return poll


def _mark_closed(poll: Poll, actor: Any, now: datetime) -> bool:
    """Set ``closed_at`` once (the deadline when it passed, else now); False when it was."""
    at = min(now, poll.closes_at)
    done = Poll.objects.filter(pk=poll.pk, closed_at__isnull=True).update(closed_at=at)
    if done:
        poll.closed_at = at
        audit_record(actor=actor, action="decisions.poll.close", target=poll,
                     host=host_of(poll.owner), data={"early": now < poll.closes_at})  # fmt: skip
    return bool(done)


@transaction.atomic
def poll_close(*, actor: Any, poll: Poll) -> Poll:
    """The author (or an admin) closes a poll early; closing a closed poll refuses."""
    access.require(access.can_manage(actor, poll))
    poll = _locked(poll)
    if poll.closed_at is not None:
        raise DecisionError(Code.CLOSED)
    _mark_closed(poll, actor, timezone.now())
    return poll


@transaction.atomic
def polls_close_due() -> int:
    """Close every poll whose deadline passed, each exactly once however often this runs
    (the scheduler's task). Returns how many it closed."""
    now = timezone.now()
    due = Poll.objects.filter(closed_at__isnull=True, closes_at__lte=now).select_related(
        "collective__host", "host", "chapter"
    )
    return sum(_mark_closed(poll, None, now) for poll in due)


@transaction.atomic
def polls_remind() -> int:
    """Remind those who have not taken part, once per poll, when its close is less than a
    day away. Returns how many polls sent a reminder."""
    now = timezone.now()
    due = Poll.objects.filter(
        closed_at__isnull=True,
        reminded_at__isnull=True,
        closes_at__gt=now,
        closes_at__lte=now + REMIND_BEFORE,
    ).select_related("collective__host", "host", "chapter", "author")
    sent = 0
    for poll in due:
        if Poll.objects.filter(pk=poll.pk, reminded_at__isnull=True).update(reminded_at=now):
            notify(queries.waiting_people(poll), kinds.CLOSING_SOON, poll,
                   url=poll.get_absolute_url(), data={"title": poll.title})  # fmt: skip
            sent += 1
    return sent


@transaction.atomic
def outcome_set(*, actor: Any, poll: Poll, statement: str, publish_news: bool = False) -> Outcome:
    """The author (or an admin) states what was decided once the poll is closed; writing
    it again replaces it. Members are told; ``publish_news`` (for those who write the
    community's news) also publishes it as a news post linked from the outcome."""
    access.require(access.can_manage(actor, poll))
    poll = _locked(poll)
    now = timezone.now()
    if poll.is_open(now):
        raise DecisionError(Code.STILL_OPEN)
    _mark_closed(poll, None, now)  # the deadline passed before the task ran
    statement = _text(statement, MAX_DETAILS, "statement")
    if not statement:
        raise DecisionError(Code.OUTCOME_MISSING, field="statement")
    outcome, created = Outcome.objects.update_or_create(
        poll=poll, defaults={"statement": statement, "author": actor}
    )
    if publish_news and outcome.news_id is None:
        access.require(access.is_admin(actor, poll.owner))
        audience = "public" if poll.audience == Audience.SIGNED_IN else "members"
        link = f"[{poll.title}]({poll.get_absolute_url()})"
        outcome.news = news_create(actor=actor, owner=poll.owner, title=poll.title,
                                   body=f"{statement}\n\n{link}", audience=audience,
                                   publish=True)  # fmt: skip
        outcome.save(update_fields=["news"])
    _adopt_rules(actor, poll, outcome)
    audit_record(actor=actor, action="decisions.outcome.set", target=poll,
                 host=host_of(poll.owner), data={"created": created, "news": outcome.news_id,
                                                  "rules": outcome.rules_id})  # fmt: skip
    if created:
        _tell_members(poll, kinds.OUTCOME, actor)
    return outcome


# --- surveys ---------------------------------------------------------------------------------


def _question_options(kind: QuestionKind, labels: Iterable[str]) -> list[tuple[str, str]]:
    """A question's answers as options: the scale's points, yes and no, the choices, or
    one ``text`` option that carries the written answers."""
    if kind == QuestionKind.SCALE5:
        return [("scale", str(n)) for n in range(1, 6)]
    if kind == QuestionKind.SCALE10:
        return [("scale", str(n)) for n in range(11)]
    if kind == QuestionKind.YES_NO:
        return [(key, str(label)) for key, label in YES_NO_OPTIONS]
    if kind in (QuestionKind.SHORT, QuestionKind.LONG):
        return [("text", "")]
    return _clean_options(PollKind.SINGLE, labels)


@transaction.atomic
def survey_create(
    *,
    actor: Any,
    owner: Owner,
    title: str,
    closes_at: datetime,
    questions: Sequence[Mapping[str, Any]],
    details: str = "",
    audience: Audience | str = Audience.MEMBERS,
    anonymous: bool = False,
    hide_results: bool = False,
    role: str = "",
    event: Event | None = None,
    campaign: Campaign | None = None,
) -> Poll:
    """The community's admins ask its members (or a segment: see ``poll_create``)
    ``questions`` (each a mapping with ``kind`` (``QuestionKind``), ``prompt``,
    ``options`` for a choice and ``required``) until
    ``closes_at``: a poll of kind ``survey`` whose options belong to its questions, so
    closing, reminders, the register and privacy are the polls' own."""
    access.require(access.is_admin(actor, owner))
    title = " ".join((title or "").split())
    if not title:
        raise DecisionError(Code.TITLE_MISSING, field="title")
    if len(title) > 200:
        raise DecisionError(Code.TOO_LONG, field="title")
    details = _text(details, MAX_DETAILS, "details")
    closes_at = _check_deadline(closes_at)
    cleaned = []
    for spec in questions:
        prompt = " ".join(str(spec.get("prompt") or "").split())
        if not prompt:
            continue
        if len(prompt) > 300:
            raise DecisionError(Code.TOO_LONG, field="questions")
        kind = QuestionKind(str(spec.get("kind")))
        labels = _question_options(kind, spec.get("options") or ())
        cleaned.append((kind, prompt, bool(spec.get("required")), labels))
    if not cleaned:
        raise DecisionError(Code.QUESTIONS_MISSING, field="questions")
    if len(cleaned) > MAX_QUESTIONS:
        raise DecisionError(Code.TOO_MANY_QUESTIONS, field="questions")
    if Audience(audience) == Audience.LISTED:
        raise DecisionError(Code.BAD_SETTING, field="audience")
    segment = _clean_segment(actor, owner, Audience(audience), role, event, campaign)
    poll = Poll.objects.create(
        kind=PollKind.SURVEY,
        title=title,
        details=details,
        author=actor,
        **segment,
        anonymous=bool(anonymous),
        hide_results=bool(hide_results),
        closes_at=closes_at,
        **owner_fields(owner),
    )
    options: list[PollOption] = []
    for i, (kind, prompt, required, labels) in enumerate(cleaned):
        question = Question.objects.create(
            poll=poll, kind=kind, prompt=prompt, required=required, position=i
        )
        options += [PollOption(poll=poll, question=question, key=key, label=label,
                               position=len(options) + j)
                    for j, (key, label) in enumerate(labels)]  # fmt: skip
    PollOption.objects.bulk_create(options)
    data = {"questions": len(cleaned), "audience": segments.of_poll(poll).key,
            "anonymous": poll.anonymous,
            "closes_at": closes_at.isoformat()}  # fmt: skip
    audit_record(
        actor=actor, action="decisions.survey.create", target=poll, host=host_of(owner), data=data
    )
    _tell_members(poll, kinds.NEW_POLL, actor)
    return poll


def _clean_answers(
    poll: Poll, answers: Mapping[int, Sequence[int] | str]
) -> list[tuple[PollOption, str]]:
    """The answers checked question by question: one option for a scale, a single choice
    and yes/no, one or more for several choices, text up to ``MAX_ANSWER`` for text."""
    questions = {q.pk: q for q in Question.objects.filter(poll=poll)}
    options: dict[int, list[PollOption]] = {}
    for option in queries.poll_options(poll):
        options.setdefault(option.question_id or 0, []).append(option)
    if any(int(pk) not in questions for pk in answers):
        raise DecisionError(Code.UNKNOWN_QUESTION, field="answers")
    picked: list[tuple[PollOption, str]] = []
    for pk, question in questions.items():
        given = answers.get(pk)
        own = options.get(pk, [])
        if question.is_text:
            text = _text(given if isinstance(given, str) else "", MAX_ANSWER, "answers")
            if text:
                picked.append((own[0], text))
            elif question.required:
                raise DecisionError(Code.ANSWER_MISSING, field=f"q{pk}")
            continue
        ids = [int(i) for i in given] if given and not isinstance(given, str) else []
        by_id = {o.pk: o for o in own}
        if len(set(ids)) != len(ids):
            raise DecisionError(Code.REPEATED_OPTION, field=f"q{pk}")
        if any(i not in by_id for i in ids):
            raise DecisionError(Code.UNKNOWN_OPTION, field=f"q{pk}")
        if not ids:
            if question.required:
                raise DecisionError(Code.ANSWER_MISSING, field=f"q{pk}")
            continue
        if question.kind != QuestionKind.MULTIPLE and len(ids) != 1:
            raise DecisionError(Code.ONE_CHOICE, field=f"q{pk}")
        picked += [(by_id[i], "") for i in ids]
    if not picked:
        raise DecisionError(Code.ANSWER_MISSING, field="answers")
    return picked


def outside_segment(poll: Poll) -> DecisionError:
    """The refusal of an answer from someone outside the survey's segment, naming it."""
    label = segments.of_poll(poll).label
    return DecisionError(Code.OUTSIDE_SEGMENT, gettext(
        "This survey is only for: %(segment)s. You are not among them, so your answers "
        "were not stored.") % {"segment": label})  # fmt: skip


@transaction.atomic
def survey_answer(*, actor: Any, poll: Poll, answers: Mapping[int, Sequence[int] | str]) -> Stance:
    """Answer a survey, or change one's answers until the close: ``answers`` maps a
    question id to its option ids (or to the text of a text question). One latest stance
    per person under the survey's row lock, as for a vote; the earlier one stays. Someone
    outside the survey's segment is refused with ``outside_segment``, naming the segment."""
    if poll.kind != PollKind.SURVEY:
        raise DecisionError(Code.WRONG_KIND)
    if not access.can_vote(actor, poll):
        raise outside_segment(poll)
    poll = _locked(poll)
    if not poll.is_open():
        raise DecisionError(Code.CLOSED)
    picked = _clean_answers(poll, answers)
    Stance.objects.filter(poll=poll, participant=actor, latest=True).update(latest=False)
    stance = Stance.objects.create(poll=poll, participant=actor)
    StanceChoice.objects.bulk_create(
        StanceChoice(stance=stance, option=option, text=text) for option, text in picked
    )
    return stance


# --- the yearly impact survey ----------------------------------------------------------------

#: How long the impact survey stays open.
IMPACT_OPEN = timedelta(days=30)


def impact_questions() -> list[dict[str, Any]]:
    """The yearly impact survey's questions, in the active language (stored as written, so
    the results read the same whoever opens them)."""
    return [
        {"kind": QuestionKind.SINGLE, "required": True,
         "prompt": gettext("Did the network make your innovation go faster?"),
         "options": [gettext("Much faster"), gettext("Somewhat faster"),
                     gettext("No difference"), gettext("Slower")]},
        {"kind": QuestionKind.MULTIPLE, "required": False,
         "prompt": gettext("Which contacts helped?"),
         "options": [gettext("Other members"), gettext("Coaches"), gettext("The host's team"),
                     gettext("Experts met at events"), gettext("Partners and funders"),
                     gettext("Nobody in particular")]},
        {"kind": QuestionKind.YES_NO, "required": False,
         "prompt": gettext("Did you find funding, customers or partners through the network?")},
        {"kind": QuestionKind.SCALE5, "required": False,
         "prompt": gettext("How much did the network help you this year?")},
        {"kind": QuestionKind.SCALE10, "required": False,
         "prompt": gettext("How likely are you to recommend the network to a fellow innovator?")},
        {"kind": QuestionKind.LONG, "required": False,
         "prompt": gettext("What should the network do more of next year?")},
    ]  # fmt: skip


@transaction.atomic
def impact_survey_create(*, actor: Any, host: Host, year: int | None = None) -> Poll:
    """A host's admins start the yearly impact survey in one click: the template's
    questions, sent to the host's members, anonymous, open for ``IMPACT_OPEN``."""
    year = year or timezone.localdate().year
    title = gettext("Impact survey %(year)s") % {"year": year}
    details = gettext(
        "Once a year we ask what the network changed for your innovation. Your answers are "
        "anonymous; the results may be published on our page."
    )
    return survey_create(
        actor=actor, owner=host, title=title, details=details, questions=impact_questions(),
        closes_at=timezone.now() + IMPACT_OPEN, anonymous=True,
    )  # fmt: skip


@transaction.atomic
def survey_publish(*, actor: Any, poll: Poll, publish: bool = True) -> Poll:
    """A host's admins publish a closed survey's results on the host's page (counts and
    charts; never a name or a written answer), or take them off again."""
    poll = _locked(poll)
    owner = poll.owner
    if poll.kind != PollKind.SURVEY or not isinstance(owner, Host):
        raise DecisionError(Code.NOT_HOST_SURVEY)
    access.require(access.is_admin(actor, owner))
    if publish:
        if poll.is_open():
            raise DecisionError(Code.STILL_OPEN)
        _mark_closed(poll, None, timezone.now())  # the deadline passed before the task ran
    poll.published_at = timezone.now() if publish else None
    poll.save(update_fields=["published_at"])
    audit_record(actor=actor, action="decisions.survey.publish", target=poll, host=owner,
                 data={"published": publish})  # fmt: skip
    return poll
