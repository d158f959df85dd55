"""Directory search on both databases, and list pages whose query count does not grow."""

from __future__ import annotations

import pytest
from django.db import connection

from samen.communities import actions, queries
from samen.communities.tests.factories import make_chapter

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(bram, gilles, eva):
    ghent = make_chapter("Ghent", "Gent")
    actions.collective_create(
        actor=bram,
        name="Brasserie Zinneke",
        tagline="Beer brewed in Brussels, pre-sold to neighbours",
        description="We brew a saison and a stout.",
        tags="beer, food",
        city="Brussels",
    )
    actions.collective_create(
        actor=gilles,
        name="Champignons de Forest",
        tagline="Mushrooms grown on coffee grounds",
        description="Oyster mushrooms; we also sell beer-yeast compost.",
        tags="food, circular",
        city="Forest",
    )
    actions.collective_create(
        actor=eva,
        name="Repair Café Gent",
        tagline="Fix it together",
        description="Bring your broken toaster.",
        tags="repair, circular",
        chapters=[ghent],
    )


def _names(qs):
    return [c.name for c in qs]


def test_search_ranks_name_above_description(directory):
    found = _names(queries.search_collectives(text="beer"))
    # "Beer" in the tagline and tag of the brewery beats the mushroom farm's description.
    assert found == ["Brasserie Zinneke", "Champignons de Forest"]


def test_search_every_word_must_match(directory):
    assert _names(queries.search_collectives(text="mushrooms coffee")) == ["Champignons de Forest"]
    assert _names(queries.search_collectives(text="mushrooms toaster")) == []


def test_search_by_tag_and_city(directory):
    assert _names(queries.search_collectives(tag="circular")) == [
        "Champignons de Forest",
        "Repair Café Gent",
    ]
    # The city of a chapter counts too.
    assert _names(queries.search_collectives(city="gent")) == ["Repair Café Gent"]
    assert _names(queries.search_collectives(text="beer", tag="food", city="Brussels")) == [
        "Brasserie Zinneke"
    ]


def test_search_finds_a_tag_as_text(directory):
    assert "Repair Café Gent" in _names(queries.search_collectives(text="repair"))


def test_search_engine_matches_database(directory):
    # On PostgreSQL the ranking comes from SearchRank; on SQLite from the fallback.
    results = queries.search_collectives(text="brussels")
    assert _names(results)[0] == "Brasserie Zinneke"
    if connection.vendor == "postgresql":
        assert "ts_rank" in str(results.query).lower()


def _grow(community, n, start=0):
    for i in range(start, start + n):
        collective = actions.collective_create(
            actor=community.eva, name=f"Extra {i}", tags="food, extra", city="Brussels"
        )
        actions.follow_add(actor=community.dries, target=collective)


@pytest.mark.parametrize(
    "url",
    [
        "/collectives/",
        "/collectives/?q=extra",
        "/collectives/?tag=food&city=brussels",
        "/hosts/",
        "/chapters/",
        "/hosts/brussels-commons/",
        "/collectives/brasserie-zinneke/followers/",
        "/api/v1/collectives",
        "/api/v1/collectives?q=extra",
        "/api/v1/hosts",
        "/api/v1/chapters",
    ],
)
def test_public_list_query_counts_do_not_grow(
    client, community, django_assert_max_num_queries, url
):
    make_chapter("Brussels", connectors=[community.chloe])
    _grow(community, 2)
    with django_assert_max_num_queries(30) as small:
        assert client.get(url).status_code == 200
    _grow(community, 12, start=2)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/hosts/brussels-commons/dashboard/",
        "/hosts/brussels-commons/dashboard/applications/",
        "/hosts/brussels-commons/dashboard/collectives/",
        "/hosts/brussels-commons/dashboard/audit/",
        "/hosts/brussels-commons/team/",
        "/api/v1/hosts/brussels-commons/applications",
        "/api/v1/hosts/brussels-commons/collectives",
        "/api/v1/hosts/brussels-commons/members",
    ],
)
def test_host_list_query_counts_do_not_grow(client, community, django_assert_max_num_queries, url):
    def grow(n, start):
        for i in range(start, start + n):
            collective = actions.collective_create(actor=community.eva, name=f"Applicant {i}")
            application = actions.application_submit(
                actor=community.eva,
                collective=collective,
                host=community.host,
                answers=["x"],
                terms_accepted=True,
            )
            if i % 2:
                actions.application_approve(actor=community.anna, application=application)
            person = community.eva.__class__.objects.create_user(email=f"p{i}@example.org")
            actions.member_add(
                actor=community.anna, owner=community.host, user=person, role="member"
            )

    client.force_login(community.anna)
    grow(2, 0)
    with django_assert_max_num_queries(40) as small:
        assert client.get(url).status_code == 200
    grow(10, 2)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_detail_pages_do_not_grow_with_team_and_chapter(
    client, community, django_assert_max_num_queries
):
    chapter = make_chapter("Brussels", connectors=[community.chloe])
    user_model = community.eva.__class__

    def grow(n, start):
        for i in range(start, start + n):
            person = user_model.objects.create_user(email=f"m{i}@example.org", display_name=f"M{i}")
            actions.member_add(
                actor=community.bram, owner=community.collective, user=person, role="member"
            )
            chapter.members.add(person)
            collective = actions.collective_create(
                actor=person, name=f"Chapter collective {i}", chapters=[chapter], tags="x"
            )
            actions.follow_add(actor=person, target=collective)

    urls = ["/collectives/brasserie-zinneke/", "/chapters/brussels/", "/collectives/mine/"]
    client.force_login(community.bram)
    grow(2, 0)
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(40) as captured:
            assert client.get(url).status_code == 200
        counts[url] = len(captured.captured_queries)
    grow(10, 2)
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert client.get(url).status_code == 200
