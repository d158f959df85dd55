"""Solution Lab pages, under /events/labs/ in the events namespace."""

from django.urls import path

from samen.events.labs import views

urlpatterns = [
    path("calls/<int:pk>/", views.call_detail, name="lab_call"),
    path("calls/<int:pk>/ask/", views.question_new, name="lab_ask"),
    path("calls/<int:pk>/select/", views.select, name="lab_select"),
    path("questions/<int:pk>/", views.question_detail, name="lab_question"),
    path("questions/<int:pk>/support/", views.support, name="lab_support"),
    path("questions/<int:pk>/unselect/", views.unselect, name="lab_unselect"),
    path("questions/<int:pk>/outcome/", views.outcome, name="lab_outcome"),
    path("<slug:slug>/", views.calls, name="labs"),
    path("<slug:slug>/new/", views.call_new, name="lab_call_new"),
]
