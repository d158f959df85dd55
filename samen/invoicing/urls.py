from django.urls import URLPattern, URLResolver, path

from samen.invoicing import views

app_name = "invoicing"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.mine, name="mine"),
    path("documents/<int:pk>/", views.document_detail, name="document"),
    path("documents/<int:pk>/pdf/", views.document_pdf, name="document_pdf"),
    path("documents/<int:pk>/ubl/", views.document_ubl, name="document_ubl"),
    path("documents/<int:pk>/manage/", views.document_manage, name="document_manage"),
    path("statements/<int:pk>/", views.statement_detail, name="statement"),
    path("statements/<int:pk>/pdf/", views.statement_pdf, name="statement_pdf"),
    path("<slug:host_slug>/billing/", views.billing_profile, name="billing_profile"),
    path("<slug:host_slug>/documents/", views.host_documents, name="host_documents"),
    path("<slug:host_slug>/export/", views.host_export, name="host_export"),
]
