"""A person's concepts, notes, library items and subscriptions in their export; erasure
keeps a co-owned concept with its other owners."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest

from samen.accounts.actions import user_erase
from samen.accounts.privacy import build_export
from samen.knowledge import actions
from samen.knowledge.models import Concept, ConceptNote, LibraryItem, Subscription

pytestmark = pytest.mark.django_db


def test_export_and_erasure(network: Any) -> None:
    c = network.c
    actions.subscription_request(owner=c.host, email=c.gilles.email, language="fr")
    actions.concept_owner_add(actor=c.gilles, concept=network.community, owner=c.chloe)
    actions.concept_note_add(actor=c.gilles, concept=network.public, body="My own note")
    actions.concept_milestone_add(actor=c.gilles, concept=network.community, title="Ten members")
    with zipfile.ZipFile(io.BytesIO(build_export(c.gilles))) as archive:
        data = json.loads(archive.read("apps/knowledge.json"))
    assert {x["title"] for x in data["concepts_owned"]} == {
        "Repair café", "Tool library", "Secret garden"
    }  # fmt: skip
    assert [n["body"] for n in data["coaching_notes"]] == ["My own note"]
    assert [m["title"] for m in data["concept_milestones_set"]] == ["Ten members"]
    assert len(data["library_items"]) == 3
    assert [s["email"] for s in data["newsletter_subscriptions"]] == [c.gilles.email]

    user_erase(actor=c.gilles, user=c.gilles)
    assert set(Concept.objects.values_list("title", flat=True)) == {"Tool library"}
    kept = Concept.objects.get(title="Tool library")
    assert [u.pk for u in kept.owners.all()] == [c.chloe.pk]
    # the co-owned concept keeps its milestone, no longer signed by the erased person
    assert [(m.title, m.created_by) for m in kept.milestones.all()] == [("Ten members", None)]
    assert not ConceptNote.objects.filter(body="My own note").exists()  # its concept went
    assert LibraryItem.objects.count() == 3  # published knowledge stays, without a name
    assert not LibraryItem.objects.filter(authors__isnull=False).exists()
    assert not Subscription.objects.filter(email="gilles@example.org").exists()


def test_offers_and_mentoring_in_the_export_and_gone_after_erasure(network: Any) -> None:
    from samen.knowledge.models import MentoringApplication, MentoringPair, Offer, OfferTake

    c = network.c
    actions.offer_take(actor=c.chloe, offer=network.offer, message="Please")
    with zipfile.ZipFile(io.BytesIO(build_export(c.gilles))) as archive:
        data = json.loads(archive.read("apps/knowledge.json"))
    assert [o["title"] for o in data["offers"]] == ["Carpentry lessons"]
    assert [a["goals"] for a in data["mentoring_applications"]] == ["Grow"]
    assert [p["mentor"] for p in data["mentoring_pairs"]] == [False]
    with zipfile.ZipFile(io.BytesIO(build_export(c.chloe))) as archive:
        chloe = json.loads(archive.read("apps/knowledge.json"))
    assert [t["message"] for t in chloe["offers_asked_for"]] == ["Please"]

    user_erase(actor=c.gilles, user=c.gilles)
    assert not Offer.objects.exists()
    assert not OfferTake.objects.exists()
    assert not MentoringPair.objects.exists()
    assert list(MentoringApplication.objects.values_list("person", flat=True)) == [c.femke.pk]
