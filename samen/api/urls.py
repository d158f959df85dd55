from django.urls import URLPattern, URLResolver, path

from samen.api import views

app_name = "tokens"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.token_list, name="list"),
    path("new/", views.token_new, name="new"),
    path("<int:token_id>/revoke/", views.token_revoke_view, name="revoke"),
]
