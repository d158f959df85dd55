"""Avatar images: checked from their content, resized and re-encoded without metadata."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile

from samen.accounts.errors import AccountsErrorCode, AvatarError
from samen.lib.images import ImageErrorCode, ImageRefused, clean_image

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 512
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "GIF", "WEBP"})

_CODES = {
    ImageErrorCode.TOO_LARGE: AccountsErrorCode.AVATAR_TOO_LARGE,
    ImageErrorCode.TOO_MANY_PIXELS: AccountsErrorCode.AVATAR_TOO_MANY_PIXELS,
}


def process_avatar(upload: UploadedFile) -> ContentFile[bytes]:
    """Return a clean copy of ``upload``: at most 512x512, JPEG or PNG, no EXIF/ICC/text.

    The type is decided by Pillow reading the content, never by the file name or the
    browser's content type; the one image loader refuses image bombs before decoding.
    Raises :class:`AvatarError` for anything unusable.
    """
    if upload.size is not None and upload.size > MAX_BYTES:
        raise AvatarError(AccountsErrorCode.AVATAR_TOO_LARGE)
    try:
        image = clean_image(
            upload, box=(MAX_SIDE, MAX_SIDE), formats=ACCEPTED_FORMATS, max_bytes=MAX_BYTES
        )
    except ImageRefused as exc:
        raise AvatarError(_CODES.get(exc.code, AccountsErrorCode.AVATAR_NOT_IMAGE)) from None
    return ContentFile(image.data, name=f"avatar.{image.extension}")
