"""The expenses API at /api/v1/expenses/: the same access rules and actions as the pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from samen.api.auth import api_auth, api_auth_optional
from samen.api.errors import ApiError
from samen.api.pagination import CursorParams, page_of, paginate
from samen.api.schemas import (
    TRANSLATIONS_HELP,
    TRANSLATIONS_IN_HELP,
    Language,
    translation_kwargs,
    translations_out,
)
from samen.communities.access import Need, access_collective, access_host
from samen.expenses import actions, queries
from samen.expenses.access import ExpenseNeed, access_expense, expense_can
from samen.expenses.errors import ExpenseError, ExpenseErrorCode
from samen.expenses.models import AccountingCategory, Expense, PayoutBatch, PayoutMethod
from samen.lib.money import AmountError, AmountKind, amount_from_text

router = Router(tags=["expenses"])


def _cents(
    text: str, field: str, *, allow_zero: bool = False, kind: AmountKind = AmountKind.EXPENSE_ITEM
) -> int:
    try:
        return amount_from_text(text, 2, kind=kind, allow_zero=allow_zero)
    except AmountError as exc:
        raise ApiError(400, str(exc.code), f"{field}: {exc.message}") from None


# --- schemas -----------------------------------------------------------------------------------


class ExpensePublicOut(Schema):
    """What everyone may see of an expense."""

    id: int
    collective: str
    title: str
    type: str
    status: str
    on_hold: bool
    amount: int = Field(description="Cents.")
    currency: str = "EUR"
    created_at: datetime
    paid_on: date | None
    payee: str
    category: str | None

    @staticmethod
    def of(e: Expense) -> dict[str, Any]:
        return {
            "id": e.pk,
            "collective": e.collective.slug,
            "title": e.title,
            "type": e.type,
            "status": e.status,
            "on_hold": e.on_hold,
            "amount": e.amount,
            "created_at": e.created_at,
            "paid_on": e.paid_on,
            "payee": e.payee_public_name,
            "category": e.category.name if e.category else None,
        }


class ExpenseItemOut(Schema):
    description: str
    date: date
    amount: int


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str


class CommentOut(Schema):
    author: str
    body: str
    created_at: datetime


class ExpensePrivateOut(ExpensePublicOut):
    """The submitter's, the admins' and the accountants' view (still without the IBAN)."""

    vat_amount: int
    tags: list[str]
    submitter: str
    payout_account: str = Field(description="Holder and masked IBAN.")
    bank_reference: str
    approvals: list[str]
    items: list[ExpenseItemOut]
    attachments: list[AttachmentOut]
    comments: list[CommentOut]


def _private(e: Expense) -> dict[str, Any]:
    from django.urls import reverse

    e = queries.expense_detail(e)
    return {
        **ExpensePublicOut.of(e),
        "vat_amount": e.vat_amount,
        "tags": e.tags,
        "submitter": e.submitter.public_name,
        "payout_account": str(e.payout_method),
        "bank_reference": e.bank_reference,
        "approvals": [a.approver.public_name for a in e.approvals.all()],
        "items": [
            {"description": i.description, "date": i.incurred_on, "amount": i.amount}
            for i in e.items.all()
        ],
        "attachments": [
            {
                "id": a.pk,
                "name": a.original_name,
                "content_type": a.content_type,
                "size": a.size,
                "url": reverse("expenses:attachment", args=[e.pk, a.pk]),
            }
            for a in e.attachments.all()
        ],
        "comments": [
            {
                "author": c.author.public_name if c.author else "",
                "body": c.body,
                "created_at": c.created_at,
            }
            for c in e.comments.all()
        ],
    }


class ExpenseItemIn(Schema):
    description: str = Field(min_length=1, max_length=200)
    date: date
    amount: str = Field(description='Euros as text: "12,50" or "12.50".', max_length=20)


class ExpenseIn(Schema):
    type: str
    title: str = Field(min_length=1, max_length=200)
    items: list[ExpenseItemIn] = Field(min_length=1, max_length=50)
    payee_kind: str = "self"
    payee_organisation: str = ""
    payout_method_id: int | None = None
    iban: str = ""
    account_holder: str = ""
    bic: str = Field("", description="Needed for an account outside the EEA.")
    vat_amount: str = "0"
    category_id: int | None = None
    tags: list[str] = []
    submit: bool = True


class PayoutOut(Schema):
    account_holder: str
    iban: str = Field(description="Masked (BE•• •••• 6769) once erased.")
    bic: str
    erased: bool = Field(
        description="Its owner erased their account and the expense is settled: only the "
        "masked IBAN (and an organisation's name) is kept."
    )


