"""Bounces and complaints reported by the mail provider (django-anymail's tracking webhooks)
stop newsletters to that address."""

from __future__ import annotations

from typing import Any


def on_tracking(sender: Any, event: Any, esp_name: str, **kwargs: Any) -> None:
    from samen.knowledge.actions import subscriptions_stop_for_address

    if event.event_type in {"bounced", "complained", "rejected"} and event.recipient:
        subscriptions_stop_for_address(email=event.recipient, reason=event.event_type)


def connect_signals() -> None:
    from anymail.signals import tracking

    tracking.connect(on_tracking, dispatch_uid="samen.knowledge.tracking")
