from django.urls import URLPattern, URLResolver, path

from samen.credits import views

app_name = "credits"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("deliveries/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("deliveries/<int:pk>/reject/", views.reject, name="reject"),
    path("deliveries/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/close/", views.request_close, name="request_close"),
    path("<slug:host_slug>/", views.home, name="home"),
    path("<slug:host_slug>/rate-card/", views.rate_card, name="rate_card"),
    path("<slug:host_slug>/record/", views.record, name="record"),
    path("<slug:host_slug>/requests/", views.requests, name="requests"),
    path("<slug:host_slug>/requests/new/", views.request_new, name="request_new"),
    path("<slug:host_slug>/members/", views.members, name="members"),
    path("<slug:host_slug>/dashboard/", views.dashboard, name="dashboard"),
    path("<slug:host_slug>/dashboard/workshop/", views.workshop, name="workshop"),
    path("<slug:host_slug>/dashboard/limit/", views.limit, name="limit"),
    path("<slug:host_slug>/dashboard/vat-status/", views.vat_status, name="vat_status"),
    path("<slug:host_slug>/dashboard/settlements/", views.settlements, name="settlements"),
    path(
        "<slug:host_slug>/dashboard/bank/lines/<int:pk>/settle/",
        views.bank_line_settle,
        name="bank_line_settle",
    ),
    path("<slug:host_slug>/dashboard/rate-card/", views.rate_card_edit, name="rate_card_edit"),
    path("<slug:host_slug>/dashboard/scheme/", views.scheme_edit, name="scheme_edit"),
]
