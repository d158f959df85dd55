"""The knowledge pages through HTTP: the board and its funnel, moving a concept, forms that
refuse bad input, the library's search, fragment and feed, and what never shows publicly."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samen.knowledge import actions
from samen.knowledge.models import Concept, ConceptVisibility, Stage

pytestmark = pytest.mark.django_db

BOARD = "/knowledge/hosts/brussels-commons/concepts/"
LIBRARY = "/knowledge/hosts/brussels-commons/library/"


def _column(html: str, stage: str) -> str:
    start = html.index(f'data-stage="{stage}"', html.index('id="board"'))
    return html[start : html.index("</section>", start)]


def test_an_owner_moves_their_concept_and_the_funnel_shows_it(client: Any, network: Any) -> None:
    c = network.c
    client.force_login(c.gilles)
    response = client.post(
        f"/knowledge/concepts/{network.public.pk}/move/",
        {"stage": "prototype", "reason": "First version built"},
    )
    assert response.status_code == 302
    client.force_login(c.anna)
    html = client.get(BOARD).content.decode()
    assert "Repair café" in _column(html, "prototype")
    funnel = html[html.index('id="funnel"') :]
    row = funnel[funnel.index('data-stage="prototype"') :]
    assert '<td class="count">1</td>' in row[: row.index("</tr>")]
    detail = client.get(network.public.get_absolute_url()).content.decode()
    assert "First version built" in detail


def test_the_board_shows_each_person_what_is_meant_for_them(client: Any, network: Any) -> None:
    anonymous = client.get(BOARD).content.decode()
    assert "Repair café" in anonymous
    assert "Tool library" not in anonymous
    assert "Secret garden" not in anonymous
    assert 'id="funnel"' not in anonymous
    client.force_login(network.c.chloe)
    member = client.get(BOARD).content.decode()
    assert "Tool library" in member
    assert "Secret garden" not in member
    client.force_login(network.c.femke)  # the coach
    assert "Secret garden" in client.get(BOARD).content.decode()


def test_a_refused_move_shows_why_and_changes_nothing(client: Any, network: Any) -> None:
    actions.concept_move(actor=network.c.gilles, concept=network.public, to_stage=Stage.PILOT)
    client.force_login(network.c.gilles)
    response = client.post(f"/knowledge/concepts/{network.public.pk}/move/", {"stage": "idea"})
    assert response.status_code == 400
    network.public.refresh_from_db()
    assert network.public.stage == Stage.PILOT


def test_a_concept_without_a_pitch_is_refused(client: Any, network: Any) -> None:
    client.force_login(network.c.chloe)
    before = Concept.objects.count()
    response = client.post(f"{BOARD}new/", {"title": "Bikes", "pitch": "", "visibility": "public"})
    assert response.status_code == 400
    assert b"This field is required" in response.content
    assert Concept.objects.count() == before
    response = client.post(
        f"{BOARD}new/",
        {"title": "Bikes", "pitch": "Fix them", "visibility": "public", "needs_skills": "Welding"},
    )
    concept = Concept.objects.get(title="Bikes")
    assert response.status_code == 302
    assert [s.name for s in concept.needs_skills.all()] == ["Welding"]


def test_the_board_query_count_does_not_grow(client: Any, network: Any) -> None:
    client.force_login(network.c.anna)
    client.get(BOARD)
    with CaptureQueriesContext(connection) as few:
        client.get(BOARD)
    for n in range(5):
        actions.concept_create(
            actor=network.c.chloe,
            host=network.c.host,
            title=f"Extra {n}",
            pitch="p",
            visibility=ConceptVisibility.PUBLIC,
            needs_skills=[f"Skill {n}"],
        )
    with CaptureQueriesContext(connection) as many:
        client.get(BOARD)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_items_in_review_never_show_publicly(client: Any, network: Any) -> None:
    pages = [
        client.get(LIBRARY).content.decode(),
        client.get(f"{LIBRARY}?q=varnish").content.decode(),
        client.get(f"{LIBRARY}feed/").content.decode(),
        client.get("/api/v1/knowledge/hosts/brussels-commons/library?q=varnish").content.decode(),
    ]
    assert all("Draft on varnish" not in page for page in pages)
    assert "Sanding guide" in pages[0]
    assert "Sanding guide" in pages[2]
    assert "Members&#x27; workshop notes" not in pages[0]
    assert "workshop notes" not in pages[2]
    client.force_login(network.c.gilles)
    mine = client.get(LIBRARY).content.decode()
    assert "Draft on varnish" in mine  # its author sees it among their unpublished items


def test_library_search_answers_htmx_with_the_list_only(client: Any, network: Any) -> None:
    response = client.get(f"{LIBRARY}?q=sanding&kind=article", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "Sanding guide" in html
    assert "<html" not in html


def test_an_author_writes_and_submits_an_item(client: Any, network: Any) -> None:
    client.force_login(network.c.chloe)
    response = client.post(
        f"{LIBRARY}new/",
        {"kind": "checklist", "title": "Opening checklist", "summary": "Before you open.",
         "body": "- keys", "language": "nl", "audience": "network", "tags": "Cafés, Safety"},
    )  # fmt: skip
    assert response.status_code == 302
    item_url = response["Location"]
    assert client.get(item_url).status_code == 200
    client.post(f"{item_url}submit/")
    client.logout()
    assert client.get(item_url).status_code == 404
    client.force_login(network.c.anna)
    review = client.get("/knowledge/hosts/brussels-commons/library/review/").content.decode()
    assert "Opening checklist" in review
    assert client.post(f"{item_url}review/", {"decision": "publish"}).status_code == 302
    client.force_login(network.c.eva)  # signed in: the network audience
    assert client.get(item_url).status_code == 200


def test_the_language_of_the_page(client: Any, network: Any) -> None:
    client.cookies["django_language"] = "nl"
    html = client.get(BOARD, headers={"Accept-Language": "nl"}).content.decode()
    assert "Concepten gecoacht door Brussels Commons" in html
