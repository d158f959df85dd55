"""The spoken-language list: the site's three languages first, then the rest by name."""

from __future__ import annotations

from django.utils import translation

from samen.accounts.languages import SPOKEN_LANGUAGES, spoken_language_choices


def test_dutch_french_english_lead_then_alphabetical_in_every_language():
    for language in ("en", "nl", "fr"):
        with translation.override(language):
            choices = spoken_language_choices()
        codes = [code for code, _ in choices]
        assert codes[:3] == ["nl", "fr", "en"]
        names = [name for _, name in choices[3:]]
        assert names == sorted(names)
        assert sorted(codes) == sorted(SPOKEN_LANGUAGES)
