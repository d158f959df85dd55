"""Credits pages: a member's balance, movements, pending confirmations and the rate card;
requests for help and the member directory; the host's dashboard of imbalances, workshops
and credit limits."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samen.communities.access import Need as CommunityNeed
from samen.communities.access import access_host, can
from samen.communities.dashboard import sections_for
from samen.communities.models import Host
from samen.credits import queries
from samen.credits.access import Need, access_delivery, access_help_request, access_scheme
from samen.credits.actions import (
    can_close_request,
    credit_limit_set,
    delivery_cancel,
    delivery_confirm,
    delivery_record,
    delivery_reject,
    help_request_close,
    help_request_create,
    rate_card_publish,
    scheme_create,
    scheme_update,
    settlement_record,
    workshop_record,
)
from samen.credits.charts import balance_chart, circulation_chart
from samen.credits.errors import CreditsError
from samen.credits.forms import (
    BaseServiceFormSet,
    DeliveryForm,
    HelpRequestForm,
    LimitForm,
    RateCardForm,
    RejectForm,
    SchemeCreateForm,
    SchemeRulesForm,
    ServiceFormSet,
    SettlementForm,
    SkillTextFilterForm,
    VatStatusForm,
    WorkshopForm,
    service_initial,
)
from samen.credits.models import CreditScheme, HelpRequest, YearEndPolicy
from samen.funding.access import access_bank_line
from samen.invoicing.actions import billing_status_set
from samen.invoicing.errors import InvoicingError
from samen.invoicing.templatetags.euros import credit_amount
from samen.lib.htmx import render_page
from samen.lib.money import format_amount, to_amount, to_decimal


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The credit schemes of the hosts this person belongs to."""
    schemes = list(
        CreditScheme.objects.filter(host__memberships__user_id=request.user.pk or 0)
        .select_related("host", "unit")
        .order_by("host__name")
    )
    if len(schemes) == 1:
        return redirect("credits:home", host_slug=schemes[0].host.slug)
    return render_page(request, "credits/index.html", {"schemes": schemes})


@login_required
def home(request: HttpRequest, host_slug: str) -> HttpResponse:
    """My balance with its chart, what waits for me, and my movements."""
    scheme = access_scheme(request.user, host_slug, Need.MEMBER)
    page = Paginator(queries.movements(scheme, request.user), 25).get_page(request.GET.get("page"))
    transaction_ids = [e.transaction_id for e in page]
    deliveries = queries.deliveries_by_transaction(transaction_ids)
    settled = queries.settlements_by_transaction(transaction_ids)
    rows = [
        {
            "entry": e,
            "delivery": deliveries.get(e.transaction_id),
            "settlement": settled.get(e.transaction_id),
        }
        for e in page
    ]
    history = queries.balance_history(scheme, request.user)
    summary = queries.member_summary(scheme, request.user)
    context = {
        "scheme": scheme,
        "host": scheme.host,
        "unit": scheme.unit,
        "summary": summary,
        "settlement": queries.settlement(scheme, request.user, summary["balance"]),
        "chart": balance_chart(history, scheme.unit.decimals, scheme.unit.code),
        "awaiting": queries.awaiting_decision(scheme, request.user),
        "recorded": queries.recorded_by(scheme, request.user),
        "matches": list(queries.requests_for(request.user, scheme)[:5]),
        "page": page,
        "rows": rows,
        "reject_form": RejectForm(),
    }
    return render_page(
        request, "credits/home.html", context, partial="credits/partials/movements.html"
    )


@login_required
def rate_card(request: HttpRequest, host_slug: str) -> HttpResponse:
    scheme = access_scheme(request.user, host_slug, Need.MEMBER)
    card = queries.current_rate_card(scheme)
    context = {
        "scheme": scheme,
        "host": scheme.host,
        "unit": scheme.unit,
        "card": card,
        "services": queries.services_of(card),
        "can_admin": can(request.user, CommunityNeed.HOST_ADMIN, scheme.host),
    }
    return render_page(request, "credits/rate_card.html", context)


