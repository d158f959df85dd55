"""``manage.py scheduler``: enqueue periodic jobs when due (see samen/core/schedule.py)."""

from __future__ import annotations

import signal
import threading
from datetime import timedelta
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from samen.core.schedule import jobs, next_due, run_due, scheduler_lock

# Wake at least this often, so a changed clock or a new deploy's jobs are noticed.
MAX_SLEEP = timedelta(minutes=5)


class Command(BaseCommand):
    help = (
        "Enqueue periodic jobs when they are due. One runs per installation: on PostgreSQL "
        "a second one stands by until the first stops."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="Enqueue what is due now, then exit."
        )
        parser.add_argument(
            "--standby-seconds",
            type=float,
            default=15.0,
            help="How often a standing-by scheduler checks whether the active one stopped.",
        )

    def handle(
        self, *args: Any, once: bool = False, standby_seconds: float = 15.0, **options: Any
    ) -> None:
        stop = threading.Event()
        if not once:
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, self._stopper(stop))
        with scheduler_lock() as acquire:
            if not acquire():
                if once:
                    raise CommandError("another scheduler is running; nothing was enqueued")
                self.stdout.write("scheduler: another scheduler is running; standing by")
                while not acquire():
                    if stop.wait(standby_seconds):
                        self.stdout.write("scheduler: stopped")
                        return
                self.stdout.write("scheduler: the other scheduler stopped; taking over")
            self._run(stop, once)

    def _run(self, stop: threading.Event, once: bool) -> None:
        registered = jobs()
        self.stdout.write(
            f"scheduler: {len(registered)} job(s): "
            + ", ".join(f"{job.name} ({job.cadence.kind})" for job in registered)
        )
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
