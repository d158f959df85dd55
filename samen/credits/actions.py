"""Every write of the credits app: schemes, limits, rate cards and deliveries.

Confirming a delivery posts its credits to the ledger and issues the euro documents (an
invoice to the member who spends, a credit note to the member who earns) in the same
database transaction, on the day of confirmation, so they fall in the quarter of the service.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samen.accounts.actions import skills_get_or_create
from samen.audit.actions import audit_record
from samen.communities.queries import host_members, is_host_admin, is_host_member
from samen.credits.errors import CreditsError, CreditsErrorCode
from samen.credits.models import (
    Counterparty,
    CreditLimit,
    CreditScheme,
    Delivery,
    DeliveryStatus,
    Direction,
    HelpRequest,
    RateCard,
    RequestDigest,
    RequestStatus,
    Service,
    Settlement,
    Side,
)
from samen.invoicing.actions import (
    LineInput,
    document_issue,
    document_payment_record,
    vat_breakdown,
)
from samen.invoicing.models import Document, DocumentKind, DocumentStatus, PaymentMethod
from samen.ledger.actions import account_for, ledger_post, ledger_set_floor
from samen.ledger.errors import LedgerError, LedgerErrorCode
from samen.ledger.models import Account, AccountPurpose, TransactionKind, Unit
from samen.ledger.queries import balance
from samen.lib.mail import send_message_later
from samen.lib.money import format_amount, to_decimal


@dataclass(frozen=True)
class ServiceInput:
    """One service of a rate card version; ``value`` is in the unit's smallest step."""

    code: str
    name_en: str
    direction: str
    value: int
    counterparty: str = Counterparty.HOST
    name_nl: str = ""
    name_fr: str = ""
    description_en: str = ""
    description_nl: str = ""
    description_fr: str = ""


def scheme_for(host: Any) -> CreditScheme:
    scheme = CreditScheme.objects.select_related("unit", "host").filter(host=host).first()
    if scheme is None:
        raise CreditsError(CreditsErrorCode.NO_SCHEME)
    return scheme


def limit_for(scheme: CreditScheme, user: Any) -> int:
    """The member's credit limit: their own, or the scheme's default."""
    own = (
        CreditLimit.objects.filter(scheme=scheme, user=user).values_list("limit", flat=True).first()
    )
    return int(scheme.default_credit_limit if own is None else own)


def wallet(scheme: CreditScheme, user: Any) -> Account:
    """The member's credit account; created with the floor of their credit limit."""
    return account_for(
        purpose=AccountPurpose.CREDIT_WALLET,
        unit=scheme.unit,
        user=user,
        floor=-limit_for(scheme, user),
    )


def lock_wallets(accounts: Sequence[Account]) -> None:
    """Row-lock members' wallets, in primary-key order (one global order, no deadlocks).

    The ledger itself lets credits land on an account without a lock; credits takes this
    lock wherever it changes a member's balance, so that a settlement reading the debt sees
    every movement that commits before it."""
    ids = sorted({a.pk for a in accounts})
    if ids:
        list(Account.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))


def issuance(scheme: CreditScheme) -> Account:
    """The host's side of its credit: it pays for articles, it is paid for workshops."""
    return account_for(
        purpose=AccountPurpose.CREDIT_ISSUANCE, unit=scheme.unit, host=scheme.host, floor=None
    )


def _credits_text(amount: int, unit: Unit) -> str:
    return f"{format_amount(amount, unit.decimals)} {unit.code}"


def _require_admin(actor: Any, host: Any) -> None:
    if not is_host_admin(actor, host) and not getattr(actor, "is_superuser", False):
        raise CreditsError(CreditsErrorCode.NOT_ALLOWED)


def _require_member(user: Any, host: Any) -> None:
    if user is None or not is_host_member(user, host):
        raise CreditsError(CreditsErrorCode.NOT_A_MEMBER)


@transaction.atomic
def scheme_create(
    *,
    actor: Any,
    host: Any,
    code: str,
    name: str,
    decimals: int = 3,
    euro_value: Decimal | None = Decimal("50.00"),
    vat_rate: Decimal | None = Decimal("21.00"),
    default_credit_limit: int = 0,
    settle_in_euros: bool = True,
    auto_confirm_days: int = 14,
    vat_exemption_reason: str = "",
) -> CreditScheme:
    """Give a host its own credit: a ledger unit and the rules around it."""
    _require_admin(actor, host)
    if CreditScheme.objects.filter(host=host).exists():
        raise CreditsError(CreditsErrorCode.SCHEME_EXISTS)
    if vat_rate is not None and vat_rate not in {Decimal(r) for r in (21, 12, 6, 0)}:
        raise CreditsError(CreditsErrorCode.INVALID, _("Belgian VAT rates are 21, 12, 6 or 0 %."))
    if default_credit_limit < 0 or auto_confirm_days < 1 or not 0 <= decimals <= 6:
        raise CreditsError(CreditsErrorCode.INVALID)
    # A unit is configuration, not a ledger row: the ledger app creates none of its own for
    # hosts, so the scheme that owns it creates it.
    unit = Unit.objects.create(
        code=code.upper(),
        name=name,
        decimals=decimals,
        host=host,
        euro_value=euro_value,
        vat_rate=vat_rate,
    )
    scheme = CreditScheme.objects.create(
        host=host,
        unit=unit,
        default_credit_limit=default_credit_limit,
        settle_in_euros=settle_in_euros,
        auto_confirm_days=auto_confirm_days,
        vat_exemption_reason=vat_exemption_reason,
    )
    audit_record(
        actor=actor,
        action="credits.scheme_create",
        target=scheme,
        host=host,
        data={"unit": unit.code, "euro_value": str(euro_value), "vat_rate": str(vat_rate)},
    )
    return scheme


