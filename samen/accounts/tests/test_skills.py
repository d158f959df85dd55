"""Skills that match across languages: one curated list, named in Dutch, French and English
with synonyms, that profiles, requests, matching, autocomplete and the directory share."""

from __future__ import annotations

import pytest
from django.utils import translation

from samen.accounts.actions import skill_merge, skill_save, skills_get_or_create
from samen.accounts.errors import AccountsErrorCode, SkillError
from samen.accounts.models import Profile, Skill
from samen.accounts.queries import skill_find, skill_suggestions
from samen.accounts.skills_catalogue import CATALOGUE, skills_catalogue_load
from samen.audit.models import AuditEntry
from samen.credits.actions import help_request_create
from samen.credits.models import HelpRequest
from samen.credits.queries import member_directory, requests_for
from samen.credits.tests.factories import give_skills, make_scheme

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue() -> None:
    """The starting list, as the accounts migration loads it (idempotent)."""
    skills_catalogue_load(Skill)


def test_the_starting_list_has_eighty_skills_in_three_languages(catalogue) -> None:
    assert len(CATALOGUE) >= 80
    assert all(en and nl and fr for en, nl, fr, _synonyms in CATALOGUE)
    assert Skill.objects.filter(curated=True).count() == len(CATALOGUE)
    assert skills_catalogue_load(Skill) == 0  # a second run changes nothing
    assert Skill.objects.filter(curated=True).count() == len(CATALOGUE)


def test_facilitation_facilitatie_and_animation_find_the_same_people(community, catalogue) -> None:
    scheme = make_scheme(community)
    give_skills(community.anna, "Facilitation")
    give_skills(community.bram, "facilitatie")
    give_skills(community.chloe, "Animation", "Cooking")
    (skill,) = {s for p in Profile.objects.all() for s in p.skills.all() if s.name != "Cooking"}
    assert (skill.name, skill.name_nl, skill.name_fr) == (
        "Facilitation",
        "Facilitatie",
        "Facilitation",
    )

    viewer = community.anna
    found = {
        word: set(member_directory(scheme, viewer, skills=[word]))
        for word in ("Facilitation", "Facilitatie", "Animation", "FACILITATIE ")
    }
    people = {community.anna, community.bram, community.chloe}
    assert all(result == people for result in found.values()), found
    # The directory's text search knows the other languages too.
    assert set(member_directory(scheme, viewer, text="animation")) == people
    assert set(member_directory(scheme, viewer, skills=["Cuisine"])) == {community.chloe}

    # A request in Dutch matches the members who wrote the skill in French or English.
    wanted = help_request_create(
        actor=community.chloe, scheme=scheme, title="Help us run a meeting", skills=["Facilitatie"]
    )
    assert list(requests_for(community.bram, scheme)) == [wanted]
    assert list(requests_for(community.anna, scheme)) == [wanted]
    assert [s.name for s in wanted.skills.all()] == ["Facilitation"]


def test_autocomplete_suggests_in_the_readers_language(catalogue) -> None:
    with translation.override("nl"):
        assert skill_suggestions("facilit")[0] == "Facilitatie"
        assert "Facilitatie" in skill_suggestions("anim")
        assert skill_suggestions("boekh")[0] == "Boekhouding"
    with translation.override("fr"):
        assert skill_suggestions("compta")[0] == "Comptabilité"
        assert skill_suggestions("Facilitatie") == ["Facilitation"]
    with translation.override("en"):
        assert skill_suggestions("boekhouding") == ["Accounting"]
        assert skill_suggestions("accounting", exclude=["Boekhouding"]) == []
    with translation.override("nl"):
        profile_skill = skills_get_or_create(["Médiation"])[0]
        assert str(profile_skill) == "Bemiddeling"


def test_typed_skills_are_mapped_onto_the_list_and_merged(community, catalogue) -> None:
    """What the data migration does to the skills people typed before the list existed."""
    Skill.objects.all().delete()
    typed = [Skill.objects.create(name=n) for n in ("facilitatie", "ANIMATION", "Juggling")]
    for user, names in ((community.anna, typed[:2]), (community.bram, typed[1:])):
        profile, _created = Profile.objects.get_or_create(user=user)
        profile.skills.set(names)
    scheme = make_scheme(community)
    request = help_request_create(actor=community.chloe, scheme=scheme, title="Help")
    request.skills.set(typed[:2])

    skills_catalogue_load(Skill)

    facilitation = Skill.objects.get(name="Facilitation")
    assert facilitation.curated
    assert facilitation.pk in {s.pk for s in typed}
    assert [s.name for s in community.anna.profile.skills.all()] == ["Facilitation"]
    assert sorted(s.name for s in community.bram.profile.skills.all()) == [
        "Facilitation",
        "Juggling",
    ]
    assert [s.name for s in HelpRequest.objects.get().skills.all()] == ["Facilitation"]
    juggling = Skill.objects.get(name="Juggling")
    assert not juggling.curated
    assert skill_find("juggling ") == juggling
    assert Skill.objects.count() == len(CATALOGUE) + 1


