from django.urls import path

from samen.ledger import views

app_name = "ledger"
urlpatterns = [
    path(
        "collectives/<slug:slug>/transactions/",
        views.collective_transactions,
        name="collective_transactions",
    ),
    path(
        "collectives/<slug:slug>/transactions.csv",
        views.export_csv,
        {"kind": "collective"},
        name="collective_csv",
    ),
    path(
        "collectives/<slug:slug>/transactions.json",
        views.export_json,
        {"kind": "collective"},
        name="collective_json",
    ),
    path("hosts/<slug:slug>/transactions/", views.host_transactions, name="host_transactions"),
    path("hosts/<slug:slug>/transactions.csv", views.export_csv, {"kind": "host"}, name="host_csv"),
    path(
        "hosts/<slug:slug>/transactions.json", views.export_json, {"kind": "host"}, name="host_json"
    ),
    path("hosts/<slug:slug>/books.beancount", views.host_beancount, name="host_beancount"),
    path("ledger/seals/", views.seal_list, name="seals"),
    path("ledger/seals/<int:pk>.json", views.seal_hashes, name="seal_json"),
]
