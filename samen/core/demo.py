"""The demo community: ``manage.py seed_demo`` runs each app's ``demo.seed()`` in this order.

Each app's seed is idempotent (natural keys with update_or_create), so the command can run on
every ``make run``.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

DEMO_PASSWORD = "samen-demo"

SEED_ORDER = [
    "accounts",
    "communities",
    "ledger",
    "funding",
    "expenses",
    "credits",
    "invoicing",
    "knowledge",
    "conversations",
    "events",
    "decisions",
]


def seed_all() -> None:
    for app in SEED_ORDER:
        if find_spec(f"samen.{app}.demo"):
            import_module(f"samen.{app}.demo").seed()
