"""Avatar images: checked from their content, resized and re-encoded without metadata."""

from __future__ import annotations

from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

from samen.accounts.errors import AccountsErrorCode, AvatarError

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 512
# Refuse decompression bombs before decoding: a small file can claim a gigantic canvas.
MAX_PIXELS = 40_000_000
ACCEPTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


def process_avatar(upload: UploadedFile) -> ContentFile[bytes]:
    """Return a clean copy of ``upload``: at most 512x512, JPEG or PNG, no EXIF/ICC/text.

    The type is decided by Pillow reading the content, never by the file name or the
    browser's content type. Raises :class:`AvatarError` for anything unusable.
    """
    if upload.size is not None and upload.size > MAX_BYTES:
        raise AvatarError(AccountsErrorCode.AVATAR_TOO_LARGE)
    upload.seek(0)
    try:
        with Image.open(upload) as source:
            if source.format not in ACCEPTED_FORMATS:
                raise AvatarError(AccountsErrorCode.AVATAR_NOT_IMAGE)
            if source.width * source.height > MAX_PIXELS:
                raise AvatarError(AccountsErrorCode.AVATAR_TOO_MANY_PIXELS)
            source.seek(0)  # the first frame of an animation
            image = ImageOps.exif_transpose(source)  # keep the photo upright once EXIF is gone
            has_alpha = image.mode in ("RGBA", "LA") or (
                image.mode == "P" and "transparency" in image.info
            )
            image = image.convert("RGBA" if has_alpha else "RGB")
            image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
            # A new image from raw pixels carries no metadata at all (EXIF, XMP, ICC, text).
            clean = Image.frombytes(image.mode, image.size, image.tobytes())
    except AvatarError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise AvatarError(AccountsErrorCode.AVATAR_NOT_IMAGE) from None

    out = BytesIO()
    if has_alpha:
        clean.save(out, format="PNG", optimize=True)
        extension = "png"
    else:
        clean.save(out, format="JPEG", quality=85, optimize=True)
        extension = "jpg"
    return ContentFile(out.getvalue(), name=f"avatar.{extension}")
