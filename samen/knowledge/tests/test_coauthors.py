"""A library item's co-authors: its authors add them while it is a draft or sent back, the
host's editors at any time; a co-author sees the draft, shares the credits of a published
item (booked once), and someone outside the host's community is refused at the field."""

from __future__ import annotations

import json
from typing import Any

import pytest

from samen.credits.tests.factories import make_scheme
from samen.knowledge import actions
from samen.knowledge.models import ItemCredit, ItemKind

pytestmark = pytest.mark.django_db

A = "/api/v1/knowledge"


def _draft(c: Any, author: Any = None) -> Any:
    return actions.item_create(
        actor=author or c.gilles,
        host=c.host,
        kind=ItemKind.ARTICLE,
        title="Mushrooms in the city",
        summary="Growing them on coffee grounds.",
        body="Collect the grounds daily.",
        language="fr",
    )


def test_an_author_adds_a_coauthor_who_then_sees_and_changes_the_draft(
    client: Any, network: Any
) -> None:
    c = network.c
    item = _draft(c)
    client.force_login(c.chloe)
    assert client.get(item.get_absolute_url()).status_code == 404  # a draft: not hers yet
    client.force_login(c.gilles)
    page = client.get(item.get_absolute_url()).content.decode()
    assert 'id="author-form"' in page
    response = client.post(f"/knowledge/library/{item.pk}/authors/", {"author": c.chloe.pk})
    assert response.status_code == 302
    assert set(item.authors.all()) == {c.gilles, c.chloe}
    refused = client.post(f"/knowledge/library/{item.pk}/authors/", {"author": c.eva.pk})
    assert refused.status_code == 400
    assert refused.context["author_form"].errors["author"]  # not in the host's community
    client.force_login(c.chloe)
    assert client.get(item.get_absolute_url()).status_code == 200
    again = client.post(
        f"{A}/library/{item.pk}/authors",
        json.dumps({"user_id": c.gilles.pk}),
        content_type="application/json",
    )
    assert (again.status_code, again.json()["code"]) == (409, "already_author")
    stranger = client.post(
        f"{A}/library/{item.pk}/authors",
        json.dumps({"user_id": c.eva.pk}),
        content_type="application/json",
    )
    assert (stranger.status_code, stranger.json()["code"]) == (422, "not_in_community")
    # Once it waits for review, only an editor adds one.
    actions.item_submit(actor=c.gilles, item=item)
    late = client.post(
        f"{A}/library/{item.pk}/authors",
        json.dumps({"user_id": c.bram.pk}),
        content_type="application/json",
    )
    assert (late.status_code, late.json()["code"]) == (409, "not_editable")
    assert set(item.authors.all()) == {c.gilles, c.chloe}


def test_a_coauthor_an_editor_adds_to_a_paid_article_is_booked_once(
    client: Any, community: Any
) -> None:
    c = community
    make_scheme(c)  # bram and chloe take part in the host's credits
    item = actions.item_submit(actor=c.chloe, item=_draft(c, c.chloe))
    actions.item_review(actor=c.anna, item=item, publish=True, service_code="article")
    assert [credit.author for credit in ItemCredit.objects.filter(item=item)] == [c.chloe]
    client.force_login(c.anna)
    added = client.post(
        f"{A}/library/{item.pk}/authors",
        json.dumps({"user_id": c.bram.pk}),
        content_type="application/json",
    )
    assert added.status_code == 201
    assert sorted(added.json()["authors"]) == sorted([c.chloe.public_name, c.bram.public_name])
    credits = ItemCredit.objects.filter(item=item).order_by("pk")
    assert [credit.author for credit in credits] == [c.chloe, c.bram]
    assert credits[1].delivery.service.code == "article"
