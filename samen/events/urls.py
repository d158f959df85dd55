from django.urls import include, path

from samen.events import views

app_name = "events"

urlpatterns = [
    # Fixed prefixes first: "dates/5/" must not be read as a community named 5.
    path("", views.agenda, name="agenda"),
    path("month/", views.agenda_month, name="agenda_month"),
    path("my/calendar/", views.my_calendar, name="my_calendar"),
    path("coaching/", views.coaching, name="coaching"),
    path("coaching/<slug:slug>/", views.host_feedback, name="host_feedback"),
    path("coaching/<slug:slug>/feedback.csv", views.host_feedback_csv, name="host_feedback_csv"),
    path("my/<str:token>/calendar.ics", views.my_feed_ics, name="my_feed"),
    path("labs/", include("samen.events.labs.urls")),
    path("<int:pk>/", views.event_detail, name="event"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/edit/", views.event_edit, name="edit"),
    path("<int:pk>/cancel/", views.event_cancel, name="cancel"),
    path("<int:pk>/series/", views.series, name="series"),
    path("<int:pk>/registration/", views.registration_options, name="registration_options"),
    path("dates/<int:pk>/change/", views.date_change, name="date_change"),
    path("dates/<int:pk>/cancel/", views.date_cancel, name="date_cancel"),
    path("<int:pk>/comment/", views.comment, name="comment"),
    path("<int:pk>/comments/", views.comments_switch, name="comments_switch"),
    path("<int:pk>/calendar.ics", views.event_ics, name="event_ics"),
    path("dates/<int:pk>/register/", views.register, name="register"),
    path("dates/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("dates/<int:pk>/attendees/", views.attendees, name="attendees"),
    path("dates/<int:pk>/capacity/", views.capacity, name="capacity"),
    path("dates/<int:pk>/attendees.csv", views.attendees_csv, name="attendees_csv"),
    path("dates/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("dates/<int:pk>/check-in/", views.check_in_code, name="check_in_code"),
    path("dates/<int:pk>/walk-ins/", views.walk_in, name="walk_in"),
    path("dates/<int:pk>/walk-in-guests/", views.walk_in_guest, name="walk_in_guest"),
    path("registrations/<int:pk>/check-in/", views.check_in, name="check_in"),
    path("registrations/<int:pk>/approve/", views.approve, name="approve"),
    path("registrations/<int:pk>/decline/", views.decline, name="decline"),
    path("<str:kind>/<slug:slug>/", views.event_list, name="list"),
    path("<str:kind>/<slug:slug>/new/", views.event_new, name="new"),
    path("<str:kind>/<slug:slug>/calendar.ics", views.feed_ics, name="feed"),
]
