"""Stripe Checkout (card and Bancontact): configuration, sessions, refunds, off-session charges.

Stripe is offered only when both ``STRIPE_SECRET_KEY`` and ``STRIPE_WEBHOOK_SECRET`` are set
in the environment (read on each call, so a deployment can add them without a code change).
Every call to Stripe's servers goes through this module, so tests replace these functions
and nothing leaves the machine.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import stripe

from samen.lib.env import env_int, env_str


@dataclass(frozen=True)
class StripeKeys:
    secret_key: str
    webhook_secret: str


def stripe_keys() -> StripeKeys | None:
    secret = env_str("STRIPE_SECRET_KEY") or ""
    webhook = env_str("STRIPE_WEBHOOK_SECRET") or ""
    if not secret or not webhook:
        return None
    return StripeKeys(secret_key=secret, webhook_secret=webhook)


def stripe_enabled() -> bool:
    return stripe_keys() is not None


def estimated_processor_fee(amount: int) -> int:
    """Stripe's fee on ``amount`` cents, from ``STRIPE_FEE_BASIS_POINTS`` + ``STRIPE_FEE_FIXED``.

    Checkout events do not carry the fee; the default (1.5 % + 0.25 EUR) is Stripe's
    European card price. Hosts on another price set the two variables.
    """
    basis_points = env_int("STRIPE_FEE_BASIS_POINTS", 150)
    fixed = env_int("STRIPE_FEE_FIXED", 25)
    fee = (Decimal(amount) * basis_points / 10_000).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return min(amount, int(fee) + fixed)


def _client() -> stripe.StripeClient:
    keys = stripe_keys()
    if keys is None:
        raise RuntimeError("Stripe is not configured.")
    # A Stripe-compatible server instead of Stripe's own (stripe-mock, or the stand-in of
    # `make bench-web`); never set in production.
    base = env_str("STRIPE_API_BASE") or ""
    if base:
        return stripe.StripeClient(keys.secret_key, base_addresses={"api": base})
    return stripe.StripeClient(keys.secret_key)


def checkout_session_create(
    *,
    contribution_id: int,
    amount: int,
    description: str,
    email: str,
    success_url: str,
    cancel_url: str,
    save_card: bool,
) -> tuple[str, str]:
    """Create a Checkout session; returns (session id, URL to send the supporter to)."""
    params: dict[str, Any] = {
        "mode": "payment",
        "payment_method_types": ["card", "bancontact"],
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": "eur",
                    "unit_amount": amount,
                    "product_data": {"name": description[:250]},
                },
            }
        ],
        "client_reference_id": str(contribution_id),
        "metadata": {"contribution": str(contribution_id)},
        "success_url": success_url,
        "cancel_url": cancel_url,
        # Stripe's shortest session life is 30 minutes; rewards are held for 15, and a
        # payment that still comes in later is honoured (the money is in).
        "expires_at": int(time.time()) + 30 * 60,
    }
    if email:
        params["customer_email"] = email
    if save_card:
        params["customer_creation"] = "always"
        params["payment_intent_data"] = {"setup_future_usage": "off_session"}
    # The params are a TypedDict in stripe's stubs; a plain dict built step by step is fine.
    session = _client().v1.checkout.sessions.create(params=params)  # type: ignore[arg-type]
    return session.id, session.url or ""


def refund_create(*, payment_intent: str, amount: int, idempotency_key: str) -> str:
    """Refund ``amount`` of a payment; returns Stripe's refund id."""
    refund = _client().v1.refunds.create(
        params={"payment_intent": payment_intent, "amount": amount},
        options={"idempotency_key": idempotency_key},
    )
    return refund.id


def payment_method_of(payment_intent: str) -> str:
    """The saved card behind a paid payment intent, to charge the next recurring payments."""
    intent = _client().v1.payment_intents.retrieve(payment_intent)
    method = intent.payment_method
    return str(method if isinstance(method, str) or method is None else method.id) or ""


def charge_off_session(
    *, customer: str, payment_method: str, amount: int, idempotency_key: str
) -> tuple[bool, str]:
    """Charge a saved card for a recurring payment; returns (succeeded, payment intent id)."""
    try:
        intent = _client().v1.payment_intents.create(
            params={
                "amount": amount,
                "currency": "eur",
                "customer": customer,
                "payment_method": payment_method,
                "off_session": True,
                "confirm": True,
            },
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError:
        return False, ""
    return intent.status == "succeeded", intent.id


def webhook_event(payload: bytes, signature: str) -> dict[str, Any]:
    """Verify the ``Stripe-Signature`` header; the event as plain dicts (ValueError if invalid)."""
    keys = stripe_keys()
    if keys is None:
        raise ValueError("Stripe is not configured.")
    try:
        event = stripe.Webhook.construct_event(payload, signature, keys.webhook_secret)
    except stripe.SignatureVerificationError as exc:
        raise ValueError("bad signature") from exc
    return dict(event.to_dict())