@transaction.atomic
def scheme_update(
    *,
    actor: Any,
    scheme: CreditScheme,
    default_credit_limit: int | None = None,
    settle_in_euros: bool | None = None,
    auto_confirm_days: int | None = None,
) -> CreditScheme:
    """Change the scheme's rules. A new default limit moves the floor of every member
    without their own limit; it is refused when a member is already below it."""
    _require_admin(actor, scheme.host)
    scheme = CreditScheme.objects.select_for_update().get(pk=scheme.pk)
    old = {
        "default_credit_limit": scheme.default_credit_limit,
        "settle_in_euros": scheme.settle_in_euros,
        "auto_confirm_days": scheme.auto_confirm_days,
    }
    if default_credit_limit is not None:
        if default_credit_limit < 0:
            raise CreditsError(CreditsErrorCode.INVALID)
        scheme.default_credit_limit = default_credit_limit
        own = CreditLimit.objects.filter(scheme=scheme).values("user_id")
        wallets = Account.objects.filter(
            unit=scheme.unit, purpose=AccountPurpose.CREDIT_WALLET
        ).exclude(user_id__in=own)
        for account in wallets.order_by("pk"):
            _set_floor(actor, account, -default_credit_limit)
    if settle_in_euros is not None:
        scheme.settle_in_euros = settle_in_euros
    if auto_confirm_days is not None:
        if auto_confirm_days < 1:
            raise CreditsError(CreditsErrorCode.INVALID)
        scheme.auto_confirm_days = auto_confirm_days
    scheme.save()
    new = {key: getattr(scheme, key) for key in old}
    audit_record(
        actor=actor,
        action="credits.scheme_update",
        target=scheme,
        host=scheme.host,
        data={"old": old, "new": new},
    )
    return scheme


def _set_floor(actor: Any, account: Account, floor: int) -> None:
    try:
        ledger_set_floor(actor=actor, account=account, floor=floor)
    except LedgerError as exc:
        if exc.code != LedgerErrorCode.FLOOR_BREACHED:
            raise
        raise CreditsError(
            CreditsErrorCode.LIMIT_EXCEEDED,
            _("%(name)s is already further below zero than this limit allows.")
            % {"name": account.user.public_name if account.user else account},
        ) from exc


@transaction.atomic
def credit_limit_set(
    *, actor: Any, scheme: CreditScheme, user: Any, limit: int | None
) -> CreditLimit | None:
    """Give a member their own credit limit, or (``None``) return them to the default."""
    _require_admin(actor, scheme.host)
    _require_member(user, scheme.host)
    if limit is not None and limit < 0:
        raise CreditsError(CreditsErrorCode.INVALID)
    old = limit_for(scheme, user)
    row: CreditLimit | None = None
    if limit is None:
        CreditLimit.objects.filter(scheme=scheme, user=user).delete()
        new = scheme.default_credit_limit
    else:
        row, _created = CreditLimit.objects.update_or_create(
            scheme=scheme, user=user, defaults={"limit": limit}
        )
        new = limit
    _set_floor(actor, wallet(scheme, user), -new)
    audit_record(
        actor=actor,
        action="credits.limit_set",
        target=user,
        host=scheme.host,
        data={"old": old, "new": new, "own": limit is not None},
    )
    return row


@transaction.atomic
def rate_card_publish(
    *,
    actor: Any,
    scheme: CreditScheme,
    valid_from: dt.date,
    services: Sequence[ServiceInput],
) -> RateCard:
    """Publish a new version of the rate card, in force from ``valid_from`` on."""
    _require_admin(actor, scheme.host)
    if not services:
        raise CreditsError(CreditsErrorCode.INVALID, _("A rate card needs at least one service."))
    codes = [s.code for s in services]
    if len(set(codes)) != len(codes):
        raise CreditsError(CreditsErrorCode.INVALID, _("Each service needs its own code."))
    for service in services:
        if service.value <= 0 or service.direction not in Direction.values:
            raise CreditsError(CreditsErrorCode.INVALID)
        if service.counterparty == Counterparty.MEMBER and service.direction != Direction.EARNS:
            raise CreditsError(
                CreditsErrorCode.INVALID,
                _("A service between members earns for the giver and costs the receiver."),
            )
    locked = CreditScheme.objects.select_for_update().get(pk=scheme.pk)
    if RateCard.objects.filter(scheme=locked, valid_from=valid_from).exists():
        raise CreditsError(
            CreditsErrorCode.INVALID, _("A rate card version already starts on that date.")
        )
    last = RateCard.objects.filter(scheme=locked).order_by("-version").first()
    card = RateCard.objects.create(
        scheme=locked,
        version=(last.version + 1) if last else 1,
        valid_from=valid_from,
        created_by=actor,
    )
    Service.objects.bulk_create(
        Service(
            rate_card=card,
            position=position,
            code=s.code,
            name_en=s.name_en,
            name_nl=s.name_nl,
            name_fr=s.name_fr,
            description_en=s.description_en,
            description_nl=s.description_nl,
            description_fr=s.description_fr,
            direction=s.direction,
            counterparty=s.counterparty,
            value=s.value,
        )
        for position, s in enumerate(services)
    )
    audit_record(
        actor=actor,
        action="credits.rate_card_publish",
        target=card,
        host=scheme.host,
        data={"version": card.version, "valid_from": valid_from.isoformat(), "services": codes},
    )
    return card