@login_required
def record(request: HttpRequest, host_slug: str) -> HttpResponse:
    """Record a delivery: a session I gave, an article I wrote, a workshop I followed."""
    scheme = access_scheme(request.user, host_slug, Need.MEMBER)
    help_request = _answered_request(request, scheme)
    if help_request is not None and (
        not help_request.is_open or help_request.requester_id == request.user.pk
    ):
        messages.error(
            request,
            _("You cannot answer your own request.")
            if help_request.is_open
            else _("This request is no longer open."),
        )
        return redirect("credits:request", pk=help_request.pk)
    services = queries.services_of(queries.current_rate_card(scheme))
    form = DeliveryForm(
        request.POST or None,
        scheme=scheme,
        services=services,
        user=request.user,
        help_request=help_request,
    )
    if request.method == "POST" and form.is_valid():
        try:
            delivery_record(
                actor=request.user,
                scheme=scheme,
                service_code=form.cleaned_data["service"],
                on=form.cleaned_data["on"],
                member=form.member_object(),
                quantity=form.cleaned_data["quantity"],
                note=form.cleaned_data["note"],
                help_request=help_request,
            )
        except CreditsError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Recorded. It counts once the other side confirms."))
            if help_request is not None:
                return redirect("credits:request", pk=help_request.pk)
            return redirect("credits:home", host_slug=host_slug)
    context = {"scheme": scheme, "host": scheme.host, "form": form, "help_request": help_request}
    return render_page(request, "credits/record.html", context, status=400 if form.errors else 200)


def _answered_request(request: HttpRequest, scheme: CreditScheme) -> HelpRequest | None:
    """The request named by ``?request=`` ("I can help"), which must belong to the scheme."""
    raw = request.GET.get("request", "")
    if not raw.isdigit():
        return None
    help_request = access_help_request(request.user, int(raw))
    if help_request.scheme_id != scheme.pk:
        raise Http404
    return help_request


def _decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    delivery = access_delivery(request.user, pk)
    try:
        if decision == "confirm":
            delivery_confirm(actor=request.user, delivery=delivery)
            messages.success(
                request, _("Confirmed: the credits are booked and the documents issued.")
            )
        elif decision == "reject":
            form = RejectForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            delivery_reject(actor=request.user, delivery=delivery, reason=reason)
            messages.info(request, _("Rejected."))
        else:
            delivery_cancel(actor=request.user, delivery=delivery)
            messages.info(request, _("Withdrawn."))
    except CreditsError as exc:
        messages.error(request, exc.message)
    target = request.POST.get("next") or reverse("credits:home", args=[delivery.scheme.host.slug])
    if not target.startswith("/") or target.startswith("//"):
        target = reverse("credits:home", args=[delivery.scheme.host.slug])
    return redirect(target)


@require_POST
@login_required
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, "confirm")


@require_POST
@login_required
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, "reject")


@require_POST
@login_required
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, "cancel")


def _dashboard_context(request: HttpRequest, scheme: CreditScheme, section: str) -> dict[str, Any]:
    host: Host = scheme.host
    return {
        "scheme": scheme,
        "host": host,
        "unit": scheme.unit,
        "sections": sections_for(request.user, host),
        "active_section": section,
        "can_admin": can(request.user, CommunityNeed.HOST_ADMIN, host),
    }


@login_required
def dashboard(request: HttpRequest, host_slug: str) -> HttpResponse:
    """Who is in debt and since when, what they could give back, and the scheme's totals
    with their chart of circulation and debt per month."""
    from samen.invoicing.queries import vat_per_quarter

    host = access_host(request.user, host_slug, CommunityNeed.FINANCE)
    if not CreditScheme.objects.filter(host=host).exists():
        # The dashboard shows this section for every host; say why it is empty.
        context = {"host": host, "sections": sections_for(request.user, host)}
        context["active_section"] = "credits"
        context["can_admin"] = can(request.user, CommunityNeed.HOST_ADMIN, host)
        if context["can_admin"]:
            context["form"] = SchemeCreateForm()
        return render_page(request, "credits/dashboard_none.html", context)
    scheme = access_scheme(request.user, host_slug, Need.FINANCE)
    context = _dashboard_context(request, scheme, "credits")
    circulation = queries.circulation_history(scheme)
    context.update(
        {
            "imbalances": queries.imbalances(scheme, request.user),
            "summary": queries.host_summary(scheme),
            "circulation": circulation,
            "circulation_chart": circulation_chart(circulation),
            "vat": vat_per_quarter(scheme.host),
            "waiting": list(queries.deliveries_waiting(scheme.host)[:100]),
            "decidable": set(
                queries.awaiting_decision(scheme, request.user).values_list("pk", flat=True)
            ),
            "workshop_form": WorkshopForm(
                scheme=scheme, services=queries.services_of(queries.current_rate_card(scheme))
            ),
            "limit_form": LimitForm(scheme=scheme),
            "vat_status_form": VatStatusForm(scheme=scheme),
        }
    )
    return render_page(request, "credits/dashboard.html", context)


