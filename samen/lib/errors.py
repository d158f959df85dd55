"""The one shape of a refused action, shared by every app's ``errors.py``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar


class DomainError(Exception):
    """An action refused and wrote nothing.

    Each app subclasses it once, next to its ``TextChoices`` of codes. ``code`` is the
    machine-readable reason (the API's ``code``); ``message`` is translated and safe to show
    (a form error, the API's ``detail``), by default the code's label; ``field`` names the
    form field it belongs to, when there is one. ``statuses`` gives the HTTP status an API
    call answers with for a code; any other code answers ``default_status``. The API turns
    every ``DomainError`` into ``{"detail", "code"}`` (samen/api/api.py), so endpoints need
    no ``try`` of their own.
    """

    statuses: ClassVar[Mapping[Any, int]] = {}
    default_status: ClassVar[int] = 422

    def __init__(self, code: Any, message: object = None, *, field: str | None = None) -> None:
        self.code = code
        self.message = str(message) if message is not None else str(getattr(code, "label", code))
        self.field = field
        super().__init__(self.message)

    @property
    def status(self) -> int:
        return self.statuses.get(str(self.code), self.default_status)
