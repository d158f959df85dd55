from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from samen.accounts.demo import PEOPLE
from samen.core.demo import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the demo logins (after seed_demo)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(
            f"\nSamen runs at {settings.SITE_URL}/  Demo logins (password: {DEMO_PASSWORD}):"
        )
        for person in PEOPLE:
            self.stdout.write(f"  {person.email:<28} {person.name:<18} {person.role}")
        self.stdout.write("")