@require_POST
@login_required
def workshop(request: HttpRequest, host_slug: str) -> HttpResponse:
    scheme = access_scheme(request.user, host_slug, Need.ADMIN)
    services = queries.services_of(queries.current_rate_card(scheme))
    form = WorkshopForm(request.POST, scheme=scheme, services=services)
    if form.is_valid():
        try:
            done = workshop_record(
                actor=request.user,
                scheme=scheme,
                service_code=form.cleaned_data["service"],
                on=form.cleaned_data["on"],
                participants=form.participant_objects(),
                note=form.cleaned_data["note"],
            )
        except CreditsError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("Recorded for %(count)s participants.") % {"count": len(done)}
            )
    else:
        messages.error(request, _("Choose a service, a date and at least one participant."))
    return redirect("credits:dashboard", host_slug=host_slug)


@require_POST
@login_required
def limit(request: HttpRequest, host_slug: str) -> HttpResponse:
    scheme = access_scheme(request.user, host_slug, Need.ADMIN)
    form = LimitForm(request.POST, scheme=scheme)
    if form.is_valid():
        try:
            credit_limit_set(
                actor=request.user,
                scheme=scheme,
                user=form.member_object(),
                limit=form.cleaned_data["limit"],
            )
        except CreditsError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Credit limit saved."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("credits:dashboard", host_slug=host_slug)


@require_POST
@login_required
def vat_status(request: HttpRequest, host_slug: str) -> HttpResponse:
    """A host admin chooses a member's VAT status (``invoicing.actions.billing_status_set``)."""
    scheme = access_scheme(request.user, host_slug, Need.ADMIN)
    form = VatStatusForm(request.POST, scheme=scheme)
    if form.is_valid():
        try:
            billing_status_set(
                actor=request.user,
                host=scheme.host,
                user=form.member_object(),
                vat_status=form.cleaned_data["vat_status"],
                self_billing=form.cleaned_data["self_billing"],
            )
        except InvoicingError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("VAT status saved; it applies to the next documents."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("credits:dashboard", host_slug=host_slug)


@require_POST
@login_required
def bank_line_settle(request: HttpRequest, host_slug: str, pk: int) -> HttpResponse:
    """Book an unmatched incoming bank line as the settlement of the member in debt chosen
    next to it on the host's bank page, in one step (``settlement_record`` locks the line:
    it is booked once)."""
    line = access_bank_line(request.user, host_slug, pk)
    scheme = access_scheme(request.user, host_slug, Need.FINANCE)
    chosen = request.POST.get("member", "")
    row = next((r for r in queries.debtors_to_settle(scheme) if str(r["user"].pk) == chosen), None)
    if row is None:
        messages.error(request, _("Choose the member whose credit debt this transfer settles."))
        return redirect("funding:dashboard_bank", host_slug)
    try:
        booked = settlement_record(
            actor=request.user,
            scheme=scheme,
            member=row["user"],
            amount=line.amount,
            paid_on=line.booking_date,
            bank_line=line,
        )
    except CreditsError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _settled_text(booked, scheme))
    return redirect("funding:dashboard_bank", host_slug)


def _settled_text(booked: Any, scheme: CreditScheme) -> str:
    return _("Booked: %(name)s gets %(credits)s %(code)s back.") % {
        "name": booked.member.public_name,
        "credits": credit_amount(booked.credits, scheme.unit),
        "code": scheme.unit.code,
    }


@login_required
def settlements(request: HttpRequest, host_slug: str) -> HttpResponse:
    """Settlements in euros: the list (host admins and accountants), and the form host admins
    book one with (euros received by hand, or a transfer the import could not book)."""
    scheme = access_scheme(request.user, host_slug, Need.FINANCE)
    can_admin = can(request.user, CommunityNeed.HOST_ADMIN, scheme.host)
    if request.method == "POST" and not can_admin:
        raise PermissionDenied
    debtors = queries.debtors_to_settle(scheme)
    # A transfer the bank import could not book (the bank page links here with ?line=):
    # its amount and date are the line's, and booking it marks the line matched.
    line = queries.line_to_book(scheme, request.POST.get("line") or request.GET.get("line"))
    form = None
    if can_admin:
        initial: dict[str, Any] = {}
        chosen = request.GET.get("member", "")
        row = next((r for r in debtors if str(r["user"].pk) == chosen), None)
        if row is not None:
            # The amount as the person would type it (``90,75`` in nl and fr).
            payable = format_amount(to_amount(row["payable"], 2), 2, grouped=False)
            initial = {"member": row["user"].pk, "amount": payable}
        form = SettlementForm(request.POST or None, debtors=debtors, initial=initial, line=line)
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            booked = settlement_record(
                actor=request.user,
                scheme=scheme,
                member=form.member_object(),
                amount=line.amount if line is not None else data["amount"],
                paid_on=line.booking_date if line is not None else data["paid_on"],
                bank_line=line,
                idempotency_key=f"form-{request.user.pk}-{data['token']}",
            )
        except CreditsError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _settled_text(booked, scheme))
            return redirect("credits:settlements", host_slug=host_slug)
    page = Paginator(queries.settlement_list(scheme), 25).get_page(request.GET.get("page"))
    context = _dashboard_context(request, scheme, "credits")
    context.update({"form": form, "debtors": debtors, "page": page, "line": line})
    status = 400 if form is not None and form.errors else 200
    return render_page(
        request,
        "credits/settlements.html",
        context,
        partial="credits/partials/settlement_list.html",
        status=status,
    )


