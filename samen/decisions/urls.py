from django.urls import path

from samen.decisions import views

app_name = "decisions"

urlpatterns = [
    # Fixed prefixes first: "polls/5/" must not be read as a community named 5.
    path("", views.mine, name="mine"),
    path("polls/<int:pk>/", views.poll_detail, name="poll"),
    path("polls/<int:pk>/vote/", views.vote, name="vote"),
    path("polls/<int:pk>/answer/", views.answer, name="answer"),
    path("polls/<int:pk>/close/", views.close, name="close"),
    path("polls/<int:pk>/amend/", views.amend, name="amend"),
    path("polls/<int:pk>/extend/", views.extend, name="extend"),
    path("polls/<int:pk>/outcome/", views.outcome, name="outcome"),
    path("polls/<int:pk>/export.csv", views.export, name="export"),
    path("polls/<int:pk>/publish/", views.publish, name="publish"),
    path("host/<slug:slug>/surveys/impact/", views.impact_new, name="impact_new"),
    path("vote/<str:token>/", views.vote_link, name="vote_link"),
    path("<str:kind>/<slug:slug>/", views.poll_list, name="polls"),
    path("<str:kind>/<slug:slug>/new/", views.poll_new, name="poll_new"),
    path("<str:kind>/<slug:slug>/surveys/new/", views.survey_new, name="survey_new"),
    path("<str:kind>/<slug:slug>/settings/", views.decision_settings, name="settings"),
    path(
        "<str:kind>/<slug:slug>/register.<str:fmt>",
        views.register_export,
        name="register_export",
    ),
]
