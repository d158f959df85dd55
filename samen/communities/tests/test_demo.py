"""The demo seed builds the Brussels community and can run twice."""

import pytest

from samen.accounts import demo as accounts_demo
from samen.communities import demo, queries
from samen.communities.models import Collective, Host, HostApplication, NewsPost

pytestmark = pytest.mark.django_db


def test_seed_is_complete_and_idempotent():
    accounts_demo.seed()
    demo.seed()
    demo.seed()
    host = Host.objects.get(slug="brussels-commons")
    assert host.collectives.count() == 4
    assert HostApplication.objects.filter(host=host, status="pending").count() == 1
    assert Collective.objects.filter(host__isnull=True).count() == 1
    person = accounts_demo.person
    assert queries.is_host_admin(person("anna@samen.test"), host)
    assert queries.is_host_accountant(person("femke@samen.test"), host)
    brewery = Collective.objects.get(slug="brasserie-zinneke")
    assert queries.is_collective_admin(person("bram@samen.test"), brewery)
    assert queries.is_collective_member(person("chloe@samen.test"), brewery)
    assert queries.needs_rules_acceptance(person("hanne@samen.test"), brewery)
    assert not queries.needs_rules_acceptance(person("chloe@samen.test"), brewery)
    rules = queries.current_rules(brewery)
    assert rules is not None
    assert rules.version == 2
    assert queries.is_following(person("dries@samen.test"), brewery)
    mushrooms = Collective.objects.get(slug="champignons-de-forest")
    assert str(mushrooms.effective_fee_percent) == "3.00"
    chapters: dict = {c.slug: c for c in queries.chapter_list()}
    assert set(chapters) == {"brussels", "ghent"}
    assert chapters["brussels"].collective_count == 3
    assert [p.email for p in chapters["ghent"].connectors.all()] == ["jana@samen.test"]
    # news: public posts on the host, two collectives and a chapter; one for members; a draft
    assert NewsPost.objects.count() == 6
    assert NewsPost.objects.filter(published_at__isnull=True).count() == 1
    assert NewsPost.objects.filter(audience="members").count() == 1
    assert queries.news_of(host).count() == 1
    assert queries.news_of(chapters["brussels"]).count() == 1
    assert queries.news_of(brewery).count() == 1
    assert queries.news_of(brewery, members=True).count() == 2
