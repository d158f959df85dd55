"""HTML pages: the public expense list, submitting, reviewing, paying, the host dashboard."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from samen.api.idempotency import form_once
from samen.communities.access import Need, access_collective, access_host, can
from samen.expenses import actions, queries
from samen.expenses.access import ExpenseNeed, access_expense, expense_can
from samen.expenses.errors import ExpenseError, ExpenseErrorCode
from samen.expenses.forms import (
    BatchForm,
    CategoryForm,
    CommentForm,
    DecisionLinkForm,
    ExpenseForm,
    HostSettingsForm,
    InviteForm,
    ItemFormSet,
    PayForm,
    PolicyForm,
    ReasonForm,
    StatementForm,
)
from samen.expenses.models import (
    Expense,
    ExpenseStatus,
    PayoutBatch,
    PayoutMethod,
)
from samen.lib.htmx import render_page
from samen.lib.money import to_decimal
from samen.lib.spreadsheet import csv_writer

PAGE_SIZE = 25


def collective_expenses(request: HttpRequest, slug: str) -> HttpResponse:
    """The public list: title, amount, status, date, payee's public name, category."""
    collective = access_collective(request.user, slug, Need.VIEW)
    page = Paginator(queries.public_expenses(collective), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    reason = actions.may_submit(request.user, collective) if request.user.is_authenticated else None
    return render_page(
        request,
        "expenses/collective_list.html",
        {
            "collective": collective,
            "page": page,
            "may_submit": request.user.is_authenticated and reason is None,
            "is_admin": can(request.user, Need.ADMIN, collective),
        },
        partial="expenses/partials/expense_rows.html",
    )


def _item_inputs(formset: Any) -> list[actions.ItemInput]:
    return [
        actions.ItemInput(
            description=f.cleaned_data["description"],
            incurred_on=f.cleaned_data["incurred_on"],
            amount=f.cleaned_data["amount"],
        )
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


def _payout_method(request: HttpRequest, form: ExpenseForm) -> PayoutMethod:
    chosen = form.cleaned_data.get("payout_method")
    if chosen is not None:
        return chosen
    return actions.payout_method_create(
        actor=request.user,  # type: ignore[arg-type]
        iban=form.cleaned_data["iban"],
        account_holder=form.cleaned_data["account_holder"],
        bic=form.cleaned_data.get("bic") or "",
    )


def _saved_message(request: HttpRequest) -> str:
    """Say where the expense goes next: a draft waits for its author, the rest for approval."""
    if "save_draft" in request.POST:
        return str(_("Your draft was saved. Submit it when it is complete."))
    return str(
        _(
            "Your expense was submitted for approval. The collective's admins decide; "
            "you follow its progress on this page."
        )
    )


def _show_error(form: ExpenseForm, exc: ExpenseError) -> None:
    field = {
        "bad_iban": "iban",
        "not_sepa": "iban",
        "bic_required": "bic",
        "bad_file": "attachments",
        "category_required": "category",
    }.get(exc.code)
    form.add_error(field, exc.message)


@login_required
def expense_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Submit an expense (or save a draft) to a collective."""
    collective = access_collective(request.user, slug, Need.VIEW)
    reason = actions.may_submit(request.user, collective)
    if reason is not None:
        messages.error(request, str(reason.label))
        return redirect("expenses:collective_list", slug=collective.slug)
    kwargs = {
        "payout_methods": queries.my_payout_methods(request.user),
        "categories": queries.host_categories(collective.host),
    }
    kept: list[Any] = []
    if request.method == "POST":
        form = ExpenseForm(request.POST, request.FILES, **kwargs)
        formset = ItemFormSet(request.POST, prefix="items")
        kept = queries.pending_uploads(request.user, request.POST.getlist("kept_upload"))
        if form.is_valid() and formset.is_valid():

            def create() -> HttpResponse:
                expense = _create(request, collective, form, formset, kept)
                messages.success(request, _saved_message(request))
                return redirect("expenses:detail", expense_id=expense.pk)

            try:
                return form_once(request, form.cleaned_data["once"], create)
            except ExpenseError as exc:
                _show_error(form, exc)
        kept += _keep_uploads(request, form)
    else:
        latest = kwargs["payout_methods"].first()
        form = ExpenseForm(initial={"payout_method": latest.pk if latest else None}, **kwargs)
        formset = ItemFormSet(prefix="items")
    return render_page(
        request,
        "expenses/expense_form.html",
        {
            "collective": collective,
            "form": form,
            "formset": formset,
            "expense": None,
            "kept": kept,
        },
    )


def _keep_uploads(request: HttpRequest, form: ExpenseForm) -> list[Any]:
    """After a form error, keep the files just attached (unless they were the error), so
    that the form offers them back instead of asking for them again."""
    if "attachments" in form.errors or not hasattr(form, "cleaned_data"):
        return []
    files = form.cleaned_data.get("attachments") or []
    return actions.pending_uploads_keep(actor=request.user, files=files) if files else []


def _attachments(request: HttpRequest, form: ExpenseForm, kept: list[Any]) -> list[Any]:
    """The files just attached and the ones kept from an earlier try, in that order."""
    return [*(form.cleaned_data.get("attachments") or []), *actions.pending_upload_files(kept)]


def _create(
    request: HttpRequest, collective: Any, form: ExpenseForm, formset: Any, kept: list[Any]
) -> Expense:
    from django.db import transaction

    data = form.cleaned_data
    with transaction.atomic():
        expense = actions.expense_create(
            actor=request.user,  # type: ignore[arg-type]
            collective=collective,
            type=data["type"],
            title=data["title"],
            items=_item_inputs(formset),
            payout_method=_payout_method(request, form),
            payee_kind=data["payee_kind"],
            payee_organisation=data.get("payee_organisation") or "",
            vat_amount=data["vat_amount"],
            category=data.get("category"),
            tags=data["tags"],
            attachments=_attachments(request, form, kept),
            submit="save_draft" not in request.POST,
        )
        actions.pending_uploads_discard(actor=request.user, uploads=kept)
        return expense


@login_required
def expense_edit(request: HttpRequest, expense_id: int) -> HttpResponse:
    """The submitter edits a draft or an expense with changes asked, then resubmits."""
    expense = access_expense(request.user, expense_id, ExpenseNeed.EDIT)
    kwargs = {
        "payout_methods": queries.my_payout_methods(request.user),
        "categories": queries.host_categories(expense.collective.host),
    }
    kept: list[Any] = []
    if request.method == "POST":
        form = ExpenseForm(request.POST, request.FILES, **kwargs)
        formset = ItemFormSet(request.POST, prefix="items")
        kept = queries.pending_uploads(request.user, request.POST.getlist("kept_upload"))
        if form.is_valid() and formset.is_valid():
            from django.db import transaction

            data = form.cleaned_data
            try:
                with transaction.atomic():
                    actions.expense_update(
                        actor=request.user,  # type: ignore[arg-type]
                        expense=expense,
                        type=data["type"],
                        title=data["title"],
                        items=_item_inputs(formset),
                        payout_method=_payout_method(request, form),
                        payee_kind=data["payee_kind"],
                        payee_organisation=data.get("payee_organisation") or "",
                        vat_amount=data["vat_amount"],
                        category=data.get("category"),
                        tags=data["tags"],
                        attachments=_attachments(request, form, kept),
                    )
                    actions.pending_uploads_discard(actor=request.user, uploads=kept)
                    if "save_draft" not in request.POST:
                        actions.expense_submit(actor=request.user, expense=expense)  # type: ignore[arg-type]
            except ExpenseError as exc:
                _show_error(form, exc)
            else:
                messages.success(request, _saved_message(request))
                return redirect("expenses:detail", expense_id=expense.pk)
        kept += _keep_uploads(request, form)
    else:
        form = ExpenseForm(
            initial={
                "type": expense.type,
                "title": expense.title,
                "payee_kind": expense.payee_kind,
                "payee_organisation": expense.payee_organisation,
                "payout_method": expense.payout_method_id,
                "vat_amount": _plain(expense.vat_amount) if expense.vat_amount else "",
                "category": expense.category_id,
                "tags": ", ".join(expense.tags),
            },
            **kwargs,
        )
        formset = ItemFormSet(
            prefix="items",
            initial=[
                {
                    "description": i.description,
                    "incurred_on": i.incurred_on,
                    "amount": _plain(i.amount),
                }
                for i in expense.items.all()
            ],
        )
    return render_page(
        request,
        "expenses/expense_form.html",
        {
            "collective": expense.collective,
            "form": form,
            "formset": formset,
            "expense": expense,
            "kept": kept,
        },
    )


def _plain(cents: int) -> str:
    """An amount for a form field, as typed in nl/fr without grouping: ``-1234,50``."""
    return f"{to_decimal(cents, 2):f}".replace(".", ",")


def expense_detail(request: HttpRequest, expense_id: int) -> HttpResponse:
    """The public face for everyone; items, files, payout and the thread for the people
    concerned."""
    expense = access_expense(request.user, expense_id, ExpenseNeed.VIEW)
    private = expense_can(request.user, ExpenseNeed.PRIVATE, expense)
    if private:
        expense = queries.expense_detail(expense)
    can = {need.value: expense_can(request.user, need, expense) for need in ExpenseNeed}
    return render_page(
        request,
        "expenses/expense_detail.html",
        {
            "expense": expense,
            "private": private,
            "can": can,
            "is_author": request.user.is_authenticated and expense.submitter_id == request.user.pk,
            "reason_form": ReasonForm(),
            "comment_form": CommentForm(),
            "pay_form": PayForm(initial={"paid_on": timezone.localdate()}),
            "available": actions.available_balance(expense.collective) if can["review"] else None,
            "approvals_needed": actions.policy_for(expense.collective).approvals_needed(
                expense.amount
            ),
            "needs_decision": actions.policy_for(expense.collective).needs_decision(expense.amount),
            "decision_form": DecisionLinkForm(
                initial={"decision": expense.decision_id},
                decisions=queries.linkable_decisions(request.user, expense),
            )
            if private and expense.status == ExpenseStatus.PENDING
            else None,
        },
    )


_SIMPLE = {
    "submit": actions.expense_submit,
    "approve": actions.expense_approve,
    "unapprove": actions.expense_unapprove,
    "cancel": actions.expense_cancel,
    "spam": actions.expense_mark_spam,
    "unschedule": actions.expense_unschedule,
    "unrestrict": actions.expense_unrestrict_submitter,
}


@login_required
@require_POST
def expense_transition(request: HttpRequest, expense_id: int, verb: str) -> HttpResponse:
    """One POST endpoint per state change; the action checks who may do it."""
    need = ExpenseNeed.EDIT if verb == "submit" else ExpenseNeed.VIEW
    reviewing = ("approve", "unapprove", "reject", "request-changes", "spam", "unrestrict")
    if verb in (*reviewing, "hold", "release"):
        need = ExpenseNeed.REVIEW
    if verb in ("pay", "unschedule"):
        need = ExpenseNeed.PAY
    if verb in ("cancel", "comment", "decision"):
        need = ExpenseNeed.PRIVATE
    expense = access_expense(request.user, expense_id, need)
    user: Any = request.user
    try:
        if verb in _SIMPLE:
            _SIMPLE[verb](actor=user, expense=expense)
        elif verb in ("reject", "request-changes"):
            form = ReasonForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            if verb == "reject":
                actions.expense_reject(actor=user, expense=expense, reason=reason)
            else:
                actions.expense_request_changes(actor=user, expense=expense, reason=reason)
        elif verb in ("hold", "release"):
            actions.expense_set_hold(actor=user, expense=expense, on_hold=verb == "hold")
        elif verb == "pay":
            pay = PayForm(request.POST)
            if not pay.is_valid():
                messages.error(request, _("Enter the payment date."))
                return redirect("expenses:detail", expense_id=expense.pk)
            actions.expense_pay(
                actor=user,
                expense=expense,
                paid_on=pay.cleaned_data["paid_on"],
                bank_reference=pay.cleaned_data["bank_reference"],
                fee=pay.cleaned_data["fee"],
            )
        elif verb == "comment":
            comment = CommentForm(request.POST)
            if not comment.is_valid():
                messages.error(request, _("Write a message."))
                return redirect("expenses:detail", expense_id=expense.pk)
            actions.expense_comment(actor=user, expense=expense, body=comment.cleaned_data["body"])
        elif verb == "decision":
            linking = DecisionLinkForm(
                request.POST, decisions=queries.linkable_decisions(user, expense)
            )
            if not linking.is_valid():
                messages.error(request, ExpenseErrorCode.DECISION_INVALID.label)
                return redirect("expenses:detail", expense_id=expense.pk)
            actions.expense_decision_link(
                actor=user, expense=expense, decision=linking.cleaned_data["decision"]
            )
        else:
            raise Http404
    except ExpenseError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done."))
    return redirect("expenses:detail", expense_id=expense.pk)


@login_required
def attachment_download(
    request: HttpRequest, expense_id: int, attachment_id: int
) -> HttpResponseBase:
    """Stream a private attachment to the submitter, collective admins, host admins and
    accountants; never a public URL."""
    expense = access_expense(request.user, expense_id, ExpenseNeed.PRIVATE)
    attachment = expense.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=attachment.content_type == "application/pdf",
        filename=attachment.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def payout_details(request: HttpRequest, expense_id: int) -> HttpResponse:
    """The full IBAN and account holder of an expense (private)."""
    expense = access_expense(request.user, expense_id, ExpenseNeed.PRIVATE)
    response = render_page(request, "expenses/partials/payout_details.html", {"expense": expense})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def my_expenses(request: HttpRequest) -> HttpResponse:
    page = Paginator(queries.my_expenses(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page(request, "expenses/my_expenses.html", {"page": page})


@login_required
def collective_policy(request: HttpRequest, slug: str) -> HttpResponse:
    """Collective admins choose who may submit, when several approvals are needed, and whom
    they invite under the invited-only rule."""
    collective = access_collective(request.user, slug, Need.ADMIN)
    policy = actions.policy_for(collective)
    form = PolicyForm(
        initial={
            "submit_policy": policy.submit_policy,
            "approvals_required": policy.approvals_required,
            "multi_approval_threshold": _plain(policy.multi_approval_threshold)
            if policy.multi_approval_threshold is not None
            else "",
            "decision_threshold": _plain(policy.decision_threshold)
            if policy.decision_threshold is not None
            else "",
        }
    )
    invite_form = InviteForm()
    if request.method == "POST" and request.POST.get("form") == "invite":
        invite_form = InviteForm(request.POST)
        if invite_form.is_valid():
            person = queries.person_by_email(invite_form.cleaned_data["email"])
            if person is None:
                invite_form.add_error("email", _("Nobody with this address has an account."))
            else:
                actions.expense_invite_create(
                    actor=request.user,  # type: ignore[arg-type]
                    collective=collective,
                    user=person,
                )
                messages.success(request, _("The person may now submit expenses."))
                return redirect("expenses:policy", slug=collective.slug)
    elif request.method == "POST":
        form = PolicyForm(request.POST)
        if form.is_valid():
            actions.expense_policy_set(
                actor=request.user,  # type: ignore[arg-type]
                collective=collective,
                **form.cleaned_data,
            )
            messages.success(request, _("The expense policy was saved."))
            return redirect("expenses:collective_list", slug=collective.slug)
    return render_page(
        request,
        "expenses/policy.html",
        {
            "collective": collective,
            "form": form,
            "invite_form": invite_form,
            "invites": queries.expense_invites(collective),
        },
    )


@login_required
def host_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """Host admins: the chart of accounts and whether a category is required."""
    host = access_host(request.user, slug, Need.HOST_ADMIN)
    settings_form = HostSettingsForm(
        initial={"require_category": actions.host_settings_for(host).require_category}
    )
    category_form = CategoryForm()
    if request.method == "POST":
        if request.POST.get("form") == "category":
            category_form = CategoryForm(request.POST)
            if category_form.is_valid():
                actions.accounting_category_save(
                    actor=request.user,  # type: ignore[arg-type]
                    host=host,
                    **category_form.cleaned_data,
                )
                messages.success(request, _("The category was saved."))
                return redirect("expenses:host_settings", slug=host.slug)
        else:
            settings_form = HostSettingsForm(request.POST)
            if settings_form.is_valid():
                actions.host_expense_settings_set(
                    actor=request.user,  # type: ignore[arg-type]
                    host=host,
                    require_category=settings_form.cleaned_data["require_category"],
                )
                messages.success(request, _("The settings were saved."))
                return redirect("expenses:host_settings", slug=host.slug)
    return render_page(
        request,
        "expenses/host_settings.html",
        {
            "host": host,
            "settings_form": settings_form,
            "category_form": category_form,
            "categories": queries.host_categories(host),
        },
    )


# --- host dashboard -----------------------------------------------------------------------------


def _filters(request: HttpRequest) -> queries.DashboardFilters:
    # Without a choice the host sees what is still open; "all" shows every expense.
    status = request.GET.get("status", "open")
    category = request.GET.get("category", "")
    return queries.DashboardFilters(
        status=status if status in ExpenseStatus.values or status == "open" else "",
        collective=request.GET.get("collective", "")[:60],
        category=int(category) if category.isdigit() else None,
        text=request.GET.get("q", "")[:100],
    )


@login_required
def host_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """Expenses to approve and pay across the hosted collectives, with batch payment."""
    host = access_host(request.user, slug, Need.FINANCE)
    is_admin = expense_host_admin(request.user, host)
    filters = _filters(request)
    expenses = queries.host_expenses(host, filters)
    page = Paginator(expenses, 50).get_page(request.GET.get("page"))
    return render_page(
        request,
        "expenses/host_dashboard.html",
        {
            "host": host,
            "is_admin": is_admin,
            "page": page,
            "filters": filters,
            "totals": queries.totals_by_status(expenses),
            "statuses": ExpenseStatus.choices,
            "collectives": host.collectives.order_by("name"),
            "categories": queries.host_categories(host),
            "batches": PayoutBatch.objects.filter(host=host)[:10],
            "statement_form": StatementForm(),
            "today": timezone.localdate(),
        },
        partial="expenses/partials/dashboard_rows.html",
    )


def expense_host_admin(user: Any, host: Any) -> bool:
    from samen.communities.queries import is_host_admin

    return is_host_admin(user, host)


@login_required
@require_POST
def host_batch(request: HttpRequest, slug: str) -> HttpResponse:
    """Schedule the selected approved expenses in one SEPA credit transfer file."""
    host = access_host(request.user, slug, Need.HOST_ADMIN)
    ids = [int(i) for i in request.POST.getlist("expenses") if i.isdigit()]
    form = BatchForm(request.POST, expense_ids=ids)
    if not form.is_valid():
        messages.error(request, _("Select approved expenses and an execution date."))
        return redirect("expenses:host_dashboard", slug=host.slug)
    try:
        batch = actions.payout_batch_create(
            actor=request.user,  # type: ignore[arg-type]
            host=host,
            expense_ids=form.cleaned_data["expenses"],
            execution_date=form.cleaned_data["execution_date"],
        )
    except ExpenseError as exc:
        messages.error(request, exc.message)
        return redirect("expenses:host_dashboard", slug=host.slug)
    count = batch.expenses.count()
    messages.success(
        request,
        ngettext(
            "%(count)d expense is scheduled. Download the SEPA file and upload it to your bank.",
            "%(count)d expenses are scheduled. Download the SEPA file and upload it to your bank.",
            count,
        )
        % {"count": count},
    )
    return redirect("expenses:host_dashboard", slug=host.slug)


@login_required
@require_POST
def host_bulk_approve(request: HttpRequest, slug: str) -> HttpResponse:
    """Approve every selected pending expense; say which ones could not be, and why."""
    host = access_host(request.user, slug, Need.HOST_ADMIN)
    ids = [int(i) for i in request.POST.getlist("expenses") if i.isdigit()]
    approved, refused = actions.expenses_approve_many(
        actor=request.user,  # type: ignore[arg-type]
        host=host,
        expense_ids=ids,
    )
    if approved:
        messages.success(
            request,
            ngettext("%(count)d expense approved.", "%(count)d expenses approved.", len(approved))
            % {"count": len(approved)},
        )
    for expense, reason in refused:
        messages.error(request, f"{expense.title}: {reason}")
    if not approved and not refused:
        messages.error(request, _("Select the pending expenses to approve."))
    return redirect("expenses:host_dashboard", slug=host.slug)


@login_required
def batch_file(request: HttpRequest, slug: str, batch_id: int, version: str) -> HttpResponse:
    """Download a batch's pain.001 file (03 or 09)."""
    host = access_host(request.user, slug, Need.HOST_ADMIN)
    batch = PayoutBatch.objects.filter(host=host, pk=batch_id).first()
    if batch is None or version not in ("03", "09"):
        raise Http404
    xml = batch.xml_v03 if version == "03" else batch.xml_v09
    response = HttpResponse(xml, content_type="application/xml; charset=utf-8")
    name = f"{batch.message_id}.pain.001.001.{version}.xml"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def host_statement(request: HttpRequest, slug: str) -> HttpResponse:
    """Import a bank statement through the shared import; payouts match by end-to-end id."""
    from samen.banking.actions import BankFileError, bank_import

    host = access_host(request.user, slug, Need.HOST_ADMIN)
    form = StatementForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = form.errors.get("statement") or [_("Choose a statement file.")]
        messages.error(request, str(errors[0]))
        return redirect("expenses:host_dashboard", slug=host.slug)
    upload = form.cleaned_data["statement"]
    try:
        result = bank_import(
            actor=request.user, host=host, data=upload.read(), filename=upload.name or ""
        )
    except BankFileError as exc:
        messages.error(request, str(exc.message))
        return redirect("expenses:host_dashboard", slug=host.slug)
    messages.success(
        request,
        _("Statement imported: %(new)d new lines, %(matched)d matched.")
        % {"new": len(result.new_lines), "matched": result.matched},
    )
    return redirect("expenses:host_dashboard", slug=host.slug)


@login_required
def host_export(request: HttpRequest, slug: str) -> HttpResponse:
    """CSV for the accountant: one row per expense with category and VAT (amounts in euro)."""
    host = access_host(request.user, slug, Need.FINANCE)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"expenses-{host.slug}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv_writer(response)
    writer.writerow(
        [
            "id",
            "collective",
            "title",
            "type",
            "status",
            "submitted",
            "paid_on",
            "payee",
            "category_code",
            "category",
            "amount_eur",
            "vat_eur",
            "fee_eur",
            "bank_reference",
            "tags",
        ]
    )
    for e in queries.host_expenses(host, _filters(request)).iterator(chunk_size=500):
        writer.writerow(
            [
                e.pk,
                e.collective.name,
                e.title,
                e.type,
                e.status,
                timezone.localdate(e.submitted_at).isoformat() if e.submitted_at else "",
                e.paid_on.isoformat() if e.paid_on else "",
                e.payee_public_name,
                e.category.code if e.category else "",
                e.category.name if e.category else "",
                _decimal(e.amount),
                _decimal(e.vat_amount),
                _decimal(e.payment_fee),
                e.bank_reference,
                " ".join(e.tags),
            ]
        )
    return response


def _decimal(cents: int) -> str:
    return f"{to_decimal(cents, 2):f}"
