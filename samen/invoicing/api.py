"""The invoicing API at /api/v1/invoicing/: my documents and statements, their files, my
billing details; a host's documents for its admins and accountants."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.contrib.auth import get_user_model
from django.core.files.storage import storages
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from samen.api.auth import api_auth
from samen.api.pagination import CursorParams, page_of, paginate
from samen.communities.access import Need, access_host, can
from samen.communities.queries import is_host_member
from samen.invoicing import queries
from samen.invoicing.access import access_document, access_host_books, access_statement
from samen.invoicing.actions import (
    billing_profile_save,
    billing_status_set,
    document_correct,
    document_mark_paid,
    document_render_files,
    vat_quarter_export,
)
from samen.invoicing.models import Document, DocumentPayment

router = Router(tags=["invoicing"], auth=api_auth)


class PaymentOut(Schema):
    amount: str
    paid_on: dt.date
    method: str
    bank_reference: str | None = None


class DocumentOut(Schema):
    id: int
    number: str
    kind: str
    status: str
    payment_state: str
    amount_paid: str
    amount_due: str
    paid_on: dt.date | None
    payments: list[PaymentOut]
    host: str
    customer_name: str
    issue_date: dt.date
    due_date: dt.date
    net_total: str
    vat_total: str
    gross_total: str
    structured_communication: str
    corrects: str | None
    has_ubl: bool
    #: A self-billed invoice (UBL 389) the host issued for services the member gave;
    #: ``kind`` stays "credit_note" (what the host owes the member).
    self_billed: bool = False


class StatementOut(Schema):
    id: int
    host: str
    month: dt.date
    opening_units: int
    closing_units: int
    data: dict[str, Any]


class BillingProfileIn(Schema):
    # Bounded like the columns they land in (the fuzz test found a 3-letter country: a 500).
    company_name: str = Field("", max_length=200)
    enterprise_number: str = Field("", max_length=20)
    vat_number: str = Field("", max_length=14)
    address: str = Field("", max_length=2000)
    country: str = Field("BE", pattern=r"^[A-Za-z]{2}$")


class BillingProfileOut(BillingProfileIn):
    #: ``ProviderVatStatus``: chosen by a host admin (``PUT .../members/{id}/vat-status``).
    vat_status: str = ""
    self_billing_agreed_on: dt.date | None = None


class VatStatusIn(Schema):
    vat_status: Literal["", "private", "small", "registered"]
    self_billing: bool = False


def _payment_out(payment: DocumentPayment, show_bank: bool) -> dict[str, Any]:
    line = payment.bank_line
    return {
        "amount": str(payment.amount),
        "paid_on": payment.paid_on,
        "method": payment.method,
        # Which bank line paid it is for the host's admins and accountants only.
        "bank_reference": (line.bank_reference or line.end_to_end_id)
        if show_bank and line is not None
        else None,
    }


def _document_out(document: Document, show_bank: bool = False) -> dict[str, Any]:
    return {
        "id": document.pk,
        "number": document.number,
        "kind": document.kind,
        "status": document.status,
        "payment_state": document.payment_state,
        "amount_paid": str(document.amount_paid),
        "amount_due": str(document.amount_due),
        "paid_on": document.paid_on,
        "payments": [_payment_out(p, show_bank) for p in document.payments.all()],
        "host": document.host.slug,
        "customer_name": document.customer_name,
        "issue_date": document.issue_date,
        "due_date": document.due_date,
        "net_total": str(document.net_total),
        "vat_total": str(document.vat_total),
        "gross_total": str(document.gross_total),
        "structured_communication": document.communication_display,
        "corrects": document.corrects.number
        if document.corrects_id and document.corrects
        else None,
        "has_ubl": document.has_ubl,
        "self_billed": document.self_billed,
    }


@router.get("/documents", response=page_of(DocumentOut), operation_id="invoicing_documents")
def documents(request: HttpRequest, params: Query[CursorParams]) -> Any:
    """My invoices and credit notes, newest first."""
    page = paginate(
        queries.with_payments(queries.documents_of(request.user).select_related("corrects")),
        params,
        order=("-id",),
    )
    page["items"] = [_document_out(d) for d in page["items"]]
    return page


@router.get("/documents/{pk}", response=DocumentOut, operation_id="invoicing_document")
def document(request: HttpRequest, pk: int) -> Any:
    document = access_document(request.user, pk)
    return _document_out(document, show_bank=can(request.user, Need.FINANCE, document.host))


def _file(path: str, content_type: str) -> HttpResponse:
    with storages["private"].open(path) as handle:
        return HttpResponse(handle.read(), content_type=content_type)


@router.get("/documents/{pk}/pdf", operation_id="invoicing_document_pdf")
def document_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    document = access_document(request.user, pk)
    if not document.pdf_path:
        document_render_files(document=document)
    return _file(document.pdf_path, "application/pdf")


@router.get("/documents/{pk}/ubl", operation_id="invoicing_document_ubl")
def document_ubl(request: HttpRequest, pk: int) -> HttpResponse:
    """The Peppol BIS 3.0 UBL file (members with a Belgian enterprise number only)."""
    document = access_document(request.user, pk)
    if not document.has_ubl:
        raise Http404
    if not document.ubl_path:
        document_render_files(document=document)
    return _file(document.ubl_path, "application/xml")


class CorrectIn(Schema):
    reason: str = ""


@router.post("/documents/{pk}/paid", response=DocumentOut, operation_id="invoicing_document_paid")
def document_paid(request: HttpRequest, pk: int) -> Any:
    """Host admins record that the rest of a document was settled in euros (cash...)."""
    document = access_document(request.user, pk, need="manage")
    paid = document_mark_paid(actor=request.user, document=document)
    return _document_out(paid, show_bank=True)


@router.post(
    "/documents/{pk}/correct", response=DocumentOut, operation_id="invoicing_document_correct"
)
def document_correct_endpoint(request: HttpRequest, pk: int, payload: CorrectIn) -> Any:
    """Host admins cancel an open invoice with a credit note that refers to it."""
    document = access_document(request.user, pk, need="manage")
    note = document_correct(
        actor=request.user,
        invoice=document,
        reason=payload.reason,
        idempotency_key=f"correct-{document.pk}",
    )
    return _document_out(note)


@router.get("/statements", response=page_of(StatementOut), operation_id="invoicing_statements")
def statements(request: HttpRequest, params: Query[CursorParams]) -> Any:
    page = paginate(queries.statements_of(request.user), params, order=("-id",))
    page["items"] = [_statement_out(s) for s in page["items"]]
    return page


def _statement_out(statement: Any) -> dict[str, Any]:
    return {
        "id": statement.pk,
        "host": statement.host.slug,
        "month": statement.month,
        "opening_units": statement.opening,
        "closing_units": statement.closing,
        "data": statement.data,
    }


@router.get("/statements/{pk}", response=StatementOut, operation_id="invoicing_statement")
def statement(request: HttpRequest, pk: int) -> Any:
    return _statement_out(access_statement(request.user, pk))


@router.put(
    "/hosts/{host_slug}/billing-profile",
    response=BillingProfileOut,
    operation_id="invoicing_billing_profile",
)
def billing_profile(request: HttpRequest, host_slug: str, payload: BillingProfileIn) -> Any:
    host = access_host(request.user, host_slug, Need.MEMBER)
    profile = billing_profile_save(
        actor=request.user, host=host, user=request.user, **payload.dict()
    )
    return _profile_out(profile)


def _profile_out(profile: Any) -> dict[str, Any]:
    return {
        "company_name": profile.company_name,
        "enterprise_number": profile.enterprise_number,
        "vat_number": profile.vat_number,
        "address": profile.address,
        "country": profile.country,
        "vat_status": profile.vat_status,
        "self_billing_agreed_on": profile.self_billing_agreed_on,
    }


@router.put(
    "/hosts/{host_slug}/members/{user_id}/vat-status",
    response=BillingProfileOut,
    operation_id="invoicing_member_vat_status",
)
def member_vat_status(
    request: HttpRequest, host_slug: str, user_id: int, payload: VatStatusIn
) -> Any:
    """A host admin chooses a member's VAT status (private person, exempt small enterprise,
    VAT-registered) and records whether they agreed to self-billing. 404 for someone who is
    not a member of the host; 422 ``registered_needs_vat_number``,
    ``private_with_enterprise`` or ``self_billing_not_agreed`` when the profile does not
    allow it."""
    host = access_host(request.user, host_slug, Need.HOST_ADMIN)
    member = get_user_model().objects.filter(pk=user_id).first()
    if member is None or not is_host_member(member, host):
        raise Http404
    profile = billing_status_set(
        actor=request.user,
        host=host,
        user=member,
        vat_status=payload.vat_status,
        self_billing=payload.self_billing,
    )
    return _profile_out(profile)


@router.get(
    "/hosts/{host_slug}/documents",
    response=page_of(DocumentOut),
    operation_id="invoicing_host_documents",
)
def host_documents(request: HttpRequest, host_slug: str, params: Query[CursorParams]) -> Any:
    """Every document of the host (admins and accountants)."""
    host = access_host_books(request.user, host_slug)
    rows = queries.with_payments(queries.host_documents(host).select_related("host", "corrects"))
    page = paginate(rows, params, order=("-id",))
    page["items"] = [_document_out(d, show_bank=True) for d in page["items"]]
    return page


class VatQuarterOut(Schema):
    year: int
    quarter: int
    invoiced_net: str
    invoiced_vat: str
    credited_net: str
    credited_vat: str
    balance_vat: str
    grids: dict[str, str]
    exported_at: dt.datetime | None


def _quarter_out(row: dict[str, Any]) -> dict[str, Any]:
    money = ("_net", "_vat")
    return {key: str(value) if key.endswith(money) else value for key, value in row.items()}


@router.get(
    "/hosts/{host_slug}/vat-quarters",
    response=list[VatQuarterOut],
    operation_id="invoicing_vat_quarters",
)
def vat_quarters(request: HttpRequest, host_slug: str) -> Any:
    """VAT per quarter of service with the amounts per VAT return grid (admins, accountants)."""
    host = access_host_books(request.user, host_slug)
    return [_quarter_out(row) for row in queries.vat_per_quarter(host)]


@router.post(
    "/hosts/{host_slug}/vat-quarters/{year}/{quarter}/export",
    response=VatQuarterOut,
    operation_id="invoicing_vat_quarter_export",
)
def vat_quarter_export_endpoint(
    request: HttpRequest, host_slug: str, year: int, quarter: int
) -> Any:
    """Freeze a finished quarter for the VAT return; later documents go to the current one."""
    host = access_host_books(request.user, host_slug)
    vat_quarter_export(actor=request.user, host=host, year=year, quarter=quarter)
    return next(
        _quarter_out(row)
        for row in queries.vat_per_quarter(host)
        if (row["year"], row["quarter"]) == (year, quarter)
    )
