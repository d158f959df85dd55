"""``python manage.py bank_import --host <slug> FILE [FILE ...]``: import bank statements."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samen.banking.actions import BankFileError, bank_import
from samen.communities.models import Host


class Command(BaseCommand):
    help = "Import CODA or camt.053 bank statements of a host and match their lines."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", required=True, help="The host's slug.")
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            host = Host.objects.get(slug=options["host"])
        except Host.DoesNotExist as exc:
            raise CommandError(f"No host with slug {options['host']!r}.") from exc
        for path in options["files"]:
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise CommandError(f"{path}: {exc}") from exc
            try:
                result = bank_import(actor=None, host=host, data=data, filename=path.name)
            except BankFileError as exc:
                raise CommandError(f"{path}: {exc.message}") from exc
            if result.already_imported:
                self.stdout.write(f"{path}: already imported, nothing changed.")
                continue
            self.stdout.write(
                f"{path}: {len(result.new_lines)} new lines, {result.matched} matched, "
                f"{result.unmatched} unmatched, {result.skipped_duplicates} already known."
            )
