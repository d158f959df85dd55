"""Two admins stepping down at the same moment cannot leave a collective without an admin."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from samen.communities import actions, queries
from samen.communities.errors import CommunityError
from samen.communities.models import CollectiveMembership

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_two_admins_leaving_at_once_keep_one_admin(community):
    c = community
    actions.member_set_role(actor=c.bram, owner=c.collective, user=c.chloe, role="admin")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def leave(person):
        try:
            barrier.wait()
            actions.membership_leave(actor=person, owner=c.collective)
            outcomes.append("left")
        except CommunityError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=leave, args=(p,)) for p in (c.bram, c.chloe)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["last_admin", "left"]
    admins = CollectiveMembership.objects.filter(collective=c.collective, role="admin")
    assert admins.count() == 1
    assert queries.collective_admins(c.collective).count() == 1
