from django.urls import URLPattern, URLResolver, path

from samen.accounts import views

app_name = "accounts"
urlpatterns: list[URLPattern | URLResolver] = [
    path("me/", views.me, name="me"),
    path("welcome/", views.welcome, name="welcome"),
    path("me/export/", views.export, name="export"),
    path("me/delete/", views.delete, name="delete"),
    path("skills/", views.skills, name="skills"),
    path("skills/suggest/", views.skill_suggest, name="skill_suggest"),
    path("<int:person_id>/", views.person, name="person"),
]
