from django.urls import path

from samen.knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("", views.index, name="index"),
    path("hosts/<slug:slug>/concepts/", views.pipeline, name="pipeline"),
    path("hosts/<slug:slug>/concepts/new/", views.concept_new, name="concept_new"),
    path("hosts/<slug:slug>/library/", views.library, name="library"),
    path("hosts/<slug:slug>/library/feed/", views.LibraryFeed(), name="library_feed"),
    path("hosts/<slug:slug>/library/new/", views.item_new, name="item_new"),
    path("hosts/<slug:slug>/library/review/", views.review_queue, name="review_queue"),
    path("concepts/<int:pk>/", views.concept_detail, name="concept"),
    path("concepts/<int:pk>/edit/", views.concept_edit, name="concept_edit"),
    path("concepts/<int:pk>/move/", views.concept_move, name="concept_move"),
    path("concepts/<int:pk>/coaches/", views.concept_coach, name="concept_coach"),
    path("concepts/<int:pk>/notes/", views.concept_note, name="concept_note"),
    path("concepts/<int:pk>/sessions/", views.concept_session, name="concept_session"),
    path("library/<int:pk>/", views.item_detail, name="item"),
    path("library/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("library/<int:pk>/submit/", views.item_submit, name="item_submit"),
    path("library/<int:pk>/review/", views.item_review, name="item_review"),
    path("newsletter/confirm/<str:token>/", views.confirm, name="confirm"),
    path("newsletter/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("newsletter/issues/<int:pk>/", views.issue_detail, name="issue"),
    path("newsletter/issues/<int:pk>/test/", views.issue_test, name="issue_test"),
    path("newsletter/issues/<int:pk>/schedule/", views.issue_schedule, name="issue_schedule"),
    path("newsletter/issues/<int:pk>/send/", views.issue_send, name="issue_send"),
    path("newsletter/<str:kind>/<slug:slug>/", views.subscribe, name="subscribe"),
    path("newsletter/<str:kind>/<slug:slug>/issues/", views.issues, name="issues"),
    path("newsletter/<str:kind>/<slug:slug>/issues/new/", views.issue_new, name="issue_new"),
]
