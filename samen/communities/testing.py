"""A pytest plugin (loaded from the root conftest) with a small, realistic community that
every app's tests can build on. Everything is created through the communities actions."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from samen.communities import actions
from samen.communities.models import Collective, CollectiveRole, Host, HostRole


@dataclass
class Community:
    """The Brussels host (5 % fee) with two hosted collectives and people in every role.

    anna: host admin · femke: host accountant · bram: admin of ``collective`` ·
    chloe: member of ``collective`` · dries: follows ``collective`` ·
    gilles: admin of ``other_collective`` · eva: no role anywhere.
    """

    host: Host
    collective: Collective
    other_collective: Collective
    anna: Any
    femke: Any
    bram: Any
    chloe: Any
    dries: Any
    gilles: Any
    eva: Any


def build_community(
    *, anna: Any, femke: Any, bram: Any, chloe: Any, dries: Any, gilles: Any, eva: Any
) -> Community:
    host = actions.host_create(
        actor=anna,
        name="Brussels Commons",
        slug="brussels-commons",
        legal_name="Brussels Commons vzw",
        country="BE",
        enterprise_number="0403.019.261",
        iban="BE68 5390 0754 7034",
        bic="BBRUBEBB",
        contact_email="hello@brusselscommons.example",
        default_fee_percent=Decimal("5.00"),
        terms="Collectives keep their books public.",
        application_questions=["What does your collective do?"],
    )
    actions.member_add(actor=anna, owner=host, user=femke, role=HostRole.ACCOUNTANT)

    def hosted(admin: Any, name: str, slug: str) -> Collective:
        collective = actions.collective_create(actor=admin, name=name, slug=slug, city="Brussels")
        application = actions.application_submit(
            actor=admin,
            collective=collective,
            host=host,
            answers=[f"{name} brings neighbours together."],
            terms_accepted=True,
        )
        actions.application_approve(actor=anna, application=application)
        collective.refresh_from_db()
        return collective

    collective = hosted(bram, "Brasserie Zinneke", "brasserie-zinneke")
    actions.member_add(actor=bram, owner=collective, user=chloe, role=CollectiveRole.MEMBER)
    actions.follow_add(actor=dries, target=collective)
    other = hosted(gilles, "Champignons de Forest", "champignons-de-forest")
    host.refresh_from_db()
    return Community(
        host=host,
        collective=collective,
        other_collective=other,
        anna=anna,
        femke=femke,
        bram=bram,
        chloe=chloe,
        dries=dries,
        gilles=gilles,
        eva=eva,
    )


@pytest.fixture
def femke(make_user: Any) -> Any:
    return make_user("femke@example.org", "Femke")


@pytest.fixture
def gilles(make_user: Any) -> Any:
    return make_user("gilles@example.org", "Gilles", language="fr")


@pytest.fixture
def community(
    anna: Any, femke: Any, bram: Any, chloe: Any, dries: Any, gilles: Any, eva: Any
) -> Community:
    """See ``Community``."""
    return build_community(
        anna=anna, femke=femke, bram=bram, chloe=chloe, dries=dries, gilles=gilles, eva=eva
    )
