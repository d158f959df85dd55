from django.urls import path

from samen.conversations import views
from samen.conversations.views import groups

app_name = "conversations"

urlpatterns = [
    # Fixed prefixes first: "topics/5/" must not be read as a community named 5.
    path("topics/<int:pk>/", views.topic_detail, name="topic"),
    path("topics/<int:pk>/reply/", views.reply, name="reply"),
    path("topics/<int:pk>/flags/", views.topic_flags, name="topic_flags"),
    path("topics/<int:pk>/watch/", views.topic_watch, name="watch"),
    path("topics/<int:pk>/stage/", views.idea_stage, name="stage"),
    path("posts/<int:pk>/", views.post_permalink, name="post"),
    path("images/<int:pk>/", views.post_image, name="image"),
    path("posts/<int:pk>/helpful/", views.helpful, name="helpful"),
    path("messages/<int:pk>/report/", views.message_report, name="message_report"),
    path("contact/", views.contact, name="contact"),
    path("people/<int:user_id>/block/", views.person_block, name="block"),
    path("posts/<int:pk>/moderate/", views.post_moderate, name="moderate"),
    path("posts/<int:pk>/react/", views.react, name="react"),
    path("posts/<int:pk>/report/", views.report, name="report"),
    path("posts/<int:pk>/answer/", views.accept_answer, name="answer"),
    path("review/<int:pk>/decide/", views.review_decide, name="decide"),
    path("suspensions/<int:pk>/lift/", views.suspension_lift, name="suspension_lift"),
    path("blocklist/<int:pk>/remove/", views.blocklist_remove, name="blocklist_remove"),
    path("groups/requests/<int:pk>/decide/", groups.group_decide, name="group_decide"),
    path("groups/requests/<int:pk>/withdraw/", groups.group_withdraw, name="group_withdraw"),
    path("news/<int:pk>/comment/", views.news_comment, name="news_comment"),
    path("news/<int:pk>/comments/", views.news_comments_switch, name="news_comments_switch"),
    path("<str:kind>/<slug:slug>/", views.topic_list, name="topics"),
    path("<str:kind>/<slug:slug>/new/", views.topic_new, name="topic_new"),
    path("<str:kind>/<slug:slug>/review/", views.review_queue, name="review"),
    path("<str:kind>/<slug:slug>/manage/", views.manage, name="manage"),
    path("<str:kind>/<slug:slug>/moderators/", views.moderator_change, name="moderators"),
    path("<str:kind>/<slug:slug>/people/<int:user_id>/", views.person, name="person"),
    path(
        "<str:kind>/<slug:slug>/people/<int:user_id>/message/",
        views.message_new,
        name="message",
    ),
    path(
        "<str:kind>/<slug:slug>/people/<int:user_id>/report/",
        views.person_report,
        name="person_report",
    ),
    path("<str:kind>/<slug:slug>/insights/", views.insights, name="insights"),
    path("<str:kind>/<slug:slug>/suspensions/", views.suspensions, name="suspensions"),
    path("<str:kind>/<slug:slug>/log/", views.moderation_log, name="log"),
    path("<str:kind>/<slug:slug>/email/", views.email_choice, name="email"),
    path("<str:kind>/<slug:slug>/search/", views.search, name="search"),
    path("<str:kind>/<slug:slug>/ideas/", views.ideas, name="ideas"),
    path("<str:kind>/<slug:slug>/groups/<slug:category>/", groups.group_join, name="group_join"),
    path(
        "<str:kind>/<slug:slug>/groups/<slug:category>/people/",
        groups.group_people,
        name="group_people",
    ),
    path(
        "<str:kind>/<slug:slug>/groups/<slug:category>/leave/",
        groups.group_leave,
        name="group_leave",
    ),
]