def rate_card_on(scheme: CreditScheme, on: dt.date) -> RateCard:
    card = (
        RateCard.objects.filter(scheme=scheme, valid_from__lte=on).order_by("-valid_from").first()
    )
    if card is None:
        raise CreditsError(CreditsErrorCode.NO_RATE_CARD)
    return card


def service_on(scheme: CreditScheme, code: str, on: dt.date) -> Service:
    """The service ``code`` as priced by the rate card in force on ``on``."""
    service = Service.objects.filter(rate_card=rate_card_on(scheme, on), code=code).first()
    if service is None:
        raise CreditsError(CreditsErrorCode.UNKNOWN_SERVICE)
    return service


def _pending_spend(scheme: CreditScheme, user: Any) -> int:
    pending = Delivery.objects.filter(
        scheme=scheme, recipient=user, status=DeliveryStatus.PENDING
    ).aggregate(total=Sum("credits"))
    return int(pending["total"] or 0)


def _check_limit(scheme: CreditScheme, spender: Any, credits: int) -> None:
    """Refuse, with the numbers, a delivery that would take the spender below their limit."""
    account = wallet(scheme, spender)
    available = balance(account) - _pending_spend(scheme, spender) + limit_for(scheme, spender)
    if credits > available:
        raise CreditsError(
            CreditsErrorCode.LIMIT_EXCEEDED,
            _(
                "%(name)s cannot spend %(credits)s: with a credit limit of %(limit)s only "
                "%(available)s are available."
            )
            % {
                "name": spender.public_name,
                "credits": _credits_text(credits, scheme.unit),
                "limit": _credits_text(limit_for(scheme, spender), scheme.unit),
                "available": _credits_text(max(available, 0), scheme.unit),
            },
        )


def _record(
    *,
    actor: Any,
    scheme: CreditScheme,
    service: Service,
    on: dt.date,
    provider: Any,
    recipient: Any,
    awaiting: str,
    quantity: int,
    note: str,
    group: uuid.UUID | None = None,
    help_request: HelpRequest | None = None,
) -> Delivery:
    credits = service.value * quantity
    if recipient is not None:
        _check_limit(scheme, recipient, credits)
    delivery = Delivery.objects.create(
        scheme=scheme,
        service=service,
        date=on,
        quantity=quantity,
        credits=credits,
        provider=provider,
        recipient=recipient,
        awaiting=awaiting,
        note=note,
        group=group,
        recorded_by=actor,
        help_request=help_request,
    )
    data: dict[str, Any] = {"service": service.code, "credits": credits, "date": on.isoformat()}
    if help_request is not None:
        data["request"] = help_request.pk
    audit_record(
        actor=actor,
        action="credits.delivery_record",
        target=delivery,
        host=scheme.host,
        data=data,
    )
    return delivery


def _validate_date(on: dt.date) -> None:
    if on > timezone.localdate():
        raise CreditsError(CreditsErrorCode.FUTURE_DATE)


@transaction.atomic
def delivery_record(
    *,
    actor: Any,
    scheme: CreditScheme,
    service_code: str,
    on: dt.date,
    member: Any = None,
    quantity: int = 1,
    note: str = "",
    for_member: Any = None,
    help_request: HelpRequest | None = None,
) -> Delivery:
    """Record a service given on ``on``.

    Peer service: the actor gave it to ``member``, who confirms. Network service: the
    actor earns (an article) or spends (a workshop) against the host, and a host admin
    confirms; a host admin may record it ``for_member``, who then confirms.

    With ``help_request``, the actor answers that open request: a peer service given to its
    requester (its own service when it names one). The requester is e-mailed; confirming
    the delivery marks the request answered.
    """
    _validate_date(on)
    host = scheme.host
    _require_member(actor, host)
    if quantity < 1:
        raise CreditsError(CreditsErrorCode.INVALID)
    if help_request is not None:
        help_request = _lock_request(help_request)
        _check_answer(actor, scheme, help_request, service_code, member)
        member = help_request.requester
    service = service_on(scheme, service_code, on)
    if help_request is not None and not service.is_peer:
        raise CreditsError(CreditsErrorCode.REQUEST_SERVICE)
    if service.is_peer:
        _require_member(member, host)
        if member.pk == actor.pk:
            raise CreditsError(CreditsErrorCode.SAME_PERSON)
        provider, recipient, awaiting = actor, member, Side.RECIPIENT
    else:
        subject = actor
        if for_member is not None and for_member.pk != actor.pk:
            _require_admin(actor, host)
            _require_member(for_member, host)
            subject = for_member
        # The side that did not record confirms: the member when an admin recorded for
        # them, the host (an admin) when the member recorded it themselves.
        member_confirms = subject.pk != actor.pk
        if service.direction == Direction.EARNS:
            provider, recipient = subject, None
            awaiting = Side.PROVIDER if member_confirms else Side.RECIPIENT
        else:
            provider, recipient = None, subject
            awaiting = Side.RECIPIENT if member_confirms else Side.PROVIDER
    delivery = _record(
        actor=actor,
        scheme=scheme,
        service=service,
        on=on,
        provider=provider,
        recipient=recipient,
        awaiting=awaiting,
        quantity=quantity,
        note=note,
        help_request=help_request,
    )
    if help_request is not None:
        _notify_offer(delivery, help_request)
    return delivery


