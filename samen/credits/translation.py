"""Rate-card services named and described per language (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Service


@register(Service)
class ServiceTranslation(TranslationOptions):
    fields = ("name", "description")
