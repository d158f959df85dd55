from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samen.communities.models import Host
from samen.invoicing.exports import write_export
from samen.invoicing.statements import month_bounds, parse_month


class Command(BaseCommand):
    help = "Write a host's accounting export of one month: journal CSV, UBL files and PDFs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", required=True, help="the host's slug")
        parser.add_argument("--period", required=True, help="YYYY-MM")
        parser.add_argument("--out", required=True, help="the folder to write into")

    def handle(self, *args: Any, **options: Any) -> None:
        host = Host.objects.filter(slug=options["host"]).first()
        if host is None:
            raise CommandError(f"No host with slug {options['host']!r}.")
        try:
            start, end = month_bounds(parse_month(options["period"]))
        except ValueError as exc:
            raise CommandError("--period must look like 2026-03.") from exc
        written = write_export(host, start, end, Path(options["out"]))
        self.stdout.write(f"{len(written)} files written to {options['out']}.")
