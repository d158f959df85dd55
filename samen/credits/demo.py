"""Demo: a Flemish social-innovation network with its own credit, the SIF (worth €50, 21 %
VAT), a rate card and three months of sessions, workshops and articles.

Members ask for help: open requests whose skills match the demo debtors' profiles (Bram
brews and cooks, Hanne and Dries repair bikes), and one request Bram already answered
with a confirmed session. Dries paid half of his debt in euros.

Idempotent: the host, scheme and rate card are found by their natural keys, each demo
delivery carries a ``demo:<n>`` note, each request is found by its requester and title and
the settlement has its own key, so that a second run records nothing twice.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from samen.accounts.demo import person
from samen.communities import actions as communities
from samen.communities.models import Host, HostMembership, HostRole
from samen.credits.actions import (
    ServiceInput,
    delivery_confirm,
    delivery_record,
    help_request_create,
    rate_card_publish,
    scheme_create,
    settlement_record,
    workshop_record,
)
from samen.credits.models import (
    Counterparty,
    CreditScheme,
    Delivery,
    Direction,
    HelpRequest,
    RateCard,
    Settlement,
)
from samen.invoicing.actions import billing_profile_save

HOST_SLUG = "innovatienetwerk"
MEMBERS = [
    "bram@samen.test",
    "hanne@samen.test",
    "jana@samen.test",
    "chloe@samen.test",
    "gilles@samen.test",
    "dries@samen.test",
]

SERVICES = [
    ServiceInput(
        code="session",
        name_en="Reinforcement session",
        name_nl="Versterkingssessie",
        name_fr="Séance de renforcement",
        description_en="An hour of coaching for a fellow innovator.",
        description_nl="Een uur coaching voor een collega-innovator.",
        description_fr="Une heure de coaching pour un·e autre innovateur·rice.",
        direction=Direction.EARNS,
        counterparty=Counterparty.MEMBER,
        value=1000,
    ),
    ServiceInput(
        code="workshop",
        name_en="Workshop",
        name_nl="Workshop",
        name_fr="Atelier",
        description_en="A half-day workshop organised by the network.",
        description_nl="Een halve dag workshop van het netwerk.",
        description_fr="Un atelier d'une demi-journée organisé par le réseau.",
        direction=Direction.COSTS,
        value=500,
    ),
    ServiceInput(
        code="bootcamp",
        name_en="Bootcamp",
        name_nl="Bootcamp",
        name_fr="Bootcamp",
        description_en="Three days to take an idea to a tested prototype.",
        description_nl="Drie dagen om van idee naar getest prototype te gaan.",
        description_fr="Trois jours pour passer d'une idée à un prototype testé.",
        direction=Direction.COSTS,
        value=3000,
    ),
    ServiceInput(
        code="article",
        name_en="Article",
        name_nl="Artikel",
        name_fr="Article",
        description_en="An article for the network's knowledge base.",
        description_nl="Een artikel voor de kennisbank van het netwerk.",
        description_fr="Un article pour la base de connaissances du réseau.",
        direction=Direction.EARNS,
        value=500,
    ),
    ServiceInput(
        code="case-research",
        name_en="Case research",
        name_nl="Casusonderzoek",
        name_fr="Recherche de cas",
        description_en="Research into a case other members can learn from.",
        description_nl="Onderzoek naar een casus waar anderen van leren.",
        description_fr="Une recherche sur un cas dont d'autres peuvent apprendre.",
        direction=Direction.EARNS,
        value=1000,
    ),
]

# (days ago delivered, days ago confirmed, service, giver or participant, receiver)
ACTIVITY: list[tuple[int, int, str, str, str | None]] = [
    (85, 84, "session", "bram@samen.test", "hanne@samen.test"),
    (80, 78, "workshop", "hanne@samen.test", None),
    (80, 79, "workshop", "jana@samen.test", None),
    (72, 70, "article", "chloe@samen.test", None),
    (64, 63, "session", "jana@samen.test", "chloe@samen.test"),
    (55, 54, "session", "bram@samen.test", "gilles@samen.test"),
    (50, 48, "bootcamp", "bram@samen.test", None),
    (41, 40, "session", "hanne@samen.test", "dries@samen.test"),
    (33, 32, "case-research", "gilles@samen.test", None),
    (26, 25, "workshop", "bram@samen.test", None),
    (26, 25, "workshop", "chloe@samen.test", None),
    (18, 17, "session", "chloe@samen.test", "bram@samen.test"),
    (9, 8, "session", "gilles@samen.test", "jana@samen.test"),
    (4, 3, "article", "jana@samen.test", None),
]


# (requester, title, description, skills wanted, service), in the requester's language.
REQUESTS: list[tuple[str, str, str, tuple[str, ...], str]] = [
    (
        "gilles@samen.test",
        "Réparer des vélos à notre premier repair café",
        "Samedi matin à Liège : une dizaine de vélos à remettre en route. "
        "Qui peut montrer les **bons gestes** aux bénévoles ?",
        ("Fietsherstel", "Repair café"),
        "session",
    ),
    (
        "jana@samen.test",
        "Koken voor de ontmoetingsavond",
        "Voor de maandelijkse ontmoetingsavond in Gent zoeken we iemand die mee een "
        "eenvoudige, lokale maaltijd bedenkt en kookt voor een dertigtal mensen.",
        ("Koken", "Evenementen"),
        "session",
    ),
    (
        "chloe@samen.test",
        "Apprendre à animer un atelier de réparation",
        "Je voudrais organiser un atelier de réparation pour débutant·es. "
        "Une heure de coaching pour le préparer ?",
        ("Workshops geven", "Repair café"),
        "",
    ),
]
ANSWERED = (
    "jana@samen.test",
    "Brouwles voor de buurtwerking",
    "Een namiddag bier brouwen met de buren: wie leert ons de basis?",
    ("Bier brouwen",),
    "session",
)
ANSWERED_BY = "bram@samen.test"


def _request(scheme: CreditScheme, row: tuple[str, str, str, tuple[str, ...], str]) -> HelpRequest:
    email, title, description, skills, service = row
    requester = person(email)
    existing = HelpRequest.objects.filter(scheme=scheme, requester=requester, title=title).first()
    if existing is not None:
        return existing
    return help_request_create(
        actor=requester,
        scheme=scheme,
        title=title,
        description=description,
        skills=list(skills),
        service_code=service,
    )


def _seed_requests(scheme: CreditScheme) -> None:
    for row in REQUESTS:
        _request(scheme, row)
    answered = _request(scheme, ANSWERED)
    if answered.is_open and not Delivery.objects.filter(help_request=answered).exists():
        today = timezone.localdate()
        delivery = delivery_record(
            actor=person(ANSWERED_BY),
            scheme=scheme,
            service_code="session",
            on=today - dt.timedelta(days=2),
            help_request=answered,
            note="demo:request",
        )
        delivery_confirm(
            actor=answered.requester, delivery=delivery, confirmed_on=today - dt.timedelta(days=1)
        )


def _host(anna: Any) -> Host:
    fields = {
        "legal_name": "Innovatienetwerk Vlaanderen vzw",
        "country": "BE",
        "enterprise_number": "0403.170.701",
        "vat_status": "subject",
        "vat_number": "BE0403170701",
        "iban": "BE71096123456769",
        "bic": "GKCCBEBB",
        "address": "Kortrijksesteenweg 100\n9000 Gent",
        "contact_email": "hallo@innovatienetwerk.test",
    }
    host = Host.objects.filter(slug=HOST_SLUG).first()
    if host is None:
        return communities.host_create(
            actor=anna, name="Innovatienetwerk", slug=HOST_SLUG, **fields
        )
    return host


def _scheme(anna: Any, host: Host) -> CreditScheme:
    scheme = CreditScheme.objects.filter(host=host).first()
    if scheme is None:
        scheme = scheme_create(
            actor=anna,
            host=host,
            code="SIF",
            name="SIF (sociale innovatiefactor)",
            euro_value=Decimal("50.00"),
            vat_rate=Decimal("21.00"),
            default_credit_limit=3000,
        )
    if not RateCard.objects.filter(scheme=scheme).exists():
        rate_card_publish(
            actor=anna,
            scheme=scheme,
            valid_from=timezone.localdate() - dt.timedelta(days=365),
            services=SERVICES,
        )
    return scheme


def seed() -> None:
    anna = person("anna@samen.test")
    host = _host(anna)
    for email in MEMBERS:
        member = person(email)
        if not HostMembership.objects.filter(host=host, user=member).exists():
            communities.member_add(actor=anna, owner=host, user=member, role=HostRole.MEMBER)
    scheme = _scheme(anna, host)
    bram = person("bram@samen.test")
    billing_profile_save(
        actor=bram,
        host=host,
        user=bram,
        company_name="De Smet Advies BV",
        enterprise_number="0202.239.951",
        vat_number="BE0202239951",
        address="Veldstraat 10\n9000 Gent",
    )
    today = timezone.localdate()
    for n, (delivered, confirmed, code, first, second) in enumerate(ACTIVITY):
        note = f"demo:{n}"
        if Delivery.objects.filter(scheme=scheme, note=note).exists():
            continue
        on = today - dt.timedelta(days=delivered)
        if code == "workshop":
            (delivery,) = workshop_record(
                actor=anna,
                scheme=scheme,
                service_code=code,
                on=on,
                participants=[person(first)],
                note=note,
            )
            confirmer = person(first)
        else:
            delivery = delivery_record(
                actor=person(first),
                scheme=scheme,
                service_code=code,
                on=on,
                member=person(second) if second else None,
                note=note,
            )
            confirmer = person(second) if second else anna
        delivery_confirm(
            actor=confirmer, delivery=delivery, confirmed_on=today - dt.timedelta(days=confirmed)
        )
    # One session still waiting for its confirmation, to show the pending list.
    if not Delivery.objects.filter(scheme=scheme, note="demo:pending").exists():
        delivery_record(
            actor=bram,
            scheme=scheme,
            service_code="session",
            on=today - dt.timedelta(days=1),
            member=person("hanne@samen.test"),
            note="demo:pending",
        )
    _seed_requests(scheme)
    # Dries paid half of his debt in euros, booked by hand.
    if not Settlement.objects.filter(idempotency_key="demo:settlement").exists():
        settlement_record(
            actor=anna,
            scheme=scheme,
            member=person("dries@samen.test"),
            amount=3025,
            paid_on=today - dt.timedelta(days=2),
            idempotency_key="demo:settlement",
        )
