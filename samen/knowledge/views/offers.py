"""Pages of offers: what members give, and "I'd like this"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samen.knowledge import actions, queries
from samen.knowledge.access import Need, access_library, access_offer
from samen.knowledge.forms import OfferForm, TakeForm, add_error
from samen.knowledge.models import Offer
from samen.lib.errors import DomainError
from samen.lib.htmx import render_page

# --- offers ---------------------------------------------------------------------------------


def offers(request: HttpRequest, slug: str) -> HttpResponse:
    """The host's open offers, by skill; its community posts new ones here."""
    host = access_library(request.user, slug)
    skill = request.GET.get("skill", "")[:80]
    context = {
        "host": host,
        "offers": queries.open_offers(host, skill=skill),
        "skill": skill,
        "can_add": queries.in_host_community(request.user, host),
    }
    return render_page(request, "knowledge/offers.html", context)


@login_required
def offer_new(request: HttpRequest, slug: str) -> HttpResponse:
    host = access_library(request.user, slug, Need.EDIT)
    form = OfferForm(request.POST or None, host=host)
    if request.method == "POST" and form.is_valid():
        try:
            offer = actions.offer_create(actor=request.user, host=host, **form.cleaned_data)
        except DomainError as error:
            add_error(form, error)
        else:
            return redirect(offer)
    status = 400 if request.method == "POST" else 200
    return render_page(
        request, "knowledge/offer_form.html", {"host": host, "form": form}, status=status
    )


def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    offer = access_offer(request.user, pk)
    return _render_offer(request, offer, TakeForm())


def _render_offer(
    request: HttpRequest, offer: Offer, form: TakeForm, status: int = 200
) -> HttpResponse:
    mine = request.user.is_authenticated and request.user.pk == offer.person_id
    context = {
        "offer": offer,
        "host": offer.host,
        "mine": mine,
        "takes": offer.takes.select_related("person", "delivery") if mine else [],
        "matches": queries.requests_for_offer(offer)[:10],
        "can_take": queries.in_host_community(request.user, offer.host) and not mine,
        "form": form,
    }
    return render_page(request, "knowledge/offer_detail.html", context, status=status)


@login_required
@require_POST
def offer_take(request: HttpRequest, pk: int) -> HttpResponse:
    """ "I'd like this"."""
    offer = access_offer(request.user, pk)
    form = TakeForm(request.POST)
    if form.is_valid():
        try:
            actions.offer_take(actor=request.user, offer=offer, **form.cleaned_data)
        except DomainError as error:
            add_error(form, error)
        else:
            messages.success(request, _("The person offering it has been told."))
            return redirect(offer)
    return _render_offer(request, offer, form, status=400)


@login_required
@require_POST
def offer_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    offer = access_offer(request.user, pk)
    try:
        actions.offer_withdraw(actor=request.user, offer=offer)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(offer)
