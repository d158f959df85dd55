from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from samen.core.health import health_report
from samen.core.queries import home_hosts
from samen.lib.htmx import render_page


def home(request: HttpRequest) -> HttpResponse:
    return render_page(request, "core/home.html", {"hosts": home_hosts()})


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    report = health_report()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


_ROBOTS = "\n".join(
    [
        "User-agent: *",
        *(f"Disallow: {path}" for path in ("/admin/", "/api/", "/accounts/", "/settings/")),
        "",
    ]
)


@require_GET
def robots(request: HttpRequest) -> HttpResponse:
    """Crawlers may read the public pages, not the account, admin and API ones. It touches
    neither the database nor the cache, so `make bench-web` measures the machine's ceiling
    with it."""
    return HttpResponse(_ROBOTS, content_type="text/plain")