@login_required
def rate_card_edit(request: HttpRequest, host_slug: str) -> HttpResponse:
    """Host admins publish the next rate card version, starting from the current one."""
    scheme = access_scheme(request.user, host_slug, Need.ADMIN)
    decimals = scheme.unit.decimals
    versions = queries.rate_card_versions(scheme)
    today = timezone.localdate()
    current = next((card for card in versions if card.valid_from <= today), None)
    if request.method == "POST":
        form = RateCardForm(request.POST)
        formset = ServiceFormSet(
            request.POST, prefix="services", form_kwargs={"decimals": decimals}
        )
    else:
        form = RateCardForm(initial={"valid_from": today + dt.timedelta(days=1)})
        initial = service_initial(list(current.services.all()) if current else [], decimals)
        formset = ServiceFormSet(
            prefix="services", initial=initial, form_kwargs={"decimals": decimals}
        )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            card = rate_card_publish(
                actor=request.user,
                scheme=scheme,
                valid_from=form.cleaned_data["valid_from"],
                services=cast(BaseServiceFormSet, formset).services(),
            )
        except CreditsError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Version %(version)s of the rate card is published.") % {"version": card.version},
            )
            return redirect("credits:rate_card_edit", host_slug=host_slug)
    context = _dashboard_context(request, scheme, "credits")
    context.update({"form": form, "formset": formset, "versions": versions, "current": current})
    status = 400 if request.method == "POST" else 200
    return render_page(request, "credits/rate_card_edit.html", context, status=status)


@login_required
def scheme_edit(request: HttpRequest, host_slug: str) -> HttpResponse:
    """Host admins give the host a credit scheme, or change the rules of the one it has."""
    host = access_host(request.user, host_slug, CommunityNeed.HOST_ADMIN)
    scheme = CreditScheme.objects.select_related("unit", "host").filter(host=host).first()
    form: SchemeRulesForm
    if scheme is None:
        form = SchemeCreateForm(request.POST or None)
    else:
        limit = to_decimal(scheme.default_credit_limit, scheme.unit.decimals).normalize()
        initial = {
            "default_credit_limit": f"{limit:f}",
            "settle_in_euros": scheme.settle_in_euros,
            "auto_confirm_days": scheme.auto_confirm_days,
            "year_end_positive": scheme.year_end_positive,
        }
        form = SchemeRulesForm(request.POST or None, initial=initial, decimals=scheme.unit.decimals)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if isinstance(form, SchemeCreateForm):
                scheme_create(
                    actor=request.user,
                    host=host,
                    code=data["code"],
                    name=data["name"],
                    decimals=data["decimals"],
                    euro_value=data["euro_value"],
                    vat_rate=form.vat_rate_value(),
                    euro_value_includes_vat=data["euro_value_includes_vat"],
                    vat_exemption_reason=data["vat_exemption_reason"],
                    default_credit_limit=data["default_credit_limit"],
                    settle_in_euros=data["settle_in_euros"],
                    auto_confirm_days=data["auto_confirm_days"],
                    year_end_positive=data["year_end_positive"] or YearEndPolicy.KEEP,
                )
                messages.success(request, _("The credit scheme is created."))
            else:
                assert scheme is not None
                scheme_update(
                    actor=request.user,
                    scheme=scheme,
                    default_credit_limit=data["default_credit_limit"],
                    settle_in_euros=data["settle_in_euros"],
                    auto_confirm_days=data["auto_confirm_days"],
                    year_end_positive=data["year_end_positive"] or None,
                )
                messages.success(request, _("The credit scheme is saved."))
        except CreditsError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("credits:dashboard", host_slug=host_slug)
    context: dict[str, Any] = {
        "host": host,
        "scheme": scheme,
        "unit": scheme.unit if scheme else None,
        "form": form,
        "sections": sections_for(request.user, host),
        "active_section": "credits",
    }
    status = 400 if form.errors else 200
    return render_page(request, "credits/scheme_edit.html", context, status=status)