@transaction.atomic
def workshop_record(
    *,
    actor: Any,
    scheme: CreditScheme,
    service_code: str,
    on: dt.date,
    participants: Sequence[Any],
    note: str = "",
) -> list[Delivery]:
    """A host admin records a network service (a workshop) with its participant list; each
    participant confirms their own line (or it confirms itself after the scheme's delay)."""
    _validate_date(on)
    _require_admin(actor, scheme.host)
    service = service_on(scheme, service_code, on)
    if service.is_peer or not participants:
        raise CreditsError(CreditsErrorCode.INVALID)
    group = uuid.uuid4()
    deliveries = []
    for person in sorted({p.pk: p for p in participants}.values(), key=lambda p: p.pk):
        _require_member(person, scheme.host)
        earns = service.direction == Direction.EARNS
        deliveries.append(
            _record(
                actor=actor,
                scheme=scheme,
                service=service,
                on=on,
                provider=person if earns else None,
                recipient=None if earns else person,
                awaiting=Side.PROVIDER if earns else Side.RECIPIENT,
                quantity=1,
                note=note,
                group=group,
            )
        )
    return deliveries


def _awaited_person(delivery: Delivery) -> Any:
    return delivery.provider if delivery.awaiting == Side.PROVIDER else delivery.recipient


def can_decide(user: Any, delivery: Delivery) -> bool:
    """The awaited side decides: that member, or a host admin when the host is awaited."""
    awaited = _awaited_person(delivery)
    if awaited is None:
        return is_host_admin(user, delivery.scheme.host)
    return bool(user is not None and user.pk == awaited.pk)


def _lock_pending(delivery: Delivery) -> Delivery:
    locked = (
        Delivery.objects.select_for_update(of=("self",))
        .select_related("scheme__unit", "scheme__host", "service", "provider", "recipient")
        .get(pk=delivery.pk)
    )
    return locked


def _line(delivery: Delivery, member: Any, role: str) -> LineInput:
    unit = delivery.scheme.unit
    with translation.override(getattr(member, "language", "") or None):
        other = delivery.recipient if role == "earner" else delivery.provider
        description = (
            gettext("%(service)s on %(date)s with %(other)s")
            if other is not None
            else gettext("%(service)s on %(date)s")
        ) % {
            "service": delivery.service.name_in(translation.get_language()),
            "date": delivery.date.isoformat(),
            "other": other.public_name if other is not None else "",
        }
    return LineInput(
        description=description,
        quantity=to_decimal(delivery.credits, unit.decimals),
        unit_price=Decimal(unit.euro_value or 0),
        vat_rate=unit.vat_rate,
        unit_label=unit.code,
    )


def _issue_documents(actor: Any, delivery: Delivery, on: dt.date) -> None:
    scheme = delivery.scheme
    if scheme.unit.euro_value is None:
        return
    parties = [(delivery.provider, DocumentKind.CREDIT_NOTE, "earner")]
    parties.append((delivery.recipient, DocumentKind.INVOICE, "spender"))
    for member, kind, role in parties:
        if member is None:
            continue
        document_issue(
            actor=actor,
            host=scheme.host,
            customer=member,
            kind=kind,
            lines=[_line(delivery, member, role)],
            idempotency_key=f"credits-delivery-{delivery.pk}-{role}",
            issue_date=on,
            delivery_date=delivery.date,
            cause=delivery,
            exemption_reason=scheme.vat_exemption_reason or "Exempt from VAT",
        )


@transaction.atomic
def delivery_confirm(
    *, actor: Any, delivery: Delivery, auto: bool = False, confirmed_on: dt.date | None = None
) -> Delivery:
    """Confirm a delivery: post the credits and issue the documents, all or nothing.

    Confirming an already confirmed delivery returns it unchanged (a retried request or
    task does no harm). ``auto`` is the scheduled confirmation after the scheme's delay.
    Credits and documents are dated on the confirmation day, ``confirmed_on`` (today unless
    an import or the demo replays history).
    """
    on = confirmed_on or timezone.localdate()
    delivery = _lock_pending(delivery)
    if delivery.status == DeliveryStatus.CONFIRMED:
        return delivery
    if delivery.status != DeliveryStatus.PENDING:
        raise CreditsError(CreditsErrorCode.NOT_PENDING)
    if not auto and not can_decide(actor, delivery):
        raise CreditsError(CreditsErrorCode.NOT_ALLOWED)
    scheme = delivery.scheme
    earner = wallet(scheme, delivery.provider) if delivery.provider else issuance(scheme)
    spender = wallet(scheme, delivery.recipient) if delivery.recipient else issuance(scheme)
    # A settlement reads a member's debt under their wallet's row lock; taking it here too
    # means credits earned meanwhile are seen, so a settlement never makes a balance positive.
    lock_wallets([a for a in (earner, spender) if a.purpose == AccountPurpose.CREDIT_WALLET])
    kind = (
        TransactionKind.CREDIT_SPENT if delivery.provider is None else TransactionKind.CREDIT_EARNED
    )
    try:
        posted = ledger_post(
            actor=actor,
            kind=kind,
            description=delivery.service.name_en,
            lines=[(earner, delivery.credits), (spender, -delivery.credits)],
            idempotency_key=f"credits-delivery-{delivery.pk}",
            effective_date=on,
            cause=delivery,
            is_public=False,
        )
    except LedgerError as exc:
        if exc.code != LedgerErrorCode.FLOOR_BREACHED or delivery.recipient is None:
            raise
        raise CreditsError(
            CreditsErrorCode.LIMIT_EXCEEDED,
            _("%(name)s has not enough credits left within their credit limit for this.")
            % {"name": delivery.recipient.public_name},
        ) from exc
    delivery.status = DeliveryStatus.CONFIRMED
    delivery.decided_by = actor if not auto else None
    delivery.decided_at = timezone.now()
    delivery.auto_confirmed = auto
    delivery.transaction = posted
    delivery.save(
        update_fields=["status", "decided_by", "decided_at", "auto_confirmed", "transaction"]
    )
    _issue_documents(actor, delivery, on)
    if delivery.help_request_id is not None:
        _answer_request(actor, delivery, delivery.help_request_id)
    audit_record(
        actor=actor,
        action="credits.delivery_confirm",
        target=delivery,
        host=scheme.host,
        data={"credits": delivery.credits, "auto": auto, "transaction": posted.pk},
    )
    return delivery


