"""Invoicing pages: a member's documents and statements, their files, the billing profile;
a host's documents and accounting export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import storages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samen.communities.access import Need, access_host, can
from samen.communities.dashboard import sections_for
from samen.invoicing import queries
from samen.invoicing.access import access_document, access_host_books, access_statement
from samen.invoicing.actions import (
    billing_profile_save,
    document_correct,
    document_mark_paid,
    document_render_files,
)
from samen.invoicing.errors import InvoicingError
from samen.invoicing.exports import export_zip
from samen.invoicing.forms import BillingProfileForm, ExportForm
from samen.invoicing.models import MemberBillingProfile
from samen.invoicing.statements import month_bounds, parse_month, statement_position
from samen.lib.htmx import render_page


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """My invoices, credit notes and monthly statements."""
    page = Paginator(queries.documents_of(request.user), 25).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "statements": queries.statements_of(request.user)[:24],
        "positions": queries.net_positions_of(request.user),
    }
    return render_page(
        request, "invoicing/mine.html", context, partial="invoicing/partials/documents.html"
    )


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = access_document(request.user, pk)
    context = {
        "document": document,
        "can_manage": can(request.user, Need.HOST_ADMIN, document.host),
        # Which bank line paid it is for the host's books, not for the member.
        "show_bank": can(request.user, Need.FINANCE, document.host),
        "lines": document.lines.all(),
        "vat_rows": document.vat_rows.all(),
        "payments": document.payments.select_related("bank_line", "offsets"),
    }
    return render_page(request, "invoicing/document.html", context)


def _private_file(path: str, filename: str, content_type: str) -> FileResponse:
    return FileResponse(
        storages["private"].open(path),
        as_attachment=True,
        filename=filename,
        content_type=content_type,
    )


@login_required
def document_pdf(request: HttpRequest, pk: int) -> FileResponse:
    document = access_document(request.user, pk)
    if not document.pdf_path:
        document_render_files(document=document)
    return _private_file(document.pdf_path, f"{document.number}.pdf", "application/pdf")


@login_required
def document_ubl(request: HttpRequest, pk: int) -> FileResponse:
    document = access_document(request.user, pk)
    if not document.has_ubl:
        raise Http404
    if not document.ubl_path:
        document_render_files(document=document)
    return _private_file(document.ubl_path, f"{document.number}.xml", "application/xml")


@require_POST
@login_required
def document_manage(request: HttpRequest, pk: int) -> HttpResponse:
    """A host admin records a payment, or cancels an open invoice with a credit note."""
    document = access_document(request.user, pk, need="manage")
    try:
        if request.POST.get("action") == "correct":
            note = document_correct(
                actor=request.user,
                invoice=document,
                reason=request.POST.get("reason", "").strip()[:500],
                idempotency_key=f"correct-{document.pk}",
            )
            messages.success(request, _("Credit note %(number)s issued.") % {"number": note.number})
            return redirect("invoicing:document", pk=note.pk)
        document_mark_paid(actor=request.user, document=document)
        messages.success(request, _("Marked as paid."))
    except InvoicingError as exc:
        messages.error(request, exc.message)
    return redirect("invoicing:document", pk=document.pk)


@login_required
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    statement = access_statement(request.user, pk)
    context = {
        "statement": statement,
        "position": statement_position(statement),
        "as_of": month_bounds(statement.month)[1],
    }
    return render_page(request, "invoicing/statement.html", context)


@login_required
def statement_pdf(request: HttpRequest, pk: int) -> FileResponse:
    statement = access_statement(request.user, pk)
    if not statement.pdf_path:
        raise Http404
    return _private_file(
        statement.pdf_path, f"statement-{statement.month:%Y-%m}.pdf", "application/pdf"
    )


@login_required
def billing_profile(request: HttpRequest, host_slug: str) -> HttpResponse:
    """How I appear on this host's documents (company, enterprise number, address)."""
    host = access_host(request.user, host_slug, Need.MEMBER)
    profile = MemberBillingProfile.objects.filter(host=host, user_id=request.user.pk or 0).first()
    initial = {"country": "BE"}
    if profile is not None:
        initial = {
            "company_name": profile.company_name,
            "enterprise_number": profile.enterprise_number,
            "vat_number": profile.vat_number,
            "address": profile.address,
            "country": profile.country,
        }
    form = BillingProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            billing_profile_save(
                actor=request.user, host=host, user=request.user, **form.cleaned_data
            )
        except InvoicingError as exc:
            vat_codes = {"bad_vat_number", "registered_needs_vat_number"}
            field = "vat_number" if exc.code in vat_codes else "enterprise_number"
            form.add_error(field, exc.message)
        else:
            messages.success(
                request, _("Billing details saved; they apply to your next documents.")
            )
            return redirect("invoicing:mine")
    context = {"host": host, "form": form, "profile": profile}
    return render_page(
        request, "invoicing/billing_profile.html", context, status=400 if form.errors else 200
    )


@login_required
def host_documents(request: HttpRequest, host_slug: str) -> HttpResponse:
    """The host's documents, newest first, and the accounting export."""
    host = access_host_books(request.user, host_slug)
    documents = queries.with_payments(queries.host_documents(host).reverse())
    page = Paginator(documents, 50).get_page(request.GET.get("page"))
    is_host_admin = can(request.user, Need.HOST_ADMIN, host)
    context = {
        "host": host,
        "page": page,
        # The bank statements page, where those lines wait, is for host admins.
        "unmatched_lines": queries.unmatched_document_lines(host) if is_host_admin else 0,
        "export_form": ExportForm(),
        "sections": sections_for(request.user, host),
        "active_section": "invoicing",
    }
    return render_page(
        request,
        "invoicing/host_documents.html",
        context,
        partial="invoicing/partials/host_documents_table.html",
    )


@login_required
def host_export(request: HttpRequest, host_slug: str) -> HttpResponse:
    host = access_host_books(request.user, host_slug)
    form = ExportForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Choose a month."))
        return redirect("invoicing:host_documents", host_slug=host_slug)
    try:
        start, end = month_bounds(parse_month(form.cleaned_data["period"]))
    except ValueError:
        messages.error(request, _("Choose a month."))
        return redirect("invoicing:host_documents", host_slug=host_slug)
    response = HttpResponse(export_zip(host, start, end), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{host.slug}-{start:%Y-%m}.zip"'
    return response
