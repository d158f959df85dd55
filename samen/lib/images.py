"""The one loader for uploaded images (logos, covers, campaign images, avatars, attachments).

An image file can be tiny and still claim a gigantic canvas (a 641 KB PNG of 13,000 x 13,000
pixels decodes to about 500 MB, several GB on the way): an image bomb. So the size is read
from the header, which Pillow parses without decoding any pixel, and refused above
``IMAGE_MAX_PIXELS`` before anything is decoded. What is accepted is shrunk and re-encoded
from its raw pixels, which leaves every piece of metadata (EXIF with GPS positions, XMP,
ICC, text chunks) behind.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from samen.lib.errors import DomainError

DEFAULT_MAX_PIXELS = 40_000_000
DEFAULT_MAX_BYTES = 8 * 1024 * 1024
WEB_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
_CONTENT_TYPES = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
}
_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


class ImageErrorCode(models.TextChoices):
    NOT_IMAGE = (
        "invalid_image",
        _("This file is not an image we can read. Upload a JPEG, PNG or WebP image."),
    )
    WRONG_FORMAT = "image_format", _("Upload a JPEG, PNG or WebP image.")
    TOO_LARGE = "image_too_large", _("The image file is too large.")
    TOO_MANY_PIXELS = "image_too_many_pixels", _("The image has too many pixels.")


class ImageRefused(DomainError):
    """An upload that is not an image we accept; ``message`` says why, for a field error."""


def max_pixels() -> int:
    """The pixel cap: ``IMAGE_MAX_PIXELS`` in settings (40 megapixels unless configured)."""
    return int(getattr(settings, "IMAGE_MAX_PIXELS", DEFAULT_MAX_PIXELS))


def _too_large(max_bytes: int) -> ImageRefused:
    return ImageRefused(
        ImageErrorCode.TOO_LARGE,
        _("The image file is larger than %(size)d MB.") % {"size": max_bytes // (1024 * 1024)},
    )


def open_image(
    stream: IO[bytes], *, formats: frozenset[str] = WEB_FORMATS, max_bytes: int = DEFAULT_MAX_BYTES
) -> Image.Image:
    """Open ``stream`` lazily after checking its bytes, its real format and its pixel count.

    Only the header has been read when this returns; decoding happens in the caller, and
    only for an image within the cap. Raises :class:`ImageRefused`.
    """
    stream.seek(0)
    data = stream.read(max_bytes + 1)
    stream.seek(0)
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    limit = max_pixels()
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its own limit and twice it; the cap below decides.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        raise _pixels_refused(limit) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ImageRefused(ImageErrorCode.NOT_IMAGE) from None
    if image.format not in formats:
        raise ImageRefused(ImageErrorCode.WRONG_FORMAT)
    width, height = image.size
    if width <= 0 or height <= 0:
        raise ImageRefused(ImageErrorCode.NOT_IMAGE)
    if width * height > limit:
        raise _pixels_refused(limit)
    return image


def _pixels_refused(limit: int) -> ImageRefused:
    return ImageRefused(
        ImageErrorCode.TOO_MANY_PIXELS,
        _("The image has too many pixels; upload one of at most %(megapixels)s megapixels.")
        % {"megapixels": f"{limit / 1_000_000:g}"},
    )


@dataclass(frozen=True)
class CleanImage:
    """A re-encoded image: bytes without metadata, its file extension and content type."""

    data: bytes
    extension: str
    content_type: str


def clean_image(
    stream: IO[bytes],
    *,
    box: tuple[int, int],
    formats: frozenset[str] = WEB_FORMATS,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> CleanImage:
    """Check, shrink to fit ``box`` and re-encode an upload in its own format (a GIF becomes
    a PNG): the first frame of an animation, upright, no metadata at all."""
    source = open_image(stream, formats=formats, max_bytes=max_bytes)
    output = source.format if source.format in WEB_FORMATS else "PNG"
    try:
        with source:
            if source.format == "JPEG":
                source.draft("RGB", box)  # decode a JPEG at a reduced scale when it can
            source.seek(0)
            image = ImageOps.exif_transpose(source) or source  # upright once EXIF is gone
            has_alpha = image.mode in ("RGBA", "LA", "PA") or (
                image.mode == "P" and "transparency" in image.info
            )
            image = image.convert("RGBA" if has_alpha else "RGB")
            image.thumbnail(box, Image.Resampling.LANCZOS)
            # A new image from raw pixels carries none of the source's metadata.
            clean = Image.frombytes(image.mode, image.size, image.tobytes())
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ImageRefused(ImageErrorCode.NOT_IMAGE) from None
    out = io.BytesIO()
    if output == "JPEG":
        clean.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
    elif output == "WEBP":
        clean.save(out, format="WEBP", quality=85)
    else:
        clean.save(out, format="PNG", optimize=True)
    return CleanImage(out.getvalue(), _EXTENSIONS[output], _CONTENT_TYPES[output])


def image_content_type(stream: IO[bytes], *, max_bytes: int) -> str | None:
    """The content type of an image attachment kept as it is (a receipt photo), or None when
    it is not a readable JPEG, PNG, WebP or GIF within the byte and pixel caps."""
    try:
        image = open_image(stream, formats=frozenset(_CONTENT_TYPES), max_bytes=max_bytes)
        with image:
            kind = image.format or ""
            image.verify()
    except ImageRefused:
        return None
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    finally:
        stream.seek(0)
    return _CONTENT_TYPES.get(kind)
