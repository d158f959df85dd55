"""Token scopes: what a personal access token may do, and what each API operation needs.

A scope has two parts. The *area* is the app an operation belongs to (funding, expenses,
credits, communities, ...), found from the module of its endpoint, so an app that adds a
router adds an area without touching this file. *Writing* is any method other than GET, HEAD
and OPTIONS. A token is read-only or may also write, and covers every area (including areas
added later) or a chosen list.

The check itself lives in one place, the token authentication (samen/api/auth.py): each
operation gets a ``TokenAuth`` that knows the operation's scope (``scope_operations``, run
once when the API binds its routers), so no endpoint checks scopes by hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.utils.functional import Promise

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The caller's own account and tokens (samen/api/me.py) belong to the accounts area.
_AREA_OF_APP = {"api": "accounts"}


@dataclass(frozen=True)
class Scope:
    """What one API operation needs from a token."""

    area: str
    write: bool

    def __str__(self) -> str:
        return f"{self.area}:{'write' if self.write else 'read'}"


def operation_scope(operation: Any) -> Scope:
    """The scope a ninja ``Operation`` needs: its app's area, and writing unless it only
    answers safe methods."""
    module = operation.view_func.__module__
    config = apps.get_containing_app_config(module)
    label = config.label if config is not None else module.split(".")[1]
    write = any(method.upper() not in SAFE_METHODS for method in operation.methods)
    return Scope(area=_AREA_OF_APP.get(label, label), write=write)


def area_label(area: str) -> str | Promise:
    """The translated name of an area: its app's name."""
    try:
        return apps.get_app_config(area).verbose_name
    except LookupError:
        return area


def api_areas() -> list[tuple[str, str | Promise]]:
    """Every area of the API as ``(area, translated name)``, in the order of the names."""
    from samen.api.api import api

    areas = {
        operation_scope(operation).area
        for router in api._get_bound_routers()
        for path_view in router.path_operations.values()
        for operation in path_view.operations
    }
    return sorted(((area, area_label(area)) for area in areas), key=lambda a: str(a[1]))


def unknown_areas(areas: Iterable[str]) -> list[str]:
    known = {area for area, _label in api_areas()}
    return sorted(set(areas) - known)


def scope_operations(bound_routers: Iterable[Any]) -> None:
    """Give every operation's token authentication the scope of that operation.

    Called once, when the API binds its routers; session and anonymous callers are not
    affected (a browser session is the person, with all their rights).
    """
    from samen.api.auth import TokenAuth

    for router in bound_routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                scope = operation_scope(operation)
                operation.auth_callbacks = [
                    callback.scoped(scope) if isinstance(callback, TokenAuth) else callback
                    for callback in operation.auth_callbacks
                ]
