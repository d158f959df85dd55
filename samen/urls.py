from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from samen.api.api import api
from samen.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("design/", core_views.design, name="design"),
    path("robots.txt", core_views.robots, name="robots"),
    path("i18n/", include("samen.accounts.i18n_urls")),
    path("accounts/", include("allauth.urls")),
    path("people/", include("samen.accounts.urls")),
    path("settings/tokens/", include("samen.api.urls")),
    path("api/v1/", api.urls),
    path("", include("samen.communities.urls")),
    path("", include("samen.ledger.urls")),
    path("", include("samen.funding.urls")),
    path("", include("samen.expenses.urls")),
    path("credits/", include("samen.credits.urls")),
    path("invoicing/", include("samen.invoicing.urls")),
    path("notifications/", include("samen.notifications.urls")),
    path("talk/", include("samen.conversations.urls")),
    path("events/", include("samen.events.urls")),
    path("decisions/", include("samen.decisions.urls")),
    path("knowledge/", include("samen.knowledge.urls")),
    # The mail provider's tracking webhooks: bounces and complaints stop newsletters
    # (samen.knowledge.signals); authenticated by settings.ANYMAIL["WEBHOOK_SECRET"].
    path("anymail/", include("anymail.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
