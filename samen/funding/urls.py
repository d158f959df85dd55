"""Funding pages; mounted at "" next to the communities and ledger URLs (no overlaps)."""

from django.urls import URLPattern, URLResolver, path

from samen.funding import views

app_name = "funding"

C = "collectives/<slug:slug>"
CAMPAIGN = "collectives/<slug:slug>/campaigns/<slug:campaign_slug>"
DASH = "hosts/<slug:slug>/dashboard"

urlpatterns: list[URLPattern | URLResolver] = [
    path(f"{C}/contribute/", views.contribute, name="contribute"),
    path(f"{C}/contributions/", views.collective_contributions, name="collective_contributions"),
    path(f"{C}/tiers/", views.tiers, name="tiers"),
    path(f"{C}/campaigns/", views.campaign_list, name="campaigns"),
    path(f"{C}/campaigns/new/", views.campaign_new, name="campaign_new"),
    path(f"{CAMPAIGN}/", views.campaign_detail, name="campaign"),
    path(f"{CAMPAIGN}/back/", views.campaign_back, name="campaign_back"),
    path(f"{CAMPAIGN}/widget/", views.campaign_widget, name="campaign_widget"),
    path(f"{CAMPAIGN}/rewards/", views.campaign_reward_add, name="campaign_reward_add"),
    path(f"{CAMPAIGN}/updates/", views.campaign_update_new, name="campaign_update_new"),
    path("campaign-updates/<int:pk>/comment/", views.update_comment, name="update_comment"),
    path(
        "campaign-updates/<int:pk>/comments/",
        views.update_comments_switch,
        name="update_comments_switch",
    ),
    path(f"{CAMPAIGN}/matching/", views.campaign_matching_add, name="campaign_matching_add"),
    path(f"{CAMPAIGN}/fulfilment/", views.campaign_fulfilment, name="fulfilment"),
    path("contributions/<uuid:token>/", views.contribution_detail, name="contribution"),
    path(
        "contributions/<uuid:token>/cancel/", views.contribution_cancel, name="contribution_cancel"
    ),
    path(
        "contributions/<uuid:token>/refund/", views.contribution_refund, name="contribution_refund"
    ),
    path("contributions/<uuid:token>/receipt.pdf", views.receipt, name="receipt"),
    path("funding/mine/", views.mine, name="mine"),
    path("funding/recurring/<int:pk>/", views.recurring_change, name="recurring_change"),
    path("funding/summary/<int:year>.pdf", views.yearly_summary, name="yearly_summary"),
    path("funding/stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
    path(f"{DASH}/bank/", views.dashboard_bank, name="dashboard_bank"),
    path(f"{DASH}/bank/lines/<int:pk>/confirm/", views.bank_line_confirm, name="bank_line_confirm"),
    path(f"{DASH}/bank/lines/<int:pk>/gift/", views.bank_line_gift, name="bank_line_gift"),
    path(
        f"{DASH}/bank/accounts/<int:pk>/remove/",
        views.bank_account_remove,
        name="bank_account_remove",
    ),
    path(
        f"{DASH}/bank/lines/<int:pk>/ignore/", views.bank_line_ignore_view, name="bank_line_ignore"
    ),
    path(
        f"{DASH}/bank/lines/<int:pk>/release/",
        views.bank_line_release_view,
        name="bank_line_release",
    ),
    path(f"{DASH}/refunds/", views.dashboard_refunds, name="dashboard_refunds"),
    path(f"{DASH}/added-funds/", views.dashboard_added_funds, name="dashboard_added_funds"),
    path(f"{DASH}/guests/", views.dashboard_guests, name="dashboard_guests"),
]
