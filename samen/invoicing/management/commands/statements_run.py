from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samen.communities.models import Host
from samen.credits.models import CreditScheme
from samen.invoicing.runner import run_statements
from samen.invoicing.statements import parse_month


class Command(BaseCommand):
    help = (
        "Produce, store and e-mail the monthly credit statements of a host. Restartable: "
        "statements already made or sent are not made or sent again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", required=True, help="the host's slug")
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--workers", type=int, default=1, help="rendering processes")

    def handle(self, *args: Any, **options: Any) -> None:
        host = Host.objects.filter(slug=options["host"]).first()
        if host is None:
            raise CommandError(f"No host with slug {options['host']!r}.")
        if not CreditScheme.objects.filter(host=host).exists():
            raise CommandError(f"Host {host.slug!r} has no credit scheme.")
        try:
            month = parse_month(options["month"])
        except ValueError as exc:
            raise CommandError("--month must look like 2026-03.") from exc
        run = run_statements(host=host, month=month, workers=max(1, options["workers"]))
        self.stdout.write(f"{run.statements} statements for {host.slug} {month:%Y-%m}.")
