"""Anonymous visitors get cached public pages that change as soon as the ledger does."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from samen.ledger.tests.factories import donate

pytestmark = pytest.mark.django_db

PAGE = "/collectives/buurtmoestuin/transactions/"


def test_a_new_posting_shows_on_the_next_anonymous_request(books):
    donate(books.garden, 10_00, "first", name="Dries")
    visitor = Client()
    first = visitor.get(PAGE)
    assert first.status_code == 200
    assert "Dries" in first.content.decode()
    assert "private" in first["Cache-Control"]
    assert "no-cache" in first["Cache-Control"]

    # Served from the cache: the same ETag and no query at all (the slug is remembered).
    with CaptureQueriesContext(connection) as queries:
        again = Client().get(PAGE)
    assert again["ETag"] == first["ETag"]
    assert len(queries) == 0, [q["sql"] for q in queries]

    donate(books.garden, 7_00, "second", name="Zoë")
    after = Client().get(PAGE)
    assert "Zoë" in after.content.decode()
    assert after["ETag"] != first["ETag"]
    # Another collective's page was not invalidated by it.
    assert Client().get("/collectives/repair-cafe/transactions/").status_code == 200


def test_an_unchanged_page_answers_304(books):
    visitor = Client()
    first = visitor.get(PAGE)
    unchanged = visitor.get(PAGE, HTTP_IF_NONE_MATCH=first["ETag"])
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    donate(books.garden, 1_00, "third")
    assert visitor.get(PAGE, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_each_visitor_gets_their_own_csrf_token(books):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page_one = first.get("/collectives/buurtmoestuin/").content.decode()
    page_two = second.get("/collectives/buurtmoestuin/").content.decode()
    token_one = first.cookies["csrftoken"].value
    token_two = second.cookies["csrftoken"].value
    assert token_one != token_two
    assert "@@csrf-token@@" not in page_one + page_two
    # The cached page carries a token that the second visitor's cookie accepts.
    marker = '"X-CSRFToken": "'
    token = page_two.split(marker, 1)[1].split('"', 1)[0]
    answer = second.post("/i18n/setlang/", {"language": "nl"}, HTTP_X_CSRFTOKEN=token)
    assert answer.status_code == 302


def test_signed_in_visitors_are_never_served_from_the_cache(books, bram):
    Client().get("/collectives/buurtmoestuin/")
    member = Client()
    member.force_login(bram)
    page = member.get("/collectives/buurtmoestuin/")
    assert "ETag" not in page
    assert "private" in page["Cache-Control"]
    assert "/collectives/buurtmoestuin/edit/" in page.content.decode()
    assert (
        "/collectives/buurtmoestuin/edit/"
        not in Client().get("/collectives/buurtmoestuin/").content.decode()
    )


def test_a_language_has_its_own_cached_page(books):
    english = Client().get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    dutch = Client().get(PAGE, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert 'lang="en"' in english
    assert 'lang="nl"' in dutch


def test_visitors_arriving_during_a_render_get_the_page_as_it_just_was(books):
    """In a rush only one request renders a changed page; the others get the version of a
    moment ago, and the first request after the render gets the new one."""
    from django.core.cache import cache

    from samen.core.pagecache import _digest

    donate(books.garden, 10_00, "first", name="Dries")
    first = Client().get(PAGE)
    donate(books.garden, 7_00, "second", name="Zoë")
    # Another worker is rendering the changed page right now.
    lock = "pagecache:rendering:" + _digest(f"{PAGE}|en|")
    assert cache.add(lock, 1, 30)
    during = Client().get(PAGE)
    assert during["ETag"] == first["ETag"]
    assert "Zoë" not in during.content.decode()
    cache.delete(lock)
    after = Client().get(PAGE)
    assert "Zoë" in after.content.decode()
    assert after["ETag"] != first["ETag"]


def test_a_slug_that_moves_to_another_collective_follows_it(books):
    """The slug is remembered per process; when the collective that had it is renamed and
    another one takes it, the page shows the other one and changes with it."""
    garden, cafe = books.garden, books.repair
    assert Client().get(PAGE).status_code == 200
    garden.slug = "oude-moestuin"
    garden.save()
    cafe.slug = "buurtmoestuin"
    cafe.save()
    assert Client().get(PAGE).status_code == 200
    donate(cafe, 5_00, "for the café", name="Zoë")
    assert "Zoë" in Client().get(PAGE).content.decode()
