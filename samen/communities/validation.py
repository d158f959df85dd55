"""Checks for Belgian registration numbers, bank details, Markdown and uploaded images.

Each validator returns the normalised value or raises ``CommunityError`` with the field
name, so forms, the API and actions agree on one set of rules.
"""

from __future__ import annotations

import threading
from decimal import Decimal, InvalidOperation
from typing import IO, Any

import markdown as markdown_lib
import nh3
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import URLValidator, validate_email
from django.utils.text import slugify
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.be import vat as be_vat
from stdnum.exceptions import ValidationError as StdnumError

from samen.communities.errors import CommunityError, CommunityErrorCode
from samen.lib.images import ImageRefused, clean_image

LOGO_SIZE = (512, 512)
COVER_SIZE = (1600, 600)
MAX_IMAGE_BYTES = 8 * 1024 * 1024

_ALLOWED_TAGS = {
    "p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "h2", "h3", "h4", "hr",
}  # fmt: skip


_MARKDOWN = threading.local()


def _markdown(text: str) -> str:
    """``markdown.markdown(text)`` with one converter per thread, reset between texts:
    building a converter (its extensions and processors) cost two thirds of each call,
    which a topic page of 50 posts paid 50 times."""
    converter = getattr(_MARKDOWN, "converter", None)
    if converter is None:
        converter = _MARKDOWN.converter = markdown_lib.Markdown(
            extensions=["sane_lists"], output_format="html"
        )
    return str(converter.reset().convert(text))


def render_markdown(text: str, *, link_rel: str = "noopener noreferrer nofollow") -> str:
    """Markdown to HTML that is safe to show: only a small set of tags, links get
    ``rel="noopener noreferrer nofollow"`` (or ``link_rel``: what members write says
    ``nofollow ugc``); raw HTML and scripts are removed by nh3."""
    html = _markdown(text or "")
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel=link_rel,
    )


def clean_enterprise_number(value: str, country: str) -> str:
    """Belgian KBO/BCE numbers are checked (mod 97) and formatted 0123.456.789; other
    countries' numbers are kept as typed."""
    value = (value or "").strip()
    if not value or country.upper() != "BE":
        return value
    try:
        digits = be_vat.validate(value)
    except StdnumError:
        raise CommunityError(
            CommunityErrorCode.INVALID_ENTERPRISE_NUMBER, field="enterprise_number"
        ) from None
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


def clean_vat_number(value: str, country: str) -> str:
    """A Belgian VAT number is BE + the enterprise number."""
    value = (value or "").strip().upper()
    if not value or country.upper() != "BE":
        return value
    try:
        return "BE" + be_vat.validate(value)
    except StdnumError:
        raise CommunityError(CommunityErrorCode.INVALID_VAT_NUMBER, field="vat_number") from None


def clean_iban(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return str(IBAN(value).compact)
    except (SchwiftyException, ValueError):
        raise CommunityError(CommunityErrorCode.INVALID_IBAN, field="iban") from None


def clean_bic(value: str) -> str:
    value = (value or "").strip().upper().replace(" ", "")
    if not value:
        return ""
    try:
        return str(BIC(value).compact)
    except (SchwiftyException, ValueError):
        raise CommunityError(CommunityErrorCode.INVALID_BIC, field="bic") from None


def clean_fee(value: Any, field: str = "fee") -> Decimal | None:
    """A percentage between 0 and 100 with at most two decimals."""
    if value is None or value == "":
        return None
    try:
        fee = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise CommunityError(CommunityErrorCode.INVALID_FEE, field=field) from None
    if not Decimal("0") <= fee <= Decimal("100"):
        raise CommunityError(CommunityErrorCode.INVALID_FEE, field=field)
    return fee


_URL = URLValidator(schemes=["http", "https"])


def clean_url(value: str, field: str = "website") -> str:
    """Only http(s) addresses: they end up in ``href`` attributes."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        _URL(value)
    except DjangoValidationError:
        raise CommunityError(CommunityErrorCode.INVALID_URL, field=field) from None
    return value


def clean_urls(values: list[str] | str, field: str = "social_links") -> list[str]:
    return [clean_url(v, field) for v in clean_lines(values)]


def clean_email(value: str, field: str = "contact_email") -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        validate_email(value)
    except DjangoValidationError:
        raise CommunityError(CommunityErrorCode.INVALID_EMAIL, field=field) from None
    return value


def clean_slug(value: str, fallback: str) -> str:
    return slugify(value or fallback)[:60]


def clean_tags(values: list[str] | str) -> list[str]:
    """Tag names from a comma-separated string or list: trimmed, unique, at most 12."""
    items = values.split(",") if isinstance(values, str) else values
    seen: dict[str, str] = {}
    for item in items:
        name = item.strip()[:40]
        if name and slugify(name) and slugify(name) not in seen:
            seen[slugify(name)] = name
    return list(seen.values())[:12]


def clean_lines(value: str | list[str]) -> list[str]:
    """Questions or links: one per line (or a list), blank lines dropped."""
    items = value.splitlines() if isinstance(value, str) else value
    return [line.strip() for line in items if line and line.strip()][:20]


def process_image(upload: IO[bytes], *, size: tuple[int, int], name: str) -> SimpleUploadedFile:
    """A logo, cover or campaign image through the one image loader (pixel cap before
    decoding, shrunk to fit ``size``, re-encoded without metadata); refusals are field errors
    on ``name``."""
    try:
        image = clean_image(upload, box=size, max_bytes=MAX_IMAGE_BYTES)
    except ImageRefused as exc:
        raise CommunityError(CommunityErrorCode.INVALID_IMAGE, exc.message, field=name) from None
    return SimpleUploadedFile(
        f"{name}.{image.extension}", image.data, content_type=image.content_type
    )
