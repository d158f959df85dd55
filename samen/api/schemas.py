"""Building blocks for the API schemas of every app."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from ninja import Schema
from pydantic import model_validator

from samen.lib.translations import written_translations

# The languages of the texts people write (``samen.lib.translations``).
Language = Literal["en", "nl", "fr"]
TRANSLATIONS_HELP = (
    "Every text written, per language; the plain fields hold the language asked for "
    "(?lang= or Accept-Language), or another one when that translation is missing."
)
TRANSLATIONS_IN_HELP = 'Texts per language, e.g. {"fr": {"description": "..."}}.'


class PatchSchema(Schema):
    """A partial update: every field is optional, and a field left out is left alone.

    ``None`` is how pydantic marks "not sent", so a client that sends ``null`` for a field
    that cannot be empty would otherwise reach the database as NULL (a server error). Such
    a ``null`` is refused with 422 here; fields where ``null`` means something (e.g. "no
    flat fee") are listed in ``nullable``.
    """

    nullable: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="after")
    def _no_null_where_a_value_is_needed(self) -> PatchSchema:
        sent_null = sorted(
            name
            for name in self.model_fields_set
            if getattr(self, name) is None and name not in self.nullable
        )
        if sent_null:
            raise ValueError(f"may not be null: {', '.join(sent_null)}")
        return self


def translations_out(obj: Any) -> dict[str, dict[str, Any]]:
    """The ``translations`` of a read schema: every text written, per language."""
    return written_translations(obj)


def translation_kwargs(translations: Mapping[Any, Schema] | None) -> dict[str, Any]:
    """A write's ``translations`` (``{"fr": {"description": ...}}``) as the keyword arguments
    of an action (``description_fr=...``); texts left out are left alone."""
    return {
        f"{name}_{language}": text
        for language, texts in (translations or {}).items()
        for name, text in texts.dict(exclude_none=True).items()
    }
