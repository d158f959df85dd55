"""Pages of money in: giving, campaigns, the supporter's own page, the host's bank work."""

from __future__ import annotations

import logging
from typing import Any

from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from samen.api.idempotency import form_once
from samen.banking.actions import (
    BankFileError,
    bank_import,
    bank_line_ignore,
    bank_line_release,
    host_bank_account_add,
    host_bank_account_remove,
)
from samen.banking.epc import epc_qr_svg_inline
from samen.banking.matching import line_bookings
from samen.banking.sepa import SepaFileError, pain001
from samen.communities.access import Need, access_collective, access_host, can
from samen.communities.dashboard import sections_for
from samen.communities.queries import hosted_collectives
from samen.conversations.actions import comment_add, comments_switch
from samen.conversations.errors import ConversationError
from samen.conversations.forms import ReplyForm
from samen.core.pagecache import public_page
from samen.funding import actions, providers, queries
from samen.funding.access import (
    access_bank_line,
    access_campaign,
    access_campaign_update,
    access_contribution,
    access_recurring,
)
from samen.funding.errors import FundingError, FundingErrorCode
from samen.funding.forms import (
    AddedFundsForm,
    BackForm,
    BankAccountForm,
    BankImportForm,
    CampaignForm,
    ContributeForm,
    GuestEraseForm,
    MatchingForm,
    RecurringForm,
    RefundForm,
    RewardForm,
    TierForm,
    UpdateForm,
    add_funding_error,
)
from samen.funding.models import (
    Campaign,
    Contribution,
    ContributionStatus,
    Method,
    RecurringStatus,
    Tier,
)
from samen.funding.receipts import receipt_filename, receipt_pdf, yearly_summary_pdf
from samen.lib.errors import DomainError
from samen.lib.htmx import render_page
from samen.lib.share import share_card
from samen.lib.spreadsheet import csv_writer

logger = logging.getLogger(__name__)


def _signed_in(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated)


def _after_start(request: HttpRequest, contribution: Contribution) -> HttpResponse:
    """Bank transfers show their payment page; card payments go to Stripe Checkout."""
    page = request.build_absolute_uri(reverse("funding:contribution", args=[contribution.token]))
    if contribution.method == Method.STRIPE:
        url = actions.stripe_checkout_start(
            contribution=contribution, success_url=page + "?paid=1", cancel_url=page
        )
        return HttpResponseRedirect(url)
    return redirect("funding:contribution", contribution.token)


# Giving --------------------------------------------------------------------------------------


def _amount_from_link(request: HttpRequest) -> str | None:
    """A suggested amount's link (``?amount=25``) fills the field with whole euros."""
    value = request.GET.get("amount", "")
    return value if value.isdigit() and len(value) <= 6 else None


