"""Deliveries: a service or workshop recorded, then confirmed, rejected or cancelled."""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samen.audit.actions import audit_record
from samen.communities.queries import is_host_admin
from samen.credits.actions._common import _credits_text, _require_admin, _require_member
from samen.credits.actions.compensation import member_compensate
from samen.credits.actions.help_requests import (
    _answer_request,
    _check_answer,
    _lock_request,
    _notify_offer,
)
from samen.credits.actions.rate_cards import service_on
from samen.credits.actions.schemes import issuance, limit_for, lock_wallets, wallet
from samen.credits.errors import CreditsError, CreditsErrorCode
from samen.credits.kinds import FLAGGED_KIND, REMINDER_KIND
from samen.credits.models import (
    CreditScheme,
    Delivery,
    DeliveryStatus,
    Direction,
    HelpRequest,
    Service,
    Side,
)
from samen.invoicing.actions import LineInput, document_issue
from samen.invoicing.models import DocumentKind
from samen.invoicing.queries import provider_terms
from samen.ledger.actions import ledger_post
from samen.ledger.errors import LedgerError, LedgerErrorCode
from samen.ledger.models import AccountPurpose, TransactionKind
from samen.ledger.queries import balance
from samen.lib.money import to_decimal


def _pending_spend(scheme: CreditScheme, user: Any) -> int:
    pending = Delivery.objects.filter(
        scheme=scheme, recipient=user, status=DeliveryStatus.PENDING
    ).aggregate(total=Sum("credits"))
    return int(pending["total"] or 0)


def credits_spendable(scheme: CreditScheme, user: Any) -> int:
    """What ``user`` may still spend: their balance, less the deliveries waiting for their
    confirmation, plus their credit limit (events check a credit price against it)."""
    account = wallet(scheme, user)
    return balance(account) - _pending_spend(scheme, user) + limit_for(scheme, user)


def _check_limit(scheme: CreditScheme, spender: Any, credits: int) -> None:
    """Refuse, with the numbers, a delivery that would take the spender below their limit."""
    available = credits_spendable(scheme, spender)
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


