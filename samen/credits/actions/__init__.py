"""Every write of the credits app: schemes, limits, rate cards and deliveries.

Confirming a delivery posts its credits to the ledger and issues the euro documents (an
invoice to the member who spends, a credit note to the member who earns) in the same
database transaction, on the day of confirmation, so they fall in the quarter of the service;
then each member's open invoices and credit notes are set off (``member_compensate``).
"""

from samen.credits.actions.compensation import member_compensate
from samen.credits.actions.deliveries import (
    can_decide,
    credits_spendable,
    deliveries_auto_confirm,
    delivery_cancel,
    delivery_confirm,
    delivery_record,
    delivery_reject,
    workshop_record,
)
from samen.credits.actions.help_requests import (
    DIGEST_WINDOW,
    MAX_DESCRIPTION_LENGTH,
    MAX_TITLE_LENGTH,
    can_close_request,
    help_request_close,
    help_request_create,
    request_digests_send,
)
from samen.credits.actions.rate_cards import (
    ServiceInput,
    rate_card_on,
    rate_card_publish,
    service_on,
)
from samen.credits.actions.schemes import (
    credit_limit_set,
    issuance,
    limit_for,
    lock_wallets,
    scheme_create,
    scheme_for,
    scheme_update,
    wallet,
)
from samen.credits.actions.settlements import (
    Settled,
    SettlementCheck,
    settled_by,
    settlement_check,
    settlement_credits,
    settlement_due,
    settlement_euros,
    settlement_record,
)
from samen.credits.actions.year_end import year_end_close, year_ends_close

__all__ = [
    "DIGEST_WINDOW",
    "MAX_DESCRIPTION_LENGTH",
    "MAX_TITLE_LENGTH",
    "ServiceInput",
    "Settled",
    "SettlementCheck",
    "can_close_request",
    "can_decide",
    "credit_limit_set",
    "credits_spendable",
    "deliveries_auto_confirm",
    "delivery_cancel",
    "delivery_confirm",
    "delivery_record",
    "delivery_reject",
    "help_request_close",
    "help_request_create",
    "issuance",
    "limit_for",
    "lock_wallets",
    "member_compensate",
    "rate_card_on",
    "rate_card_publish",
    "request_digests_send",
    "scheme_create",
    "scheme_for",
    "scheme_update",
    "service_on",
    "settled_by",
    "settlement_check",
    "settlement_credits",
    "settlement_due",
    "settlement_euros",
    "settlement_record",
    "wallet",
    "workshop_record",
    "year_end_close",
    "year_ends_close",
]
