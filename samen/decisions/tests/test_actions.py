"""Decisions through their actions: each kind's counting against hand-computed results,
changed votes and their history, deadlines, closing exactly once on a fake clock, reminders,
outcomes, consent with amendments, anonymity, and the refusals that change nothing."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from samen.audit.models import AuditEntry
from samen.decisions import actions, queries, tasks
from samen.decisions.errors import DecisionError
from samen.decisions.errors import DecisionErrorCode as Code
from samen.decisions.models import Poll, Stance, StanceChoice
from samen.decisions.queries import instant_runoff, poll_results
from samen.decisions.tests.conftest import option, week
from samen.notifications.models import Notification

pytestmark = pytest.mark.django_db


def refused(code: Code, call: Any, **kwargs: Any) -> None:
    with pytest.raises(DecisionError) as error:
        call(**kwargs)
    assert error.value.code == code


def test_proposal_counts_and_a_block_needs_a_reason(world, add_members):
    c, poll = world.c, world.proposal
    m0, m1, m2 = add_members(3)
    refused(Code.REASON_MISSING, actions.stance_cast, actor=m2, poll=poll,
            choices=[(option(poll, "block"), 1)])  # fmt: skip
    for person, key in ((c.bram, "agree"), (c.chloe, "agree"), (m0, "disagree"), (m1, "abstain")):
        actions.stance_cast(actor=person, poll=poll, choices=[(option(poll, key), 1)])
    results = poll_results(poll)
    counts = {r.option.key: r.count for r in results.options}
    assert counts == {"agree": 2, "abstain": 1, "disagree": 1, "block": 0}
    assert (results.participants, results.eligible, results.passed) == (4, 5, True)
    assert [round(r.percent) for r in results.options] == [50, 25, 25, 0]
    actions.stance_cast(actor=m2, poll=poll, choices=[(option(poll, "block"), 1)],
                        reason="The cellar is too warm.")  # fmt: skip
    assert poll_results(poll).passed is False
    told = Notification.objects.get(recipient=c.bram, kind="decisions.objection")
    assert told.actor == m2  # a named poll may say who


def test_changed_vote_keeps_history_and_counts_once(world):
    c, poll = world.c, world.proposal
    actions.stance_cast(actor=c.chloe, poll=poll, choices=[(option(poll, "agree"), 1)])
    actions.stance_cast(actor=c.chloe, poll=poll, choices=[(option(poll, "disagree"), 1)],
                        reason="On second thought")  # fmt: skip
    stances = Stance.objects.filter(poll=poll, participant=c.chloe).order_by("id")
    assert [s.latest for s in stances] == [False, True]
    assert [s.choices.get().option.key for s in stances] == ["agree", "disagree"]
    counts = {r.option.key: r.count for r in poll_results(poll).options}
    assert (counts["agree"], counts["disagree"]) == (0, 1)
    mine = queries.my_stance(c.chloe, poll)
    assert mine is not None
    assert mine.reason == "On second thought"


def test_single_and_multiple_choice(world, add_members):
    c = world.c
    people = [c.bram, c.chloe, *add_members(3)]
    poll = actions.poll_create(actor=c.bram, owner=c.collective, kind="multiple",
                               title="Which days?", options=["Mon", "Tue", "Wed"],
                               max_choices=2, closes_at=week())  # fmt: skip
    mon, tue, wed = (option(poll, d) for d in ("Mon", "Tue", "Wed"))
    for person, days in zip(people, [[mon, tue], [tue], [tue, wed], [mon], [wed]], strict=True):
        actions.stance_cast(actor=person, poll=poll, choices=[(d, 1) for d in days])
    results = poll_results(poll)
    assert [r.count for r in results.options] == [2, 3, 2]
    assert results.winner is not None
    assert results.winner.pk == tue
    refused(Code.TOO_MANY_CHOICES, actions.stance_cast, actor=c.chloe, poll=poll,
            choices=[(mon, 1), (tue, 1), (wed, 1)])  # fmt: skip
    single = world.secret
    early, late = option(single, "Early shift"), option(single, "Late shift")
    refused(Code.ONE_CHOICE, actions.stance_cast, actor=c.chloe, poll=single,
            choices=[(early, 1), (late, 1)])  # fmt: skip
    refused(Code.UNKNOWN_OPTION, actions.stance_cast, actor=c.chloe, poll=single,
            choices=[(mon, 1)])  # fmt: skip
    refused(Code.CHOICE_MISSING, actions.stance_cast, actor=c.chloe, poll=single, choices=[])
    actions.stance_cast(actor=c.chloe, poll=single, choices=[(early, 1)])
    actions.stance_cast(actor=c.bram, poll=single, choices=[(early, 1)])
    assert poll_results(single).winner.label == "Early shift"  # type: ignore[union-attr]


def test_score_dots_and_meeting_time(world, add_members):
    c = world.c
    m0 = add_members(1)[0]
    score = actions.poll_create(actor=c.bram, owner=c.collective, kind="score", title="Rate",
                                options=["A", "B"], max_score=3, closes_at=week())  # fmt: skip
    a, b = option(score, "A"), option(score, "B")
    actions.stance_cast(actor=c.bram, poll=score, choices=[(a, 3), (b, 1)])
    actions.stance_cast(actor=c.chloe, poll=score, choices=[(a, 0), (b, 3)])
    actions.stance_cast(actor=m0, poll=score, choices=[(a, 2)])
    results = poll_results(score)
    assert [(r.total, r.count) for r in results.options] == [(5, 2), (4, 2)]
    assert results.winner is not None
    assert results.winner.pk == a
    refused(Code.BAD_SCORE, actions.stance_cast, actor=m0, poll=score, choices=[(a, 4)])

    dots = actions.poll_create(actor=c.bram, owner=c.collective, kind="dots", title="Spend",
                               options=["X", "Y", "Z"], dots=5, closes_at=week())  # fmt: skip
    x, y, z = (option(dots, n) for n in "XYZ")
    actions.stance_cast(actor=c.bram, poll=dots, choices=[(x, 3), (y, 2), (z, 0)])
    actions.stance_cast(actor=c.chloe, poll=dots, choices=[(z, 5)])
    assert [r.total for r in poll_results(dots).options] == [3, 2, 5]
    assert StanceChoice.objects.filter(stance__poll=dots, score=0).count() == 0
    refused(Code.TOO_MANY_DOTS, actions.stance_cast, actor=m0, poll=dots, choices=[(x, 4), (y, 2)])

    meeting = actions.poll_create(actor=c.bram, owner=c.collective, kind="meeting",
                                  title="When?", options=["Mon 19h", "Tue 19h"],
                                  closes_at=week())  # fmt: skip
    mon, tue = option(meeting, "Mon 19h"), option(meeting, "Tue 19h")
    actions.stance_cast(actor=c.bram, poll=meeting, choices=[(mon, 2), (tue, 1)])
    actions.stance_cast(actor=c.chloe, poll=meeting, choices=[(mon, 1), (tue, 2)])
    actions.stance_cast(actor=m0, poll=meeting, choices=[(mon, 2), (tue, 0)])
    results = poll_results(meeting)
    assert [(r.count, r.maybe) for r in results.options] == [(2, 1), (1, 1)]
    assert results.winner is not None
    assert results.winner.pk == mon
    refused(Code.BAD_SCORE, actions.stance_cast, actor=m0, poll=meeting, choices=[(mon, 3)])


def test_ranked_choice_three_rounds_by_hand(world, add_members):
    """Nine ballots over A, B, C, D. Round 1: A 4, B 3, C 1, D 1: no majority of 9; D and
    C tie, D (later) goes. Round 2: its ballot moves to C: A 4, B 3, C 2; C goes, its two
    ballots (C>B, D>C>B) move to B. Round 3: A 4, B 5 of 9: B wins."""
    c = world.c
    people = [c.bram, c.chloe, *add_members(7)]
    poll = actions.poll_create(actor=c.bram, owner=c.collective, kind="ranked", title="Name",
                               options=["A", "B", "C", "D"], closes_at=week())  # fmt: skip
    ids = {n: option(poll, n) for n in "ABCD"}
    ballots = ["AB", "AC", "AD", "A", "BA", "BC", "B", "CB", "DCB"]
    for person, ballot in zip(people, ballots, strict=True):
        actions.stance_cast(
            actor=person, poll=poll, choices=[(ids[n], rank) for rank, n in enumerate(ballot, 1)]
        )
    results = poll_results(poll)
    rounds = [({o.label: n for o, n in r.counts}, r.eliminated) for r in results.rounds]
    assert rounds[0][0] == {"A": 4, "B": 3, "C": 1, "D": 1}
    assert rounds[0][1] is not None
    assert rounds[0][1].label == "D"
    assert rounds[1][0] == {"A": 4, "B": 3, "C": 2}
    assert rounds[2] == ({"A": 4, "B": 5}, None)
    assert results.winner is not None
    assert results.winner.label == "B"
    a, b = ids["A"], ids["B"]
    refused(Code.REPEATED_OPTION, actions.stance_cast, actor=c.chloe, poll=poll,
            choices=[(a, 1), (a, 2)])  # fmt: skip
    refused(Code.BAD_RANKS, actions.stance_cast, actor=c.chloe, poll=poll,
            choices=[(a, 1), (b, 3)])  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.permutations([1, 2, 3, 4]).map(lambda p: p[: 1 + p[0] % 4]), max_size=30),
    st.randoms(use_true_random=False),
)
def test_ranked_choice_properties(ballots, rng):
    """The winner does not depend on the order of the ballots, and an option with a
    majority of first choices wins in round one."""
    candidates = [1, 2, 3, 4]
    rounds, winner = instant_runoff(ballots, candidates)
    shuffled = list(ballots)
    rng.shuffle(shuffled)
    assert instant_runoff(shuffled, candidates) == (rounds, winner)
    firsts = [b[0] for b in ballots]
    for candidate in candidates:
        if firsts.count(candidate) * 2 > len(ballots):
            assert winner == candidate
            assert len(rounds) == 1
    if ballots:
        assert winner in candidates


def test_ranked_choice_8000_ballots_is_exact():
    rng = random.Random(7)
    ballots = [rng.sample(range(10), rng.randint(1, 10)) for _ in range(8000)]
    rounds, winner = instant_runoff(ballots, list(range(10)))
    last = rounds[-1][0]
    assert winner is not None
    assert last[winner] * 2 > sum(last.values())
    assert all(sum(r[0].values()) + r[1] == 8000 for r in rounds)


def test_deadline_bounds_and_bad_setup_change_nothing(world):
    c = world.c
    before = Poll.objects.count()
    now = timezone.now()
    for closes_at, code in (
        (now - timedelta(days=1), Code.DEADLINE_PAST),
        (now + timedelta(minutes=30), Code.DEADLINE_PAST),
        (now + timedelta(days=400), Code.DEADLINE_FAR),
    ):
        refused(code, actions.poll_create, actor=c.bram, owner=c.collective, kind="proposal",
                title="Late", closes_at=closes_at)  # fmt: skip
    refused(Code.OPTIONS_MISSING, actions.poll_create, actor=c.bram, owner=c.collective,
            kind="single", title="One", options=["Only", " only "], closes_at=week())  # fmt: skip
    refused(Code.TITLE_MISSING, actions.poll_create, actor=c.bram, owner=c.collective,
            kind="proposal", title="  ", closes_at=week())  # fmt: skip
    with pytest.raises(PermissionDenied):  # eva belongs to nothing here
        actions.poll_create(actor=c.eva, owner=c.collective, kind="proposal", title="Hi",
                            closes_at=week())  # fmt: skip
    assert Poll.objects.count() == before


def test_who_may_take_part(world):
    c = world.c
    agree = [(option(world.proposal, "agree"), 1)]
    for outsider in (c.eva, c.anna, c.dries):  # a stranger, the host admin, a follower
        with pytest.raises(PermissionDenied):
            actions.stance_cast(actor=outsider, poll=world.proposal, choices=agree)
    actions.stance_cast(actor=c.eva, poll=world.open_poll,
                        choices=[(option(world.open_poll, "Stout"), 1)])  # fmt: skip
    admins = actions.poll_create(
        actor=c.bram,
        owner=c.collective,
        kind="proposal",
        title="Admins only",
        audience="admins",
        closes_at=week(),
    )
    with pytest.raises(PermissionDenied):
        actions.stance_cast(actor=c.chloe, poll=admins, choices=[(option(admins, "agree"), 1)])
    assert poll_results(admins).eligible == 1
    assert Stance.objects.filter(poll=world.proposal).count() == 0


def test_closes_at_the_deadline_once_on_a_fake_clock(world):
    c, poll = world.c, world.proposal
    agree = [(option(poll, "agree"), 1)]
    with time_machine.travel(poll.closes_at - timedelta(seconds=1), tick=False):
        actions.stance_cast(actor=c.chloe, poll=poll, choices=agree)
        assert tasks.close_due_polls.enqueue().return_value == 0
    with time_machine.travel(poll.closes_at, tick=False):
        # votes stop at the deadline itself, before the task has run
        refused(Code.CLOSED, actions.stance_cast, actor=c.bram, poll=poll, choices=agree)
    with time_machine.travel(poll.closes_at + timedelta(minutes=14), tick=False):
        assert tasks.close_due_polls.enqueue().return_value == 3  # the world's three polls
        assert tasks.close_due_polls.enqueue().return_value == 0
    poll.refresh_from_db()
    assert poll.closed_at == poll.closes_at
    closes = AuditEntry.objects.filter(action="decisions.poll.close", target_id=str(poll.pk))
    assert closes.count() == 1
    assert Stance.objects.filter(poll=poll).count() == 1


def test_author_closes_early_and_writes_the_outcome(world, add_members):
    c, poll = world.c, world.proposal
    add_members(2)
    actions.stance_cast(actor=c.chloe, poll=poll, choices=[(option(poll, "agree"), 1)])
    refused(Code.STILL_OPEN, actions.outcome_set, actor=c.bram, poll=poll, statement="Yes")
    with pytest.raises(PermissionDenied):
        actions.poll_close(actor=c.chloe, poll=poll)
    actions.poll_close(actor=c.bram, poll=poll)
    refused(Code.CLOSED, actions.poll_close, actor=c.bram, poll=poll)
    refused(Code.CLOSED, actions.stance_cast, actor=c.chloe, poll=poll,
            choices=[(option(poll, "disagree"), 1)])  # fmt: skip
    refused(Code.OUTCOME_MISSING, actions.outcome_set, actor=c.bram, poll=poll, statement=" ")
    outcome = actions.outcome_set(actor=c.bram, poll=poll, statement="We brew in November.",
                                  publish_news=True)  # fmt: skip
    assert outcome.news is not None
    assert outcome.news.published_at is not None
    assert outcome.news.audience == "members"
    told = Notification.objects.filter(kind="decisions.outcome")
    assert {n.recipient.email for n in told} == {
        "chloe@example.org", "m0@example.org", "m1@example.org"
    }  # fmt: skip
    actions.outcome_set(actor=c.bram, poll=poll, statement="We brew in December.")
    assert Notification.objects.filter(kind="decisions.outcome").count() == 3  # told once
    refused(Code.CLOSED, actions.poll_extend, actor=c.bram, poll=poll, closes_at=week())


def test_extend_reopens_a_poll_without_outcome(world):
    c, poll = world.c, world.secret
    actions.poll_close(actor=c.chloe, poll=poll)
    actions.poll_extend(actor=c.chloe, poll=poll, closes_at=week())
    poll.refresh_from_db()
    assert poll.is_open()
    refused(Code.DEADLINE_PAST, actions.poll_extend, actor=c.chloe, poll=poll,
            closes_at=timezone.now())  # fmt: skip


def test_reminder_a_day_before_to_those_who_have_not_voted(world, add_members):
    c, poll = world.c, world.proposal
    (m0,) = add_members(1)
    actions.stance_cast(actor=c.chloe, poll=poll, choices=[(option(poll, "agree"), 1)])
    with time_machine.travel(poll.closes_at - timedelta(hours=25), tick=False):
        assert tasks.remind_closing_polls.enqueue().return_value == 0
    with time_machine.travel(poll.closes_at - timedelta(hours=23), tick=False):
        assert tasks.remind_closing_polls.enqueue().return_value == 3
        assert tasks.remind_closing_polls.enqueue().return_value == 0
    reminded = Notification.objects.filter(kind="decisions.closing_soon", target_id=poll.pk)
    assert {n.recipient for n in reminded} == {c.bram, m0}


def test_consent_objection_amendment_and_lazy_consensus(world, add_members):
    c = world.c
    (m0,) = add_members(1)
    poll = actions.poll_create(actor=c.bram, owner=c.collective, kind="consent",
                               title="Open on Sundays", closes_at=week())  # fmt: skip
    obj = [(option(poll, "object"), 1)]
    refused(Code.REASON_MISSING, actions.stance_cast, actor=c.chloe, poll=poll, choices=obj)
    actions.stance_cast(actor=c.chloe, poll=poll, choices=obj, reason="Nobody to staff it.")
    actions.stance_cast(actor=m0, poll=poll, choices=[(option(poll, "consent"), 1)])
    assert poll_results(poll).passed is False
    assert Notification.objects.filter(recipient=c.bram, kind="decisions.objection").exists()
    with pytest.raises(PermissionDenied):
        actions.poll_amend(actor=c.chloe, poll=poll, details="Mine now")
    actions.poll_amend(actor=c.bram, poll=poll, details="Open on Sundays, staffed by Bram.")
    assert Notification.objects.filter(recipient=c.chloe, kind="decisions.amended").exists()
    results = poll_results(poll)
    assert (results.passed, results.participants) == (True, 1)
    assert Stance.objects.filter(poll=poll, participant=c.chloe, latest=False).count() == 1
    refused(Code.NOT_CONSENT, actions.poll_amend, actor=c.chloe, poll=world.secret, details="x")


def test_quorum_progress(world, add_members):
    c = world.c
    add_members(3)  # five members in all: a 50 % quorum needs three
    poll = actions.poll_create(actor=c.bram, owner=c.collective, kind="proposal",
                               title="Quorum", quorum_percent=50, closes_at=week())  # fmt: skip
    actions.stance_cast(actor=c.chloe, poll=poll, choices=[(option(poll, "agree"), 1)])
    results = poll_results(poll)
    assert (results.quorum_needed, results.quorum_reached, results.passed) == (3, False, False)
    assert results.quorum_bar == "33.3"
    actions.stance_cast(actor=c.bram, poll=poll, choices=[(option(poll, "agree"), 1)])
    actions.stance_cast(actor=c.chloe, poll=poll, choices=[(option(poll, "abstain"), 1)])
    assert poll_results(poll).quorum_reached is False  # a changed vote is still one person


def test_anonymous_poll_names_nobody(world):
    c, poll = world.c, world.secret
    actions.stance_cast(actor=c.bram, poll=poll, choices=[(option(poll, "Late shift"), 1)])
    assert queries.named_stances(poll) == []
    assert not AuditEntry.objects.filter(actor=c.bram, action__startswith="decisions.stance")
    consent = actions.poll_create(
        actor=c.chloe,
        owner=c.collective,
        kind="consent",
        title="Quiet hours",
        anonymous=True,
        closes_at=week(),
    )
    actions.stance_cast(actor=c.bram, poll=consent, choices=[(option(consent, "object"), 1)],
                        reason="Too early")  # fmt: skip
    told = Notification.objects.get(recipient=c.chloe, kind="decisions.objection")
    assert told.actor is None
    assert not {Stance, StanceChoice} & set(admin.site._registry)  # no admin can browse votes


def test_new_poll_tells_members_not_strangers(world):
    told = {
        n.recipient
        for n in Notification.objects.filter(kind="decisions.new_poll", target_id=world.proposal.pk)
    }
    assert told == {world.c.chloe}  # bram started it; eva, anna and dries are no members


def test_export_and_erasure_keep_the_counts(world):
    from samen.accounts.actions import user_erase
    from samen.decisions import privacy

    c, poll = world.c, world.proposal
    actions.stance_cast(actor=c.chloe, poll=poll, choices=[(option(poll, "agree"), 1)])
    actions.stance_cast(actor=c.chloe, poll=poll, choices=[(option(poll, "block"), 1)],
                        reason="Too warm")  # fmt: skip
    exported = privacy.export_data(c.chloe)
    assert [(s["latest"], s["choices"][0]["option"]) for s in exported["stances"]] == [
        (False, "Agree"), (True, "Block")
    ]  # fmt: skip
    assert [p["title"] for p in exported["polls"]] == ["Who pours on Friday?"]
    user_erase(actor=c.chloe, user=c.chloe)
    counts = {r.option.key: r.count for r in poll_results(poll).options}
    assert counts["block"] == 1
    (stance,) = queries.named_stances(poll)
    assert stance.participant_name == "Former member"


def test_a_community_may_let_only_its_admins_start(world):
    c = world.c
    with pytest.raises(PermissionDenied):
        actions.settings_set(actor=c.chloe, owner=c.collective, starters="admins")
    actions.settings_set(actor=c.bram, owner=c.collective, starters="admins")
    with pytest.raises(PermissionDenied):
        actions.poll_create(actor=c.chloe, owner=c.collective, kind="proposal", title="Mine",
                            closes_at=week())  # fmt: skip
    actions.poll_create(actor=c.bram, owner=c.collective, kind="proposal", title="Ours",
                        closes_at=week())  # fmt: skip
    assert queries.starters(c.collective) == "admins"
