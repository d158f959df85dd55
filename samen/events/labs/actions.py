"""Every write of Solution Labs: open a call, submit a question, support it or withdraw the
support, select it for a lab (and undo that), record its outcome, and erase a person's
part. Each is atomic, takes the acting person, writes an audit row, and refuses with a
``LabError`` before writing anything.

The call's deadline is the one clock: before it, questions and supports come and go; from
it on, the counts stand still and the host selects. A question's author hears of its
selection once per lab it is attached to, through the shared notifications (their
language, their e-mail choice, each notification e-mailed once).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from samen.audit.actions import audit_record
from samen.communities.models import Host
from samen.events.actions import when_label
from samen.events.labs import access, kinds
from samen.events.labs.access import can_run, in_community
from samen.events.labs.errors import LabError
from samen.events.labs.errors import LabErrorCode as Code
from samen.events.models import (
    Event,
    EventKind,
    EventStatus,
    LabCall,
    LabQuestion,
    LabSupport,
    Occurrence,
)
from samen.notifications.actions import notify

MAX_TEXT = 10_000
#: A call stays open at most this long: a question asked now still matters then.
MAX_AHEAD = timedelta(days=731)


def _clean_title(value: str) -> str:
    return " ".join((value or "").split())[:200]


def _clean_text(value: str) -> str:
    """Markdown as written (rendered through the one sanitiser when shown), without NULs."""
    return (value or "").replace("\x00", "").strip()[:MAX_TEXT]


def _require_open(call: LabCall) -> None:
    if not call.is_open():
        raise LabError(Code.CALL_CLOSED)


@transaction.atomic
def lab_call_create(
    *, actor: Any, host: Host, title: str, deadline: datetime, prompt: str = ""
) -> LabCall:
    """A host's admin opens a call for questions within its community, until
    ``deadline`` (in the future, within two years)."""
    access.require(can_run(actor, host))
    title = _clean_title(title)
    if not title:
        raise LabError(Code.TITLE_MISSING, field="title")
    if deadline is None or timezone.is_naive(deadline):
        raise LabError(Code.NAIVE_TIME, field="deadline")
    now = timezone.now()
    if deadline <= now:
        raise LabError(Code.DEADLINE_PAST, field="deadline")
    if deadline > now + MAX_AHEAD:
        raise LabError(Code.DEADLINE_FAR, field="deadline")
    call = LabCall.objects.create(
        host=host, title=title, prompt=_clean_text(prompt), deadline=deadline, created_by=actor
    )
    audit_record(actor=actor, action="events.lab_call.create", target=call, host=host,
                 data={"deadline": deadline.isoformat()})  # fmt: skip
    return call


@transaction.atomic
def lab_question_submit(
    *, actor: Any, call: LabCall, title: str, context: str, tried: str = ""
) -> LabQuestion:
    """A member of the community asks a question, until the call's deadline."""
    access.require(in_community(actor, call.host))
    title, context = _clean_title(title), _clean_text(context)
    if not title:
        raise LabError(Code.TITLE_MISSING, field="title")
    if not context:
        raise LabError(Code.CONTEXT_MISSING, field="context")
    _require_open(call)
    question = LabQuestion.objects.create(
        call=call, author=actor, title=title, context=context, tried=_clean_text(tried)
    )
    audit_record(actor=actor, action="events.lab_question.submit", target=question,
                 host=call.host)  # fmt: skip
    return question


@transaction.atomic
def lab_support_add(*, actor: Any, question: LabQuestion) -> LabSupport:
    """A member wants to work on ``question``: once per person, not on their own, and
    only while the call is open."""
    access.require(in_community(actor, question.call.host))
    _require_open(question.call)
    if question.author_id == actor.pk:
        raise LabError(Code.OWN_QUESTION)
    try:
        with transaction.atomic():
            support = LabSupport.objects.create(question=question, user=actor)
    except IntegrityError:  # twice, or twice at once: the first one counts
        raise LabError(Code.ALREADY_SUPPORTED) from None
    audit_record(actor=actor, action="events.lab_support.add", target=question,
                 host=question.call.host)  # fmt: skip
    return support


@transaction.atomic
def lab_support_withdraw(*, actor: Any, question: LabQuestion) -> None:
    """A member takes their support back, while the call is open."""
    access.require(in_community(actor, question.call.host))
    _require_open(question.call)
    deleted, _ = LabSupport.objects.filter(question=question, user=actor).delete()
    if not deleted:
        raise LabError(Code.NOT_SUPPORTED)
    audit_record(actor=actor, action="events.lab_support.withdraw", target=question,
                 host=question.call.host)  # fmt: skip


