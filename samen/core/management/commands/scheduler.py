"""``manage.py scheduler``: enqueue periodic jobs when due (see samen/core/schedule.py)."""

from __future__ import annotations

import signal
import threading
from datetime import timedelta
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from samen.core.schedule import jobs, next_due, run_due

# Wake at least this often, so a changed clock or a new deploy's jobs are noticed.
MAX_SLEEP = timedelta(minutes=5)


class Command(BaseCommand):
    help = "Enqueue periodic jobs when they are due. Safe to run on several machines at once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="Enqueue what is due now, then exit."
        )

    def handle(self, *args: Any, once: bool = False, **options: Any) -> None:
        registered = jobs()
        self.stdout.write(
            f"scheduler: {len(registered)} job(s): "
            + ", ".join(f"{job.name} ({job.cadence.kind})" for job in registered)
        )
        stop = threading.Event()
        if not once:
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, self._stopper(stop))
        while True:
            for run in run_due():
                self.stdout.write(f"scheduler: enqueued {run.job} for {run.slot.isoformat()}")
            if once:
                return
            now = timezone.now()
            wake = next_due(now) or now + MAX_SLEEP
            pause = min(max((wake - now).total_seconds(), 0.0), MAX_SLEEP.total_seconds())
            # A second's margin so we wake after the slot, not a hair before it.
            if stop.wait(pause + 1):
                self.stdout.write("scheduler: stopped")
                return
            # After a long sleep the database may have dropped us; reconnect if so.
            close_old_connections()

    @staticmethod
    def _stopper(stop: threading.Event) -> Any:
        def handler(signum: int, frame: FrameType | None) -> None:
            stop.set()

        return handler
