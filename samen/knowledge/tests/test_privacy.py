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
    with zipfile.ZipFile(io.BytesIO(build_export(c.gilles))) as archive:
        data = json.loads(archive.read("apps/knowledge.json"))
    assert {x["title"] for x in data["concepts_owned"]} == {
        "Repair café", "Tool library", "Secret garden"
    }  # fmt: skip
    assert [n["body"] for n in data["coaching_notes"]] == ["My own note"]
    assert len(data["library_items"]) == 3
    assert [s["email"] for s in data["newsletter_subscriptions"]] == [c.gilles.email]

    user_erase(actor=c.gilles, user=c.gilles)
    assert set(Concept.objects.values_list("title", flat=True)) == {"Tool library"}
    kept = Concept.objects.get(title="Tool library")
    assert [u.pk for u in kept.owners.all()] == [c.chloe.pk]
    assert not ConceptNote.objects.filter(body="My own note").exists()  # its concept went
    assert LibraryItem.objects.count() == 3  # published knowledge stays, without a name
    assert not LibraryItem.objects.filter(authors__isnull=False).exists()
    assert not Subscription.objects.filter(email="gilles@example.org").exists()
