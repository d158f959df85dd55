"""The credits API at /api/v1/credits/: the same access rules and actions as the pages.

Credit amounts are given both as integers in the unit's smallest step (``*_units``) and as
decimal strings, so clients never need floating point.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from samen.api.auth import api_auth
from samen.api.errors import ApiError, ErrorCode
from samen.api.pagination import CursorParams, decode_cursor, encode_cursor, page_of, paginate
from samen.api.schemas import TRANSLATIONS_HELP, translations_out
from samen.communities.access import Need as CommunityNeed
from samen.communities.access import access_host, can
from samen.communities.queries import host_members
from samen.credits import queries
from samen.credits.access import Need, access_delivery, access_help_request, access_scheme
from samen.credits.actions import (
    ServiceInput,
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
    settlement_record,
    workshop_record,
)
from samen.credits.errors import CreditsError, CreditsErrorCode
from samen.credits.models import CreditScheme, Delivery, HelpRequest, Settlement
from samen.lib.money import AmountError, AmountKind, amount_from_text, to_decimal

router = Router(tags=["credits"], auth=api_auth)


def _decimal(amount: int, scheme: CreditScheme) -> str:
    return f"{to_decimal(amount, scheme.unit.decimals):f}"


class NetPositionOut(Schema):
    net: str = Field(description="Positive: the member owes it; negative: they are owed it.")
    open_invoices: str
    open_credit_notes: str
    vat_not_offset: str = Field(
        description="VAT on invoices received that the member's VAT-free credit notes do not "
        "offset (part of ``net``)."
    )


class CreditBalanceOut(Schema):
    unit: str
    balance_units: int
    balance: str
    limit_units: int
    available_units: int
    history: list[dict[str, Any]] = Field(description="Month-end balances, oldest first.")
    net_position: NetPositionOut | None = Field(
        None,
        description="Euros once open invoices and credit notes are set off (units with a euro "
        "value only).",
    )


class ServiceOut(Schema):
    code: str
    name: str
    description: str
    direction: str
    counterparty: str
    value_units: int
    value: str
    translations: dict[str, dict[str, Any]] = Field(description=TRANSLATIONS_HELP)


class RateCardOut(Schema):
    version: int | None
    valid_from: dt.date | None
    unit: str
    euro_value: str | None
    vat_rate: str | None
    services: list[ServiceOut]


class MovementOut(Schema):
    id: int
    date: dt.date
    description: str
    amount_units: int
    settlement_id: int | None = Field(
        None, description="When euros paid for these credits (see settlements)."
    )


class DeliveryOut(Schema):
    id: int
    service: str
    date: dt.date
    credits_units: int
    provider_id: int | None
    recipient_id: int | None
    awaiting: str
    status: str
    note: str
    request_id: int | None


class DeliveryIn(Schema):
    service: str = Field(description="The service code on the rate card.")
    date: dt.date
    member_id: int | None = Field(None, description="For a peer service: who received it.")
    quantity: int = Field(1, ge=1, le=100)
    note: str = ""
    request_id: int | None = Field(
        None,
        description="Answer this open request: a peer service given to its requester, who "
        "is then member_id (which may be left out).",
    )


class WorkshopIn(Schema):
    service: str
    date: dt.date
    participant_ids: list[int] = Field(..., min_length=1)
    note: str = ""


class RejectIn(Schema):
    reason: str = ""


class LimitIn(Schema):
    limit_units: int | None = Field(None, ge=0, description="Null: back to the default.")


class ServiceIn(Schema):
    code: str = Field(..., pattern=r"^[a-z0-9-]{1,40}$")
    name_en: str = Field(
        "", max_length=120, description="One of name_en, name_nl, name_fr is required."
    )
    name_nl: str = Field("", max_length=120)
    name_fr: str = Field("", max_length=120)
    description_en: str = ""
    description_nl: str = ""
    description_fr: str = ""
    direction: Literal["earns", "costs"]
    counterparty: Literal["member", "host"] = "host"
    value_units: int = Field(..., gt=0)


class RateCardIn(Schema):
    valid_from: dt.date
    services: list[ServiceIn] = Field(..., min_length=1)


class SchemeIn(Schema):
    code: str = Field(..., pattern=r"^[A-Z][A-Z0-9]{1,23}$")
    name: str = Field(..., min_length=1, max_length=80)
    decimals: int = Field(3, ge=0, le=6)
    euro_value: Decimal | None = Field(Decimal("50.00"), ge=0, max_digits=12, decimal_places=2)
    vat_rate: Decimal | None = Field(Decimal("21.00"), description="21, 12, 6, 0 or null (exempt).")
    default_credit_limit_units: int = Field(0, ge=0)
    settle_in_euros: bool = True
    auto_confirm_days: int = Field(14, ge=1, le=365)
    vat_exemption_reason: str = ""
    euro_value_includes_vat: bool = Field(
        False, description="True: one credit costs its euro value with VAT included."
    )
    year_end_positive: Literal["keep", "pay_out"] = Field(
        "keep", description="A member's positive net position at year end: kept or paid out."
    )


class SchemeOut(Schema):
    host: str
    unit: str
    decimals: int
    euro_value: str | None
    vat_rate: str | None
    default_credit_limit_units: int
    settle_in_euros: bool
    auto_confirm_days: int
    euro_value_includes_vat: bool
    year_end_positive: str


class ImbalanceOut(Schema):
    user_id: int
    name: str
    balance_units: int
    since: dt.date | None
    skills: list[str] | None = Field(
        description="The profile skills the caller may see; null when the member hides them."
    )
    matching_requests: int = Field(description="Open requests of others wanting those skills.")
    top_request_ids: list[int]


class RequestOut(Schema):
    id: int
    host: str
    title: str
    description: str = Field(description="Markdown.")
    skills: list[str]
    service: str = Field(description="Rate-card service code, or empty: the helper chooses.")
    status: Literal["open", "answered", "closed"]
    requester_id: int
    requester_name: str
    created_at: dt.datetime
    answered_by_delivery_id: int | None
    answered_at: dt.datetime | None
    closed_at: dt.datetime | None
    shared_skills: int | None = Field(
        None, description="In my matches: how many of my profile skills it wants."
    )


class RequestIn(Schema):
    title: str = Field(..., min_length=1, max_length=140)
    description: str = Field("", max_length=4000)
    skills: list[str] = Field(default_factory=list, max_length=20)
    service: str = Field("", max_length=40, description="A peer service code on the rate card.")


class SettlementFilters(CursorParams):
    member_id: int | None = Field(None, description="Host admins and accountants: one member's.")


class RequestFilters(CursorParams):
    status: Literal["open", "answered", "closed", "all"] = "open"
    skill: list[str] = Field(default_factory=list, description="Wants one of these skills.")
    q: str = Field("", max_length=200, description="Words in the title or description.")


class SettlementIn(Schema):
    member_id: int
    amount: str = Field(..., max_length=20, description='Euros received, as text: "90.75".')
    paid_on: dt.date
    idempotency_key: str = Field(
        "",
        max_length=60,
        description="Booking again with the same key returns the first settlement.",
    )


class SettlementInvoiceOut(Schema):
    document_id: int
    number: str
    amount: str = Field(description="Euros of the settlement that went to this invoice.")


class SettlementOut(Schema):
    id: int
    member_id: int
    member_name: str
    amount: str = Field(description="Euros received.")
    amount_cents: int
    credits_units: int = Field(description="Credits bought back, in the unit's smallest step.")
    credits: str
    paid_on: dt.date
    method: Literal["bank", "manual"]
    bank_reference: str | None = Field(
        description="The bank line's reference: host admins and accountants only."
    )
    created_at: dt.datetime
    transaction_id: int | None
    invoices: list[SettlementInvoiceOut] = Field(description="Paid by it, oldest first.")


def _delivery_out(delivery: Delivery) -> dict[str, Any]:
    return {
        "id": delivery.pk,
        "service": delivery.service.code,
        "date": delivery.date,
        "credits_units": delivery.credits,
        "provider_id": delivery.provider_id,
        "recipient_id": delivery.recipient_id,
        "awaiting": delivery.awaiting,
        "status": delivery.status,
        "note": delivery.note,
        "request_id": delivery.help_request_id,
    }


def _member(scheme: CreditScheme, user_id: int | None) -> Any:
    if user_id is None:
        return None
    member = host_members(scheme.host).filter(pk=user_id).first()
    if member is None:
        raise CreditsError(CreditsErrorCode.NOT_A_MEMBER)
    return member


def _scheme_out(scheme: CreditScheme) -> dict[str, Any]:
    unit = scheme.unit
    return {
        "host": scheme.host.slug,
        "unit": unit.code,
        "decimals": unit.decimals,
        "euro_value": str(unit.euro_value) if unit.euro_value is not None else None,
        "vat_rate": str(unit.vat_rate) if unit.vat_rate is not None else None,
        "default_credit_limit_units": scheme.default_credit_limit,
        "settle_in_euros": scheme.settle_in_euros,
        "auto_confirm_days": scheme.auto_confirm_days,
        "euro_value_includes_vat": scheme.euro_value_includes_vat,
        "year_end_positive": scheme.year_end_positive,
    }


@router.post("/{host_slug}/scheme", response={201: SchemeOut}, operation_id="credits_scheme_create")
def scheme_create_endpoint(request: HttpRequest, host_slug: str, payload: SchemeIn) -> Any:
    """A host admin gives the host its own credit (unit, euro value, VAT rate, rules)."""
    host = access_host(request.user, host_slug, CommunityNeed.HOST_ADMIN)
    scheme = scheme_create(
        actor=request.user,
        host=host,
        code=payload.code,
        name=payload.name,
        decimals=payload.decimals,
        euro_value=payload.euro_value,
        vat_rate=payload.vat_rate,
        default_credit_limit=payload.default_credit_limit_units,
        settle_in_euros=payload.settle_in_euros,
        auto_confirm_days=payload.auto_confirm_days,
        vat_exemption_reason=payload.vat_exemption_reason,
        euro_value_includes_vat=payload.euro_value_includes_vat,
        year_end_positive=payload.year_end_positive,
    )
    return Status(201, _scheme_out(scheme))


@router.get("/{host_slug}/scheme", response=SchemeOut, operation_id="credits_scheme")
def scheme_get(request: HttpRequest, host_slug: str) -> Any:
    return _scheme_out(access_scheme(request.user, host_slug, Need.MEMBER))


@router.post(
    "/{host_slug}/rate-cards", response={201: RateCardOut}, operation_id="credits_rate_card_publish"
)
def rate_card_publish_endpoint(request: HttpRequest, host_slug: str, payload: RateCardIn) -> Any:
    """Publish a new rate card version (host admins); deliveries before ``valid_from`` keep
    the prices of the version in force on their date."""
    scheme = access_scheme(request.user, host_slug, Need.ADMIN)
    services = [
        ServiceInput(
            code=s.code,
            name_en=s.name_en,
            name_nl=s.name_nl,
            name_fr=s.name_fr,
            description_en=s.description_en,
            description_nl=s.description_nl,
            description_fr=s.description_fr,
            direction=s.direction,
            counterparty=s.counterparty,
            value=s.value_units,
        )
        for s in payload.services
    ]
    card = rate_card_publish(
        actor=request.user, scheme=scheme, valid_from=payload.valid_from, services=services
    )
    return Status(201, _rate_card_out(scheme, card))


@router.get("/{host_slug}/balance", response=CreditBalanceOut, operation_id="credits_balance")
def balance(request: HttpRequest, host_slug: str) -> Any:
    """My balance, credit limit and month-end balances over the last twelve months."""
    scheme = access_scheme(request.user, host_slug, Need.MEMBER)
    summary = queries.member_summary(scheme, request.user)
    history = queries.balance_history(scheme, request.user)
    return {
        "unit": scheme.unit.code,
        "balance_units": summary["balance"],
        "balance": _decimal(summary["balance"], scheme),
        "limit_units": summary["limit"],
        "available_units": summary["available"],
        "history": [{"month": m.isoformat(), "balance_units": b} for m, b in history],
        "net_position": summary["net"].as_data() if "net" in summary else None,
    }


@router.get(
    "/{host_slug}/movements", response=page_of(MovementOut), operation_id="credits_movements"
)
def movements(request: HttpRequest, host_slug: str, params: Query[CursorParams]) -> Any:
    scheme = access_scheme(request.user, host_slug, Need.MEMBER)
    page = paginate(queries.movements(scheme, request.user), params, order=("-id",))
    settled = queries.settlements_by_transaction([e.transaction_id for e in page["items"]])
    page["items"] = [
        {
            "id": e.pk,
            "date": e.transaction.effective_date,
            "description": e.transaction.description,
            "amount_units": e.amount,
            "settlement_id": settled[e.transaction_id].pk if e.transaction_id in settled else None,
        }
        for e in page["items"]
    ]
    return page


@router.get("/{host_slug}/rate-card", response=RateCardOut, operation_id="credits_rate_card")
def rate_card(request: HttpRequest, host_slug: str) -> Any:
    scheme = access_scheme(request.user, host_slug, Need.MEMBER)
    return _rate_card_out(scheme, queries.current_rate_card(scheme))


def _rate_card_out(scheme: CreditScheme, card: Any) -> dict[str, Any]:
    unit = scheme.unit
    return {
        "version": card.version if card else None,
        "valid_from": card.valid_from if card else None,
        "unit": unit.code,
        "euro_value": str(unit.euro_value) if unit.euro_value is not None else None,
        "vat_rate": str(unit.vat_rate) if unit.vat_rate is not None else None,
        "services": [
            {
                "code": s.code,
                "name": s.name,
                "description": s.description,
                "direction": s.direction,
                "counterparty": s.counterparty,
                "value_units": s.value,
                "value": _decimal(s.value, scheme),
                "translations": translations_out(s),
            }
            for s in queries.services_of(card)
        ],
    }


@router.post(
    "/{host_slug}/deliveries",
    response={201: DeliveryOut},
    operation_id="credits_delivery_record",
)
def record(request: HttpRequest, host_slug: str, payload: DeliveryIn) -> Any:
    """Record a service given (peer) or a network service; the other side confirms."""
    scheme = access_scheme(request.user, host_slug, Need.MEMBER)
    help_request = None
    if payload.request_id is not None:
        help_request = access_help_request(request.user, payload.request_id)
        if help_request.scheme_id != scheme.pk:
            raise Http404
    delivery = delivery_record(
        actor=request.user,
        scheme=scheme,
        service_code=payload.service,
        on=payload.date,
        member=_member(scheme, payload.member_id),
        quantity=payload.quantity,
        note=payload.note,
        help_request=help_request,
    )
    return Status(201, _delivery_out(delivery))


@router.get(
    "/{host_slug}/deliveries/awaiting",
    response=list[DeliveryOut],
    operation_id="credits_deliveries_awaiting",
)
def awaiting(request: HttpRequest, host_slug: str) -> Any:
    """Deliveries waiting for my confirmation (for host admins: also the host's)."""
    scheme = access_scheme(request.user, host_slug, Need.MEMBER)
    return [_delivery_out(d) for d in queries.awaiting_decision(scheme, request.user)]


@router.post(
    "/{host_slug}/workshops",
    response={201: list[DeliveryOut]},
    operation_id="credits_workshop_record",
)
def workshop(request: HttpRequest, host_slug: str, payload: WorkshopIn) -> Any:
    scheme = access_scheme(request.user, host_slug, Need.ADMIN)
    members = get_user_model().objects.filter(pk__in=payload.participant_ids)
    if members.count() != len(set(payload.participant_ids)):
        raise CreditsError(CreditsErrorCode.NOT_A_MEMBER)
    deliveries = workshop_record(
        actor=request.user,
        scheme=scheme,
        service_code=payload.service,
        on=payload.date,
        participants=list(members),
        note=payload.note,
    )
    return Status(201, [_delivery_out(d) for d in deliveries])


@router.post("/deliveries/{pk}/confirm", response=DeliveryOut, operation_id="credits_confirm")
def confirm(request: HttpRequest, pk: int) -> Any:
    delivery = access_delivery(request.user, pk)
    return _delivery_out(delivery_confirm(actor=request.user, delivery=delivery))


@router.post("/deliveries/{pk}/reject", response=DeliveryOut, operation_id="credits_reject")
def reject(request: HttpRequest, pk: int, payload: RejectIn) -> Any:
    delivery = access_delivery(request.user, pk)
    return _delivery_out(
        delivery_reject(actor=request.user, delivery=delivery, reason=payload.reason)
    )


@router.post("/deliveries/{pk}/cancel", response=DeliveryOut, operation_id="credits_cancel")
def cancel(request: HttpRequest, pk: int) -> Any:
    delivery = access_delivery(request.user, pk)
    return _delivery_out(delivery_cancel(actor=request.user, delivery=delivery))


@router.put("/{host_slug}/limits/{user_id}", response={204: None}, operation_id="credits_limit_set")
def limit(request: HttpRequest, host_slug: str, user_id: int, payload: LimitIn) -> Any:
    scheme = access_scheme(request.user, host_slug, Need.ADMIN)
    credit_limit_set(
        actor=request.user,
        scheme=scheme,
        user=_member(scheme, user_id),
        limit=payload.limit_units,
    )
    return Status(204, None)


@router.get(
    "/{host_slug}/imbalances", response=list[ImbalanceOut], operation_id="credits_imbalances"
)
def imbalances(request: HttpRequest, host_slug: str) -> Any:
    """Members in debt, deepest first, with the date since which they are in debt."""
    scheme = access_scheme(request.user, host_slug, Need.FINANCE)
    return [
        {
            "user_id": row["user"].pk,
            "name": row["user"].public_name,
            "balance_units": row["balance"],
            "since": row["since"],
            "skills": None if row["skills_hidden"] else row["skills"],
            "matching_requests": row["matches"]["count"],
            "top_request_ids": [r.pk for r in row["matches"]["top"]],
        }
        for row in queries.imbalances(scheme, request.user)
        if row["user"] is not None
    ]


def _request_out(help_request: HelpRequest) -> dict[str, Any]:
    return {
        "id": help_request.pk,
        "host": help_request.scheme.host.slug,
        "title": help_request.title,
        "description": help_request.description,
        "skills": sorted((s.name for s in help_request.skills.all()), key=str.casefold),
        "service": help_request.service_code,
        "status": help_request.status,
        "requester_id": help_request.requester_id,
        "requester_name": help_request.requester.public_name,
        "created_at": help_request.created_at,
        "answered_by_delivery_id": help_request.answered_by_id,
        "answered_at": help_request.answered_at,
        "closed_at": help_request.closed_at,
        "shared_skills": getattr(help_request, "shared", None),
    }


@router.get("/{host_slug}/requests", response=page_of(RequestOut), operation_id="credits_requests")
def requests_list(request: HttpRequest, host_slug: str, params: Query[RequestFilters]) -> Any:
    """The host's requests (open ones unless ``status`` says otherwise), newest first."""
    scheme = access_scheme(request.user, host_slug, Need.MEMBER)
    rows = queries.request_list(
        scheme,
        status=None if params.status == "all" else params.status,
        skills=params.skill,
        text=params.q,
    )
    page = paginate(rows, params, order=("-created_at", "-id"))
    page["items"] = [_request_out(r) for r in page["items"]]
    return page


@router.post(
    "/{host_slug}/requests", response={201: RequestOut}, operation_id="credits_request_create"
)
def request_create(request: HttpRequest, host_slug: str, payload: RequestIn) -> Any:
    """A member of the host asks for help."""
    scheme = access_scheme(request.user, host_slug, Need.MEMBER)
    created = help_request_create(
        actor=request.user,
        scheme=scheme,
        title=payload.title,
        description=payload.description,
        skills=payload.skills,
        service_code=payload.service,
    )
    return Status(201, _request_out(access_help_request(request.user, created.pk)))


_MATCH_ORDER = ("-shared", "-created_at", "-id")


@router.get(
    "/{host_slug}/requests/matches",
    response=page_of(RequestOut),
    operation_id="credits_request_matches",
)
def request_matches(request: HttpRequest, host_slug: str, params: Query[CursorParams]) -> Any:
    """Open requests of others wanting skills on my profile: most shared skills first, then
    newest (``shared_skills`` says how many)."""
    scheme = access_scheme(request.user, host_slug, Need.MEMBER)
    rows = queries.requests_for(request.user, scheme)
    if params.cursor:
        # The ranking is an annotation, which the generic paginator cannot key on.
        shared, created, pk = decode_cursor(params.cursor, _MATCH_ORDER)
        try:
            created_at = dt.datetime.fromisoformat(created)
            after = (
                Q(shared__lt=int(shared))
                | Q(shared=int(shared), created_at__lt=created_at)
                | Q(shared=int(shared), created_at=created_at, id__lt=int(pk))
            )
        except (TypeError, ValueError) as exc:
            raise ApiError(400, ErrorCode.INVALID_CURSOR) from exc
        rows = rows.filter(after)
    items = list(rows[: params.limit + 1])
    next_cursor = None
    if len(items) > params.limit:
        items = items[: params.limit]
        last = items[-1]
        next_cursor = encode_cursor(
            [getattr(last, "shared", 0), last.created_at, last.pk], _MATCH_ORDER
        )
    return {"items": [_request_out(r) for r in items], "next_cursor": next_cursor}


@router.get("/requests/{int:pk}", response=RequestOut, operation_id="credits_request")
def request_get(request: HttpRequest, pk: int) -> Any:
    return _request_out(access_help_request(request.user, pk))


@router.post("/requests/{int:pk}/close", response=RequestOut, operation_id="credits_request_close")
def request_close(request: HttpRequest, pk: int) -> Any:
    """Its requester withdraws it, or a host admin closes it."""
    help_request = access_help_request(request.user, pk)
    if not can_close_request(request.user, help_request):
        raise CreditsError(CreditsErrorCode.NOT_ALLOWED)
    help_request_close(actor=request.user, help_request=help_request)
    return _request_out(access_help_request(request.user, pk))


def _settlement_out(settlement: Settlement, *, finance: bool) -> dict[str, Any]:
    line = settlement.bank_line
    return {
        "id": settlement.pk,
        "member_id": settlement.member_id,
        "member_name": settlement.member.public_name,
        "amount": f"{settlement.euros:f}",
        "amount_cents": settlement.amount,
        "credits_units": settlement.credits,
        "credits": _decimal(settlement.credits, settlement.scheme),
        "paid_on": settlement.paid_on,
        "method": "bank" if line is not None else "manual",
        "bank_reference": (line.bank_reference or line.end_to_end_id)
        if finance and line is not None
        else None,
        "created_at": settlement.created_at,
        "transaction_id": settlement.transaction_id,
        "invoices": [
            {
                "document_id": p.document_id,
                "number": p.document.number,
                "amount": f"{p.amount:f}",
            }
            for p in sorted(settlement.payments.all(), key=lambda p: p.pk)
        ],
    }


@router.post(
    "/{host_slug}/settlements",
    response={201: SettlementOut},
    operation_id="credits_settlement_record",
)
def settlement_create(request: HttpRequest, host_slug: str, payload: SettlementIn) -> Any:
    """Book euros a member in debt paid (host admins): they pay the member's open invoices,
    oldest first, and buy back the credits they are worth."""
    scheme = access_scheme(request.user, host_slug, Need.ADMIN)
    try:
        cents = amount_from_text(payload.amount, 2, kind=AmountKind.SETTLEMENT)
    except AmountError as exc:
        raise ApiError(422, str(exc.code), f"amount: {exc.message}") from None
    member = get_user_model().objects.filter(pk=payload.member_id).first()
    if member is None:
        raise ApiError(422, CreditsErrorCode.NO_DEBT, str(CreditsErrorCode.NO_DEBT.label))
    key = f"api-{request.user.pk}-{payload.idempotency_key}" if payload.idempotency_key else ""
    booked = settlement_record(
        actor=request.user,
        scheme=scheme,
        member=member,
        amount=cents,
        paid_on=payload.paid_on,
        idempotency_key=key,
    )
    return Status(
        201, _settlement_out(queries.settlement_list(scheme).get(pk=booked.pk), finance=True)
    )


@router.get(
    "/{host_slug}/settlements",
    response=page_of(SettlementOut),
    operation_id="credits_settlements",
)
def settlement_list(request: HttpRequest, host_slug: str, params: Query[SettlementFilters]) -> Any:
    """Settlements in euros, newest first: all of them for host admins and accountants
    (``member_id`` filters), a member's own for a member."""
    scheme = access_scheme(request.user, host_slug, Need.MEMBER)
    finance = can(request.user, CommunityNeed.FINANCE, scheme.host)
    if finance:
        member = (
            get_user_model().objects.filter(pk=params.member_id).first()
            if params.member_id
            else None
        )
        rows = queries.settlement_list(scheme, member)
        if params.member_id and member is None:
            rows = rows.none()
    else:
        rows = queries.settlement_list(scheme, request.user)
    page = paginate(rows, params, order=("-created_at", "-id"))
    page["items"] = [_settlement_out(s, finance=finance) for s in page["items"]]
    return page
