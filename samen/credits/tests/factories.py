"""Test data for the credits app, made through the actions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from samen.communities import actions as communities
from samen.communities.models import HostRole
from samen.credits.actions import ServiceInput, rate_card_publish, scheme_create
from samen.credits.models import Counterparty, CreditScheme, Direction
from samen.invoicing.actions import billing_profile_save

SERVICES = [
    ServiceInput(
        code="session",
        name_en="Reinforcement session",
        name_nl="Versterkingssessie",
        name_fr="Séance de renforcement",
        direction=Direction.EARNS,
        counterparty=Counterparty.MEMBER,
        value=1000,
    ),
    ServiceInput(
        code="workshop",
        name_en="Workshop",
        name_nl="Workshop",
        name_fr="Atelier",
        direction=Direction.COSTS,
        value=500,
    ),
    ServiceInput(
        code="bootcamp",
        name_en="Bootcamp",
        name_nl="Bootcamp",
        name_fr="Bootcamp",
        direction=Direction.COSTS,
        value=3000,
    ),
    ServiceInput(
        code="article",
        name_en="Article",
        name_nl="Artikel",
        name_fr="Article",
        direction=Direction.EARNS,
        value=500,
    ),
]


def make_scheme(community: Any, *, limit: int = 2000, **extra: Any) -> CreditScheme:
    """The community's host with a SIF credit (€50, 21 % VAT), a rate card and members.

    bram and chloe become host members; bram has a Belgian company (gets Peppol UBL).
    """
    host = communities.host_update(
        actor=community.anna,
        host=community.host,
        vat_status="subject",
        vat_number="BE0403019261",
        address="Rue Haute 1\n1000 Bruxelles",
    )
    community.host = host
    for person in (community.bram, community.chloe):
        communities.member_add(actor=community.anna, owner=host, user=person, role=HostRole.MEMBER)
    scheme = scheme_create(
        actor=community.anna,
        host=host,
        code="SIF",
        name="Social innovation credit",
        default_credit_limit=limit,
        **extra,
    )
    rate_card_publish(
        actor=community.anna,
        scheme=scheme,
        valid_from=dt.date(2020, 1, 1),
        services=SERVICES,
    )
    billing_profile_save(
        actor=community.bram,
        host=host,
        user=community.bram,
        company_name="De Smet Advies BV",
        enterprise_number="0202239951",
        vat_number="BE0202239951",
        address="Veldstraat 10\n9000 Gent",
    )
    return scheme


def credits(value: str) -> int:
    """Thousandths of a credit from a decimal text ("0.5" -> 500)."""
    return int(Decimal(value) * 1000)


def give_skills(user: Any, *names: str, visibility: str = "everyone") -> None:
    """Put skills on the person's profile, shown to ``visibility`` (a profile setting)."""
    from samen.accounts.actions import skills_get_or_create
    from samen.accounts.models import Profile

    profile, _created = Profile.objects.update_or_create(
        user=user, defaults={"skills_visibility": visibility}
    )
    profile.skills.set(skills_get_or_create(list(names)))


def chloe_owes_one_and_a_half(community: Any, scheme: CreditScheme) -> list[Any]:
    """Chloé follows a workshop (0.5 SIF, confirmed ten days ago) and receives a session from
    Bram (1 SIF, confirmed today): balance -1.5 SIF, two open invoices, the workshop's
    (€30.25) older than the session's (€60.50) though issued second. Returns them oldest
    first."""
    from django.utils import timezone

    from samen.credits.actions import delivery_confirm, delivery_record
    from samen.invoicing.models import Document, DocumentKind

    today = timezone.localdate()
    earlier = today - dt.timedelta(days=10)
    session = delivery_record(
        actor=community.bram,
        scheme=scheme,
        service_code="session",
        on=today,
        member=community.chloe,
    )
    delivery_confirm(actor=community.chloe, delivery=session)
    workshop = delivery_record(
        actor=community.chloe, scheme=scheme, service_code="workshop", on=earlier
    )
    delivery_confirm(actor=community.anna, delivery=workshop, confirmed_on=earlier)
    return list(
        Document.objects.filter(customer=community.chloe, kind=DocumentKind.INVOICE).order_by(
            "issue_date"
        )
    )
