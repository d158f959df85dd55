"""Tiers, campaigns, rewards and campaign updates written per language (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Campaign, CampaignUpdate, Reward, Tier


@register(Tier)
class TierTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Campaign)
class CampaignTranslation(TranslationOptions):
    fields = ("title", "summary", "story")


@register(Reward)
class RewardTranslation(TranslationOptions):
    fields = ("title", "description")


@register(CampaignUpdate)
class CampaignUpdateTranslation(TranslationOptions):
    fields = ("title", "body")
