"""Error codes of the accounts app, shared by forms, actions and the API."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from samen.lib.errors import DomainError


class AccountsErrorCode(models.TextChoices):
    AVATAR_TOO_LARGE = "avatar_too_large", _("The image is larger than 5 MB.")
    AVATAR_NOT_IMAGE = (
        "avatar_not_image",
        _("This file is not an image we can read. Upload a JPEG, PNG, GIF or WebP picture."),
    )
    AVATAR_TOO_MANY_PIXELS = (
        "avatar_too_many_pixels",
        _("This image has too many pixels. Upload a picture of at most 40 megapixels."),
    )
    SKILL_INVALID = "skill_invalid", _("A skill has at most 60 characters.")
    TOO_MANY_SKILLS = "too_many_skills", _("List at most 20 skills.")
    SKILL_NAME_TAKEN = "skill_name_taken", _("This name already finds another skill.")
    SAME_SKILL = "same_skill", _("Choose two different skills to merge.")
    # The API's generic code for a refused permission, as in the other apps.
    NOT_ALLOWED = "permission_denied", _("Only host admins look after the list of skills.")


class SkillError(DomainError):
    """A change to the shared list of skills that the rules refuse; nothing was written."""

    statuses = {
        AccountsErrorCode.NOT_ALLOWED: 403,
        AccountsErrorCode.SKILL_NAME_TAKEN: 409,
    }


class AvatarError(ValueError):
    """The uploaded avatar cannot be used; ``code`` says why."""

    def __init__(self, code: AccountsErrorCode) -> None:
        super().__init__(str(code.label))
        self.code = code
