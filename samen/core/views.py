from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from samen.core.forms import DesignSampleForm
from samen.core.health import health_report
from samen.core.queries import home_hosts
from samen.lib.htmx import render_page
from samen.lib.money import EUR, Money


def home(request: HttpRequest) -> HttpResponse:
    return render_page(request, "core/home.html", {"hosts": home_hosts()})


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    report = health_report()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


def design(request: HttpRequest) -> HttpResponse:
    """The living style page: every shared component in Dutch, French and English.

    Development only: in production it does not exist (404), so it never needs a menu entry
    or access rules of its own.
    """
    if not settings.DEBUG:
        raise Http404
    sections = []
    for code in ("nl", "fr", "en"):
        # One form per language, with its own ids, so the page has no duplicate id.
        sample = DesignSampleForm({"name": "", "amount": "12.50"}, auto_id=f"{code}_%s")
        sample.is_valid()
        sections.append({"code": code, "form": sample})
    return render_page(
        request,
        "core/design.html",
        {
            "sections": sections,
            "amounts": [Money(123_450, EUR), Money(-4_500, EUR)],
            "statuses": ["paid", "pending", "scheduled", "rejected", "draft"],
        },
    )


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
