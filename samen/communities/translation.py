"""User content of hosts, collectives and chapters written per language (django-modeltranslation).

Each field keeps its original column and gains ``<field>_en``, ``<field>_nl`` and ``<field>_fr``;
reading ``obj.field`` gives the active language, or another one the author wrote."""

from modeltranslation.translator import TranslationOptions, register

from .models import Chapter, Collective, Host, HouseRules, NewsPost


@register(Chapter)
class ChapterTranslation(TranslationOptions):
    fields = ("description",)


@register(Host)
class HostTranslation(TranslationOptions):
    fields = ("about", "terms", "member_questions", "application_questions")


@register(Collective)
class CollectiveTranslation(TranslationOptions):
    fields = ("tagline", "description", "membership_questions")


@register(HouseRules)
class HouseRulesTranslation(TranslationOptions):
    fields = ("text",)


@register(NewsPost)
class NewsPostTranslation(TranslationOptions):
    fields = ("title", "body")