class PayIn(Schema):
    paid_on: date
    bank_reference: str = Field("", max_length=140)
    fee: str = Field("0", description="Bank fee in euros, charged to the collective.")


class ExpenseReasonIn(Schema):
    reason: str = Field("", max_length=2000)


class CommentIn(Schema):
    body: str = Field(min_length=1, max_length=5000)


class BatchIn(Schema):
    expense_ids: list[int] = Field(min_length=1, max_length=500)
    execution_date: date


class BatchOut(Schema):
    id: int
    message_id: str
    execution_date: date
    total: int
    expense_ids: list[int]
    pain_001_001_03: str
    pain_001_001_09: str


class PolicyIn(Schema):
    submit_policy: str
    approvals_required: int = Field(2, ge=1, le=5)
    multi_approval_threshold: str | None = None
    decision_threshold: str | None = Field(
        None, description="Above this amount an expense needs a passed decision; null: never."
    )


class DecisionLinkIn(Schema):
    decision: int | None = Field(description="A passed decision of the collective; null unlinks.")


class HostFilters(Schema):
    status: str = ""
    collective: str = ""
    category: int | None = None
    q: str = ""


# --- endpoints ---------------------------------------------------------------------------------


@router.get(
    "/collectives/{slug}",
    response=page_of(ExpensePublicOut),
    auth=api_auth_optional,
    summary="A collective's public expenses",
)
def list_collective_expenses(
    request: HttpRequest, slug: str, page: Query[CursorParams]
) -> dict[str, Any]:
    collective = access_collective(request.user, slug, Need.VIEW)
    result = paginate(
        queries.public_expenses(collective).select_related("collective"),
        page,
        order=("-created_at", "-id"),
    )
    result["items"] = [ExpensePublicOut.of(e) for e in result["items"]]
    return result


def _resolve_payout(request: HttpRequest, body: ExpenseIn) -> PayoutMethod:
    if body.payout_method_id is not None:
        method = PayoutMethod.objects.filter(
            pk=body.payout_method_id, owner_id=request.user.pk
        ).first()
        if method is None:
            raise ApiError(400, "invalid", "payout_method_id: unknown")
        return method
    return actions.payout_method_create(
        actor=request.user,  # type: ignore[arg-type]
        iban=body.iban,
        account_holder=body.account_holder,
        bic=body.bic,
    )


def _category(collective: Any, category_id: int | None) -> AccountingCategory | None:
    if category_id is None:
        return None
    category = queries.host_categories(collective.host).filter(pk=category_id).first()
    if category is None:
        raise ApiError(400, ExpenseErrorCode.CATEGORY_INVALID, "category_id: unknown")
    return category


def _items(body: ExpenseIn) -> list[actions.ItemInput]:
    return [
        actions.ItemInput(i.description, i.date, _cents(i.amount, f"items.{n}.amount"))
        for n, i in enumerate(body.items)
    ]


@router.post(
    "/collectives/{slug}",
    response={201: ExpensePrivateOut},
    auth=api_auth,
    summary="Submit an expense (or save a draft)",
)
def create_expense(request: HttpRequest, slug: str, body: ExpenseIn) -> Status:
    collective = access_collective(request.user, slug, Need.VIEW)
    with transaction.atomic():
        expense = actions.expense_create(
            actor=request.user,  # type: ignore[arg-type]
            collective=collective,
            type=body.type,
            title=body.title,
            items=_items(body),
            payout_method=_resolve_payout(request, body),
            payee_kind=body.payee_kind,
            payee_organisation=body.payee_organisation,
            vat_amount=_cents(body.vat_amount, "vat_amount", allow_zero=True),
            category=_category(collective, body.category_id),
            tags=body.tags,
            submit=body.submit,
        )
    return Status(201, _private(expense))


@router.get(
    "/{int:expense_id}",
    response={200: ExpensePrivateOut | ExpensePublicOut},
    auth=api_auth_optional,
    summary="One expense (full detail for the people concerned)",
)
def get_expense(request: HttpRequest, expense_id: int) -> dict[str, Any]:
    expense = access_expense(request.user, expense_id, ExpenseNeed.VIEW)
    if expense_can(request.user, ExpenseNeed.PRIVATE, expense):
        return _private(expense)
    return ExpensePublicOut.of(expense)


