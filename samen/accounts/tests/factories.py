"""Test helpers for people: images and profiles built through the real actions."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from samen.accounts.actions import profile_update
from samen.accounts.models import Profile, User, Visibility


def image_upload(
    *,
    size: tuple[int, int] = (1200, 800),
    fmt: str = "JPEG",
    name: str = "photo.jpg",
    exif: bool = True,
    mode: str = "RGB",
) -> SimpleUploadedFile:
    """A real image file; with ``exif`` it carries an artist, a camera and GPS coordinates."""
    image = Image.new(mode, size, (200, 80, 40) if mode == "RGB" else (200, 80, 40, 128))
    out = BytesIO()
    kwargs: dict[str, Any] = {}
    if exif:
        data = Image.Exif()
        data[0x013B] = "Secret Artist"  # Artist
        data[0x0110] = "Secret Camera"  # Model
        data[0x8825] = {1: "N", 2: (50.0, 50.0, 0.0)}  # GPS info
        kwargs["exif"] = data.tobytes()
    image.save(out, format=fmt, **kwargs)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")


def give_profile(
    user: User,
    *,
    bio: str = "I fix bicycles.",
    city: str = "Ghent",
    languages: list[str] | None = None,
    skills: list[str] | None = None,
    visibility: str | dict[str, str] = Visibility.EVERYONE,
) -> Profile:
    if isinstance(visibility, str):
        visibility = dict.fromkeys(Profile.PRIVATE_FIELDS, visibility)
    return profile_update(
        actor=user,
        display_name=user.display_name,
        language=user.language or "en",
        bio=bio,
        city=city,
        languages=languages if languages is not None else ["nl", "fr"],
        skills=skills if skills is not None else ["Bicycle repair", "Cooking"],
        visibility=visibility,
    )
