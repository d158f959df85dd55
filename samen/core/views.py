from __future__ import annotations

from datetime import timedelta
from typing import cast

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from samen.communities.models import Collective
from samen.core.forms import DesignSampleForm
from samen.core.health import health_report
from samen.core.queries import home_hosts
from samen.funding.models import Campaign, CampaignStatus
from samen.funding.queries import Progress, campaigns_progress, running_campaigns
from samen.lib.htmx import render_page
from samen.lib.money import EUR, Money


def home(request: HttpRequest) -> HttpResponse:
    campaigns = running_campaigns()
    progress = campaigns_progress(campaigns)
    return render_page(
        request,
        "core/home.html",
        {"hosts": home_hosts(), "campaigns": [(c, progress[c.pk]) for c in campaigns]},
    )


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
            "campaigns": _sample_campaigns(),
        },
    )


def _sample_campaigns() -> list[tuple[Campaign, Progress]]:
    """Unsaved campaigns for the style page: running, on its last day at 3 %, funded."""
    now = timezone.now()
    garden = Collective(slug="buurtmoestuin", name="Buurtmoestuin")
    samples = [
        (_("Raised beds for the school"), CampaignStatus.RUNNING, 615_000, 37, 12),
        (_("A roof for the tool shed"), CampaignStatus.RUNNING, 45_000, 2, 0),
        (_("Seeds for next spring"), CampaignStatus.SUCCEEDED, 1_680_000, 112, -3),
    ]
    cards = []
    for number, (title, status, raised, backers, days) in enumerate(samples, start=1):
        campaign = Campaign(
            collective=garden,
            slug=f"sample-{number}",
            title=cast(str, title),  # lazy: each section renders it in its own language
            status=status,
            starts_at=now - timedelta(days=30),
            deadline=now + timedelta(days=days, hours=1),
        )
        goal = 1_500_000
        progress = Progress(
            raised=raised,
            goal=goal,
            backers=backers,
            percent=raised * 100 // goal,
            days_left=max(days, 0),
            is_open=days >= 0,
            goal_is_money=True,
            has_ended=days < 0,
        )
        cards.append((campaign, progress))
    return cards


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
