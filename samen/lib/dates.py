"""The window a date must fall in before it becomes money (a payment, a receipt, a booking).

A payment booked on 1900-01-01 or a receipt dated 9999-12-31 is a typo or an attack, never
bookkeeping: it would land in a closed year, distort every statement and stay in the
append-only ledger for good. ``MONEY_DATE_MAX_AGE_DAYS`` (how far back) and
``MONEY_DATE_MAX_AHEAD_DAYS`` (how far ahead) configure the window; callers may narrow it
further with ``not_before`` (for example: not before the expense's own receipts).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from samen.lib.errors import DomainError

DEFAULT_MAX_AGE_DAYS = 3 * 366
DEFAULT_MAX_AHEAD_DAYS = 31


class DateErrorCode(models.TextChoices):
    TOO_EARLY = "date_too_early", _("This date is too far in the past.")
    TOO_LATE = "date_too_late", _("This date is too far in the future.")


class DateOutOfWindow(DomainError):
    """A date outside the window for money; ``message`` says the allowed range."""


def money_date_window(
    *, today: dt.date | None = None, not_before: dt.date | None = None
) -> tuple[dt.date, dt.date]:
    """``(earliest, latest)`` a money date may take, both inclusive."""
    today = today or timezone.localdate()
    age = int(getattr(settings, "MONEY_DATE_MAX_AGE_DAYS", DEFAULT_MAX_AGE_DAYS))
    ahead = int(getattr(settings, "MONEY_DATE_MAX_AHEAD_DAYS", DEFAULT_MAX_AHEAD_DAYS))
    earliest = today - dt.timedelta(days=age)
    if not_before is not None and not_before > earliest:
        earliest = not_before
    return earliest, today + dt.timedelta(days=ahead)


def check_money_date(
    value: dt.date,
    *,
    today: dt.date | None = None,
    not_before: dt.date | None = None,
    field: str | None = None,
) -> dt.date:
    """``value`` when it is inside :func:`money_date_window`, else :class:`DateOutOfWindow`."""
    if isinstance(value, dt.datetime):
        value = value.date()
    earliest, latest = money_date_window(today=today, not_before=not_before)
    if value < earliest:
        raise DateOutOfWindow(
            DateErrorCode.TOO_EARLY,
            _("Enter a date on or after %(date)s.")
            % {"date": formats.date_format(earliest, "SHORT_DATE_FORMAT")},
            field=field,
        )
    if value > latest:
        raise DateOutOfWindow(
            DateErrorCode.TOO_LATE,
            _("Enter a date on or before %(date)s.")
            % {"date": formats.date_format(latest, "SHORT_DATE_FORMAT")},
            field=field,
        )
    return value


def validate_money_date(value: dt.date) -> None:
    """Form validator: a field error (not a server error) for a date outside the window."""
    from django.core.exceptions import ValidationError

    try:
        check_money_date(value)
    except DateOutOfWindow as exc:
        raise ValidationError(exc.message, code=str(exc.code)) from None
