"""Who and where the current request comes from, for audit rows written deep inside actions."""

from __future__ import annotations

from contextvars import ContextVar

client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)
