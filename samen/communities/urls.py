"""Pages of hosts, collectives and chapters (the ledger owns .../transactions/ and exports)."""

from django.urls import URLPattern, URLResolver, path

from samen.communities import views

app_name = "communities"

C = {"kind": "collective"}
H = {"kind": "host"}
CH = {"kind": "chapter"}


def _news_routes(kind: str, prefix: str) -> list[URLPattern]:
    """The same news pages for collectives, hosts and chapters."""
    k = {"kind": kind}
    base = f"{prefix}/<slug:slug>/news"
    return [
        path(f"{base}/", views.news_list, k, name=f"{kind}_news"),
        path(f"{base}/new/", views.news_new, k, name=f"{kind}_news_new"),
        path(f"{base}/feed/", views.NewsFeed(), k, name=f"{kind}_news_feed"),
        path(f"{base}/<int:pk>/", views.news_detail, k, name=f"{kind}_news_detail"),
        path(f"{base}/<int:pk>/edit/", views.news_edit, k, name=f"{kind}_news_edit"),
        path(f"{base}/<int:pk>/publish/", views.news_publish, k, name=f"{kind}_news_publish"),
        path(f"{base}/<int:pk>/delete/", views.news_delete, k, name=f"{kind}_news_delete"),
        path(
            f"{prefix}/<slug:slug>/follow/news/", views.follow_news, k, name=f"{kind}_follow_news"
        ),
    ]


urlpatterns: list[URLPattern | URLResolver] = [
    # collectives ("new" and "mine" are reserved slugs, see actions.RESERVED_SLUGS)
    path("collectives/", views.directory, name="directory"),
    path("collectives/mine/", views.my_communities, name="mine"),
    path("collectives/new/", views.collective_new, name="collective_new"),
    path("collectives/<slug:slug>/", views.collective_detail, name="collective"),
    path("collectives/<slug:slug>/edit/", views.collective_edit, name="collective_edit"),
    path("collectives/<slug:slug>/team/", views.members, C, name="collective_members"),
    path("collectives/<slug:slug>/team/invite/", views.invite, C, name="collective_invite"),
    path(
        "collectives/<slug:slug>/team/<int:user_id>/role/",
        views.member_role,
        C,
        name="collective_member_role",
    ),
    path(
        "collectives/<slug:slug>/team/<int:user_id>/remove/",
        views.member_remove,
        C,
        name="collective_member_remove",
    ),
    path("collectives/<slug:slug>/leave/", views.leave, C, name="collective_leave"),
    path("collectives/<slug:slug>/follow/", views.follow, C, name="collective_follow"),
    path("collectives/<slug:slug>/followers/", views.followers, C, name="collective_followers"),
    path("collectives/<slug:slug>/rules/", views.rules, C, name="collective_rules"),
    path("collectives/<slug:slug>/join/", views.join, name="collective_join"),
    path("join-requests/<int:pk>/decide/", views.join_request_decide, name="join_request_decide"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    # hosts
    path("hosts/", views.host_list, name="host_list"),
    path("hosts/new/", views.host_new, name="host_new"),
    path("hosts/<slug:slug>/", views.host_detail, name="host"),
    path("hosts/<slug:slug>/edit/", views.host_edit, name="host_edit"),
    path("hosts/<slug:slug>/apply/", views.host_apply, name="host_apply"),
    path("hosts/<slug:slug>/team/", views.members, H, name="host_members"),
    path("hosts/<slug:slug>/join/", views.host_join, name="host_join"),
    path("hosts/<slug:slug>/team/invite/", views.invite, H, name="host_invite"),
    path(
        "hosts/<slug:slug>/team/<int:user_id>/role/",
        views.member_role,
        H,
        name="host_member_role",
    ),
    path(
        "hosts/<slug:slug>/team/<int:user_id>/remove/",
        views.member_remove,
        H,
        name="host_member_remove",
    ),
    path("hosts/<slug:slug>/leave/", views.leave, H, name="host_leave"),
    path("hosts/<slug:slug>/follow/", views.follow, H, name="host_follow"),
    path("hosts/<slug:slug>/followers/", views.followers, H, name="host_followers"),
    path("hosts/<slug:slug>/rules/", views.rules, H, name="host_rules"),
    path("hosts/<slug:slug>/dashboard/", views.dashboard, name="dashboard"),
    path(
        "hosts/<slug:slug>/dashboard/applications/",
        views.dashboard_applications,
        name="dashboard_applications",
    ),
    path(
        "hosts/<slug:slug>/dashboard/collectives/",
        views.dashboard_collectives,
        name="dashboard_collectives",
    ),
    path(
        "hosts/<slug:slug>/dashboard/collectives/<slug:collective_slug>/hosting/",
        views.hosting,
        name="hosting",
    ),
    path("hosts/<slug:slug>/dashboard/audit/", views.dashboard_audit, name="dashboard_audit"),
    # chapters
    path("chapters/", views.chapter_list, name="chapter_list"),
    path("chapters/new/", views.chapter_new, name="chapter_new"),
    path("chapters/<slug:slug>/", views.chapter_detail, name="chapter"),
    path("chapters/<slug:slug>/edit/", views.chapter_edit, name="chapter_edit"),
    path("chapters/<slug:slug>/connectors/", views.chapter_connectors, name="chapter_connectors"),
    path(
        "chapters/<slug:slug>/connectors/<int:user_id>/remove/",
        views.chapter_connector_remove,
        name="chapter_connector_remove",
    ),
    path("chapters/<slug:slug>/follow/", views.follow, CH, name="chapter_follow"),
    path("chapters/<slug:slug>/followers/", views.followers, CH, name="chapter_followers"),
    path("chapters/<slug:slug>/membership/", views.chapter_membership, name="chapter_membership"),
    # news
    path("news/", views.my_news, name="my_news"),
    path("news/unsubscribe/<str:token>/", views.news_unsubscribe, name="news_unsubscribe"),
    *[
        route
        for kind, prefix in (
            ("collective", "collectives"),
            ("host", "hosts"),
            ("chapter", "chapters"),
        )
        for route in _news_routes(kind, prefix)
    ],
]
