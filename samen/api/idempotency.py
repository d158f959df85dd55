"""Creating calls that run once: the API's ``Idempotency-Key`` header and forms' one-time token.

A client that sends the same creating call twice (a retry after a timeout, a double click,
ten identical posts in one second) must get one object, and the repeat must answer with the
first result. :func:`run_once` is the one mechanism: it claims ``(scope, key)`` in an
:class:`~samen.api.models.IdempotencyRecord` inside the transaction that does the work, so
a concurrent repeat waits on the unique key and then reads the finished answer.

- The API applies it to every POST through :func:`idempotent`, installed once on the API
  object (as Stripe does: same key and same body gives the stored answer, with the header
  ``Idempotent-Replayed: true``; same key and another body is a 409
  ``idempotency_key_reused``). Only successful answers are kept: a refused call can be
  retried with the same key once the cause is fixed.
- Forms that create money objects carry a hidden :class:`OneTimeTokenField`; their view
  wraps the success path in :func:`run_once` and a repeat is sent to the first result.

Keys are scoped to the caller: a token's hash, else the signed-in person, else the anonymous
caller (for whom the key itself, a random value, is the secret, and the body must match).
Records older than ``IDEMPOTENCY_TTL`` (24 hours) are forgotten and the key can be reused.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import uuid
from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import TextChoices
from django.http import HttpRequest, HttpResponse, HttpResponseBase, RawPostDataException
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samen.api.models import IdempotencyRecord, PersonalToken, hash_token

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
DEFAULT_TTL = dt.timedelta(hours=24)


class IdempotencyErrorCode(TextChoices):
    KEY_REUSED = (
        "idempotency_key_reused",
        _("This Idempotency-Key was already used for a different request."),
    )
    IN_PROGRESS = (
        "idempotency_in_progress",
        _("A request with this Idempotency-Key is still being processed; retry shortly."),
    )
    INVALID_KEY = (
        "idempotency_key_invalid",
        _("The Idempotency-Key header must be 1 to 255 visible ASCII characters."),
    )


class KeyReused(Exception):
    """The key was first used with another request body."""


def _ttl() -> dt.timedelta:
    return getattr(settings, "IDEMPOTENCY_TTL", DEFAULT_TTL)


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(
        bytes(record.body), status=record.status_code or 200, content_type=record.content_type
    )
    if record.location:
        response["Location"] = record.location
    response[REPLAYED_HEADER] = "true"
    return response


def _keep(record: IdempotencyRecord, response: HttpResponseBase) -> None:
    record.status_code = response.status_code
    record.content_type = response.get("Content-Type", "")[:100]
    record.location = response.get("Location", "")[:2000]
    record.body = getattr(response, "content", b"")
    record.save(update_fields=["status_code", "content_type", "location", "body"])


def run_once(
    *,
    scope: str,
    key: str,
    request_hash: str,
    produce: Callable[[], HttpResponseBase],
    keep: Callable[[HttpResponseBase], bool],
) -> HttpResponseBase:
    """``produce()`` once per ``(scope, key)``; a repeat gets the first kept answer back.

    ``keep`` says whether an answer is a result worth replaying (a success); anything else
    releases the key. Raises :class:`KeyReused` when the key came with another
    ``request_hash``.
    """
    with transaction.atomic():
        for _attempt in range(2):
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        scope=scope, key=key, request_hash=request_hash
                    )
                break
            except IntegrityError:
                # The first call committed (a concurrent one waited here until it did).
                first = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
                if first is None:
                    continue  # it gave the key back: try to take it now
                if first.created_at < timezone.now() - _ttl():
                    first.delete()
                    continue
                if first.request_hash != request_hash:
                    raise KeyReused from None
                return _replay(first)
        else:  # pragma: no cover - two losses in a row need a third caller; be safe
            raise KeyReused
        response = produce()
        if getattr(response, "streaming", False) or not keep(response):
            record.delete()
        else:
            _keep(record, response)
        return response


# --- API ---------------------------------------------------------------------------------


def _api_scope(request: HttpRequest) -> str:
    authorization = request.headers.get("Authorization", "")
    if authorization.lower().startswith("bearer "):
        return "token:" + hash_token(authorization[7:].strip())
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return "anon"


def _token_still_valid(scope: str) -> bool:
    if not scope.startswith("token:"):
        return True
    found = PersonalToken.objects.filter(token_hash=scope[6:]).first()
    return found is not None and found.is_active()


def _body_hash(request: HttpRequest) -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    try:
        digest.update(request.body)
    except RawPostDataException:  # multipart: already parsed into fields and files
        for name, values in sorted(request.POST.lists()):
            digest.update(repr((name, values)).encode())
        for name, files in sorted(request.FILES.lists()):
            for upload in files:
                digest.update(f"{name}:{upload.name}:{upload.size}".encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    return digest.hexdigest()


def _valid_key(key: str) -> bool:
    return 0 < len(key) <= MAX_KEY_LENGTH and all(32 < ord(c) < 127 for c in key)


def idempotent(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Wrap an API operation so that a POST with an ``Idempotency-Key`` runs once.

    Installed for every operation with ``api.add_decorator(idempotent, mode="view")``; it
    is a no-op for other methods and for calls without the header.
    """

    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        key = request.headers.get(HEADER)
        if request.method != "POST" or key is None:
            return run(request, *args, **kwargs)
        from samen.api.api import error_response

        if not _valid_key(key):
            code = IdempotencyErrorCode.INVALID_KEY
            return error_response(request, 400, code, str(code.label))
        scope = _api_scope(request)
        if not _token_still_valid(scope):
            return run(request, *args, **kwargs)  # authentication answers it
        try:
            return run_once(
                scope=scope,
                key=key,
                request_hash=_body_hash(request),
                produce=lambda: run(request, *args, **kwargs),
                keep=lambda response: 200 <= response.status_code < 300,
            )
        except KeyReused:
            code = IdempotencyErrorCode.KEY_REUSED
            return error_response(request, 409, code, str(code.label))

    return wrapper


# --- Forms -------------------------------------------------------------------------------


class OneTimeTokenField(forms.CharField):
    """A hidden random token: the form it is in is submitted once (see :func:`form_once`)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.HiddenInput)
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 64)
        super().__init__(**kwargs)

    def get_bound_field(self, form: forms.BaseForm, field_name: str) -> forms.BoundField:
        # A fresh token each time the empty form is shown; a bound form keeps the posted one.
        if field_name not in form.initial:
            form.initial[field_name] = uuid.uuid4().hex
        return super().get_bound_field(form, field_name)


def form_once(
    request: HttpRequest, token: str, produce: Callable[[], HttpResponse]
) -> HttpResponse:
    """Run a form's success path once per one-time token; a repeat is sent where the first
    submission was sent (its redirect). Without a token (an old page) it just runs."""
    if not token:
        return produce()
    user = getattr(request, "user", None)
    scope = f"form:{user.pk}" if user is not None and user.is_authenticated else "form:anon"
    response = run_once(
        scope=scope,
        key=hashlib.sha256(f"{request.path}|{token}".encode()).hexdigest(),
        request_hash="form",  # a changed repeat of the same page still shows the first result
        produce=produce,
        keep=lambda response: response.status_code in (301, 302, 303),
    )
    return cast(HttpResponse, response)  # a replay is a plain HttpResponse too
