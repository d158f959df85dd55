"""Pages of notifications: the list, the bell's count, the settings and the unsubscribe link."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from samen.lib.htmx import render_page
from samen.notifications import actions, queries
from samen.notifications.access import access_notification
from samen.notifications.links import unsubscribe_from_token
from samen.notifications.registry import Delivery, get_kind


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(queries.notifications_of(request.user), 30).get_page(request.GET.get("page"))
    return render_page(
        request,
        "notifications/list.html",
        {"page": page},
        partial="notifications/partials/list.html",
    )


def bell(request: HttpRequest) -> HttpResponse:
    """The header's bell with the unread count; htmx reloads it now and then."""
    return render_page(
        request,
        "notifications/partials/bell.html",
        {"unread": queries.unread_count(request.user)},
    )


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark read and go to what it is about (a local link only)."""
    notification = access_notification(request.user, pk)
    actions.notification_mark_read(actor=request.user, notification=notification)
    url = notification.url
    if not url or not url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        url = "notifications:list"
    return redirect(url)


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    actions.notifications_mark_all_read(actor=request.user)
    return redirect("notifications:list")


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    """Per kind: e-mail now, daily digest, in the app only, or nothing."""
    saved = False
    errors: list[str] = []
    if request.method == "POST":
        for kind in queries.preferences_of(request.user):
            value = request.POST.get(kind.key)
            if value is None:
                continue
            if value not in Delivery.values:
                errors.append(_("Choose one of the options for “%(kind)s”.") % {"kind": kind.label})
                continue
            actions.preference_set(actor=request.user, kind=kind.key, delivery=value)
        saved = not errors
    return render_page(
        request,
        "notifications/settings.html",
        {
            "preferences": queries.preferences_of(request.user).items(),
            "choices": Delivery.choices,
            "saved": saved,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@csrf_exempt
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every notification e-mail, no login needed: the token is signed. GET
    shows a button (mail scanners open links); POST, also a mail client's RFC 8058
    one-click POST without a cookie, switches that kind (or the digest) to in-app only."""
    found = unsubscribe_from_token(token)
    if found is None:
        raise Http404
    person, kind_key = found
    label = _("the daily digest") if kind_key == "digest" else _("the weekly digest")
    if kind_key not in ("digest", "weekly"):
        try:
            label = str(get_kind(kind_key).label)
        except KeyError:
            raise Http404 from None
    done = False
    if request.method == "POST":
        if kind_key in ("digest", "weekly"):
            actions.preferences_digest_off(actor=person, weekly=kind_key == "weekly")
        else:
            actions.kind_unsubscribe(actor=person, kind=kind_key)
        done = True
    return render_page(request, "notifications/unsubscribe.html", {"label": label, "done": done})