@transaction.atomic
def delivery_reject(*, actor: Any, delivery: Delivery, reason: str = "") -> Delivery:
    """The awaited side says it did not happen (this way); nothing is posted."""
    delivery = _lock_pending(delivery)
    if delivery.status != DeliveryStatus.PENDING:
        raise CreditsError(CreditsErrorCode.NOT_PENDING)
    if not can_decide(actor, delivery):
        raise CreditsError(CreditsErrorCode.NOT_ALLOWED)
    delivery.status = DeliveryStatus.REJECTED
    delivery.decided_by = actor
    delivery.decided_at = timezone.now()
    delivery.reason = reason.strip()
    delivery.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    audit_record(
        actor=actor,
        action="credits.delivery_reject",
        target=delivery,
        host=delivery.scheme.host,
        data={"reason": delivery.reason},
    )
    return delivery


@transaction.atomic
def delivery_cancel(*, actor: Any, delivery: Delivery) -> Delivery:
    """Whoever recorded a delivery may withdraw it while it waits for confirmation."""
    delivery = _lock_pending(delivery)
    if delivery.status != DeliveryStatus.PENDING:
        raise CreditsError(CreditsErrorCode.NOT_PENDING)
    if actor is None or (
        actor.pk != delivery.recorded_by_id and not is_host_admin(actor, delivery.scheme.host)
    ):
        raise CreditsError(CreditsErrorCode.NOT_ALLOWED)
    delivery.status = DeliveryStatus.CANCELLED
    delivery.decided_by = actor
    delivery.decided_at = timezone.now()
    delivery.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        actor=actor, action="credits.delivery_cancel", target=delivery, host=delivery.scheme.host
    )
    return delivery


def deliveries_auto_confirm(*, now: dt.datetime | None = None) -> int:
    """Confirm every delivery that waited longer than its scheme allows; safe to re-run.

    Each delivery is confirmed in its own transaction, so one refused delivery (a member
    now over their limit) does not hold back the others; it stays pending for a person.
    """
    now = now or timezone.now()
    confirmed = 0
    pending = Delivery.objects.filter(status=DeliveryStatus.PENDING).select_related("scheme")
    for delivery in pending.order_by("pk").iterator():
        deadline = delivery.created_at + dt.timedelta(days=delivery.scheme.auto_confirm_days)
        if deadline > now:
            continue
        try:
            delivery_confirm(actor=None, delivery=delivery, auto=True)
        except CreditsError:
            continue
        confirmed += 1
    return confirmed


# --- requests ---------------------------------------------------------------------------------

MAX_TITLE_LENGTH = 140
MAX_DESCRIPTION_LENGTH = 4000


def _lock_request(help_request: HelpRequest) -> HelpRequest:
    return (
        HelpRequest.objects.select_for_update(of=("self",))
        .select_related("scheme__host", "requester")
        .get(pk=help_request.pk)
    )


def _check_answer(
    actor: Any, scheme: CreditScheme, help_request: HelpRequest, service_code: str, member: Any
) -> None:
    """May ``actor`` answer this request with this service, given to ``member``?"""
    if help_request.scheme_id != scheme.pk or not help_request.is_open:
        raise CreditsError(CreditsErrorCode.REQUEST_NOT_OPEN)
    if help_request.requester_id == actor.pk:
        raise CreditsError(CreditsErrorCode.OWN_REQUEST)
    if member is not None and member.pk != help_request.requester_id:
        raise CreditsError(
            CreditsErrorCode.INVALID, _("A request is answered with a session for its requester.")
        )
    if help_request.service_code and service_code != help_request.service_code:
        raise CreditsError(
            CreditsErrorCode.REQUEST_SERVICE,
            _("This request is answered with the service it names."),
        )


def _request_url(help_request: HelpRequest) -> str:
    return settings.SITE_URL + reverse("credits:request", args=[help_request.pk])


def _notify_offer(delivery: Delivery, help_request: HelpRequest) -> None:
    """E-mail the requester, in their language, that someone recorded help for them."""
    person = help_request.requester
    if not person.is_active or not person.email:
        return
    scheme = delivery.scheme
    with translation.override(person.language or settings.LANGUAGE_CODE):
        context = {
            "person": person,
            "helper": delivery.provider.public_name if delivery.provider else "",
            "request": help_request,
            "service": delivery.service.name_in(translation.get_language()),
            "credits": _credits_text(delivery.credits, scheme.unit),
            "date": delivery.date,
            "host": scheme.host.name,
            "url": _request_url(help_request),
            "confirm_url": settings.SITE_URL + reverse("credits:home", args=[scheme.host.slug]),
        }
        subject = render_to_string("credits/email/offer_subject.txt", context).strip()
        body = render_to_string("credits/email/offer_body.txt", context)
    send_message_later(EmailMessage(subject=subject, body=body, to=[person.email]))


