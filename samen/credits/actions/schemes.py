"""Schemes: a host's credit scheme, its members' wallets and their credit limits."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from samen.audit.actions import audit_record
from samen.credits.actions._common import _require_admin, _require_member
from samen.credits.errors import CreditsError, CreditsErrorCode
from samen.credits.models import CreditLimit, CreditScheme, YearEndPolicy
from samen.ledger.actions import account_for, ledger_set_floor
from samen.ledger.errors import LedgerError, LedgerErrorCode
from samen.ledger.models import Account, AccountPurpose, Unit


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
    euro_value_includes_vat: bool = False,
    year_end_positive: str = YearEndPolicy.KEEP,
) -> CreditScheme:
    """Give a host its own credit: a ledger unit and the rules around it. Whether the euro
    value includes VAT is part of the unit: it is set here and not changed later."""
    _require_admin(actor, host)
    if CreditScheme.objects.filter(host=host).exists():
        raise CreditsError(CreditsErrorCode.SCHEME_EXISTS)
    if vat_rate is not None and vat_rate not in {Decimal(r) for r in (21, 12, 6, 0)}:
        raise CreditsError(CreditsErrorCode.INVALID, _("Belgian VAT rates are 21, 12, 6 or 0 %."))
    if default_credit_limit < 0 or auto_confirm_days < 1 or not 0 <= decimals <= 6:
        raise CreditsError(CreditsErrorCode.INVALID)
    if year_end_positive not in YearEndPolicy.values:
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
        euro_value_includes_vat=euro_value_includes_vat,
        year_end_positive=year_end_positive,
    )
    audit_record(
        actor=actor,
        action="credits.scheme_create",
        target=scheme,
        host=host,
        data={
            "unit": unit.code,
            "euro_value": str(euro_value),
            "vat_rate": str(vat_rate),
            "euro_value_includes_vat": euro_value_includes_vat,
            "year_end_positive": year_end_positive,
        },
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
    year_end_positive: str | None = None,
) -> CreditScheme:
    """Change the scheme's rules. A new default limit moves the floor of every member
    without their own limit; it is refused when a member is already below it."""
    _require_admin(actor, scheme.host)
    scheme = CreditScheme.objects.select_for_update().get(pk=scheme.pk)
    old = {
        "default_credit_limit": scheme.default_credit_limit,
        "settle_in_euros": scheme.settle_in_euros,
        "auto_confirm_days": scheme.auto_confirm_days,
        "year_end_positive": scheme.year_end_positive,
    }
    if default_credit_limit is not None:
        if default_credit_limit < 0:
            raise CreditsError(CreditsErrorCode.INVALID)
        scheme.default_credit_limit = default_credit_limit
        own = CreditLimit.objects.filter(scheme=scheme).values("user_id")
        wallets = Account.objects.filter(
            unit=scheme.unit, purpose=AccountPurpose.CREDIT_WALLET
        ).exclude(user_id__in=own)
        for account in wallets.select_related("user").order_by("pk"):
            _set_floor(actor, account, account.user, -default_credit_limit)
    if settle_in_euros is not None:
        scheme.settle_in_euros = settle_in_euros
    if auto_confirm_days is not None:
        if auto_confirm_days < 1:
            raise CreditsError(CreditsErrorCode.INVALID)
        scheme.auto_confirm_days = auto_confirm_days
    if year_end_positive is not None:
        if year_end_positive not in YearEndPolicy.values:
            raise CreditsError(CreditsErrorCode.INVALID)
        scheme.year_end_positive = year_end_positive
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


def _set_floor(actor: Any, account: Account, member: Any, floor: int) -> None:
    """Move ``member``'s wallet floor; refused when their balance is already below it."""
    try:
        ledger_set_floor(actor=actor, account=account, floor=floor)
    except LedgerError as exc:
        if exc.code != LedgerErrorCode.FLOOR_BREACHED:
            raise
        raise CreditsError(
            CreditsErrorCode.LIMIT_EXCEEDED,
            _("%(name)s is already further below zero than this limit allows.")
            % {"name": member.public_name},
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
    _set_floor(actor, wallet(scheme, user), user, -new)
    audit_record(
        actor=actor,
        action="credits.limit_set",
        target=user,
        host=scheme.host,
        data={"old": old, "new": new, "own": limit is not None},
    )
    return row