def _validate_date(on: dt.date, host: Any) -> None:
    """A delivery is dated today or earlier, and not in a VAT quarter the host already
    exported: its documents would change a return that was filed."""
    from samen.invoicing.queries import quarter_is_exported

    if on > timezone.localdate():
        raise CreditsError(CreditsErrorCode.FUTURE_DATE, field="on")
    if quarter_is_exported(host, on):
        raise CreditsError(CreditsErrorCode.QUARTER_EXPORTED, field="on")


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
    _validate_date(on, scheme.host)
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
    _validate_date(on, scheme.host)
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
        price_includes_vat=delivery.scheme.euro_value_includes_vat,
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
        line = _line(delivery, member, role)
        self_billed = False
        if role == "earner":
            # The earner's VAT status decides the VAT of their services, and a VAT-registered
            # earner who agreed to self-billing gets a self-billed invoice (docs/credits.md).
            charges_vat, self_billed = provider_terms(scheme.host, member, on)
            if not charges_vat:
                line = replace(line, vat_rate=None)
        document_issue(
            actor=actor,
            host=scheme.host,
            customer=member,
            kind=kind,
            lines=[line],
            self_billed=self_billed,
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
    """Confirm a delivery: post the credits, issue the documents and set off each member's
    open invoices against their open credit notes, all or nothing.

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
            description=delivery.service.name_in("en"),
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
    # The wallets are locked above, so each member's set-off runs under their lock.
    for member in sorted(
        {p.pk: p for p in (delivery.provider, delivery.recipient) if p is not None}.values(),
        key=lambda p: p.pk,
    ):
        member_compensate(actor=actor, scheme=scheme, member=member)
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


#: Days after a quarter's end by which its pending deliveries are confirmed by themselves,
#: so their documents are issued before the 15th day after it, the last day an invoice for
#: a service of the quarter may be issued (Royal Decree no. 1 on VAT, article 5); the five
#: days left leave room for a day the scheduler missed and for the host to settle by hand
#: what was flagged.
QUARTER_CONFIRM_DAYS = 10


def quarter_end(day: dt.date) -> dt.date:
    """The last day of the calendar quarter of ``day``."""
    month = (day.month - 1) // 3 * 3 + 3
    return dt.date(day.year, month, calendar.monthrange(day.year, month)[1])


def quarter_confirm_by(delivery: Delivery) -> dt.date:
    """The day a delivery still pending confirms itself so that its documents are issued in
    time for its service's quarter: ``QUARTER_CONFIRM_DAYS`` after the quarter's end."""
    return quarter_end(delivery.date) + dt.timedelta(days=QUARTER_CONFIRM_DAYS)


def _deciders(delivery: Delivery) -> list[Any]:
    from samen.communities.queries import host_admins

    awaited = _awaited_person(delivery)
    return [awaited] if awaited is not None else list(host_admins(delivery.scheme.host))


def _quarter_data(delivery: Delivery) -> dict[str, Any]:
    other = delivery.provider if delivery.awaiting == Side.RECIPIENT else delivery.recipient
    return {
        "service": delivery.service.name_in("en"),
        "date": delivery.date.isoformat(),
        "other": other.public_name if other is not None else delivery.scheme.host.name,
        "host": delivery.scheme.host.name,
        "confirm_by": quarter_confirm_by(delivery).isoformat(),
    }


@transaction.atomic
def delivery_remind(*, delivery: Delivery) -> bool:
    """Remind the awaited side (the member, or the host's admins) once that a delivery of a
    quarter that has ended waits for them, and by when it confirms itself. False when it was
    already reminded or is no longer pending."""
    from samen.notifications.actions import notify

    delivery = _lock_pending(delivery)
    if delivery.status != DeliveryStatus.PENDING or delivery.reminded_at is not None:
        return False
    delivery.reminded_at = timezone.now()
    delivery.save(update_fields=["reminded_at"])
    notify(
        _deciders(delivery),
        REMINDER_KIND,
        delivery,
        data=_quarter_data(delivery),
        url=reverse("credits:home", args=[delivery.scheme.host.slug]),
    )
    return True


@transaction.atomic
def delivery_flag(*, delivery: Delivery, reason: str) -> bool:
    """Tell the host's admins once that a delivery of an ended quarter could not confirm
    itself in time (``reason``): they settle it by hand. False when already flagged."""
    from samen.communities.queries import host_admins
    from samen.notifications.actions import notify

    delivery = _lock_pending(delivery)
    if delivery.status != DeliveryStatus.PENDING or delivery.flagged_at is not None:
        return False
    delivery.flagged_at = timezone.now()
    delivery.save(update_fields=["flagged_at"])
    notify(
        host_admins(delivery.scheme.host),
        FLAGGED_KIND,
        delivery,
        data={**_quarter_data(delivery), "reason": reason},
        url=reverse("credits:dashboard", args=[delivery.scheme.host.slug]),
    )
    audit_record(
        actor=None,
        action="credits.delivery_flag",
        target=delivery,
        host=delivery.scheme.host,
        data={"reason": reason},
    )
    return True


def deliveries_auto_confirm(*, now: dt.datetime | None = None) -> int:
    """Confirm every delivery that waited longer than its scheme allows; safe to re-run.

    The quarter of the service sets a second deadline: once the quarter has ended, a pending
    delivery's awaited side is reminded (once), and ``QUARTER_CONFIRM_DAYS`` after the end it
    confirms itself whatever the scheme's delay, so its documents are issued by the 15th. One
    that cannot be confirmed then (the spender is over their limit) is flagged to the host's
    admins (once). A delivery recorded after that day follows the scheme's delay only: the
    other side still gets its days to answer.

    Each delivery is confirmed in its own transaction, so one refused delivery does not hold
    back the others; it stays pending for a person.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    confirmed = 0
    pending = Delivery.objects.filter(status=DeliveryStatus.PENDING).select_related(
        "scheme__host", "service", "provider", "recipient"
    )
    for delivery in pending.order_by("pk").iterator():
        confirm_by = quarter_confirm_by(delivery)
        in_quarter_rule = timezone.localdate(delivery.created_at) < confirm_by
        deadline = delivery.created_at + dt.timedelta(days=delivery.scheme.auto_confirm_days)
        quarter_due = in_quarter_rule and today >= confirm_by
        if deadline > now and not quarter_due:
            if in_quarter_rule and today > quarter_end(delivery.date):
                delivery_remind(delivery=delivery)
            continue
        try:
            delivery_confirm(actor=None, delivery=delivery, auto=True)
        except CreditsError as exc:
            if quarter_due:
                delivery_flag(delivery=delivery, reason=exc.message)
            continue
        confirmed += 1
    return confirmed
