"""The one pagination convention of the API: keyset cursors (see docs/api.md).

A list endpoint answers ``{"items": [...], "next_cursor": "..." | null}`` and takes
``?cursor=&limit=`` (limit 1-100, default 50). The cursor is opaque: the sort key of the last
row returned, signed with the SECRET_KEY so a client cannot forge one (a tampered or foreign
cursor is 400 ``invalid_cursor``). Keyset pagination stays fast and stable however deep the
list, and rows inserted meanwhile are neither skipped nor repeated.

Use in a router::

    from ninja import Query
    from samen.api.pagination import CursorParams, page_of, paginate

    @router.get("/things", response=page_of(ThingOut))
    def list_things(request, page: Query[CursorParams]):
        return paginate(Thing.objects.filter(...), page, order=("-created_at", "-id"))
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from functools import cache
from typing import Any, TypeVar

from django.core import signing
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Field as DjangoField
from django.db.models import Model, Q, QuerySet
from ninja import Field, Schema
from pydantic import create_model

from samen.api.errors import ApiError, ErrorCode

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
_SALT = "samen.api.cursor"

M = TypeVar("M", bound=Model)


class CursorParams(Schema):
    """The query parameters every list takes."""

    cursor: str | None = Field(
        None, description="Opaque: the next_cursor of the previous page. Omit for the first page."
    )
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page.")


@cache
def page_of(item: type[Schema]) -> type[Schema]:
    """The response schema of a list of ``item``: ``{"items": [...], "next_cursor": ...}``.

    A named model per item schema (``ThingOutPage``) rather than a generic, so the OpenAPI
    component names stay plain identifiers.
    """
    model: type[Schema] = create_model(
        f"{item.__name__}Page",
        __base__=Schema,
        items=(list[item], ...),  # type: ignore[valid-type]
        next_cursor=(
            str | None,
            Field(..., description="Pass as ?cursor= to get the next page; null on the last."),
        ),
    )
    return model


def paginate(
    queryset: QuerySet[M], params: CursorParams, *, order: tuple[str, ...] = ("-id",)
) -> dict[str, Any]:
    """One page of ``queryset`` sorted by ``order``, as ``page_of(...)`` expects.

    ``order`` names the model's own non-null fields (``"-created_at"``, ``"user_id"``) and
    must end with a unique one (``id``) so that the key of a row is unique.
    """
    keys = [(name.lstrip("-"), name.startswith("-")) for name in order]
    rows = queryset.order_by(*order)
    if params.cursor:
        rows = rows.filter(_after(queryset.model, keys, decode_cursor(params.cursor, order)))
    page = list(rows[: params.limit + 1])
    next_cursor = None
    if len(page) > params.limit:
        page = page[: params.limit]
        last = page[-1]
        next_cursor = encode_cursor([getattr(last, name) for name, _ in keys], order)
    return {"items": page, "next_cursor": next_cursor}


def encode_cursor(values: list[Any], order: tuple[str, ...]) -> str:
    """Sign the sort key of a row, tagged with the ordering it belongs to."""
    return signing.dumps([",".join(order), *[_plain(v) for v in values]], salt=_SALT)


def decode_cursor(cursor: str, order: tuple[str, ...]) -> list[Any]:
    try:
        payload = signing.loads(cursor, salt=_SALT)
    except signing.BadSignature as exc:
        raise ApiError(400, ErrorCode.INVALID_CURSOR) from exc
    if (
        not isinstance(payload, list)
        or len(payload) != len(order) + 1
        or payload[0] != ",".join(order)
    ):
        raise ApiError(400, ErrorCode.INVALID_CURSOR)
    return payload[1:]


def _after(model: type[Model], keys: list[tuple[str, bool]], values: list[Any]) -> Q:
    """Rows strictly after the cursor in the (mixed-direction) lexicographic order."""
    typed = [_typed(model, name, value) for (name, _), value in zip(keys, values, strict=True)]
    condition = Q()
    for i, (name, descending) in enumerate(keys):
        equal_before = {keys[j][0]: typed[j] for j in range(i)}
        step = Q(**equal_before, **{f"{name}__{'lt' if descending else 'gt'}": typed[i]})
        condition |= step
    return condition


def _typed(model: type[Model], name: str, value: Any) -> Any:
    try:
        field = model._meta.get_field(name)
        if not isinstance(field, DjangoField):
            raise TypeError(f"{name} is not a concrete field")
        return field.to_python(value)
    except (FieldDoesNotExist, ValidationError, TypeError, ValueError) as exc:
        raise ApiError(400, ErrorCode.INVALID_CURSOR) from exc


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value