def _answer_request(actor: Any, delivery: Delivery, request_id: int) -> None:
    """The delivery was confirmed: its request, if still open, is answered by it."""
    help_request = HelpRequest.objects.select_for_update().get(pk=request_id)
    if help_request.status != RequestStatus.OPEN:
        return
    help_request.status = RequestStatus.ANSWERED
    help_request.answered_by = delivery
    help_request.answered_at = timezone.now()
    help_request.save(update_fields=["status", "answered_by", "answered_at"])
    audit_record(
        actor=actor,
        action="credits.request_answer",
        target=help_request,
        host=delivery.scheme.host,
        data={"delivery": delivery.pk, "helper": delivery.provider_id},
    )


@transaction.atomic
def help_request_create(
    *,
    actor: Any,
    scheme: CreditScheme,
    title: str,
    description: str = "",
    skills: Sequence[str] = (),
    service_code: str = "",
) -> HelpRequest:
    """A member of the host asks for help: what, which skills, and optionally the peer
    service of the rate card it would be priced with (checked against today's card)."""
    _require_member(actor, scheme.host)
    title = " ".join(title.split())
    description = description.strip()
    if not title or len(title) > MAX_TITLE_LENGTH or len(description) > MAX_DESCRIPTION_LENGTH:
        raise CreditsError(
            CreditsErrorCode.INVALID,
            _(
                "A request needs a title of at most %(title)s characters and a description of at "
                "most %(text)s."
            )
            % {"title": MAX_TITLE_LENGTH, "text": MAX_DESCRIPTION_LENGTH},
        )
    if service_code and not service_on(scheme, service_code, timezone.localdate()).is_peer:
        raise CreditsError(CreditsErrorCode.REQUEST_SERVICE)
    try:
        wanted = skills_get_or_create(list(skills))
    except ValueError as exc:
        raise CreditsError(CreditsErrorCode.INVALID, _("List at most 20 skills.")) from exc
    help_request = HelpRequest.objects.create(
        scheme=scheme,
        requester=actor,
        title=title,
        description=description,
        service_code=service_code,
    )
    help_request.skills.set(wanted)
    audit_record(
        actor=actor,
        action="credits.request_create",
        target=help_request,
        host=scheme.host,
        data={"skills": [s.name for s in wanted], "service": service_code},
    )
    return help_request


def can_close_request(user: Any, help_request: HelpRequest) -> bool:
    """Its requester withdraws it; a host admin may close any."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return (
        user.pk == help_request.requester_id
        or is_host_admin(user, help_request.scheme.host)
        or bool(getattr(user, "is_superuser", False))
    )


@transaction.atomic
def help_request_close(*, actor: Any, help_request: HelpRequest) -> HelpRequest:
    """Withdraw an open request (its requester) or close it (a host admin). Sessions already
    recorded for it stay as they are: they can still be confirmed or rejected."""
    help_request = _lock_request(help_request)
    if not can_close_request(actor, help_request):
        raise CreditsError(CreditsErrorCode.NOT_ALLOWED)
    if not help_request.is_open:
        raise CreditsError(CreditsErrorCode.REQUEST_NOT_OPEN)
    help_request.status = RequestStatus.CLOSED
    help_request.closed_by = actor
    help_request.closed_at = timezone.now()
    help_request.save(update_fields=["status", "closed_by", "closed_at"])
    audit_record(
        actor=actor,
        action="credits.request_close",
        target=help_request,
        host=help_request.scheme.host,
        data={"by_requester": actor.pk == help_request.requester_id},
    )
    return help_request


#: A digest mentions requests posted at most this long ago, each once per member.
DIGEST_WINDOW = dt.timedelta(days=7)


def request_digests_send(*, now: dt.datetime | None = None) -> int:
    """E-mail each member in debt the new open requests matching their skills: at most one
    digest per member, scheme and day, and never the same request twice. Safe to re-run."""
    from samen.credits.queries import debtor_ids, requests_for

    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    user_model = get_user_model()
    for scheme in CreditScheme.objects.select_related("host", "unit").order_by("pk"):
        members = set(host_members(scheme.host).values_list("pk", flat=True))
        for user in user_model.objects.filter(
            pk__in=[pk for pk in debtor_ids(scheme) if pk in members], is_active=True
        ).order_by("pk"):
            if RequestDigest.objects.filter(scheme=scheme, user=user, day=today).exists():
                continue
            mentioned = RequestDigest.requests.through.objects.filter(
                requestdigest__scheme=scheme, requestdigest__user=user
            ).values("helprequest_id")
            new = list(
                requests_for(user, scheme)
                .filter(created_at__gt=now - DIGEST_WINDOW, created_at__lte=now)
                .exclude(pk__in=mentioned)[:10]
            )
            if new and _send_digest(scheme, user, today, new):
                sent += 1
    return sent


@transaction.atomic
def _send_digest(
    scheme: CreditScheme, user: Any, day: dt.date, requests: list[HelpRequest]
) -> bool:
    digest, created = RequestDigest.objects.get_or_create(scheme=scheme, user=user, day=day)
    if not created:
        return False
    digest.requests.set(requests)
    if user.email:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            context = {
                "person": user,
                "host": scheme.host.name,
                "requests": [(r, _request_url(r)) for r in requests],
                "url": settings.SITE_URL + reverse("credits:requests", args=[scheme.host.slug]),
            }
            subject = render_to_string("credits/email/digest_subject.txt", context).strip()
            body = render_to_string("credits/email/digest_body.txt", context)
        send_message_later(EmailMessage(subject=subject, body=body, to=[user.email]))
    audit_record(
        actor=None,
        action="credits.request_digest",
        target=digest,
        host=scheme.host,
        data={"user": user.pk, "requests": [r.pk for r in requests]},
    )
    return True


# --- settlements in euros -------------------------------------------------------------------


def settlement_euros(unit: Unit, credits: int) -> Decimal:
    """What ``credits`` cost in euros, VAT included, computed as on an invoice: one line at
    the unit's euro value, VAT rounded once on the total. This is what the member's page
    asks for a debt of ``credits``."""
    rows = vat_breakdown(
        [
            LineInput(
                unit.code,
                to_decimal(credits, unit.decimals),
                Decimal(unit.euro_value or 0),
                unit.vat_rate,
            )
        ]
    )
    return sum((taxable + vat for _cat, _rate, taxable, vat in rows), Decimal("0.00"))


def settlement_credits(unit: Unit, cents: int) -> int:
    """The credits ``cents`` euro cents buy back, in the unit's smallest step, rounded down:
    euros / (euro value x (1 + VAT rate)).

    Exactly: the most credits whose price computed as on an invoice (``settlement_euros``)
    the payment covers. The two agree but for the cent rounding of the net and the VAT,
    which is why the quotient is only the starting point: paying exactly the euros shown
    for a debt always settles all of it.
    """
    value_cents = int(Decimal(unit.euro_value or 0) * 100)
    if cents <= 0 or value_cents <= 0:
        return 0
    # The VAT rate in hundredths of a percent, so the quotient stays in integers.
    rate = int(Decimal(unit.vat_rate or 0) * 100)
    credits = cents * 10**unit.decimals * 10_000 // (value_cents * (10_000 + rate))
    limit = to_decimal(cents, 2)
    while credits > 0 and settlement_euros(unit, credits) > limit:
        credits -= 1
    while settlement_euros(unit, credits + 1) <= limit:
        credits += 1
    return credits


def _euro_text(cents: int | Decimal) -> str:
    from samen.invoicing.templatetags.euros import euros

    return euros(to_decimal(cents, 2) if isinstance(cents, int) else cents)


@dataclass(frozen=True)
class Settled:
    """What a member's earlier settlements in a scheme add up to: euro cents and credits."""

    cents: int = 0
    credits: int = 0


