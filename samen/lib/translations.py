"""User content in each site language, in one place.

The columns come from django-modeltranslation (each app's ``translation.py``): a translated
field ``description`` keeps its original column and gains ``description_en``, ``_nl`` and
``_fr``; reading ``obj.description`` gives the active language or, when that translation is
missing, another language the author wrote (``MODELTRANSLATION_FALLBACK_LANGUAGES``).

This module answers the questions every app asks about such content: which languages a text
is written in and which translations are missing (the edit forms), the "also in: NL · FR"
links (``templates/components/also_in.html``), the per-language form fields and how an action
takes them, and which language a request asks for (``?lang=``, or Accept-Language for the API).
Models with hand-made ``<field>_<language>`` columns (the credits rate card) work too when
their field names are passed explicitly.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.conf import settings
from django.db.models import F, Model, Q
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

# The query parameter that asks for a language: on pages ("also in" links) and in the API.
LANGUAGE_PARAM = "lang"
API_PREFIX = "/api/"


def site_languages() -> list[str]:
    """The language codes of the site, in the order of ``settings.LANGUAGES``."""
    return [code for code, _name in settings.LANGUAGES]


def active_language() -> str:
    """The active language as one of the site's codes (``nl-be`` reads as ``nl``)."""
    code = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    return code if code in site_languages() else settings.LANGUAGE_CODE


def translated_fields(model: type[Model] | Model) -> tuple[str, ...]:
    """The fields registered for translation on ``model`` (empty when it has none)."""
    from modeltranslation.translator import NotRegistered, translator

    model_class = model if isinstance(model, type) else type(model)
    try:
        return tuple(translator.get_options_for_model(model_class).get_field_names())
    except NotRegistered:
        return ()