@router.put(
    "/{int:expense_id}",
    response=ExpensePrivateOut,
    auth=api_auth,
    summary="Edit a draft or an expense with changes asked",
)
def update_expense(request: HttpRequest, expense_id: int, body: ExpenseIn) -> dict[str, Any]:
    expense = access_expense(request.user, expense_id, ExpenseNeed.EDIT)
    with transaction.atomic():
        actions.expense_update(
            actor=request.user,  # type: ignore[arg-type]
            expense=expense,
            type=body.type,
            title=body.title,
            items=_items(body),
            payout_method=_resolve_payout(request, body),
            payee_kind=body.payee_kind,
            payee_organisation=body.payee_organisation,
            vat_amount=_cents(body.vat_amount, "vat_amount", allow_zero=True),
            category=_category(expense.collective, body.category_id),
            tags=body.tags,
        )
        if body.submit:
            actions.expense_submit(actor=request.user, expense=expense)  # type: ignore[arg-type]
    return _private(expense)


@router.get(
    "/{int:expense_id}/payout",
    response=PayoutOut,
    auth=api_auth,
    summary="The payout account (private)",
)
def get_payout(request: HttpRequest, expense_id: int) -> dict[str, Any]:
    expense = access_expense(request.user, expense_id, ExpenseNeed.PRIVATE)
    method = expense.payout_method
    return {
        "account_holder": method.account_holder,
        "iban": method.iban,
        "bic": method.bic,
        "erased": method.erased_at is not None,
    }


@router.post(
    "/{int:expense_id}/attachments",
    response={201: ExpensePrivateOut},
    auth=api_auth,
    summary="Attach a receipt (PDF or image, at most 10 MB)",
)
def add_attachment(request: HttpRequest, expense_id: int, file: File[UploadedFile]) -> Status:
    expense = access_expense(request.user, expense_id, ExpenseNeed.PRIVATE)
    actions.expense_attach(actor=request.user, expense=expense, files=[file])  # type: ignore[arg-type]
    return Status(201, _private(expense))


def _transition(
    request: HttpRequest, expense_id: int, need: ExpenseNeed, do: Callable[[Any, Expense], Any]
) -> dict[str, Any]:
    expense = access_expense(request.user, expense_id, need)
    do(request.user, expense)
    return _private(expense)


@router.post("/{int:expense_id}/submit", response=ExpensePrivateOut, auth=api_auth)
def submit(request: HttpRequest, expense_id: int) -> dict[str, Any]:
    return _transition(
        request,
        expense_id,
        ExpenseNeed.EDIT,
        lambda u, e: actions.expense_submit(actor=u, expense=e),
    )


@router.post("/{int:expense_id}/approve", response=ExpensePrivateOut, auth=api_auth)
def approve(request: HttpRequest, expense_id: int) -> dict[str, Any]:
    return _transition(
        request,
        expense_id,
        ExpenseNeed.REVIEW,
        lambda u, e: actions.expense_approve(actor=u, expense=e),
    )


@router.post("/{int:expense_id}/decision", response=ExpensePrivateOut, auth=api_auth)
def link_decision(request: HttpRequest, expense_id: int, body: DecisionLinkIn) -> dict[str, Any]:
    """Link the collective's passed decision the expense rests on (its submitter or its
    reviewers, while it waits). 422 ``decision_invalid`` for a decision of another
    collective, still open or not passed (or one the caller may not read)."""
    expense = access_expense(request.user, expense_id, ExpenseNeed.PRIVATE)
    decision = None
    if body.decision is not None:
        decision = (
            queries.linkable_decisions(request.user, expense).filter(pk=body.decision).first()
        )
        if decision is None:
            raise ExpenseError(ExpenseErrorCode.DECISION_INVALID)
    actions.expense_decision_link(actor=request.user, expense=expense, decision=decision)  # type: ignore[arg-type]
    return _private(expense)


@router.post("/{int:expense_id}/unapprove", response=ExpensePrivateOut, auth=api_auth)
def unapprove(request: HttpRequest, expense_id: int) -> dict[str, Any]:
    return _transition(
        request,
        expense_id,
        ExpenseNeed.REVIEW,
        lambda u, e: actions.expense_unapprove(actor=u, expense=e),
    )


@router.post("/{int:expense_id}/reject", response=ExpensePrivateOut, auth=api_auth)
def reject(request: HttpRequest, expense_id: int, body: ExpenseReasonIn) -> dict[str, Any]:
    return _transition(
        request,
        expense_id,
        ExpenseNeed.REVIEW,
        lambda u, e: actions.expense_reject(actor=u, expense=e, reason=body.reason),
    )