def contribute(request: HttpRequest, slug: str) -> HttpResponse:
    """Give to a collective: a tier or a free amount, once or regularly."""
    collective = access_collective(request.user, slug)
    if not collective.can_receive_money:
        raise Http404
    tiers = list(Tier.objects.filter(collective=collective, is_active=True))
    stripe = providers.stripe_enabled()
    form = ContributeForm(
        request.POST or None,
        signed_in=_signed_in(request),
        stripe=stripe,
        initial={"tier": request.GET.get("tier"), "amount": _amount_from_link(request)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        tier = next((t for t in tiers if t.pk == data.get("tier")), None)

        def start() -> HttpResponse:
            contribution = actions.contribution_start(
                actor=request.user,
                collective=collective,
                method=data["method"],
                amount=data.get("amount"),
                interval=data["interval"],
                tier=tier,
                organisation_name=data.get("organisation_name", ""),
                guest_name=data.get("guest_name", ""),
                guest_email=data.get("guest_email", ""),
                is_incognito=data.get("is_incognito", False),
                message=data.get("message", ""),
                language=translation.get_language() or "en",
            )
            return _after_start(request, contribution)

        try:
            return form_once(request, data["once"], start)
        except FundingError as error:
            add_funding_error(form, error, "amount")
    return render_page(
        request,
        "funding/contribute.html",
        {
            "collective": collective,
            "tiers": tiers,
            "form": form,
            "minimum": actions.minimum_amount(collective),
            "suggested": queries.suggested_amounts(tiers, actions.minimum_amount(collective)),
            "stripe": stripe,
        },
    )


def _public_path(contribution: Contribution) -> str:
    """What a supporter shares: the campaign they backed, else the collective."""
    collective = contribution.collective
    if contribution.campaign_id:
        return reverse("funding:campaign", args=[collective.slug, contribution.campaign.slug])  # type: ignore[union-attr]
    return reverse("communities:collective", args=[collective.slug])


def contribution_detail(request: HttpRequest, token: str) -> HttpResponse:
    """The supporter's page for one contribution: how to pay it, or that it is paid."""
    contribution = access_contribution(request.user, token)
    pending_bank = (
        contribution.status == ContributionStatus.PENDING
        and contribution.method == Method.BANK_TRANSFER
    )
    transfer = queries.contribution_transfer(contribution)
    return render_page(
        request,
        "funding/contribution.html",
        {
            "contribution": contribution,
            "host": contribution.collective.host,
            "qr_svg": epc_qr_svg_inline(transfer) if pending_bank else "",
            "pending_bank": pending_bank,
            "share_url": request.build_absolute_uri(_public_path(contribution)),
            "can_refund": can(request.user, Need.FINANCE, contribution.collective)
            and contribution.status == ContributionStatus.PAID,
            "refund_form": RefundForm(),
            **queries.sale_documents(contribution),
        },
    )


@require_POST
def contribution_cancel(request: HttpRequest, token: str) -> HttpResponse:
    contribution = access_contribution(request.user, token)
    try:
        actions.contribution_cancel(
            actor=request.user if _signed_in(request) else None,
            contribution=contribution,
            token_holder=True,
        )
    except FundingError as error:
        messages.error(request, str(error.message))
    return redirect("funding:contribution", contribution.token)


@require_POST
@login_required
def contribution_refund(request: HttpRequest, token: str) -> HttpResponse:
    contribution = access_contribution(request.user, token, Need.FINANCE)
    form = RefundForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give a reason for the refund."))
        return redirect("funding:contribution", contribution.token)
    try:
        actions.contribution_refund(
            actor=request.user,
            contribution=contribution,
            reason=form.cleaned_data["reason"],
            cover=form.cleaned_data["cover"],
        )
    except FundingError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The contribution is refunded."))
    return redirect("funding:contribution", contribution.token)


def receipt(request: HttpRequest, token: str) -> HttpResponse:
    contribution = access_contribution(request.user, token)
    if contribution.status != ContributionStatus.PAID:
        raise Http404
    response = HttpResponse(
        receipt_pdf(contribution, translation.get_language() or "en"),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="{receipt_filename(contribution)}"'
    return response


def collective_contributions(request: HttpRequest, slug: str) -> HttpResponse:
    """Everything given to a collective, for its admins and the host's finance people."""
    if not _signed_in(request):
        return redirect_to_login(request.get_full_path())
    collective = access_collective(request.user, slug, Need.FINANCE)
    return render_page(
        request,
        "funding/collective_contributions.html",
        {
            "collective": collective,
            "contributions": list(queries.collective_contributions(collective)[:200]),
            "recurring": list(queries.collective_recurring(collective)),
            "can_stop": can(request.user, Need.ADMIN, collective)
            or can(request.user, Need.HOST_ADMIN, collective),
        },
    )


def tiers(request: HttpRequest, slug: str) -> HttpResponse:
    """A collective's admins set up the ways to give."""
    if not _signed_in(request):
        return redirect_to_login(request.get_full_path())
    collective = access_collective(request.user, slug, Need.ADMIN)
    form = TierForm(request.POST or None)
    if request.method == "POST" and request.POST.get("deactivate"):
        tier = Tier.objects.filter(collective=collective, pk=request.POST["deactivate"]).first()
        if tier is None:
            raise Http404
        actions.tier_deactivate(actor=request.user, tier=tier)
        return redirect("funding:tiers", collective.slug)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.tier_save(
                actor=request.user,
                collective=collective,
                name=data["name"],
                kind=data["kind"],
                amount=data["amount"],
                amount_is_minimum=data["amount_is_minimum"],
                interval=data["interval"],
                quantity=data.get("quantity"),
                description=data["description"],
                translations=form.translations(),
            )
        except FundingError as error:
            add_funding_error(form, error, "amount")
        else:
            messages.success(request, _("The tier is saved."))
            return redirect("funding:tiers", collective.slug)
    return render_page(
        request,
        "funding/tiers.html",
        {
            "collective": collective,
            "tiers": list(Tier.objects.filter(collective=collective, is_active=True)),
            "form": form,
        },
    )


# The supporter's own page --------------------------------------------------------------------


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    years = sorted(
        {c.paid_at.year for c in queries.my_contributions(request.user) if c.paid_at},
        reverse=True,
    )
    return render_page(
        request,
        "funding/mine.html",
        {
            "contributions": list(queries.my_contributions(request.user)[:200]),
            "recurring": list(queries.my_recurring(request.user)),
            "years": years,
        },
    )


@require_POST
@login_required
def recurring_change(request: HttpRequest, pk: int) -> HttpResponse:
    recurring = access_recurring(request.user, pk)
    form = RecurringForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please check the amount."))
        return redirect("funding:mine")
    action = form.cleaned_data["action"]
    status = {
        "pause": RecurringStatus.PAUSED,
        "resume": RecurringStatus.ACTIVE,
        "cancel": RecurringStatus.CANCELLED,
    }.get(action)
    amount = form.cleaned_data.get("amount") if action == "amount" else None
    if action == "amount" and amount is None:
        messages.error(request, _("Please check the amount."))
        return redirect("funding:mine")
    try:
        actions.recurring_update(
            actor=request.user, recurring=recurring, status=status, amount=amount
        )
    except FundingError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The regular gift is updated."))
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(back)
    return redirect("funding:mine")


@login_required
def yearly_summary(request: HttpRequest, year: int) -> HttpResponse:
    if not 2000 <= year <= 9999:
        raise Http404
    response = HttpResponse(
        yearly_summary_pdf(request.user, year, translation.get_language() or "en"),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="contributions-{year}.pdf"'
    return response


# Campaigns -----------------------------------------------------------------------------------


@public_page("collective")
def campaign_list(request: HttpRequest, slug: str) -> HttpResponse:
    collective = access_collective(request.user, slug)
    campaigns = list(queries.campaigns_of(collective))
    progress = queries.campaigns_progress(campaigns)
    return render_page(
        request,
        "funding/campaign_list.html",
        {
            "collective": collective,
            "campaigns": [(c, progress[c.pk]) for c in campaigns],
            "is_admin": can(request.user, Need.ADMIN, collective),
        },
    )


def campaign_new(request: HttpRequest, slug: str) -> HttpResponse:
    if not _signed_in(request):
        return redirect_to_login(request.get_full_path())
    collective = access_collective(request.user, slug, Need.ADMIN)
    form = CampaignForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = actions.campaign_create(
                actor=request.user,
                collective=collective,
                title=data["title"],
                slug=data["slug"],
                summary=data["summary"],
                story=data["story"],
                video_url=data["video_url"],
                goal_type=data["goal_type"],
                goal_amount=data.get("goal_amount") or 0,
                goal_count=data.get("goal_count") or 0,
                deadline=data["deadline"],
                model=data["model"],
                image=data.get("image"),
                translations=form.translations(),
            )
        except FundingError as error:
            field = {
                FundingErrorCode.INVALID_IMAGE: "image",
                FundingErrorCode.SLUG_TAKEN: "slug",
            }.get(error.code, "deadline")
            add_funding_error(form, error, field)
        else:
            return redirect("funding:campaign", collective.slug, campaign.slug)
    return render_page(
        request, "funding/campaign_form.html", {"collective": collective, "form": form}
    )


def _widget_snippet(request: HttpRequest, campaign: Campaign) -> str:
    """The ``<iframe>`` a collective pastes in its own website."""
    url = request.build_absolute_uri(
        reverse("funding:campaign_widget", args=[campaign.collective.slug, campaign.slug])
    )
    title = escape(campaign.title)
    return (
        f'<iframe src="{url}" title="{title}" width="320" height="230" '
        'style="border:0;max-width:100%" loading="lazy"></iframe>'
    )


@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})
@public_page("collective")
def campaign_widget(request: HttpRequest, slug: str, campaign_slug: str) -> HttpResponse:
    """A campaign's progress and a "Back this" button, small enough for an ``<iframe>`` on
    the collective's own website (any site may frame it: it shows only public facts)."""
    campaign = access_campaign(request.user, slug, campaign_slug)
    return render_page(
        request,
        "funding/campaign_widget.html",
        {"campaign": campaign, "progress": queries.campaign_progress(campaign)},
    )


@public_page("collective")
def campaign_detail(request: HttpRequest, slug: str, campaign_slug: str) -> HttpResponse:
    campaign = access_campaign(request.user, slug, campaign_slug)
    collective = campaign.collective
    is_admin = can(request.user, Need.ADMIN, collective)
    return render_page(
        request,
        "funding/campaign_detail.html",
        {
            "collective": collective,
            "campaign": campaign,
            "progress": queries.campaign_progress(campaign),
            "share": share_card(
                request,
                title=campaign.title,
                text=campaign.summary or campaign.story,
                image=campaign.image or collective.cover or collective.logo,
            ),
            "rewards": queries.rewards_with_remaining(campaign),
            "backers": list(queries.campaign_backers(campaign)[:100]),
            "updates": list(campaign.updates.all()[:20]),
            "is_admin": is_admin,
            "widget_snippet": _widget_snippet(request, campaign) if is_admin else "",
            "reward_form": RewardForm() if is_admin else None,
            "update_form": UpdateForm() if is_admin else None,
            "matching": list(campaign.matching.all()),
            "matching_form": MatchingForm()
            if can(request.user, Need.HOST_ADMIN, collective) and progress_open(campaign)
            else None,
        },
        partial="funding/partials/campaign_progress.html",
    )


def campaign_back(request: HttpRequest, slug: str, campaign_slug: str) -> HttpResponse:
    """Back a campaign: choose a reward (or none), an amount and how to pay."""
    campaign = access_campaign(request.user, slug, campaign_slug)
    progress = queries.campaign_progress(campaign)
    stripe = providers.stripe_enabled()
    form = BackForm(
        request.POST or None,
        campaign=campaign,
        signed_in=_signed_in(request),
        stripe=stripe,
        initial={"reward": request.GET.get("reward")},
    )
    if request.method == "POST" and progress.is_open and form.is_valid():
        data = form.cleaned_data
        reward = data.get("reward")
        amount = data.get("amount")
        if reward is None and amount is None:
            form.add_error("amount", _("Choose a reward or enter an amount."))
        else:

            def start() -> HttpResponse:
                contribution = actions.contribution_start(
                    actor=request.user,
                    collective=campaign.collective,
                    campaign=campaign,
                    reward=reward,
                    method=data["method"],
                    amount=amount,
                    organisation_name=data.get("organisation_name", ""),
                    guest_name=data.get("guest_name", ""),
                    guest_email=data.get("guest_email", ""),
                    is_incognito=data.get("is_incognito", False),
                    message=data.get("message", ""),
                    language=translation.get_language() or "en",
                    buyer_enterprise_number=data.get("buyer_enterprise_number", ""),
                    buyer_address=data.get("buyer_address", ""),
                )
                return _after_start(request, contribution)

            try:
                return form_once(request, data["once"], start)
            except FundingError as error:
                add_funding_error(form, error, _back_error_field(error, reward))
    return render_page(
        request,
        "funding/campaign_back.html",
        {
            "collective": campaign.collective,
            "campaign": campaign,
            "progress": progress,
            "rewards": queries.rewards_with_remaining(campaign),
            "form": form,
        },
    )


def _back_error_field(error: FundingError, reward: Any) -> str:
    """The field of the back form an error belongs to."""
    if error.code in (
        FundingErrorCode.BAD_ENTERPRISE_NUMBER,
        FundingErrorCode.INVOICE_ONLY_FOR_PURCHASES,
    ):
        return "buyer_enterprise_number"
    return "reward" if reward else "amount"


@require_POST
def campaign_reward_add(request: HttpRequest, slug: str, campaign_slug: str) -> HttpResponse:
    if not _signed_in(request):
        raise PermissionDenied
    campaign = access_campaign(request.user, slug, campaign_slug, Need.ADMIN)
    form = RewardForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        actions.reward_save(
            actor=request.user,
            campaign=campaign,
            title=data["title"],
            price=data["price"],
            description=data["description"],
            quantity=data.get("quantity"),
            estimated_delivery=data.get("estimated_delivery"),
            position=campaign.rewards.count(),
            kind=data["kind"],
            vat_rate=data.get("vat_rate"),
            translations=form.translations(),
        )
        messages.success(request, _("The reward is saved."))
    else:
        messages.error(request, _("The reward could not be saved: please check its fields."))
    return redirect("funding:campaign", slug, campaign.slug)


def progress_open(campaign: Any) -> bool:
    return bool(queries.campaign_progress(campaign).is_open)


@require_POST
def campaign_matching_add(request: HttpRequest, slug: str, campaign_slug: str) -> HttpResponse:
    """A host admin records an organisation's promise to multiply donations."""
    if not _signed_in(request):
        raise PermissionDenied
    campaign = access_campaign(request.user, slug, campaign_slug, Need.HOST_ADMIN)
    form = MatchingForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        actions.matching_pledge_add(
            actor=request.user,
            campaign=campaign,
            sponsor_name=data["sponsor_name"],
            factor=data["factor"],
            cap_per_donation=data.get("cap_per_donation"),
            total_cap=data["total_cap"],
        )
        messages.success(request, _("The matchfunding is recorded."))
    else:
        messages.error(request, _("The matchfunding could not be saved: please check its fields."))
    return redirect("funding:campaign", slug, campaign.slug)


@require_POST
def campaign_update_new(request: HttpRequest, slug: str, campaign_slug: str) -> HttpResponse:
    if not _signed_in(request):
        raise PermissionDenied
    campaign = access_campaign(request.user, slug, campaign_slug, Need.ADMIN)
    form = UpdateForm(request.POST)
    if form.is_valid():
        actions.campaign_update_publish(
            actor=request.user,
            campaign=campaign,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            translations=form.translations(),
        )
        messages.success(request, _("The update is published and e-mailed to the backers."))
    else:
        messages.error(request, _("Please give the update a title and a text."))
    return redirect("funding:campaign", slug, campaign.slug)


@require_POST
@login_required
def update_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """A comment on a campaign update: one of the shared conversation posts (the
    campaign's own rules decide who may read and write)."""
    update = access_campaign_update(request.user, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write something first."))
        return redirect(f"{update.get_absolute_url()}#update-{update.pk}")
    try:
        post = comment_add(actor=request.user, target=update, body=form.cleaned_data["body"])
    except ConversationError as error:
        messages.error(request, error.message)
        return redirect(f"{update.get_absolute_url()}#update-{update.pk}")
    return redirect(f"{update.get_absolute_url()}#{post.comment_anchor}")


@require_POST
@login_required
def update_comments_switch(request: HttpRequest, pk: int) -> HttpResponse:
    """The update's author switches its comments on or off."""
    update = access_campaign_update(request.user, pk, switch=True)
    comments_switch(actor=request.user, target=update, enabled=request.POST.get("enabled") == "1")
    return redirect(f"{update.get_absolute_url()}#update-{update.pk}")


def campaign_fulfilment(request: HttpRequest, slug: str, campaign_slug: str) -> HttpResponse:
    """Who backed which reward; a CSV for the team's shipping list; mark delivered."""
    if not _signed_in(request):
        return redirect_to_login(request.get_full_path())
    campaign = access_campaign(request.user, slug, campaign_slug, Need.ADMIN)
    rows = list(queries.fulfilment_rows(campaign))
    if request.method == "POST":
        token = request.POST.get("contribution", "")
        target = next((r for r in rows if str(r.token) == token), None)
        if target is None:
            raise Http404
        actions.reward_mark_delivered(
            actor=request.user,
            contribution=target,
            delivered=request.POST.get("delivered") == "1",
        )
        return redirect("funding:fulfilment", slug, campaign.slug)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{campaign.slug}-rewards.csv"'
        writer = csv_writer(response)
        writer.writerow(
            [_("Reward"), _("Name"), _("E-mail"), _("Amount"), _("Paid"), _("Delivered")]
        )
        for row in rows:
            name = row.private_name
            writer.writerow(
                [
                    row.reward.title if row.reward else "",
                    name,
                    row.email,
                    f"{row.amount / 100:.2f}",
                    timezone.localdate(row.paid_at).isoformat() if row.paid_at else "",
                    timezone.localdate(row.delivered_at).isoformat() if row.delivered_at else "",
                ]
            )
        return response
    return render_page(
        request,
        "funding/fulfilment.html",
        {"collective": campaign.collective, "campaign": campaign, "rows": rows},
    )


# Host dashboard ------------------------------------------------------------------------------


def _dashboard(
    request: HttpRequest, slug: str, section: str, need: Need = Need.FINANCE
) -> tuple[Any, dict[str, Any]]:
    host = access_host(request.user, slug, need)
    return host, {
        "host": host,
        "sections": sections_for(request.user, host),
        "active_section": section,
        "is_host_admin": can(request.user, Need.HOST_ADMIN, host),
    }


def _posted_id(request: HttpRequest, name: str) -> int:
    """The id a button posted in ``name``, or 0 (matches nothing) for anything else."""
    value = request.POST.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else 0


def dashboard_bank(request: HttpRequest, slug: str) -> HttpResponse:
    """Import statements; match what the platform could not; the host's accounts."""
    if not _signed_in(request):
        return redirect_to_login(request.get_full_path())
    host, context = _dashboard(request, slug, "bank", Need.HOST_ADMIN)
    posted = request.POST if request.method == "POST" else None
    adding = posted is not None and "iban" in posted
    form = BankImportForm(None if adding else posted, None if adding else request.FILES or None)
    account_form = BankAccountForm(posted if adding else None)
    if adding and account_form.is_valid():
        try:
            host_bank_account_add(actor=request.user, host=host, **account_form.cleaned_data)
        except DomainError as error:
            account_form.add_error("iban", error.message)
        else:
            messages.success(request, _("The account is added: its statements can be imported."))
            return redirect("funding:dashboard_bank", host.slug)
    elif posted is not None and not adding and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = bank_import(
                actor=request.user, host=host, data=upload.read(), filename=upload.name or ""
            )
        except BankFileError as error:
            form.add_error("file", str(error.message))
        else:
            if result.already_imported:
                messages.info(request, _("This file was already imported; nothing changed."))
            else:
                messages.success(
                    request,
                    _("%(new)s new lines: %(matched)s matched, %(unmatched)s to look at.")
                    % {
                        "new": len(result.new_lines),
                        "matched": result.matched,
                        "unmatched": result.unmatched,
                    },
                )
            return redirect("funding:dashboard_bank", host.slug)
    context.update(
        form=form,
        account_form=account_form,
        accounts=list(host.bank_accounts.order_by("label", "iban")),
        statements=list(queries.statements_of(host)[:20]),
        lines=queries.lines_with_suggestions(host),
        bookings=line_bookings(host),
    )
    return render_page(request, "funding/dashboard_bank.html", context)


@require_POST
def bank_account_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    if not _signed_in(request):
        raise PermissionDenied
    host = access_host(request.user, slug, Need.HOST_ADMIN)
    try:
        host_bank_account_remove(actor=request.user, host=host, account_id=pk)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The account is removed; its imported lines stay."))
    return redirect("funding:dashboard_bank", slug)


@require_POST
def bank_line_confirm(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    if not _signed_in(request):
        raise PermissionDenied
    line = access_bank_line(request.user, slug, pk)
    contribution = Contribution.objects.filter(
        pk=_posted_id(request, "contribution"), collective__host_id=line.host_id
    ).first()
    if contribution is None:
        raise Http404
    try:
        actions.contribution_confirm_bank_line(
            actor=request.user, line=line, contribution=contribution
        )
    except FundingError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The payment is matched and booked."))
    return redirect("funding:dashboard_bank", slug)


@require_POST
def bank_line_gift(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Book an unmatched incoming line as a gift to a collective the admin picks."""
    if not _signed_in(request):
        raise PermissionDenied
    line = access_bank_line(request.user, slug, pk)
    collective = hosted_collectives(line.host).filter(pk=_posted_id(request, "collective")).first()
    if collective is None:
        messages.error(request, _("Choose the collective that receives this gift."))
        return redirect("funding:dashboard_bank", slug)
    try:
        actions.contribution_from_bank_line(
            actor=request.user,
            line=line,
            collective=collective,
            language=translation.get_language() or "en",
        )
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("Booked as a gift to %(collective)s.") % {"collective": collective.name},
        )
    return redirect("funding:dashboard_bank", slug)


@require_POST
def bank_line_ignore_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    if not _signed_in(request):
        raise PermissionDenied
    line = access_bank_line(request.user, slug, pk)
    bank_line_ignore(actor=request.user, line=line, reason=request.POST.get("reason", ""))
    return redirect("funding:dashboard_bank", slug)


def bank_line_release_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A held line is a real movement of its own: offer it to the matchers."""
    if not _signed_in(request) or request.method != "POST":
        raise PermissionDenied
    line = access_bank_line(request.user, slug, pk)
    bank_line_release(actor=request.user, line=line)
    return redirect("funding:dashboard_bank", slug)


def dashboard_refunds(request: HttpRequest, slug: str) -> HttpResponse:
    """Bank-transfer refunds still to pay out, as a list and a CSV for the bank."""
    if not _signed_in(request):
        return redirect_to_login(request.get_full_path())
    host, context = _dashboard(request, slug, "refunds", Need.HOST_ADMIN)
    if request.method == "POST":
        contribution = (
            queries.refunds_to_execute(host).filter(pk=_posted_id(request, "contribution")).first()
        )
        if contribution is None:
            raise Http404
        actions.refund_mark_executed(actor=request.user, contribution=contribution)
        return redirect("funding:dashboard_refunds", host.slug)
    refunds = list(queries.refunds_to_execute(host))
    if request.GET.get("format") == "xml":
        payments = queries.refund_payments(refunds)
        if not payments:
            messages.error(request, _("There is no refund with a known account to pay."))
            return redirect("funding:dashboard_refunds", host.slug)
        try:
            xml = pain001(host=host, payments=payments, execution_date=timezone.localdate())
        except SepaFileError as exc:
            messages.error(request, exc.message)
            return redirect("funding:dashboard_refunds", host.slug)
        response = HttpResponse(xml, content_type="application/xml")
        response["Content-Disposition"] = 'attachment; filename="refunds-pain001.xml"'
        return response
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="refunds.csv"'
        writer = csv_writer(response)
        writer.writerow([_("Name"), _("IBAN"), _("Amount"), _("Communication")])
        for refund in refunds:
            writer.writerow(
                [
                    refund.bank_line.counterparty_name
                    if refund.bank_line
                    else refund.supporter_name,
                    refund.refund_iban,
                    f"{refund.amount / 100:.2f}",
                    _("Refund %(ref)s") % {"ref": refund.formatted_communication},
                ]
            )
        return response
    context["refunds"] = refunds
    return render_page(request, "funding/dashboard_refunds.html", context)


def dashboard_added_funds(request: HttpRequest, slug: str) -> HttpResponse:
    if not _signed_in(request):
        return redirect_to_login(request.get_full_path())
    host, context = _dashboard(request, slug, "added_funds", Need.HOST_ADMIN)
    form = AddedFundsForm(request.POST or None, host=host)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def add() -> HttpResponse:
            actions.added_funds_create(
                actor=request.user,
                collective=data["collective"],
                amount=data["amount"],
                source_name=data["source_name"],
                reason=data["reason"],
                apply_host_fee=data["apply_host_fee"],
            )
            messages.success(request, _("The funds are added and booked."))
            return redirect("funding:dashboard_added_funds", host.slug)

        try:
            return form_once(request, data["once"], add)
        except FundingError as error:
            add_funding_error(form, error, "amount")
    context["form"] = form
    return render_page(request, "funding/dashboard_added_funds.html", context)


def dashboard_guests(request: HttpRequest, slug: str) -> HttpResponse:
    """Erase a guest supporter's data on their request (they have no account to delete)."""
    if not _signed_in(request):
        return redirect_to_login(request.get_full_path())
    host, context = _dashboard(request, slug, "guests", Need.HOST_ADMIN)
    form = GuestEraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = actions.guest_erase(
                actor=request.user, host=host, email=form.cleaned_data["email"]
            )
        except FundingError as error:
            add_funding_error(form, error, "email")
        else:
            messages.success(
                request,
                _(
                    "The guest's data is erased from %(contributions)s contributions and "
                    "%(transactions)s public ledger rows."
                )
                % {
                    "contributions": result.contributions,
                    "transactions": result.ledger_transactions,
                },
            )
            return redirect("funding:dashboard_guests", host.slug)
    context["form"] = form
    return render_page(request, "funding/dashboard_guests.html", context)


# Stripe --------------------------------------------------------------------------------------


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    """Stripe's events: verified by signature, applied at most once each."""
    if not providers.stripe_enabled():
        raise Http404
    try:
        event = providers.webhook_event(request.body, request.headers.get("Stripe-Signature", ""))
    except ValueError:
        return HttpResponse(status=400)
    outcome = actions.stripe_event_handle(event=event)
    logger.info("Stripe event %s (%s): %s", event["id"], event["type"], outcome)
    return HttpResponse(outcome, content_type="text/plain")
