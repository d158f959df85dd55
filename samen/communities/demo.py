"""Demo community: the Brussels host, four hosted collectives, one pending application,
two chapters with connectors, house rules, follows, news, and people in every role.

Runs after ``samen.accounts.demo`` (the people) and is idempotent: every step first looks
for what it would create (by slug, or by who and what), so ``seed_demo`` can run again.
Everything is written through the actions, so the audit log reads like real use.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from samen.accounts.demo import person
from samen.communities import actions, queries
from samen.communities.models import Chapter, Collective, Host, HostApplication, NewsPost
from samen.communities.validation import COVER_SIZE
from samen.core.demo_pictures import demo_banner, demo_logo

HOST_SLUG = "brussels-commons"

HOST_TERMS = """\
Brussels Commons vzw carries your collective's money under its own registration.

- Every euro in and out is public on Samen.
- Expenses need a receipt or an invoice addressed to Brussels Commons.
- The host fee pays for accounting, insurance and the bank.
"""

HOST_ABOUT = """\
A Brussels non-profit (vzw/asbl) that hosts citizen initiatives so they can collect
donations, pre-sell and pay bills **without founding an organisation of their own**.
"""

HOST_ABOUT_NL = """\
Een Brusselse vzw die burgerinitiatieven draagt, zodat ze giften kunnen ontvangen, kunnen
voorverkopen en rekeningen betalen **zonder een eigen organisatie op te richten**.
"""

HOST_ABOUT_FR = """\
Une asbl bruxelloise qui héberge des initiatives citoyennes pour qu'elles puissent recevoir
des dons, prévendre et payer leurs factures **sans fonder leur propre organisation**.
"""

# The collectives' texts in the other two languages (English is in COLLECTIVES).
COLLECTIVE_TEXTS: dict[str, dict[str, dict[str, str]]] = {
    "brasserie-zinneke": {
        "nl": {
            "tagline": "Een buurtbrouwerij die haar bier op voorhand verkoopt",
            "description": "We brouwen een **saison** en een stout in Anderlecht en verkopen "
            "elke brouwsel vooraf aan de buren, zodat we nooit bij een bank lenen.",
        },
        "fr": {
            "tagline": "Une brasserie de quartier qui prévend sa bière",
            "description": "Nous brassons une **saison** et une stout à Anderlecht et prévendons "
            "chaque brassin aux voisins : nous n'empruntons jamais à une banque.",
        },
    },
    "champignons-de-forest": {
        "nl": {
            "tagline": "Oesterzwammen gekweekt op het koffiedik van de stad",
            "description": "We halen koffiedik op bij cafés in Vorst en kweken er zwammen "
            "op in een kelder; het gebruikte substraat gaat naar buurttuinen.",
        },
        "fr": {
            "tagline": "Des pleurotes cultivés sur le marc de café de la ville",
            "description": "Nous collectons le marc de café des cafés de Forest et cultivons "
            "des champignons dans une cave ; le substrat usé part aux potagers collectifs.",
        },
    },
    "repair-cafe-sint-gillis": {
        "nl": {
            "tagline": "Samen herstellen, elke eerste zaterdag",
            "description": "Breng je kapotte broodrooster, fietslicht of broek mee; "
            "vrijwilligers herstellen ze samen met jou.",
        },
        "fr": {
            "tagline": "Réparer ensemble, chaque premier samedi",
            "description": "Apportez votre grille-pain, votre lampe de vélo ou votre pantalon "
            "abîmés : des bénévoles les réparent avec vous.",
        },
    },
    "moestuin-ledeberg": {
        "nl": {
            "tagline": "Een gedeelde moestuin in Gent",
            "description": "Dertig verhoogde bakken, een gereedschapskot en een composthoek, "
            "gedeeld door de buurt.",
        },
        "fr": {
            "tagline": "Un potager collectif à Gand",
            "description": "Trente bacs surélevés, un abri à outils et un coin compost, "
            "partagés par le quartier.",
        },
    },
}

COLLECTIVES: list[dict[str, Any]] = [
    {
        "slug": "brasserie-zinneke",
        "name": "Brasserie Zinneke",
        "admin": "bram@samen.test",
        "tagline": "A neighbourhood brewery that pre-sells its beer",
        "description": "We brew a **saison** and a stout in Anderlecht and pre-sell each "
        "batch to neighbours, so we never borrow from a bank.",
        "tags": "beer, food, crowdfunding",
        "city": "Brussels",
        "chapters": ["brussels"],
        "languages": ["nl", "fr"],
        "members": ["chloe@samen.test", "hanne@samen.test"],
        "fee": None,
    },
    {
        "slug": "champignons-de-forest",
        "name": "Champignons de Forest",
        "admin": "gilles@samen.test",
        "tagline": "Oyster mushrooms grown on the city's coffee grounds",
        "description": "We collect coffee grounds from cafés in Forest and grow mushrooms "
        "in a cellar; the spent substrate goes to community gardens.",
        "tags": "food, circular",
        "city": "Forest",
        "chapters": ["brussels"],
        "languages": ["fr"],
        "members": [],
        "fee": Decimal("3.00"),
    },
    {
        "slug": "repair-cafe-sint-gillis",
        "name": "Repair Café Sint-Gillis",
        "admin": "karim@samen.test",
        "tagline": "Fix it together, every first Saturday",
        "description": "Bring your broken toaster, bike light or trousers; volunteers "
        "repair them with you.",
        "tags": "repair, circular",
        "city": "Saint-Gilles",
        "chapters": ["brussels"],
        "languages": ["fr", "nl", "en"],
        "members": ["chloe@samen.test"],
        "fee": None,
    },
    {
        "slug": "moestuin-ledeberg",
        "name": "Moestuin Ledeberg",
        "admin": "jana@samen.test",
        "tagline": "A community vegetable garden in Ghent",
        "description": "Thirty raised beds, a tool shed and a compost corner, shared by "
        "the neighbourhood.",
        "tags": "garden, food",
        "city": "Gent",
        "chapters": ["ghent"],
        "languages": ["nl"],
        "members": ["hanne@samen.test"],
        "fee": None,
    },
]

PENDING: dict[str, Any] = {
    "slug": "fietskeuken-anderlecht",
    "name": "Fietskeuken Anderlecht",
    "admin": "karim@samen.test",
    "tagline": "A bike kitchen where you learn to repair your own bike",
    "tags": "bike, repair",
    "city": "Anderlecht",
    "answers": [
        "Neighbours repair their bikes with our tools and help, twice a week.",
        "About 40 people a month; we want to buy a second repair stand.",
    ],
}


def seed() -> None:
    anna = person("anna@samen.test")
    host = _host(anna)
    _ensure_member(host, person("femke@samen.test"), "accountant", anna)
    _ensure_member(host, person("hanne@samen.test"), "member", anna)
    chapters = {
        "brussels": _chapter("Brussels", "brussels", "Brussels", "karim@samen.test"),
        "ghent": _chapter("Ghent", "ghent", "Gent", "jana@samen.test"),
    }
    for spec in COLLECTIVES:
        admin = person(spec["admin"])
        collective = _collective(spec, admin, [chapters[s] for s in spec["chapters"]])
        _pictures(collective, admin)
        for email in spec["members"]:
            _ensure_member(collective, person(email), "member", admin)
            chapters[spec["chapters"][0]].members.add(person(email))
        chapters[spec["chapters"][0]].members.add(admin)
        _ensure_hosted(collective, host, anna, spec["fee"])
    _pending_application(host)
    _rules(host, anna)
    _follows(host, chapters)
    _news(host, chapters)


def _host(anna: Any) -> Host:
    fields = {
        "legal_name": "Brussels Commons vzw",
        "country": "BE",
        "enterprise_number": "0412.345.614",
        "vat_status": "exempt",
        "iban": "BE68539007547034",
        "bic": "BPOTBEB1",
        "address": "Rue de la Senne 12\n1000 Brussels",
        "contact_email": "hello@brusselscommons.test",
        "about": HOST_ABOUT,
        "about_en": HOST_ABOUT,
        "about_nl": HOST_ABOUT_NL,
        "about_fr": HOST_ABOUT_FR,
        "terms": HOST_TERMS,
        "default_fee_percent": Decimal("5.00"),
        "flat_monthly_fee_cents": 500,
        "accepts_applications": True,
        "application_questions": [
            "What does your collective do, and for whom?",
            "How much money do you expect to raise in the first year, and for what?",
        ],
    }
    host = Host.objects.filter(slug=HOST_SLUG).first()
    if host is None:
        return actions.host_create(actor=anna, name="Brussels Commons", slug=HOST_SLUG, **fields)
    return actions.host_update(actor=anna, host=host, **fields)


def _chapter(name: str, slug: str, city: str, connector_email: str) -> Chapter:
    chapter, _ = Chapter.objects.update_or_create(
        slug=slug, defaults={"name": name, "city": city, "country": "BE"}
    )
    connector = person(connector_email)
    chapter.connectors.add(connector)
    chapter.members.add(connector)
    return chapter


def _collective(spec: dict[str, Any], admin: Any, chapters: list[Chapter]) -> Collective:
    fields = {
        "name": spec["name"],
        "tagline": spec["tagline"],
        "description": spec.get("description", ""),
        "tags": spec["tags"],
        "city": spec["city"],
        "chapters": chapters,
        "languages": spec.get("languages", []),
    }
    texts = {"en": {"tagline": spec["tagline"], "description": spec.get("description", "")}}
    texts.update(COLLECTIVE_TEXTS.get(spec["slug"], {}))
    translations = {
        f"{name}_{language}": text
        for language, by_name in texts.items()
        for name, text in by_name.items()
    }
    collective = Collective.objects.filter(slug=spec["slug"]).first()
    if collective is None:
        return actions.collective_create(
            actor=admin, slug=spec["slug"], translations=translations, **fields
        )
    if any(getattr(collective, key) != text for key, text in translations.items()):
        return actions.collective_update(actor=admin, collective=collective, **translations)
    return collective


def collective_tone(slug: str) -> int:
    """The palette colour of a demo collective's pictures: one each, in the order above."""
    slugs = [spec["slug"] for spec in COLLECTIVES] + [PENDING["slug"]]
    return slugs.index(slug) if slug in slugs else 0


