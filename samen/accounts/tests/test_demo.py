from __future__ import annotations

import pytest

from samen.accounts import demo
from samen.accounts.models import Profile, Skill, User

pytestmark = pytest.mark.django_db


def test_demo_people_get_profiles_idempotently() -> None:
    demo.seed()
    counts = (User.objects.count(), Profile.objects.count(), Skill.objects.count())
    demo.seed()
    assert (User.objects.count(), Profile.objects.count(), Skill.objects.count()) == counts
    assert counts[1] == len(demo.PROFILES)
    gilles = Profile.objects.get(user__email="gilles@samen.test")
    assert gilles.city == "Liège"
    assert "fr" in gilles.languages
    assert gilles.skills.filter(name="Mycologie").exists()
    assert demo.person("anna@samen.test").check_password("samen-demo")