def _written(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return value not in (None, [], {})


def _value(obj: Model, field: str, language: str) -> Any:
    return getattr(obj, f"{field}_{language}", None)


def languages_written(obj: Model, fields: Iterable[str] | None = None) -> list[str]:
    """The languages in which at least one of the object's translated texts is written."""
    names = tuple(fields or translated_fields(obj))
    return [
        code
        for code in site_languages()
        if any(_written(_value(obj, name, code)) for name in names)
    ]


def missing_translations(obj: Model, fields: Iterable[str] | None = None) -> dict[str, list[str]]:
    """Per language, the fields written in some language but not in this one."""
    names = tuple(fields or translated_fields(obj))
    written = {
        name: [code for code in site_languages() if _written(_value(obj, name, code))]
        for name in names
    }
    missing: dict[str, list[str]] = {}
    for code in site_languages():
        gaps = [name for name in names if written[name] and code not in written[name]]
        if gaps:
            missing[code] = gaps
    return missing


def written_translations(obj: Model) -> dict[str, dict[str, Any]]:
    """Every translated text of ``obj`` that is written, per language (for the API)."""
    return {
        code: {
            name: _value(obj, name, code)
            for name in translated_fields(obj)
            if _written(_value(obj, name, code))
        }
        for code in languages_written(obj)
    }


@dataclass(frozen=True)
class LanguageLink:
    """One entry of the "also in" switch."""

    code: str
    name: str
    url: str


def also_in(request: HttpRequest, *objects: Model | Iterable[Model] | None) -> list[LanguageLink]:
    """The other languages the page's content (objects, or lists of them) is written in, each
    a link to this same page in that language (``?lang=``); empty when there is none."""
    written: set[str] = set()
    for item in objects:
        for obj in [item] if isinstance(item, Model) else list(item or ()):
            written.update(languages_written(obj))
    active = active_language()
    links = []
    for code in site_languages():
        if code == active or code not in written:
            continue
        params = request.GET.copy()
        params[LANGUAGE_PARAM] = code
        name = translation.get_language_info(code)["name_local"]
        links.append(LanguageLink(code, name, f"{request.path}?{params.urlencode()}"))
    return links


def language_columns(field: str) -> list[str]:
    """The per-language columns of a translated field, for search vectors."""
    return [f"{field}_{code}" for code in site_languages()]


def search_q(field: str, lookup: str, value: Any) -> Q:
    """A filter on a translated field that matches whichever language the text is in, so a
    search in French still finds a collective described only in Dutch."""
    condition = Q()
    for code in site_languages():
        condition |= Q(**{f"{field}_{code}__{lookup}": value})
    return condition


def pop_translations(model: type[Model], changes: dict[str, Any]) -> dict[str, Any]:
    """Take the per-language values (``description_fr``, ...) out of an action's keyword
    arguments, so the action can set them after its own fields."""
    names = {f"{field}_{code}" for field in translated_fields(model) for code in site_languages()}
    return {key: changes.pop(key) for key in list(changes) if key in names}


def set_translations(obj: Model, translations: Mapping[str, Any]) -> None:
    """Write the per-language values taken by ``pop_translations`` onto ``obj`` (not saved)."""
    for key, value in translations.items():
        setattr(obj, key, value.strip() if isinstance(value, str) else value)


def fill_default_language(app_label: str, fields_by_model: Mapping[str, Iterable[str]]) -> Callable:
    """A migration step: the texts written before translations existed become the default
    language's version (as modeltranslation's ``update_translation_fields`` does), so pages
    keep showing them in every language until someone translates them."""

    def fill(apps: Any, schema_editor: Any) -> None:
        code = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
        for model_name, fields in fields_by_model.items():
            model = apps.get_model(app_label, model_name)
            model.objects.update(**{f"{field}_{code}": F(field) for field in fields})

    return fill


@dataclass
class LanguageGroup:
    """The fields of one language in an edit form; ``missing`` when a text written in another
    language is not written in this one."""

    code: str
    name: str
    fields: list[forms.BoundField]
    missing: bool


class TranslatedFieldsMixin:
    """A form whose ``translated`` fields are asked once per site language.

    Each field ``description`` becomes ``description_<code>`` for every language, the active
    language first; only that one keeps the field's ``required``. ``cleaned_data`` gains the
    original name too, with the text in the author's language, so actions that take
    ``description=`` keep working; they take the per-language values with
    ``pop_translations``.
    """

    translated: tuple[str, ...] = ()
    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.language_order = [active_language()] + [
            code for code in site_languages() if code != active_language()
        ]
        rebuilt: dict[str, forms.Field] = {}
        for name, field in self.fields.items():
            if name not in self.translated:
                rebuilt[name] = field
                continue
            for code in self.language_order:
                copied = copy.deepcopy(field)
                copied.required = field.required and code == self.language_order[0]
                copied.language = code  # type: ignore[attr-defined]
                rebuilt[f"{name}_{code}"] = copied
        first = next((name for name in rebuilt if getattr(rebuilt[name], "language", None)), None)
        if first:
            rebuilt[first].starts_languages = True  # type: ignore[attr-defined]
        self.fields = rebuilt
        self._accept_plain_names()

    def _accept_plain_names(self) -> None:
        """A post with the plain name (``description``, as scripts and older pages send it)
        is the text in the active language."""
        data = getattr(self, "data", None)
        plain = [name for name in self.translated if data and name in data]
        if data is None or not plain:
            return
        data = data.copy()
        for name in plain:
            data.setdefault(f"{name}_{self.language_order[0]}", data[name])
        self.data = data

    def language_groups(self) -> list[LanguageGroup]:
        """One group per language, for ``templates/components/language_fields.html``."""
        form = cast(forms.Form, self)

        def written(name: str, code: str) -> bool:
            return _written(form[f"{name}_{code}"].value())

        somewhere = {
            name: any(written(name, code) for code in self.language_order)
            for name in self.translated
        }
        return [
            LanguageGroup(
                code,
                translation.get_language_info(code)["name_local"],
                [form[f"{name}_{code}"] for name in self.translated],
                missing=any(
                    somewhere[name] and not written(name, code) for name in self.translated
                ),
            )
            for code in self.language_order
        ]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}  # type: ignore[misc]
        originals = {}
        for name in self.translated:
            values = [data.get(f"{name}_{code}") for code in self.language_order]
            originals[name] = next((value for value in values if _written(value)), values[0] or "")
        # The originals first: an action that sets the fields in order then writes the
        # per-language values last, so setting the original never fills a missing language.
        self.cleaned_data = {**originals, **data}
        return self.cleaned_data

    def translations(self) -> dict[str, Any]:
        """The cleaned per-language values, ``{"description_fr": ...}``, for an action."""
        return {
            f"{name}_{code}": self.cleaned_data.get(f"{name}_{code}") or ""
            for name in self.translated
            for code in self.language_order
        }

    @staticmethod
    def initial_from(obj: Model, names: Iterable[str]) -> dict[str, Any]:
        """The per-language initial values of an existing object."""
        return {
            f"{name}_{code}": _value(obj, name, code) or ""
            for name in names
            for code in site_languages()
        }


def requested_language(request: HttpRequest) -> str | None:
    """The language a request asks for explicitly: ``?lang=``, or for the API the
    Accept-Language header (which then beats a signed-in person's profile language)."""
    code = request.GET.get(LANGUAGE_PARAM, "")[:2]
    if code in site_languages():
        return code
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    if request.path.startswith(API_PREFIX) and header:
        for accepted, _quality in parse_accept_lang_header(header):
            try:
                return translation.get_supported_language_variant(accepted)[:2]
            except LookupError:
                continue
    return None


class RequestedLanguageMiddleware:
    """Activates the language of ``requested_language`` for this one request; it runs after
    the profile's language (``UserLanguageMiddleware``) so that an explicit ask wins."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        code = requested_language(request)
        if code:
            translation.activate(code)
            request.LANGUAGE_CODE = code
        response = self.get_response(request)
        if code:
            response.headers["Content-Language"] = code
        return response