def _filter_query(filters: SkillTextFilterForm, **extra: str) -> str:
    """The list's own filters as a query string, for its pagination links."""
    params = {k: v for k, v in filters.data.items() if k in {"skills", "q", "show"} and v}
    params.update(extra)
    return urlencode(params)


@login_required
def requests(request: HttpRequest, host_slug: str) -> HttpResponse:
    """Open requests of the network, filtered by skill and text; "matching my skills" ranks
    those I could answer; my own requests in every state."""
    scheme = access_scheme(request.user, host_slug, Need.MEMBER)
    filters = SkillTextFilterForm(request.GET)
    skills, text = filters.values()
    show = "matches" if request.GET.get("show") == "matches" else "open"
    if show == "matches":
        rows = queries.filter_requests(
            queries.requests_for(request.user, scheme), skills=skills, text=text
        )
    else:
        rows = queries.request_list(scheme, skills=skills, text=text)
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    context = {
        "scheme": scheme,
        "host": scheme.host,
        "filters": filters,
        "show": show,
        "query": _filter_query(filters),
        "page": page,
        "mine": list(queries.my_requests(scheme, request.user)[:20]),
    }
    return render_page(
        request, "credits/requests.html", context, partial="credits/partials/request_list.html"
    )


@login_required
def request_new(request: HttpRequest, host_slug: str) -> HttpResponse:
    """A member asks for help."""
    scheme = access_scheme(request.user, host_slug, Need.MEMBER)
    services = queries.services_of(queries.current_rate_card(scheme))
    form = HelpRequestForm(request.POST or None, services=services)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = help_request_create(
                actor=request.user,
                scheme=scheme,
                title=data["title"],
                description=data["description"],
                skills=data["skills"],
                service_code=data["service"],
            )
        except CreditsError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your request is posted."))
            return redirect("credits:request", pk=created.pk)
    context = {"scheme": scheme, "host": scheme.host, "form": form}
    return render_page(
        request, "credits/request_form.html", context, status=400 if form.errors else 200
    )


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    help_request = access_help_request(request.user, pk)
    scheme = help_request.scheme
    service = None
    if help_request.service_code:
        service = next(
            (
                s
                for s in queries.services_of(queries.current_rate_card(scheme))
                if s.code == help_request.service_code
            ),
            None,
        )
    is_requester = help_request.requester_id == request.user.pk
    context = {
        "scheme": scheme,
        "host": scheme.host,
        "unit": scheme.unit,
        "help_request": help_request,
        "service": service,
        "offers": queries.request_offers(help_request, request.user),
        "is_requester": is_requester,
        "can_help": help_request.is_open and not is_requester,
        "can_close": help_request.is_open and can_close_request(request.user, help_request),
    }
    return render_page(request, "credits/request_detail.html", context)


@require_POST
@login_required
def request_close(request: HttpRequest, pk: int) -> HttpResponse:
    help_request = access_help_request(request.user, pk)
    try:
        help_request_close(actor=request.user, help_request=help_request)
    except CreditsError as exc:
        messages.error(request, exc.message)
    else:
        messages.info(request, _("The request is closed."))
    return redirect("credits:request", pk=pk)


@login_required
def members(request: HttpRequest, host_slug: str) -> HttpResponse:
    """Find the right contact: the host's members by skill or text, each shown as their
    profile settings allow the viewer; host admins also see everyone's credit activity."""
    from samen.accounts.queries import visible_profile

    scheme = access_scheme(request.user, host_slug, Need.MEMBER)
    filters = SkillTextFilterForm(request.GET)
    skills, text = filters.values()
    page = Paginator(
        queries.member_directory(scheme, request.user, skills=skills, text=text), 24
    ).get_page(request.GET.get("page"))
    is_admin = can(request.user, CommunityNeed.HOST_ADMIN, scheme.host)
    activity = queries.credit_activity(scheme, [p.pk for p in page]) if is_admin else {}
    rows = [
        {"profile": visible_profile(person, request.user), "activity": activity.get(person.pk)}
        for person in page
    ]
    context = {
        "scheme": scheme,
        "host": scheme.host,
        "unit": scheme.unit,
        "filters": filters,
        "query": _filter_query(filters),
        "page": page,
        "rows": rows,
        "is_admin": is_admin,
    }
    return render_page(
        request, "credits/members.html", context, partial="credits/partials/member_list.html"
    )