def test_a_host_admin_adds_and_merges_skills(community, catalogue) -> None:
    anna = community.anna
    circus = skill_save(
        actor=anna,
        name="Circus skills",
        name_nl="Circustechnieken",
        name_fr="Arts du cirque",
        synonyms=["Acrobatics"],
    )
    assert skill_find("arts du cirque") == circus == skill_find("Acrobatics")
    typed = skills_get_or_create(["Jonglage"])[0]
    give_skills(community.chloe, "Jonglage", "Cooking")
    give_skills(community.bram, "Jonglage", "Circustechnieken")

    merged = skill_merge(actor=anna, source=typed, target=circus)
    assert merged.synonyms == ["Acrobatics", "Jonglage"]
    assert not Skill.objects.filter(pk=typed.pk).exists()
    assert skill_find("jonglage") == circus
    assert {s.name for s in community.chloe.profile.skills.all()} == {"Circus skills", "Cooking"}
    assert [s.name for s in community.bram.profile.skills.all()] == ["Circus skills"]
    assert AuditEntry.objects.filter(action__in=["skill.save", "skill.merge"]).count() == 2


@pytest.mark.parametrize(
    ("who", "kwargs", "code"),
    [
        ("chloe", {"name": "Circus"}, AccountsErrorCode.NOT_ALLOWED),
        (
            "anna",
            {"name": "Moderation", "name_nl": "Facilitatie"},
            AccountsErrorCode.SKILL_NAME_TAKEN,
        ),
        ("anna", {"name": ""}, AccountsErrorCode.SKILL_INVALID),
        ("anna", {"name": "x" * 61}, AccountsErrorCode.SKILL_INVALID),
    ],
)
def test_bad_skill_changes_are_refused_and_change_nothing(
    community, catalogue, who, kwargs, code
) -> None:
    before = Skill.objects.count()
    with pytest.raises(SkillError) as caught:
        skill_save(actor=getattr(community, who), **kwargs)
    assert caught.value.code == code
    assert Skill.objects.count() == before
    facilitation = skill_find("Facilitation")
    assert facilitation is not None
    with pytest.raises(SkillError) as caught:
        skill_merge(actor=community.anna, source=facilitation, target=facilitation)
    assert caught.value.code == AccountsErrorCode.SAME_SKILL
    cooking = skill_find("Cooking")
    assert cooking is not None
    with pytest.raises(SkillError) as caught:
        skill_merge(actor=community.chloe, source=facilitation, target=cooking)
    assert caught.value.code == AccountsErrorCode.NOT_ALLOWED
    assert skill_find("Facilitatie") == facilitation


@pytest.mark.parametrize(
    ("who", "expected"),
    [(None, 302), ("chloe", 403), ("bram", 403), ("femke", 403), ("anna", 200)],
)
def test_the_skills_page_is_for_host_admins(client, community, catalogue, who, expected) -> None:
    if who:
        client.force_login(getattr(community, who))
    assert client.get("/people/skills/").status_code == expected
    response = client.post(
        "/people/skills/",
        {"do": "add", "name": "Beekeeping", "name_nl": "Imkeren", "name_fr": "Apiculture"},
    )
    assert response.status_code == (302 if expected == 200 else expected)
    assert Skill.objects.filter(name="Beekeeping").exists() == (expected == 200)


def test_the_skills_page_adds_merges_and_answers_at_the_field(client, community, catalogue) -> None:
    client.force_login(community.anna)
    page = client.post("/people/skills/", {"do": "add", "name": "Animation"})
    assert page.status_code == 200
    assert "already finds the skill" in str(page.context["add_form"].errors["name"])
    typed = skills_get_or_create(["Bijenteelt"])[0]
    beekeeping = skill_save(actor=community.anna, name="Beekeeping", name_nl="Imkeren")
    page = client.post(
        "/people/skills/", {"do": "merge", "source": typed.pk, "target": beekeeping.pk}
    )
    assert page.status_code == 302
    assert skill_find("bijenteelt") == beekeeping
    listing = client.get("/people/skills/?q=imker")
    assert [s.name for s in listing.context["skills"]] == ["Beekeeping"]
    assert "Imkeren" in listing.content.decode()
