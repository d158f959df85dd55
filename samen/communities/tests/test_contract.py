"""The names other apps code against (docs/communities.md) behave as promised."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from samen.communities import queries
from samen.communities.access import Need, access_collective, access_host, can

pytestmark = pytest.mark.django_db


def test_community_fixture_roles(community):
    c = community
    assert c.collective.host == c.host
    assert c.other_collective.host == c.host
    assert c.collective.effective_fee_percent == Decimal("5.00")
    assert queries.is_host_admin(c.anna, c.host)
    assert queries.is_host_accountant(c.femke, c.host)
    assert not queries.is_host_admin(c.femke, c.host)
    assert queries.is_collective_admin(c.bram, c.collective)
    assert queries.is_collective_member(c.chloe, c.collective)
    assert not queries.is_collective_admin(c.chloe, c.collective)
    assert queries.is_following(c.dries, c.collective)
    assert queries.is_collective_admin(c.gilles, c.other_collective)
    assert set(queries.host_members(c.host)) == {c.anna, c.femke}


@pytest.mark.parametrize(
    ("person", "need", "allowed"),
    [
        ("eva", Need.VIEW, True),
        ("eva", Need.MEMBER, False),
        ("chloe", Need.MEMBER, True),
        ("chloe", Need.ADMIN, False),
        ("chloe", Need.FINANCE, False),
        ("bram", Need.ADMIN, True),
        ("bram", Need.FINANCE, True),
        ("bram", Need.HOST_ADMIN, False),
        ("anna", Need.HOST_ADMIN, True),
        ("anna", Need.FINANCE, True),
        ("anna", Need.ADMIN, False),
        ("femke", Need.FINANCE, True),
        ("femke", Need.HOST_ADMIN, False),
        ("gilles", Need.FINANCE, False),
        ("gilles", Need.MEMBER, False),
    ],
)
def test_collective_needs(community, person, need, allowed):
    user = getattr(community, person)
    assert can(user, need, community.collective) is allowed
    if allowed:
        assert access_collective(user, community.collective.slug, need) == community.collective
    else:
        with pytest.raises(PermissionDenied):
            access_collective(user, community.collective.slug, need)


def test_host_needs(community):
    c = community
    assert access_host(c.femke, c.host.slug, Need.FINANCE) == c.host
    with pytest.raises(PermissionDenied):
        access_host(c.femke, c.host.slug, Need.ADMIN)
    with pytest.raises(PermissionDenied):
        access_host(c.bram, c.host.slug, Need.FINANCE)
    with pytest.raises(Http404):
        access_host(c.anna, "nope", Need.VIEW)