def _pictures(collective: Collective, admin: Any) -> Collective:
    """A generated logo and cover for a collective without them (kept once set, so a second
    seed writes no file)."""
    tone = collective_tone(collective.slug)
    pictures = {}
    if not collective.logo:
        pictures["logo"] = demo_logo(collective.slug, collective.name, tone=tone)
    if not collective.cover:
        pictures["cover"] = demo_banner(collective.slug, COVER_SIZE, tone=tone)
    if not pictures:
        return collective
    return actions.collective_update(actor=admin, collective=collective, **pictures)


def _ensure_member(owner: Collective | Host, user: Any, role: str, admin: Any) -> None:
    membership = queries.membership_of(user, owner)
    if membership is None:
        actions.member_add(actor=admin, owner=owner, user=user, role=role)
    elif membership.role != role and membership.role != "admin":
        actions.member_set_role(actor=admin, owner=owner, user=user, role=role)


def _ensure_hosted(collective: Collective, host: Host, anna: Any, fee: Decimal | None) -> None:
    if collective.host_id is not None:
        return
    admin = queries.collective_admins(collective).first()
    application = actions.application_submit(
        actor=admin,
        collective=collective,
        host=host,
        answers=[collective.tagline, "A few thousand euro from neighbours and supporters."],
        terms_accepted=True,
    )
    actions.application_approve(actor=anna, application=application, custom_fee_percent=fee)


