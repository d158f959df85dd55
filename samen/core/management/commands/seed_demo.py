from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from samen.core.demo import seed_all


class Command(BaseCommand):
    help = "Create or refresh the demo community (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        task_log = logging.getLogger("django_tasks")
        level = task_log.level
        task_log.setLevel(logging.WARNING)  # hundreds of inline runs say nothing useful
        try:
            self._seed()
        finally:
            task_log.setLevel(level)
        self.stdout.write(self.style.SUCCESS("Demo community ready."))

    def _seed(self) -> None:
        # The demo people are fictional: the notifications their history would trigger
        # (receipts, statements, decisions) are run at once and kept in memory, instead of
        # flooding the console or waiting in the task queue.
        with (
            override_settings(
                TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
                EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            ),
            transaction.atomic(),
        ):
            seed_all()