def settled_by(scheme: CreditScheme, member_ids: Sequence[int]) -> dict[int, Settled]:
    """Per member: the sum of their settlements in the scheme so far. One query."""
    rows = (
        Settlement.objects.filter(scheme=scheme, member_id__in=list(member_ids))
        .values("member_id")
        .annotate(cents=Sum("amount"), credits=Sum("credits"))
        .order_by()
    )
    return {r["member_id"]: Settled(int(r["cents"]), int(r["credits"])) for r in rows}


def settlement_due(unit: Unit, debt: int, settled: Settled = Settled()) -> Decimal:
    """The euros that settle a debt of ``debt`` now.

    Each settlement buys back what all of the member's settlements together are worth,
    less the credits the earlier ones restored, so the cents a partial payment's rounding
    down left over are never lost: the next payment needs that much less. Without earlier
    settlements this is ``settlement_euros(unit, debt)``.
    """
    return settlement_euros(unit, settled.credits + debt) - to_decimal(settled.cents, 2)


@dataclass(frozen=True)
class SettlementCheck:
    """What a payment would do now: the debt, the euros that settle it, the open invoices
    still due, and the credits the payment buys back."""

    debt: int
    due: Decimal
    open_invoices: Decimal
    credits: int


def settlement_check(
    scheme: CreditScheme,
    member: Any,
    amount: int,
    debt: int,
    open_invoices: Decimal,
    settled: Settled = Settled(),
) -> SettlementCheck:
    """Refuse (``CreditsError``) what a settlement of ``amount`` cents may not book, with a
    sentence naming the numbers; otherwise say what it would restore. Pure: callers read
    the debt, the open invoices and the earlier settlements (under locks when they book, in
    bulk when they explain bank lines)."""
    unit = scheme.unit
    name = member.public_name
    if not scheme.settle_in_euros or not unit.euro_value:
        raise CreditsError(CreditsErrorCode.SETTLEMENT_OFF)
    if amount <= 0:
        raise CreditsError(CreditsErrorCode.INVALID, _("Enter an amount above zero."))
    if debt <= 0:
        raise CreditsError(
            CreditsErrorCode.NO_DEBT,
            _("%(name)s has no credit debt to settle.") % {"name": name},
        )
    due = settlement_due(unit, debt, settled)
    if to_decimal(amount, 2) > due:
        raise CreditsError(
            CreditsErrorCode.MORE_THAN_DEBT,
            _("%(name)s owes %(credits)s, which %(due)s settles: %(amount)s is more than that.")
            % {
                "name": name,
                "credits": _credits_text(debt, unit),
                "due": _euro_text(due),
                "amount": _euro_text(amount),
            },
        )
    if to_decimal(amount, 2) > open_invoices:
        raise CreditsError(
            CreditsErrorCode.MORE_THAN_INVOICES,
            _(
                "The open invoices of %(name)s come to %(open)s: %(amount)s is more than that, "
                "so part of it would pay nothing."
            )
            % {"name": name, "open": _euro_text(open_invoices), "amount": _euro_text(amount)},
        )
    credits = min(settlement_credits(unit, settled.cents + amount) - settled.credits, debt)
    if credits <= 0:
        raise CreditsError(
            CreditsErrorCode.TOO_SMALL,
            _("%(amount)s buys back less than %(step)s.")
            % {"amount": _euro_text(amount), "step": _credits_text(1, unit)},
        )
    return SettlementCheck(debt=debt, due=due, open_invoices=open_invoices, credits=credits)


