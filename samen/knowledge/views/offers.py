"""Pages of offers: what members give, and "I'd like this"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samen.knowledge import actions, queries
from samen.knowledge.access import Need, access_library, access_offer
from samen.knowledge.forms import DeliverForm, OfferForm, TakeForm, add_error
from samen.knowledge.models import Offer, OfferTake
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
    request: HttpRequest,
    offer: Offer,
    form: TakeForm,
    status: int = 200,
    *,
    deliver_form: DeliverForm | None = None,
    refused_take: int | None = None,
) -> HttpResponse:
    mine = request.user.is_authenticated and request.user.pk == offer.person_id
    context = {
        "offer": offer,
        "host": offer.host,
        "mine": mine,
        "takes": _take_rows(offer, deliver_form, refused_take) if mine else [],
        "matches": queries.requests_for_offer(offer)[:10],
        "can_take": queries.in_host_community(request.user, offer.host) and not mine,
        "form": form,
    }
    return render_page(request, "knowledge/offer_detail.html", context, status=status)


def _take_rows(
    offer: Offer, refused: DeliverForm | None, refused_take: int | None
) -> list[tuple[OfferTake, DeliverForm | None]]:
    """Who asked for the offer, each with the form to record the session given to them
    (until one is recorded, and only where the host runs credits); the form just refused
    comes back with its errors on its own row."""
    credits = bool(queries.rate_card_services(offer.host, peer=True))
    rows: list[tuple[OfferTake, DeliverForm | None]] = []
    for take in offer.takes.select_related("person", "delivery"):
        form = None
        if refused is not None and refused_take == take.pk:
            form = refused
        elif credits and take.delivery_id is None:
            form = DeliverForm(offer=offer, auto_id=f"id_take{take.pk}_%s")
        rows.append((take, form))
    return rows


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


@login_required
@require_POST
def offer_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    """The offerer records the session given to someone who asked: a credits delivery the
    recipient confirms (as "I can help" does for a request)."""
    take = OfferTake.objects.filter(pk=pk).first()
    if take is None:
        raise Http404
    offer = access_offer(request.user, take.offer_id)
    if request.user.pk != offer.person_id:
        raise PermissionDenied
    form = DeliverForm(request.POST, offer=offer, auto_id=f"id_take{take.pk}_%s")
    if form.is_valid():
        try:
            actions.offer_deliver(actor=request.user, take=take, **form.cleaned_data)
        except DomainError as error:
            add_error(form, error)
        else:
            messages.success(request, _("The session is recorded; it counts once confirmed."))
            return redirect(offer)
    return _render_offer(
        request, offer, TakeForm(), status=400, deliver_form=form, refused_take=take.pk
    )
