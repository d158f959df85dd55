from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied
from PIL import Image

from samen.accounts.actions import (
    clean_skill_names,
    profile_remove_avatar,
    profile_set_avatar,
    profile_update,
    user_set_language,
)
from samen.accounts.avatars import process_avatar
from samen.accounts.errors import AccountsErrorCode, AvatarError
from samen.accounts.models import Profile, Skill, Visibility
from samen.accounts.tests.factories import give_profile, image_upload
from samen.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_profile_update_creates_profile_skills_and_audit(anna) -> None:
    profile = give_profile(anna, skills=["Cooking", " cooking ", "Bicycle  repair", ""])
    assert profile.city == "Ghent"
    assert sorted(s.name for s in profile.skills.all()) == ["Bicycle repair", "Cooking"]
    assert AuditEntry.objects.filter(action="profile.update", target_id=str(anna.pk)).exists()


def test_skills_are_shared_ignoring_case(anna, bram) -> None:
    give_profile(anna, skills=["Woodworking"])
    give_profile(bram, skills=["woodworking", "Welding"])
    assert Skill.objects.filter(name__iexact="woodworking").count() == 1
    assert {s.name for s in bram.profile.skills.all()} == {"Woodworking", "Welding"}


def test_profile_update_rejects_unknown_visibility_and_language(anna) -> None:
    with pytest.raises(ValueError, match="visibility"):
        give_profile(anna, visibility={"bio": "friends"})
    with pytest.raises(ValueError, match="language"):
        profile_update(
            actor=anna, display_name="A", language="de", bio="", city="", languages=[],
            skills=[], visibility={},
        )  # fmt: skip
    assert not Profile.objects.filter(user=anna).exists()


def test_clean_skill_names_limits() -> None:
    with pytest.raises(ValueError, match=AccountsErrorCode.SKILL_INVALID):
        clean_skill_names(["x" * 61])
    with pytest.raises(ValueError, match=AccountsErrorCode.TOO_MANY_SKILLS):
        clean_skill_names([f"skill {i}" for i in range(21)])
    assert clean_skill_names(["A b", "a   B", "c"]) == ["A b", "c"]


def test_user_set_language(anna) -> None:
    user_set_language(actor=anna, language="nl")
    anna.refresh_from_db()
    assert anna.language == "nl"
    with pytest.raises(ValueError, match="unknown"):
        user_set_language(actor=anna, language="xx")


def test_process_avatar_resizes_and_strips_metadata() -> None:
    upload = image_upload(size=(2000, 1000))
    with Image.open(upload) as original:
        assert original.getexif()  # the fixture really carries EXIF
    cleaned = process_avatar(upload)
    with Image.open(cleaned) as image:
        assert image.format == "JPEG"
        assert max(image.size) == 512
        assert image.size == (512, 256)
        assert not image.getexif()
        assert "icc_profile" not in image.info
    assert b"Secret Artist" not in cleaned.read()


def test_process_avatar_keeps_transparency_as_png() -> None:
    cleaned = process_avatar(image_upload(fmt="PNG", name="a.png", mode="RGBA", exif=False))
    with Image.open(cleaned) as image:
        assert image.format == "PNG"
        assert image.mode == "RGBA"


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (b"%PDF-1.4 not an image", AccountsErrorCode.AVATAR_NOT_IMAGE),
        (b"\x89PNG\r\n\x1a\n truncated", AccountsErrorCode.AVATAR_NOT_IMAGE),
        (b"x" * (5 * 1024 * 1024 + 1), AccountsErrorCode.AVATAR_TOO_LARGE),
    ],
)
def test_process_avatar_refuses_bad_files(payload: bytes, code) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(AvatarError) as info:
        process_avatar(SimpleUploadedFile("photo.jpg", payload, content_type="image/jpeg"))
    assert info.value.code == code


def test_process_avatar_refuses_other_image_formats() -> None:
    with pytest.raises(AvatarError):
        process_avatar(image_upload(fmt="BMP", name="a.bmp", exif=False))


def test_avatar_replace_deletes_old_file_on_commit(
    anna, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = profile_set_avatar(actor=anna, image=process_avatar(image_upload()))
    storage, old_name = first.avatar.storage, first.avatar.name
    assert storage.exists(old_name)
    with django_capture_on_commit_callbacks(execute=True):
        second = profile_set_avatar(actor=anna, image=process_avatar(image_upload()))
    assert second.avatar.name != old_name
    assert not storage.exists(old_name)
    assert storage.exists(second.avatar.name)
    with django_capture_on_commit_callbacks(execute=True):
        profile_remove_avatar(actor=anna)
    assert not storage.exists(second.avatar.name)
    assert not Profile.objects.get(user=anna).avatar


def test_avatar_name_is_not_guessable(anna) -> None:
    profile = profile_set_avatar(actor=anna, image=process_avatar(image_upload()))
    assert re.fullmatch(r"avatars/[0-9a-f]{32}\.jpg", profile.avatar.name)


def test_visibility_defaults_keep_city_for_members(anna) -> None:
    profile = Profile.objects.create(user=anna)
    assert profile.city_visibility == Visibility.MEMBERS
    assert profile.bio_visibility == Visibility.EVERYONE


def test_only_self_or_superuser_may_erase(anna, bram) -> None:
    from samen.accounts.actions import user_erase

    with pytest.raises(PermissionDenied):
        user_erase(actor=bram, user=anna)