def _check_lab(event: Event | None, host: Host) -> Event:
    """A published Solution Lab event of ``host`` itself (not of one of its collectives)."""
    if (
        event is None
        or event.host_id != host.pk
        or event.kind != EventKind.SOLUTION_LAB
        or event.status != EventStatus.PUBLISHED
    ):
        raise LabError(Code.NOT_A_LAB, field="event")
    return event


def lab_date(event: Event) -> Occurrence | None:
    """The lab's next date that is not called off, else its last one."""
    dates = Occurrence.objects.filter(event=event, cancelled_at__isnull=True)
    upcoming = dates.filter(ends_at__gte=timezone.now()).order_by("starts_at", "pk").first()
    return upcoming or dates.order_by("-starts_at", "-pk").first()


def _locked(question: LabQuestion) -> LabQuestion:
    return LabQuestion.objects.select_for_update().select_related("call__host").get(pk=question.pk)


@transaction.atomic
def lab_question_select(*, actor: Any, question: LabQuestion, event: Event | None) -> LabQuestion:
    """A host's admin selects a question of a closed call and attaches it to one of the
    host's published Solution Labs; its author is told once per lab (selecting it again
    for the same lab changes nothing and tells nobody)."""
    host = question.call.host
    access.require(can_run(actor, host))
    lab = _check_lab(event, host)
    locked = _locked(question)
    if locked.call.is_open():
        raise LabError(Code.CALL_OPEN)
    if locked.event_id == lab.pk:
        return locked
    if locked.outcome_at is not None:
        raise LabError(Code.OUTCOME_GIVEN)
    before = locked.event_id
    locked.event, locked.selected_at, locked.selected_by = lab, timezone.now(), actor
    locked.save(update_fields=["event", "selected_at", "selected_by"])
    date = lab_date(lab)
    notify([locked.author], kinds.SELECTED, locked, actor=actor, url=locked.get_absolute_url(),
           data={"title": locked.title, "lab": lab.title,
                 "when": when_label(date) if date else ""})  # fmt: skip
    audit_record(actor=actor, action="events.lab_question.select", target=locked, host=host,
                 data={"event": lab.pk, "before": before})  # fmt: skip
    return locked


@transaction.atomic
def lab_question_unselect(*, actor: Any, question: LabQuestion) -> LabQuestion:
    """A host's admin takes a question off its lab, as long as no outcome is recorded."""
    host = question.call.host
    access.require(can_run(actor, host))
    locked = _locked(question)
    if locked.event_id is None:
        raise LabError(Code.NOT_SELECTED)
    if locked.outcome_at is not None:
        raise LabError(Code.OUTCOME_GIVEN)
    before = locked.event_id
    locked.event, locked.selected_at, locked.selected_by = None, None, None
    locked.save(update_fields=["event", "selected_at", "selected_by"])
    audit_record(actor=actor, action="events.lab_question.unselect", target=locked, host=host,
                 data={"before": before})  # fmt: skip
    return locked


def lab_held(event: Event) -> bool:
    """The lab took place: it is not cancelled and one of its dates has ended."""
    if event.status == EventStatus.CANCELLED:
        return False
    return Occurrence.objects.filter(
        event=event, cancelled_at__isnull=True, ends_at__lte=timezone.now()
    ).exists()


@transaction.atomic
def lab_outcome_record(*, actor: Any, question: LabQuestion, outcome: str) -> LabQuestion:
    """The question's author records what came out of its lab, once the lab has taken
    place; writing again replaces it. The community sees it on the call."""
    access.require(access.signed_in(actor) and question.author_id == actor.pk)
    text = _clean_text(outcome)
    if not text:
        raise LabError(Code.OUTCOME_MISSING, field="outcome")
    locked = _locked(question)
    if locked.event is None:
        raise LabError(Code.NOT_SELECTED)
    if not lab_held(locked.event):
        raise LabError(Code.LAB_NOT_HELD)
    changed = locked.outcome_at is not None
    locked.outcome, locked.outcome_at = text, timezone.now()
    locked.save(update_fields=["outcome", "outcome_at"])
    audit_record(actor=actor, action="events.lab_question.outcome", target=locked,
                 host=locked.call.host, data={"changed": changed})  # fmt: skip
    return locked


@transaction.atomic
def labs_erase(*, actor: Any) -> int:
    """The person erases their account: their supports go (the counts drop), their
    questions and outcomes stay for the community, as "Former member"'s. Returns how many
    supports went."""
    LabQuestion.objects.filter(author=actor).update(author=None)
    deleted, _ = LabSupport.objects.filter(user=actor).delete()
    return deleted