def _open_invoices(scheme: CreditScheme, member: Any, *, lock: bool) -> list[Document]:
    """The member's invoices of the host still open, oldest first (locked in id order)."""
    rows = Document.objects.filter(
        host_id=scheme.host_id,
        customer_id=member.pk,
        kind=DocumentKind.INVOICE,
        status=DocumentStatus.OPEN,
    )
    if lock:
        rows = rows.select_for_update()
    invoices = list(rows.order_by("pk"))
    return sorted(invoices, key=lambda d: (d.issue_date, d.pk))


@transaction.atomic
def settlement_record(
    *,
    actor: Any,
    scheme: CreditScheme,
    member: Any,
    amount: int,
    paid_on: dt.date,
    bank_line: Any = None,
    idempotency_key: str = "",
) -> Settlement:
    """Book euros a member in debt paid for credits back: ``amount`` in cents, received on
    ``paid_on``, by hand (a host admin) or from a bank line (the import, no actor).

    In one transaction, under the member's wallet lock: pay their open invoices oldest first
    (``document_payment_record``, the last one possibly in part), post the credits the
    amount buys back (``settlement_check``: rounded down, the remainder of earlier partial
    payments counted) from the host's issuance account to the wallet, mark the bank line
    matched and write the audit row. Refused, with nothing written: more than the euros that
    settle the debt or than the open invoices still due, no debt, an amount that buys less
    than one step, a date in the future. Booking again with the same ``idempotency_key``,
    or the same bank line, returns the first settlement.
    """
    from samen.funding.bank import bank_line_mark_matched
    from samen.funding.models import BankLine, LineStatus

    if actor is not None or bank_line is None:
        _require_admin(actor, scheme.host)
    # The rules as they are now (settle in euros may have been switched off meanwhile).
    scheme = CreditScheme.objects.select_related("unit", "host").get(pk=scheme.pk)
    if bank_line is not None:
        # Lock order: the bank line, the wallet, the invoices (as invoice payments do).
        bank_line = BankLine.objects.select_for_update().get(pk=bank_line.pk)
        idempotency_key = f"bank-line-{bank_line.pk}"
        if (
            bank_line.host_id != scheme.host_id
            or bank_line.currency != "EUR"
            or bank_line.amount != amount
            or bank_line.booking_date != paid_on
        ):
            raise CreditsError(CreditsErrorCode.BAD_BANK_LINE)
    idempotency_key = idempotency_key or f"manual-{uuid.uuid4()}"
    if paid_on > timezone.localdate():
        raise CreditsError(
            CreditsErrorCode.FUTURE_DATE, _("A payment cannot be dated in the future.")
        )
    account = (
        Account.objects.select_for_update()
        .filter(unit=scheme.unit, purpose=AccountPurpose.CREDIT_WALLET, user=member)
        .first()
    )
    earlier = Settlement.objects.filter(idempotency_key=idempotency_key).first()
    if earlier is not None:
        if (earlier.scheme_id, earlier.member_id, earlier.amount, earlier.paid_on) != (
            scheme.pk,
            member.pk,
            amount,
            paid_on,
        ):
            raise CreditsError(CreditsErrorCode.IDEMPOTENCY_CONFLICT)
        return earlier
    if bank_line is not None and bank_line.status != LineStatus.UNMATCHED:
        raise CreditsError(CreditsErrorCode.BAD_BANK_LINE)
    invoices = _open_invoices(scheme, member, lock=True)
    check = settlement_check(
        scheme,
        member,
        amount,
        -balance(account) if account is not None else 0,
        sum((d.amount_due for d in invoices), Decimal("0.00")),
        settled_by(scheme, [member.pk]).get(member.pk, Settled()),
    )
    assert account is not None  # a debt means a wallet
    settlement = Settlement.objects.create(
        scheme=scheme,
        member=member,
        amount=amount,
        credits=check.credits,
        paid_on=paid_on,
        bank_line=bank_line,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        idempotency_key=idempotency_key,
    )
    remaining = to_decimal(amount, 2)
    payments = []
    for invoice in invoices:
        part = min(remaining, invoice.amount_due)
        if part <= 0:
            break
        payments.append(
            document_payment_record(
                actor=actor,
                document=invoice,
                amount=part,
                paid_on=paid_on,
                method=PaymentMethod.SETTLEMENT,
            )
        )
        remaining -= part
    settlement.payments.set(payments)
    # Credits move on the day the settlement is booked, like a delivery's on its
    # confirmation day: a statement already sent for an earlier month never changes.
    settlement.transaction = ledger_post(
        actor=actor,
        kind=TransactionKind.CREDIT_SETTLED,
        description="Settlement in euros",
        lines=[(account, check.credits), (issuance(scheme), -check.credits)],
        idempotency_key=f"credits-settlement-{settlement.pk}",
        effective_date=timezone.localdate(),
        cause=settlement,
        is_public=False,
    )
    settlement.save(update_fields=["transaction"])
    if bank_line is not None:
        bank_line_mark_matched(line=bank_line, target=settlement, actor=actor)
    audit_record(
        actor=actor,
        action="credits.settlement_record",
        target=settlement,
        host=scheme.host,
        data={
            "member": member.pk,
            "amount": str(settlement.euros),
            "credits": check.credits,
            "debt": check.debt,
            "paid_on": paid_on.isoformat(),
            "bank_line": bank_line.pk if bank_line is not None else None,
            "invoices": [p.document.number for p in payments],
            "transaction": settlement.transaction.pk,
        },
    )
    return settlement
