"""Demo people: one per role, in three languages (the communities demo gives them roles)."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress

from samen.accounts.actions import skills_get_or_create
from samen.accounts.models import Profile, User, Visibility
from samen.core.demo import DEMO_PASSWORD


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    language: str
    role: str


PEOPLE = [
    DemoPerson("anna@samen.test", "Anna Peeters", "nl", "host admin (Brussels host)"),
    DemoPerson("femke@samen.test", "Femke Janssens", "nl", "host accountant"),
    DemoPerson("bram@samen.test", "Bram De Smet", "nl", "collective admin (Brasserie)"),
    DemoPerson("gilles@samen.test", "Gilles Dubois", "fr", "collective admin (Champignons)"),
    DemoPerson("chloe@samen.test", "Chloé Lambert", "fr", "collective member"),
    DemoPerson("hanne@samen.test", "Hanne Willems", "nl", "collective member"),
    DemoPerson("karim@samen.test", "Karim Benali", "fr", "chapter connector (Brussels)"),
    DemoPerson("jana@samen.test", "Jana Claes", "nl", "chapter connector (Ghent)"),
    DemoPerson("dries@samen.test", "Dries Maes", "nl", "supporter"),
    DemoPerson("ilias@samen.test", "Ilias El Amrani", "en", "supporter"),
    DemoPerson("lotte@samen.test", "Lotte Vermeulen", "en", "follower"),
    DemoPerson("eva@samen.test", "Eva Rossi", "en", "stranger (no role)"),
]


@dataclass(frozen=True)
class DemoProfile:
    city: str
    bio: str
    languages: tuple[str, ...]
    skills: tuple[str, ...]
    city_visibility: str = Visibility.EVERYONE


# Written in each person's own language, as they would introduce themselves.
PROFILES = {
    "anna@samen.test": DemoProfile(
        "Brussel",
        "Ik coördineer de hosting van burgercollectieven in Brussel: boekhouding, verzekeringen "
        "en alles wat een vzw-structuur vraagt, zodat collectieven kunnen doen waar ze goed "
        "in zijn.",
        ("nl", "fr", "en"),
        ("Boekhouding", "Vzw-beheer", "Subsidiedossiers"),
    ),
    "femke@samen.test": DemoProfile(
        "Mechelen",
        "Boekhouder bij de host. Vragen over onkostennota's of facturen? Stuur me een bericht.",
        ("nl", "en"),
        ("Boekhouding", "Btw", "Excel"),
        Visibility.MEMBERS,
    ),
    "bram@samen.test": DemoProfile(
        "Gent",
        "Brouwer in de buurtbrasserie. We brouwen met lokale granen en leren iedereen die wil "
        "hoe je zelf bier maakt.",
        ("nl", "fr"),
        ("Bier brouwen", "Koken", "Evenementen"),
    ),
    "gilles@samen.test": DemoProfile(
        "Liège",
        "Je cultive des champignons sur du marc de café récupéré dans les cafés du quartier. "
        "Ateliers le samedi matin.",
        ("fr", "nl"),
        ("Mycologie", "Compostage", "Animation d'ateliers"),
    ),
    "chloe@samen.test": DemoProfile(
        "Bruxelles",
        "Graphiste, bénévole pour les affiches et le site du collectif.",
        ("fr", "en", "es"),
        ("Graphisme", "Illustration", "Photographie"),
        Visibility.MEMBERS,
    ),
    "hanne@samen.test": DemoProfile(
        "Antwerpen",
        "Ik herstel fietsen in het repair café en geef graag workshops voor beginners.",
        ("nl", "en", "de"),
        ("Fietsherstel", "Repair café", "Workshops geven"),
    ),
    "karim@samen.test": DemoProfile(
        "Bruxelles",
        "Je relie les collectifs de Bruxelles entre eux : si vous cherchez quelqu'un, "
        "demandez-moi.",
        ("fr", "ar", "nl", "en"),
        ("Facilitation", "Médiation", "Réseautage"),
    ),
    "jana@samen.test": DemoProfile(
        "Gent",
        "Ik breng Gentse initiatieven samen en organiseer de maandelijkse ontmoetingsavonden.",
        ("nl", "en", "tr"),
        ("Facilitatie", "Evenementen", "Communicatie"),
    ),
    "dries@samen.test": DemoProfile(
        "Leuven",
        "Ik steun lokale collectieven met een maandelijkse gift.",
        ("nl",),
        ("Fietsherstel",),
        Visibility.ONLY_ME,
    ),
    "ilias@samen.test": DemoProfile(
        "Brussels",
        "Software developer; happy to help collectives with their websites.",
        ("en", "fr", "ar"),
        ("Python", "Web development", "Data analysis"),
    ),
    "lotte@samen.test": DemoProfile(
        "Antwerp",
        "Following the urban gardening projects, hoping to start one in my street.",
        ("en", "nl"),
        ("Urban gardening",),
    ),
    "eva@samen.test": DemoProfile(
        "Namur",
        "Just arrived in Belgium and looking around.",
        ("en", "it"),
        ("Translation",),
    ),
}


def _seed_profile(user: User, demo: DemoProfile) -> None:
    profile, _ = Profile.objects.update_or_create(
        user=user,
        defaults={
            "bio": demo.bio,
            "city": demo.city,
            "languages": list(demo.languages),
            "city_visibility": demo.city_visibility,
        },
    )
    # Through the shared list: a Dutch or French name finds the curated skill.
    profile.skills.set(skills_get_or_create(list(demo.skills)))


def seed() -> None:
    for person in PEOPLE:
        user, created = User.objects.update_or_create(
            email=person.email,
            defaults={"display_name": person.name, "language": person.language},
        )
        if created or not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=person.email, defaults={"verified": True, "primary": True}
        )
        if person.email in PROFILES:
            _seed_profile(user, PROFILES[person.email])


def person(email: str) -> User:
    return User.objects.get(email=email)
