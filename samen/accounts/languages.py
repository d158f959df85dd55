"""The languages a person can say they speak, named in the reader's language."""

from __future__ import annotations

from django.utils.translation import get_language_info

# Languages commonly spoken in Belgian communities. Only codes Django knows, because Django's
# own catalogues then name them in every site language.
SPOKEN_LANGUAGES: tuple[str, ...] = (
    "nl", "fr", "de", "en", "ar", "tr", "es", "it", "pt", "pl", "ro", "bg", "el", "ru", "uk",
    "sq", "fa", "kab", "sw", "zh-hans", "hi", "ur", "vi", "ja",
)  # fmt: skip


def language_name(code: str) -> str:
    """The language's name in the active language ("Nederlands" shows as "Dutch" in English)."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


# Belgium's site languages lead the list: almost everyone ticks one of them.
FIRST_LANGUAGES: tuple[str, ...] = ("nl", "fr", "en")


def spoken_language_choices() -> list[tuple[str, str]]:
    """Dutch, French and English first, then the others sorted by their name in the active
    language, so each reader finds theirs."""
    first = [(code, language_name(code)) for code in FIRST_LANGUAGES]
    rest = sorted(
        ((code, language_name(code)) for code in SPOKEN_LANGUAGES if code not in FIRST_LANGUAGES),
        key=lambda c: c[1],
    )
    return first + rest
