from django.urls import URLPattern, URLResolver, path

from samen.expenses import views

app_name = "expenses"
urlpatterns: list[URLPattern | URLResolver] = [
    path("collectives/<slug:slug>/expenses/", views.collective_expenses, name="collective_list"),
    path("collectives/<slug:slug>/expenses/new/", views.expense_new, name="new"),
    path("collectives/<slug:slug>/expenses/policy/", views.collective_policy, name="policy"),
    path("expenses/mine/", views.my_expenses, name="mine"),
    path("expenses/<int:expense_id>/", views.expense_detail, name="detail"),
    path("expenses/<int:expense_id>/edit/", views.expense_edit, name="edit"),
    path("expenses/<int:expense_id>/payout/", views.payout_details, name="payout"),
    path(
        "expenses/<int:expense_id>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "expenses/<int:expense_id>/<slug:verb>/",
        views.expense_transition,
        name="transition",
    ),
    path("hosts/<slug:slug>/dashboard/expenses/", views.host_dashboard, name="host_dashboard"),
    path("hosts/<slug:slug>/dashboard/expenses/batch/", views.host_batch, name="host_batch"),
    path(
        "hosts/<slug:slug>/dashboard/expenses/approve/",
        views.host_bulk_approve,
        name="host_bulk_approve",
    ),
    path(
        "hosts/<slug:slug>/dashboard/expenses/settings/",
        views.host_settings,
        name="host_settings",
    ),
    path(
        "hosts/<slug:slug>/dashboard/expenses/statement/",
        views.host_statement,
        name="host_statement",
    ),
    path("hosts/<slug:slug>/dashboard/expenses/export.csv", views.host_export, name="host_export"),
    path(
        "hosts/<slug:slug>/dashboard/expenses/batches/<int:batch_id>/pain.001.001.<str:version>.xml",
        views.batch_file,
        name="batch_file",
    ),
]