def _pending_application(host: Host) -> None:
    admin = person(PENDING["admin"])
    collective = Collective.objects.filter(slug=PENDING["slug"]).first()
    if collective is None:
        collective = actions.collective_create(
            actor=admin,
            name=PENDING["name"],
            slug=PENDING["slug"],
            tagline=PENDING["tagline"],
            tags=PENDING["tags"],
            city=PENDING["city"],
        )
    _pictures(collective, admin)
    if (
        collective.host_id is None
        and not HostApplication.objects.filter(collective=collective).exists()
    ):
        actions.application_submit(
            actor=admin,
            collective=collective,
            host=host,
            answers=PENDING["answers"],
            terms_accepted=True,
        )


def _rules(host: Host, anna: Any) -> None:
    if queries.current_rules(host) is None:
        actions.rules_publish(
            actor=anna,
            owner=host,
            text="Keep receipts for every expense. Treat each other and our volunteers kindly.",
        )
    for email in ("femke@samen.test", "hanne@samen.test"):
        if queries.needs_rules_acceptance(person(email), host):
            actions.rules_accept(actor=person(email), owner=host)
    brewery = Collective.objects.get(slug="brasserie-zinneke")
    bram = person("bram@samen.test")
    current = queries.current_rules(brewery)
    if current is None:
        actions.rules_publish(
            actor=bram, owner=brewery, text="Be kind. Clean the brewing kit after use."
        )
        for email in ("chloe@samen.test", "hanne@samen.test"):
            actions.rules_accept(actor=person(email), owner=brewery)
        current = queries.current_rules(brewery)
    if current is not None and current.version == 1:
        # A second version that Hanne has not accepted yet shows the re-acceptance prompt.
        actions.rules_publish(
            actor=bram,
            owner=brewery,
            text="Be kind. Clean the brewing kit after use. No alcohol for under-18s at tastings.",
        )
        actions.rules_accept(actor=person("chloe@samen.test"), owner=brewery)
    for spec in COLLECTIVES[1:]:
        collective = Collective.objects.get(slug=spec["slug"])
        if queries.current_rules(collective) is None:
            actions.rules_publish(
                actor=person(spec["admin"]),
                owner=collective,
                text="Be kind, be on time, tell us when you cannot come.",
            )