@router.post("/{int:expense_id}/request-changes", response=ExpensePrivateOut, auth=api_auth)
def request_changes(request: HttpRequest, expense_id: int, body: ExpenseReasonIn) -> dict[str, Any]:
    return _transition(
        request,
        expense_id,
        ExpenseNeed.REVIEW,
        lambda u, e: actions.expense_request_changes(actor=u, expense=e, reason=body.reason),
    )


@router.post("/{int:expense_id}/cancel", response=ExpensePrivateOut, auth=api_auth)
def cancel(request: HttpRequest, expense_id: int) -> dict[str, Any]:
    return _transition(
        request,
        expense_id,
        ExpenseNeed.PRIVATE,
        lambda u, e: actions.expense_cancel(actor=u, expense=e),
    )


@router.post("/{int:expense_id}/spam", response=ExpensePrivateOut, auth=api_auth)
def spam(request: HttpRequest, expense_id: int) -> dict[str, Any]:
    return _transition(
        request,
        expense_id,
        ExpenseNeed.REVIEW,
        lambda u, e: actions.expense_mark_spam(actor=u, expense=e),
    )


@router.post("/{int:expense_id}/unrestrict", response=ExpensePrivateOut, auth=api_auth)
def unrestrict(request: HttpRequest, expense_id: int) -> dict[str, Any]:
    """Let the submitter of a spam expense submit again."""
    return _transition(
        request,
        expense_id,
        ExpenseNeed.REVIEW,
        lambda u, e: actions.expense_unrestrict_submitter(actor=u, expense=e),
    )


@router.post("/{int:expense_id}/hold", response=ExpensePrivateOut, auth=api_auth)
def hold(request: HttpRequest, expense_id: int) -> dict[str, Any]:
    return _transition(
        request,
        expense_id,
        ExpenseNeed.REVIEW,
        lambda u, e: actions.expense_set_hold(actor=u, expense=e, on_hold=True),
    )


@router.post("/{int:expense_id}/release", response=ExpensePrivateOut, auth=api_auth)
def release(request: HttpRequest, expense_id: int) -> dict[str, Any]:
    return _transition(
        request,
        expense_id,
        ExpenseNeed.REVIEW,
        lambda u, e: actions.expense_set_hold(actor=u, expense=e, on_hold=False),
    )


@router.post("/{int:expense_id}/pay", response=ExpensePrivateOut, auth=api_auth)
def pay(request: HttpRequest, expense_id: int, body: PayIn) -> dict[str, Any]:
    return _transition(
        request,
        expense_id,
        ExpenseNeed.PAY,
        lambda u, e: actions.expense_pay(
            actor=u,
            expense=e,
            paid_on=body.paid_on,
            bank_reference=body.bank_reference,
            fee=_cents(body.fee, "fee", allow_zero=True, kind=AmountKind.FEE),
        ),
    )


@router.post("/{int:expense_id}/unschedule", response=ExpensePrivateOut, auth=api_auth)
def unschedule(request: HttpRequest, expense_id: int) -> dict[str, Any]:
    return _transition(
        request,
        expense_id,
        ExpenseNeed.PAY,
        lambda u, e: actions.expense_unschedule(actor=u, expense=e),
    )


@router.post("/{int:expense_id}/comments", response=ExpensePrivateOut, auth=api_auth)
def comment(request: HttpRequest, expense_id: int, body: CommentIn) -> dict[str, Any]:
    return _transition(
        request,
        expense_id,
        ExpenseNeed.PRIVATE,
        lambda u, e: actions.expense_comment(actor=u, expense=e, body=body.body),
    )


@router.put("/collectives/{slug}/policy", auth=api_auth, summary="Set the expense policy")
def set_policy(request: HttpRequest, slug: str, body: PolicyIn) -> dict[str, Any]:
    collective = access_collective(request.user, slug, Need.ADMIN)
    threshold = (
        _cents(body.multi_approval_threshold, "multi_approval_threshold", allow_zero=True)
        if body.multi_approval_threshold
        else None
    )
    decision_threshold = (
        _cents(body.decision_threshold, "decision_threshold", allow_zero=True)
        if body.decision_threshold
        else None
    )
    policy = actions.expense_policy_set(
        actor=request.user,  # type: ignore[arg-type]
        collective=collective,
        submit_policy=body.submit_policy,
        approvals_required=body.approvals_required,
        multi_approval_threshold=threshold,
        decision_threshold=decision_threshold,
    )
    return {
        "submit_policy": policy.submit_policy,
        "approvals_required": policy.approvals_required,
        "multi_approval_threshold": policy.multi_approval_threshold,
        "decision_threshold": policy.decision_threshold,
    }


