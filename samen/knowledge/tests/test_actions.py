"""Concepts, coaches, notes and the library through their actions: the rules, the history,
the audit rows and the notifications."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from samen.audit.models import AuditEntry
from samen.knowledge import actions, queries
from samen.knowledge.errors import KnowledgeError, KnowledgeErrorCode
from samen.knowledge.models import Concept, ItemStatus, SessionKind, Stage, StageChange
from samen.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_a_new_concept_starts_its_history(network: Any) -> None:
    concept = network.public
    [first] = StageChange.objects.filter(concept=concept)
    assert (first.from_stage, first.to_stage, first.actor) == ("", Stage.IDEA, network.c.gilles)
    assert AuditEntry.objects.filter(action="concept.create", target_id=str(concept.pk)).exists()
    assert [u.pk for u in concept.owners.all()] == [network.c.gilles.pk]


def test_moving_records_who_when_why_and_tells_owners_and_coaches(network: Any) -> None:
    c = network.c
    moment = dt.datetime(2026, 11, 5, 10, 0, tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=False):
        concept = actions.concept_move(
            actor=c.femke, concept=network.public, to_stage=Stage.PROTOTYPE, reason="Built one"
        )
    assert concept.stage == Stage.PROTOTYPE
    assert concept.stage_changed_at == moment
    last = StageChange.objects.filter(concept=concept).order_by("pk").last()
    assert last is not None
    assert (last.from_stage, last.to_stage, last.actor, last.reason, last.created_at) == (
        Stage.IDEA,
        Stage.PROTOTYPE,
        c.femke,
        "Built one",
        moment,
    )
    told = set(
        Notification.objects.filter(kind="knowledge.stage").values_list("recipient", flat=True)
    )
    assert told == {c.gilles.pk}  # the coach moved it: she is not told of her own act
    assert AuditEntry.objects.filter(action="concept.move").count() == 1


@pytest.mark.parametrize(
    ("start", "to", "allowed"),
    [
        (Stage.IDEA, Stage.PILOT, True),
        (Stage.PILOT, Stage.PROTOTYPE, True),
        (Stage.PILOT, Stage.IDEA, False),
        (Stage.SCALING, Stage.STOPPED, True),
        (Stage.STOPPED, Stage.CONCEPT, True),
    ],
)
def test_the_pipeline_rules(start: str, to: str, allowed: bool) -> None:
    assert actions.can_move(start, to) is allowed


def test_a_refused_move_changes_nothing(network: Any) -> None:
    c = network.c
    actions.concept_move(actor=c.gilles, concept=network.public, to_stage=Stage.PILOT)
    before = StageChange.objects.count()
    with pytest.raises(KnowledgeError) as refused:
        actions.concept_move(actor=c.gilles, concept=network.public, to_stage=Stage.IDEA)
    assert refused.value.code == KnowledgeErrorCode.BAD_STAGE
    with pytest.raises(KnowledgeError) as same:
        actions.concept_move(actor=c.gilles, concept=network.public, to_stage=Stage.PILOT)
    assert same.value.code == KnowledgeErrorCode.SAME_STAGE
    assert same.value.status == 409
    with pytest.raises(PermissionDenied):
        actions.concept_move(actor=c.chloe, concept=network.public, to_stage=Stage.RUNNING)
    network.public.refresh_from_db()
    assert network.public.stage == Stage.PILOT
    assert StageChange.objects.count() == before


def test_coaches_come_from_the_community_and_are_assigned_by_the_host(network: Any) -> None:
    c = network.c
    with pytest.raises(PermissionDenied):
        actions.concept_coach_add(actor=c.gilles, concept=network.public, coach=c.chloe)
    with pytest.raises(KnowledgeError) as stranger:
        actions.concept_coach_add(actor=c.anna, concept=network.public, coach=c.eva)
    assert stranger.value.code == KnowledgeErrorCode.NOT_IN_COMMUNITY
    with pytest.raises(KnowledgeError) as twice:
        actions.concept_coach_add(actor=c.anna, concept=network.public, coach=c.femke)
    assert twice.value.code == KnowledgeErrorCode.ALREADY_COACH
    actions.concept_coach_add(actor=c.anna, concept=network.public, coach=c.chloe)
    assert Notification.objects.filter(kind="knowledge.coach", recipient=c.chloe).exists()
    actions.concept_coach_remove(actor=c.anna, concept=network.public, coach=c.chloe)
    assert not network.public.coaches.filter(pk=c.chloe.pk).exists()


def test_notes_are_for_owners_and_coaches_only(network: Any, client: Any) -> None:
    c = network.c
    actions.concept_note_add(actor=c.femke, concept=network.public, body="Ask the city hall.")
    with pytest.raises(PermissionDenied):  # even the host's admin is no coach
        actions.concept_note_add(actor=c.anna, concept=network.public, body="Hi")
    audit = AuditEntry.objects.get(action="concept.note")
    assert "city hall" not in str(audit.data)
    for person in (c.anna, c.chloe, c.eva):
        client.force_login(person)
        page = client.get(network.public.get_absolute_url()).content.decode()
        api = client.get(f"/api/v1/knowledge/concepts/{network.public.pk}").content.decode()
        assert "city hall" not in page
        assert "city hall" not in api
    client.force_login(c.gilles)
    assert "city hall" in client.get(network.public.get_absolute_url()).content.decode()
    note = Notification.objects.get(kind="knowledge.note")
    assert note.recipient == c.gilles


def test_owners_update_and_add_co_owners(network: Any) -> None:
    c = network.c
    concept = actions.concept_update(
        actor=c.gilles,
        concept=network.community,
        title="Tool library Forest",
        pitch="Borrow, don't buy.",
        impact="40 households",
        collective=c.other_collective,
        needs_skills=["Logistics"],
        needs_space=True,
    )
    assert concept.collective == c.other_collective
    assert concept.needs_space
    with pytest.raises(KnowledgeError) as wrong:
        actions.concept_owner_add(actor=c.gilles, concept=concept, owner=c.eva)
    assert wrong.value.code == KnowledgeErrorCode.NOT_IN_COMMUNITY
    actions.concept_owner_add(actor=c.gilles, concept=concept, owner=c.chloe)
    assert Concept.objects.get(pk=concept.pk).owners.count() == 2
    with pytest.raises(PermissionDenied):
        actions.concept_update(actor=c.femke, concept=concept, title="x", pitch="y")


def test_the_host_sees_its_whole_pipeline(network: Any) -> None:
    c = network.c
    start = dt.datetime(2026, 1, 10, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        old = actions.concept_create(actor=c.chloe, host=c.host, title="Old", pitch="p")
    with time_machine.travel(start + dt.timedelta(days=10), tick=False):
        actions.concept_move(actor=c.chloe, concept=old, to_stage=Stage.CONCEPT)
        actions.concept_session_record(
            actor=c.anna, concept=network.public, kind=SessionKind.SOLUTION_LAB, on=dt.date.today()
        )
    with time_machine.travel(start + dt.timedelta(days=40), tick=False):
        figures = queries.pipeline_figures(c.host)
    by_stage = {f.stage: f for f in figures.stages}
    assert by_stage[Stage.IDEA].count == 3
    assert by_stage[Stage.CONCEPT].count == 1
    assert by_stage[Stage.CONCEPT].average_days == 30
    assert by_stage[Stage.IDEA].percent == 100
    assert by_stage[Stage.CONCEPT].percent == 33
    assert [s.name for s in figures.unmet_skills] == ["Carpentry"]
    # 120 days on, the concepts created today with no session since are stale
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=120)
    stale = {concept.title for concept in queries.pipeline_figures(c.host, now=later).stale}
    assert "Tool library" in stale


def test_library_items_wait_for_an_editor(network: Any) -> None:
    c = network.c
    item = network.in_review
    assert Notification.objects.filter(kind="knowledge.review", recipient=c.anna).exists()
    with pytest.raises(KnowledgeError) as locked:
        actions.item_update(actor=c.gilles, item=item, title="x", summary="y", body="z")
    assert locked.value.code == KnowledgeErrorCode.NOT_EDITABLE
    with pytest.raises(PermissionDenied):
        actions.item_review(actor=c.bram, item=item, publish=True)
    item = actions.item_review(actor=c.anna, item=item, publish=False, note="Add photos")
    assert item.status == ItemStatus.REJECTED
    assert item.published_at is None
    assert Notification.objects.filter(kind="knowledge.reviewed", recipient=c.gilles).exists()
    with pytest.raises(KnowledgeError) as decided:
        actions.item_review(actor=c.anna, item=item, publish=True)
    assert decided.value.code == KnowledgeErrorCode.NOT_IN_REVIEW
    with pytest.raises(KnowledgeError) as empty:
        actions.item_create(
            actor=c.chloe, host=c.host, kind="link", title="T", summary="S", language="en"
        )
    assert empty.value.code == KnowledgeErrorCode.LINK_OR_TEXT


def test_library_search_filters_and_audiences(network: Any) -> None:
    c = network.c
    everyone = [i.title for i in queries.library(None, c.host)]
    assert everyone == ["Sanding guide"]
    members = {i.title for i in queries.library(c.chloe, c.host)}
    assert members == {"Sanding guide", "Members' workshop notes"}
    assert [i.title for i in queries.library(c.chloe, c.host, text="guide")] == ["Sanding guide"]
    assert list(queries.library(c.chloe, c.host, text="varnish")) == []  # still in review
    assert len(queries.library(c.chloe, c.host, tag="carpentry")) == 2
    assert list(queries.library(c.chloe, c.host, kind="case")) == []
    assert [i.title for i in queries.related_items(None, network.public)] == ["Sanding guide"]


def test_dutch_items_are_found_by_their_dutch_words(network: Any) -> None:
    c = network.c
    item = actions.item_create(
        actor=c.gilles,
        host=c.host,
        kind="case",
        title="Fietsherstellingen in de buurt",
        summary="Hoe buren samen fietsen herstellen.",
        body="De werkplaats",
        language="nl",
    )
    actions.item_submit(actor=c.gilles, item=item)
    actions.item_review(actor=c.anna, item=item, publish=True)
    # On PostgreSQL the Dutch dictionary stems "fietsen" and "fiets" alike.
    assert [i.title for i in queries.library(None, c.host, text="fietsen")] == [item.title]