def _follows(host: Host, chapters: dict[str, Chapter]) -> None:
    brewery = Collective.objects.get(slug="brasserie-zinneke")
    mushrooms = Collective.objects.get(slug="champignons-de-forest")
    garden = Collective.objects.get(slug="moestuin-ledeberg")
    follows: list[tuple[str, Any]] = [
        ("dries@samen.test", brewery),
        ("dries@samen.test", host),
        ("lotte@samen.test", brewery),
        ("lotte@samen.test", mushrooms),
        ("lotte@samen.test", chapters["brussels"]),
        ("ilias@samen.test", garden),
        ("ilias@samen.test", chapters["ghent"]),
    ]
    for email, target in follows:
        actions.follow_add(actor=person(email), target=target)


NEWS: list[dict[str, Any]] = [
    {
        "owner": ("host", HOST_SLUG),
        "author": "anna@samen.test",
        "title": "Our annual meeting on 14 March",
        "body": "Every hosted collective is welcome at our **annual meeting**: the accounts "
        "of the year, the fee for next year and a drink afterwards.\n\n"
        "- 18:30, Rue de la Senne 12\n- Dutch and French spoken",
    },
    {
        "owner": ("collective", "brasserie-zinneke"),
        "author": "bram@samen.test",
        "title": "The spring saison is bottled",
        "body": "Batch 7 is in bottles. Pre-orders can be picked up on **Saturday** "
        "between 10:00 and 13:00. Thank you for carrying us through winter!",
    },
    {
        "owner": ("collective", "brasserie-zinneke"),
        "author": "bram@samen.test",
        "title": "Brew day rota for April",
        "body": "Members: please put your name next to a brew day in the shared sheet "
        "before Friday. We need two people per day.",
        "audience": "members",
    },
    {
        "owner": ("collective", "brasserie-zinneke"),
        "author": "bram@samen.test",
        "title": "A stout for the autumn?",
        "body": "Draft: ideas for the next batch, to be discussed at the meeting.",
        "draft": True,
    },
    {
        "owner": ("collective", "champignons-de-forest"),
        "author": "gilles@samen.test",
        "title": "Première récolte dans la nouvelle cave",
        "body": "Les pleurotes de la nouvelle cave sont prêts. Merci aux cafés de Forest "
        "pour leur marc de café !",
    },
    {
        "owner": ("chapter", "brussels"),
        "author": "karim@samen.test",
        "title": "Brussels meet-up: repair and brew",
        "body": "Next month's chapter meet-up is at the Repair Café, with a tasting by "
        "Brasserie Zinneke afterwards. Everyone is welcome.",
    },
]


def _news(host: Host, chapters: dict[str, Chapter]) -> None:
    """A few posts: public ones on the host, two collectives and a chapter, one for members
    only and one draft. Found again by owner and title."""
    owners: dict[str, Any] = {
        "host": lambda slug: host,
        "collective": lambda slug: Collective.objects.get(slug=slug),
        "chapter": lambda slug: chapters[slug],
    }
    for spec in NEWS:
        kind, slug = spec["owner"]
        owner = owners[kind](slug)
        if NewsPost.objects.filter(**{kind: owner}, title=spec["title"]).exists():
            continue
        actions.news_create(
            actor=person(spec["author"]),
            owner=owner,
            title=spec["title"],
            body=spec["body"],
            audience=spec.get("audience", "public"),
            publish=not spec.get("draft", False),
        )
