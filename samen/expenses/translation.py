"""A host's expense categories named per language (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import AccountingCategory


@register(AccountingCategory)
class AccountingCategoryTranslation(TranslationOptions):
    fields = ("name",)