@router.get(
    "/hosts/{slug}",
    response=page_of(ExpensePublicOut),
    auth=api_auth,
    summary="All expenses of a host's collectives (host admins and accountants)",
)
def list_host_expenses(
    request: HttpRequest, slug: str, filters: Query[HostFilters], page: Query[CursorParams]
) -> dict[str, Any]:
    host = access_host(request.user, slug, Need.FINANCE)
    qs = queries.host_expenses(
        host,
        queries.DashboardFilters(
            status=filters.status,
            collective=filters.collective,
            category=filters.category,
            text=filters.q,
        ),
    )
    result = paginate(qs, page, order=("-created_at", "-id"))
    result["items"] = [ExpensePublicOut.of(e) for e in result["items"]]
    return result


@router.post(
    "/hosts/{slug}/batches",
    response={201: BatchOut},
    auth=api_auth,
    summary="Schedule approved expenses in one SEPA credit transfer file",
)
def create_batch(request: HttpRequest, slug: str, body: BatchIn) -> Status:
    host = access_host(request.user, slug, Need.HOST_ADMIN)
    batch = actions.payout_batch_create(
        actor=request.user,  # type: ignore[arg-type]
        host=host,
        expense_ids=body.expense_ids,
        execution_date=body.execution_date,
    )
    return Status(201, _batch(batch))


def _batch(batch: PayoutBatch) -> dict[str, Any]:
    return {
        "id": batch.pk,
        "message_id": batch.message_id,
        "execution_date": batch.execution_date,
        "total": batch.total,
        "expense_ids": list(batch.expenses.order_by("pk").values_list("pk", flat=True)),
        "pain_001_001_03": batch.xml_v03,
        "pain_001_001_09": batch.xml_v09,
    }


class HostSettingsIn(Schema):
    require_category: bool


class CategoryTexts(Schema):
    name: str | None = Field(None, max_length=120)


class CategoryIn(Schema):
    code: str = Field(min_length=1, max_length=20)
    name: str = Field(min_length=1, max_length=120, description="In the author's language.")
    is_active: bool = True
    translations: dict[Language, CategoryTexts] | None = Field(
        None, description=TRANSLATIONS_IN_HELP
    )


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    is_active: bool
    translations: dict[str, dict[str, Any]] = Field(description=TRANSLATIONS_HELP)

    @staticmethod
    def resolve_translations(obj: AccountingCategory) -> dict[str, dict[str, Any]]:
        return translations_out(obj)


class InviteIn(Schema):
    email: str = Field(min_length=3, max_length=254)


@router.put("/hosts/{slug}/settings", auth=api_auth, summary="Require a category or not")
def set_host_settings(request: HttpRequest, slug: str, body: HostSettingsIn) -> dict[str, bool]:
    host = access_host(request.user, slug, Need.HOST_ADMIN)
    row = actions.host_expense_settings_set(
        actor=request.user,  # type: ignore[arg-type]
        host=host,
        require_category=body.require_category,
    )
    return {"require_category": row.require_category}


@router.get(
    "/hosts/{slug}/categories",
    response=list[CategoryOut],
    auth=api_auth_optional,
    summary="The host's chart of accounts",
)
def list_categories(request: HttpRequest, slug: str) -> Any:
    host = access_host(request.user, slug, Need.VIEW)
    return list(queries.host_categories(host))


@router.post(
    "/hosts/{slug}/categories",
    response={201: CategoryOut},
    auth=api_auth,
    summary="Add or rename a category (by code)",
)
def save_category(request: HttpRequest, slug: str, body: CategoryIn) -> Status:
    host = access_host(request.user, slug, Need.HOST_ADMIN)
    category = actions.accounting_category_save(
        actor=request.user,  # type: ignore[arg-type]
        host=host,
        code=body.code,
        name=body.name,
        is_active=body.is_active,
        **translation_kwargs(body.translations),
    )
    return Status(201, category)


@router.post(
    "/collectives/{slug}/invites",
    response={201: dict[str, str]},
    auth=api_auth,
    summary="Invite a person to submit expenses (invited-only rule)",
)
def invite(request: HttpRequest, slug: str, body: InviteIn) -> Status:
    collective = access_collective(request.user, slug, Need.ADMIN)
    person = queries.person_by_email(body.email)
    if person is None:
        raise ApiError(400, "invalid", "email: nobody with this address has an account")
    actions.expense_invite_create(
        actor=request.user,  # type: ignore[arg-type]
        collective=collective,
        user=person,
    )
    return Status(201, {"user": person.public_name})
