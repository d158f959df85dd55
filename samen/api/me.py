"""``/api/v1/me``: the caller's own account and personal access tokens."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import field_validator

from samen.accounts.actions import user_update_basics
from samen.api.access import access_token
from samen.api.actions import token_create, token_revoke
from samen.api.auth import api_auth, require_session
from samen.api.pagination import CursorParams, page_of, paginate
from samen.api.queries import tokens_of

router = Router(tags=["me"], auth=api_auth)


class MeOut(Schema):
    id: int
    display_name: str
    language: str = Field(description="en, nl or fr; empty means: follow the browser.")
    email: str


class MePatch(Schema):
    display_name: str | None = Field(None, max_length=120)
    language: str | None = Field(None, description="en, nl, fr, or empty for the browser's.")

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str | None) -> str | None:
        codes = [code for code, _ in settings.LANGUAGES]
        if value is not None and value != "" and value not in codes:
            raise ValueError(f"must be one of {', '.join(codes)} or empty")
        return value


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The first characters of the token, to recognise it.")
    status: str = Field(description="active, expired or revoked.")
    created_at: datetime
    last_used_at: datetime | None = Field(description="Updated at most once a minute.")
    expires_at: datetime | None
    revoked_at: datetime | None
    read_only: bool = Field(description="True: the token may read but never change.")
    areas: list[str] = Field(
        description="The API areas the token may use (e.g. funding, expenses); empty: every area."
    )


class TokenCreated(TokenOut):
    token: str = Field(description="The secret. Shown only in this answer: store it now.")


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    expires_at: datetime | None = Field(None, description="Omit for a token that never expires.")
    read_only: bool = Field(
        True, description="Reading only (the default); false lets the token change things too."
    )
    areas: list[str] = Field(
        default_factory=list,
        max_length=50,
        description='API areas the token may use, e.g. ["funding", "expenses"]; '
        "omit or leave empty for every area. Each operation's area and access are named in "
        'its security requirement (TokenAuth: ["funding:write"]).',
    )


@router.get("", response=MeOut, summary="Who am I")
def me_get(request: HttpRequest) -> object:
    return request.user


@router.patch("", response=MeOut, summary="Change my display name or language")
def me_update(request: HttpRequest, payload: MePatch) -> object:
    return user_update_basics(
        actor=request.user,  # type: ignore[arg-type]
        display_name=payload.display_name,
        language=payload.language,
    )


@router.get("/tokens", response=page_of(TokenOut), summary="List my personal access tokens")
def tokens_list(request: HttpRequest, page: Query[CursorParams]) -> object:
    return paginate(tokens_of(request.user), page, order=("-created_at", "-id"))


@router.post(
    "/tokens",
    response={201: TokenCreated},
    summary="Create a personal access token (browser session only)",
)
def tokens_create(request: HttpRequest, payload: TokenIn) -> object:
    require_session(request)
    expires_at = payload.expires_at
    if expires_at is not None and timezone.is_naive(expires_at):
        expires_at = timezone.make_aware(expires_at)
    token, plaintext = token_create(
        actor=request.user,  # type: ignore[arg-type]
        name=payload.name,
        expires_at=expires_at,
        read_only=payload.read_only,
        areas=payload.areas,
    )
    token.token = plaintext  # type: ignore[attr-defined]
    return Status(201, token)


@router.delete("/tokens/{token_id}", response={204: None}, summary="Revoke a token")
def tokens_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token_revoke(actor=request.user, token=access_token(request.user, token_id))  # type: ignore[arg-type]
    return HttpResponse(status=204)
