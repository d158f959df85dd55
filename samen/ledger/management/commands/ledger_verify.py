from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from samen.ledger.verify import verify_ledger


class Command(BaseCommand):
    help = (
        "Recompute every balance from the entries and check zero sums, floors, reversal links "
        "and every seal. Exits 0 only when all hold."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        problems = verify_ledger()
        if problems:
            for problem in problems:
                self.stdout.write(self.style.ERROR(problem))
            raise CommandError(f"The ledger failed verification: {len(problems)} problem(s).")
        self.stdout.write(self.style.SUCCESS("The ledger verifies: every invariant holds."))
