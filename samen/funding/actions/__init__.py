"""Every write of money in: contributions, payments, refunds, campaigns, recurring gifts.

A paid contribution is posted to the ledger as one balanced transaction (idempotency key
``funding:contribution:<id>``): the outside world pays the gross amount, the collective
(its balance, or its pledges account for an all-or-nothing campaign) receives it net of the
host fee and the processor fee, which go to the host's fee income and processor fees
accounts. A refund is the ledger reversal of that transaction.
"""

from samen.funding.actions.bank_matching import (
    contribution_confirm_bank_line,
    contribution_from_bank_line,
    match_incoming_by_communication,
)
from samen.funding.actions.campaigns import (
    campaign_create,
    campaign_goal_met,
    campaign_image_set,
    campaign_raised,
    campaign_settle,
    campaign_update_publish,
    campaigns_settle_due,
    matched_amount,
    matching_pledge_add,
    reward_mark_delivered,
    reward_save,
)
from samen.funding.actions.contributions import (
    DEFAULT_MINIMUM,
    REWARD_HOLD,
    added_funds_create,
    contribution_cancel,
    contribution_fail,
    contribution_mark_paid,
    contribution_start,
    host_fee_for,
    minimum_amount,
    new_structured_communication,
    reward_remaining,
    tier_remaining,
)
from samen.funding.actions.guests import GuestErasure, guest_erase
from samen.funding.actions.recurring import (
    RECURRING_MAX_FAILURES,
    holds_release_expired,
    recurring_run_due,
    recurring_update,
)
from samen.funding.actions.refunds import (
    COLLECTIVE_REFUND_WINDOW,
    contribution_refund,
    refund_mark_executed,
)
from samen.funding.actions.stripe import stripe_checkout_start, stripe_event_handle
from samen.funding.actions.tiers import tier_deactivate, tier_save

__all__ = [
    "COLLECTIVE_REFUND_WINDOW",
    "DEFAULT_MINIMUM",
    "RECURRING_MAX_FAILURES",
    "REWARD_HOLD",
    "GuestErasure",
    "added_funds_create",
    "campaign_create",
    "campaign_goal_met",
    "campaign_image_set",
    "campaign_raised",
    "campaign_settle",
    "campaign_update_publish",
    "campaigns_settle_due",
    "contribution_cancel",
    "contribution_confirm_bank_line",
    "contribution_fail",
    "contribution_from_bank_line",
    "contribution_mark_paid",
    "contribution_refund",
    "contribution_start",
    "guest_erase",
    "holds_release_expired",
    "host_fee_for",
    "match_incoming_by_communication",
    "matched_amount",
    "matching_pledge_add",
    "minimum_amount",
    "new_structured_communication",
    "recurring_run_due",
    "recurring_update",
    "refund_mark_executed",
    "reward_mark_delivered",
    "reward_remaining",
    "reward_save",
    "stripe_checkout_start",
    "stripe_event_handle",
    "tier_deactivate",
    "tier_remaining",
    "tier_save",
]
