"""The communities API at /api/v1/: the same access rules and actions as the pages.

Reads are public where the pages are; writes need a person (token or session). Lists use
the team's cursor pagination, except a directory search with ``q``, which is ranked by
relevance and answers a single page (``next_cursor`` is null).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from samen.accounts.models import User
from samen.api.auth import api_auth
from samen.api.errors import ApiError, ErrorCode
from samen.api.pagination import CursorParams, page_of, paginate
from samen.communities import actions, queries
from samen.communities.access import (
    Need,
    access_application,
    access_chapter,
    access_chapter_as_staff,
    access_collective,
    access_host,
    access_invitation_admin,
    access_join_request,
    access_news_owner,
    access_news_post,
    can,
    can_read_members_news,
    require_platform_staff,
)
from samen.communities.links import invitation_from_token
from samen.communities.models import (
    Chapter,
    Collective,
    CollectiveMembership,
    Follow,
    Host,
    HostApplication,
    HostMembership,
    HouseRules,
    Invitation,
    JoinRequest,
    NewsPost,
)
from samen.communities.validation import render_markdown

router = Router(tags=["communities"])

Owner = Collective | Host


# --- schemas --------------------------------------------------------------------------------


class CollectiveOut(Schema):
    id: int
    slug: str
    name: str
    tagline: str
    description: str
    description_html: str
    city: str
    website: str
    social_links: list[str]
    languages: list[str]
    currency: str
    tags: list[str]
    chapters: list[str] = Field(description="Chapter slugs.")
    host: str | None = Field(description="The host's slug; null while unhosted.")
    hosted_since: datetime | None
    is_frozen: bool
    status: str = Field(description="unhosted, hosted or frozen.")
    allows_join_requests: bool
    membership_questions: list[str]
    logo_url: str | None
    cover_url: str | None
    created_at: datetime

    @staticmethod
    def resolve_description_html(obj: Collective) -> str:
        return render_markdown(obj.description)

    @staticmethod
    def resolve_tags(obj: Collective) -> list[str]:
        return [t.slug for t in obj.tags.all()]

    @staticmethod
    def resolve_chapters(obj: Collective) -> list[str]:
        return [c.slug for c in obj.chapters.all()]

    @staticmethod
    def resolve_host(obj: Collective) -> str | None:
        return obj.host.slug if obj.host_id and obj.host else None

    @staticmethod
    def resolve_logo_url(obj: Collective) -> str | None:
        return obj.logo.url if obj.logo else None

    @staticmethod
    def resolve_cover_url(obj: Collective) -> str | None:
        return obj.cover.url if obj.cover else None


class CollectiveDetailOut(CollectiveOut):
    fee_percent: Decimal | None = Field(
        None, description="The host fee; only for those who see the collective's finances."
    )


class CollectiveIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    slug: str = Field("", max_length=60)
    tagline: str = Field("", max_length=160)
    description: str = Field("", max_length=20000)
    tags: list[str] = Field(default_factory=list)
    website: str = Field("", max_length=200)
    social_links: list[str] = Field(default_factory=list)
    city: str = Field("", max_length=120)
    chapters: list[str] = Field(default_factory=list, description="Chapter slugs.")
    languages: list[Literal["en", "nl", "fr"]] = Field(default_factory=list)
    currency: Literal["EUR"] = "EUR"
    allows_join_requests: bool = True
    membership_questions: list[str] = Field(default_factory=list)


class CollectivePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    slug: str | None = Field(None, max_length=60)
    tagline: str | None = Field(None, max_length=160)
    description: str | None = Field(None, max_length=20000)
    tags: list[str] | None = None
    website: str | None = Field(None, max_length=200)
    social_links: list[str] | None = None
    city: str | None = Field(None, max_length=120)
    chapters: list[str] | None = None
    languages: list[Literal["en", "nl", "fr"]] | None = None
    allows_join_requests: bool | None = None
    membership_questions: list[str] | None = None


class HostOut(Schema):
    id: int
    slug: str
    name: str
    legal_name: str
    country: str
    enterprise_number: str
    vat_status: str
    vat_number: str
    address: str
    contact_email: str
    website: str
    about: str
    terms: str
    default_fee_percent: Decimal
    flat_monthly_fee_cents: int | None
    accepts_applications: bool
    application_questions: list[str]
    created_at: datetime


class HostFinanceOut(HostOut):
    iban: str
    bic: str


class HostIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    slug: str = Field("", max_length=60)
    legal_name: str = Field("", max_length=200)
    country: str = Field("BE", min_length=2, max_length=2)
    enterprise_number: str = Field("", max_length=40)
    vat_status: Literal["subject", "exempt", "small", "not_subject"] = "not_subject"
    vat_number: str = Field("", max_length=40)
    iban: str = Field("", max_length=42)
    bic: str = Field("", max_length=11)
    address: str = Field("", max_length=1000)
    contact_email: str = Field("", max_length=254)
    website: str = Field("", max_length=200)
    about: str = Field("", max_length=20000)
    terms: str = Field("", max_length=20000)
    default_fee_percent: Decimal = Field(Decimal("0"), ge=0, le=100, decimal_places=2)
    flat_monthly_fee_cents: int | None = Field(None, ge=0)
    accepts_applications: bool = True
    application_questions: list[str] = Field(default_factory=list)


class HostPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    slug: str | None = Field(None, max_length=60)
    legal_name: str | None = Field(None, max_length=200)
    country: str | None = Field(None, min_length=2, max_length=2)
    enterprise_number: str | None = Field(None, max_length=40)
    vat_status: Literal["subject", "exempt", "small", "not_subject"] | None = None
    vat_number: str | None = Field(None, max_length=40)
    iban: str | None = Field(None, max_length=42)
    bic: str | None = Field(None, max_length=11)
    address: str | None = Field(None, max_length=1000)
    contact_email: str | None = Field(None, max_length=254)
    website: str | None = Field(None, max_length=200)
    about: str | None = Field(None, max_length=20000)
    terms: str | None = Field(None, max_length=20000)
    default_fee_percent: Decimal | None = Field(None, ge=0, le=100, decimal_places=2)
    flat_monthly_fee_cents: int | None = Field(None, ge=0)
    accepts_applications: bool | None = None
    application_questions: list[str] | None = None


class MemberOut(Schema):
    user_id: int
    name: str
    role: str
    rules_version: int | None
    rules_accepted_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.user.public_name)

    @staticmethod
    def resolve_rules_version(obj: Any) -> int | None:
        return obj.rules_accepted.version if obj.rules_accepted_id else None


class RoleIn(Schema):
    role: str


class InvitationOut(Schema):
    id: int
    email: str
    role: str
    status: str
    created_at: datetime
    responded_at: datetime | None


class InvitationIn(Schema):
    email: str = Field(..., max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    role: str


class InvitationAnswerIn(Schema):
    token: str
    rules_accepted: bool = False


class QA(Schema):
    question: str
    answer: str


class JoinRequestOut(Schema):
    id: int
    collective: str
    user_id: int
    name: str
    answers: list[QA]
    status: str
    reason: str
    created_at: datetime
    decided_at: datetime | None

    @staticmethod
    def resolve_collective(obj: JoinRequest) -> str:
        return obj.collective.slug

    @staticmethod
    def resolve_name(obj: JoinRequest) -> str:
        return str(obj.user.public_name)


class JoinRequestIn(Schema):
    answers: list[str] = Field(default_factory=list)
    rules_accepted: bool = False


class ReasonIn(Schema):
    reason: str = Field("", max_length=2000)


class ApplicationOut(Schema):
    id: int
    host: str
    collective: str
    status: str
    answers: list[QA]
    message: str
    reason: str
    custom_fee_percent: Decimal | None
    created_at: datetime
    decided_at: datetime | None

    @staticmethod
    def resolve_host(obj: HostApplication) -> str:
        return obj.host.slug

    @staticmethod
    def resolve_collective(obj: HostApplication) -> str:
        return obj.collective.slug


class ApplicationIn(Schema):
    collective: str = Field(description="The slug of a collective you administer.")
    answers: list[str] = Field(default_factory=list)
    terms_accepted: bool = False
    message: str = Field("", max_length=5000)


class ApproveIn(Schema):
    custom_fee_percent: Decimal | None = Field(None, ge=0, le=100, decimal_places=2)


class RequiredReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)


class MessageIn(Schema):
    message: str = Field(..., min_length=1, max_length=5000)


class RulesOut(Schema):
    version: int
    text: str
    text_html: str
    created_at: datetime

    @staticmethod
    def resolve_text_html(obj: HouseRules) -> str:
        return render_markdown(obj.text)


class RulesStateOut(Schema):
    current: RulesOut | None
    needs_acceptance: bool
    versions: list[RulesOut]


class RulesIn(Schema):
    text: str = Field(..., min_length=1, max_length=20000)


class FollowOut(Schema):
    following: bool
    followers: int


class FollowerOut(Schema):
    id: int
    name: str
    created_at: datetime

    @staticmethod
    def resolve_name(obj: Follow) -> str:
        return str(obj.user.public_name)


class ChapterOut(Schema):
    id: int
    slug: str
    name: str
    city: str
    country: str
    description: str
    connectors: list[str] = Field(description="Public names of the chapter's connectors.")
    member_count: int
    collective_count: int

    @staticmethod
    def resolve_connectors(obj: Chapter) -> list[str]:
        return [str(u.public_name) for u in obj.connectors.all()]


class ChapterIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    slug: str = Field("", max_length=60, description="Derived from the name when empty.")
    city: str = Field("", max_length=120)
    country: str = Field("BE", min_length=2, max_length=2, description="Two-letter ISO code.")
    description: str = Field("", max_length=20000)


class ChapterPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    slug: str | None = Field(None, min_length=1, max_length=60)
    city: str | None = Field(None, max_length=120)
    country: str | None = Field(None, min_length=2, max_length=2)
    description: str | None = Field(None, max_length=20000)


class ConnectorIn(Schema):
    email: str = Field(..., min_length=3, max_length=254, description="An existing account.")


class ConnectorOut(Schema):
    user_id: int
    name: str

    @staticmethod
    def resolve_user_id(obj: User) -> int:
        return obj.pk

    @staticmethod
    def resolve_name(obj: User) -> str:
        return str(obj.public_name)


class MyFollowOut(Schema):
    id: int
    kind: Literal["collective", "host", "chapter"]
    slug: str
    name: str
    news_emails: bool = Field(description="Whether its news comes by e-mail.")
    created_at: datetime

    @staticmethod
    def resolve_kind(obj: Follow) -> str:
        if obj.collective_id:
            return "collective"
        return "host" if obj.host_id else "chapter"

    @staticmethod
    def resolve_slug(obj: Follow) -> str:
        return str(_follow_target(obj).slug)

    @staticmethod
    def resolve_name(obj: Follow) -> str:
        return str(_follow_target(obj).name)


def _follow_target(follow: Follow) -> Collective | Host | Chapter:
    target = follow.collective or follow.host or follow.chapter
    assert target is not None  # a check constraint guarantees exactly one target
    return target


class DirectoryParams(CursorParams):
    q: str = Field("", max_length=200, description="Words to search; ranked by relevance.")
    tag: str = Field("", max_length=40)
    city: str = Field("", max_length=120)


class HostingIn(Schema):
    reason: str = Field("", max_length=2000)


# --- helpers --------------------------------------------------------------------------------


def _person(request: HttpRequest) -> Any:
    return request.user


def _chapters(slugs: list[str]) -> list[Chapter]:
    found = list(Chapter.objects.filter(slug__in=slugs))
    if len(found) != len(set(slugs)):
        raise ApiError(400, ErrorCode.INVALID, "Unknown chapter.")
    return found


def _collective_out(request: HttpRequest, collective: Collective) -> Collective:
    """The collective, with the fee filled in only for those who see its finances."""
    collective.fee_percent = (  # type: ignore[attr-defined]
        collective.effective_fee_percent if can(request.user, Need.FINANCE, collective) else None
    )
    return collective


def _host_out(request: HttpRequest, host: Host) -> Any:
    if can(request.user, Need.FINANCE, host):
        return HostFinanceOut.from_orm(host)
    return HostOut.from_orm(host)


def _collectives_list() -> QuerySet[Collective]:
    return Collective.objects.select_related("host").prefetch_related("tags", "chapters")


# --- collectives ----------------------------------------------------------------------------


@router.get("/collectives", response=page_of(CollectiveOut), operation_id="collectives_list")
def collectives_list(request: HttpRequest, params: Query[DirectoryParams]) -> Any:
    """The directory. With ``q`` the answer is ranked by relevance (one page)."""
    if params.q.strip():
        results = queries.search_collectives(text=params.q, tag=params.tag, city=params.city)
        return {"items": list(results[: params.limit]), "next_cursor": None}
    qs = queries.search_collectives(tag=params.tag, city=params.city)
    return paginate(qs, params, order=("name", "id"))


@router.post(
    "/collectives",
    response={201: CollectiveDetailOut},
    auth=api_auth,
    operation_id="collective_create",
)
def collective_create(request: HttpRequest, payload: CollectiveIn) -> Any:
    collective = actions.collective_create(
        actor=_person(request),
        **payload.dict(exclude={"chapters"}),
        chapters=_chapters(payload.chapters),
    )
    return Status(201, _collective_out(request, queries.collective_detail(collective.slug)))


@router.get("/collectives/{slug}", response=CollectiveDetailOut, operation_id="collective_get")
def collective_get(request: HttpRequest, slug: str) -> Any:
    return _collective_out(request, access_collective(request.user, slug))


@router.patch(
    "/collectives/{slug}",
    response=CollectiveDetailOut,
    auth=api_auth,
    operation_id="collective_update",
)
def collective_update(request: HttpRequest, slug: str, payload: CollectivePatch) -> Any:
    collective = access_collective(request.user, slug, Need.ADMIN)
    changes = payload.dict(exclude_unset=True)
    if "chapters" in changes:
        changes["chapters"] = _chapters(changes["chapters"] or [])
    collective = actions.collective_update(actor=_person(request), collective=collective, **changes)
    return _collective_out(request, queries.collective_detail(collective.slug))


# --- hosts ----------------------------------------------------------------------------------


@router.get("/hosts", response=page_of(HostOut), operation_id="hosts_list")
def hosts_list(request: HttpRequest, params: Query[CursorParams]) -> Any:
    return paginate(Host.objects.all(), params, order=("name", "id"))


@router.post("/hosts", response={201: HostFinanceOut}, auth=api_auth, operation_id="host_create")
def host_create(request: HttpRequest, payload: HostIn) -> Any:
    data = payload.dict()
    host = actions.host_create(
        actor=_person(request), name=data.pop("name"), slug=data.pop("slug"), **data
    )
    return Status(201, host)


@router.get("/hosts/{slug}", response=HostFinanceOut | HostOut, operation_id="host_get")
def host_get(request: HttpRequest, slug: str) -> Any:
    """Bank details (IBAN, BIC) are shown to the host's admins and accountants only."""
    return _host_out(request, access_host(request.user, slug))


@router.patch("/hosts/{slug}", response=HostFinanceOut, auth=api_auth, operation_id="host_update")
def host_update(request: HttpRequest, slug: str, payload: HostPatch) -> Any:
    host = access_host(request.user, slug, Need.ADMIN)
    return actions.host_update(
        actor=_person(request), host=host, **payload.dict(exclude_unset=True)
    )


@router.get(
    "/hosts/{slug}/collectives", response=page_of(CollectiveOut), operation_id="host_collectives"
)
def host_collectives(request: HttpRequest, slug: str, params: Query[CursorParams]) -> Any:
    host = access_host(request.user, slug)
    return paginate(_collectives_list().filter(host=host), params, order=("name", "id"))


def _hosting(
    request: HttpRequest, slug: str, collective_slug: str, do: Callable[..., Collective], **kw: Any
) -> Any:
    host = access_host(request.user, slug, Need.HOST_ADMIN)
    collective = access_collective(request.user, collective_slug, Need.HOST_ADMIN)
    if collective.host_id != host.pk:
        raise ApiError(404, ErrorCode.NOT_FOUND)
    do(actor=_person(request), collective=collective, **kw)
    return _collective_out(request, queries.collective_detail(collective.slug))


@router.post(
    "/hosts/{slug}/collectives/{collective_slug}/freeze",
    response=CollectiveDetailOut,
    auth=api_auth,
    operation_id="collective_freeze",
)
def collective_freeze(
    request: HttpRequest, slug: str, collective_slug: str, payload: HostingIn
) -> Any:
    return _hosting(
        request, slug, collective_slug, actions.collective_freeze, reason=payload.reason
    )


@router.post(
    "/hosts/{slug}/collectives/{collective_slug}/unfreeze",
    response=CollectiveDetailOut,
    auth=api_auth,
    operation_id="collective_unfreeze",
)
def collective_unfreeze(request: HttpRequest, slug: str, collective_slug: str) -> Any:
    return _hosting(request, slug, collective_slug, actions.collective_unfreeze)


@router.post(
    "/hosts/{slug}/collectives/{collective_slug}/unhost",
    response=CollectiveDetailOut,
    auth=api_auth,
    operation_id="collective_unhost",
)
def collective_unhost(
    request: HttpRequest, slug: str, collective_slug: str, payload: HostingIn
) -> Any:
    return _hosting(
        request, slug, collective_slug, actions.collective_unhost, reason=payload.reason
    )


# --- applications ---------------------------------------------------------------------------


def _applications() -> QuerySet[HostApplication]:
    return HostApplication.objects.select_related("host", "collective")


@router.get(
    "/hosts/{slug}/applications",
    response=page_of(ApplicationOut),
    auth=api_auth,
    operation_id="host_applications",
)
def host_applications(
    request: HttpRequest, slug: str, params: Query[CursorParams], status: str = ""
) -> Any:
    """The host's applications (admins and accountants), newest first."""
    host = access_host(request.user, slug, Need.FINANCE)
    qs = _applications().filter(host=host)
    if status:
        qs = qs.filter(status=status)
    return paginate(qs, params, order=("-created_at", "-id"))


@router.get(
    "/collectives/{slug}/applications",
    response=page_of(ApplicationOut),
    auth=api_auth,
    operation_id="collective_applications",
)
def collective_applications(request: HttpRequest, slug: str, params: Query[CursorParams]) -> Any:
    collective = access_collective(request.user, slug, Need.ADMIN)
    return paginate(
        _applications().filter(collective=collective), params, order=("-created_at", "-id")
    )


@router.post(
    "/hosts/{slug}/applications",
    response={201: ApplicationOut},
    auth=api_auth,
    operation_id="application_submit",
)
def application_submit(request: HttpRequest, slug: str, payload: ApplicationIn) -> Any:
    host = access_host(request.user, slug)
    collective = access_collective(request.user, payload.collective, Need.ADMIN)
    application = actions.application_submit(
        actor=_person(request),
        collective=collective,
        host=host,
        answers=payload.answers,
        terms_accepted=payload.terms_accepted,
        message=payload.message,
    )
    return Status(201, application)


@router.get(
    "/applications/{pk}", response=ApplicationOut, auth=api_auth, operation_id="application_get"
)
def application_get(request: HttpRequest, pk: int) -> Any:
    return access_application(request.user, pk)


def _decide(request: HttpRequest, pk: int, need: Need, do: Callable[..., Any], **kw: Any) -> Any:
    application = access_application(request.user, pk)
    if need == Need.ADMIN:
        access_application(request.user, pk, need)
    do(actor=_person(request), application=application, **kw)
    return access_application(request.user, pk)


@router.post(
    "/applications/{pk}/approve",
    response=ApplicationOut,
    auth=api_auth,
    operation_id="application_approve",
)
def application_approve(request: HttpRequest, pk: int, payload: ApproveIn) -> Any:
    """Host admins only; a collective admin approving their own application gets 403
    ``not_host_admin``."""
    return _decide(
        request,
        pk,
        Need.HOST_ADMIN,
        actions.application_approve,
        custom_fee_percent=payload.custom_fee_percent,
    )


@router.post(
    "/applications/{pk}/reject",
    response=ApplicationOut,
    auth=api_auth,
    operation_id="application_reject",
)
def application_reject(request: HttpRequest, pk: int, payload: RequiredReasonIn) -> Any:
    return _decide(request, pk, Need.HOST_ADMIN, actions.application_reject, reason=payload.reason)


@router.post(
    "/applications/{pk}/request-info",
    response=ApplicationOut,
    auth=api_auth,
    operation_id="application_request_info",
)
def application_request_info(request: HttpRequest, pk: int, payload: RequiredReasonIn) -> Any:
    return _decide(
        request, pk, Need.HOST_ADMIN, actions.application_request_info, question=payload.reason
    )


@router.post(
    "/applications/{pk}/reply",
    response=ApplicationOut,
    auth=api_auth,
    operation_id="application_reply",
)
def application_reply(request: HttpRequest, pk: int, payload: MessageIn) -> Any:
    return _decide(request, pk, Need.ADMIN, actions.application_reply, message=payload.message)


@router.post(
    "/applications/{pk}/withdraw",
    response=ApplicationOut,
    auth=api_auth,
    operation_id="application_withdraw",
)
def application_withdraw(request: HttpRequest, pk: int) -> Any:
    return _decide(request, pk, Need.ADMIN, actions.application_withdraw)


# --- teams, follows and house rules, for collectives and hosts alike ------------------------


def _register_owner_routes(kind: str, prefix: str, get: Callable[..., Owner]) -> None:
    """Members, invitations, follows and house rules work the same for both owners."""

    def memberships(owner: Owner) -> QuerySet[Any]:
        model = CollectiveMembership if kind == "collective" else HostMembership
        return model.objects.filter(**{kind: owner}).select_related("user", "rules_accepted")

    @router.get(
        f"/{prefix}/{{slug}}/members",
        response=page_of(MemberOut),
        operation_id=f"{kind}_members",
    )
    def members(request: HttpRequest, slug: str, params: Query[CursorParams]) -> Any:
        """The team is public, like on the page."""
        return paginate(memberships(get(request.user, slug)), params, order=("created_at", "id"))

    @router.post(
        f"/{prefix}/{{slug}}/members/{{user_id}}/role",
        response=MemberOut,
        auth=api_auth,
        operation_id=f"{kind}_member_role",
    )
    def member_role(request: HttpRequest, slug: str, user_id: int, payload: RoleIn) -> Any:
        owner = get(request.user, slug, Need.ADMIN)
        person = User.objects.filter(pk=user_id).first()
        if person is None:
            raise ApiError(404, ErrorCode.NOT_FOUND)
        actions.member_set_role(actor=_person(request), owner=owner, user=person, role=payload.role)
        return memberships(owner).get(user=person)

    @router.delete(
        f"/{prefix}/{{slug}}/members/{{user_id}}",
        response={204: None},
        auth=api_auth,
        operation_id=f"{kind}_member_remove",
    )
    def member_remove(request: HttpRequest, slug: str, user_id: int) -> Any:
        """An admin removes someone; anyone may remove themselves (leave)."""
        own = request.user.pk == user_id
        owner = get(request.user, slug, Need.MEMBER if own else Need.ADMIN)
        person = User.objects.filter(pk=user_id).first()
        if person is None:
            raise ApiError(404, ErrorCode.NOT_FOUND)
        actions.member_remove(actor=_person(request), owner=owner, user=person)
        return Status(204, None)

    @router.post(
        f"/{prefix}/{{slug}}/leave",
        response={204: None},
        auth=api_auth,
        operation_id=f"{kind}_leave",
    )
    def leave(request: HttpRequest, slug: str) -> Any:
        owner = get(request.user, slug, Need.MEMBER)
        actions.membership_leave(actor=_person(request), owner=owner)
        return Status(204, None)

    @router.get(
        f"/{prefix}/{{slug}}/invitations",
        response=page_of(InvitationOut),
        auth=api_auth,
        operation_id=f"{kind}_invitations",
    )
    def invitations(request: HttpRequest, slug: str, params: Query[CursorParams]) -> Any:
        owner = get(request.user, slug, Need.ADMIN)
        return paginate(
            Invitation.objects.filter(**{kind: owner}), params, order=("-created_at", "-id")
        )

    @router.post(
        f"/{prefix}/{{slug}}/invitations",
        response={201: InvitationOut},
        auth=api_auth,
        operation_id=f"{kind}_invite",
    )
    def invite(request: HttpRequest, slug: str, payload: InvitationIn) -> Any:
        owner = get(request.user, slug, Need.ADMIN)
        invitation = actions.invitation_send(
            actor=_person(request), owner=owner, email=payload.email, role=payload.role
        )
        return Status(201, invitation)

    @router.get(
        f"/{prefix}/{{slug}}/followers",
        response=page_of(FollowerOut),
        operation_id=f"{kind}_followers",
    )
    def followers(request: HttpRequest, slug: str, params: Query[CursorParams]) -> Any:
        owner = get(request.user, slug)
        return paginate(queries.followers(owner), params, order=("-created_at", "-id"))

    @router.post(
        f"/{prefix}/{{slug}}/follow",
        response=FollowOut,
        auth=api_auth,
        operation_id=f"{kind}_follow",
    )
    def follow(request: HttpRequest, slug: str) -> Any:
        owner = get(request.user, slug)
        actions.follow_add(actor=_person(request), target=owner)
        return {"following": True, "followers": queries.follower_count(owner)}

    @router.delete(
        f"/{prefix}/{{slug}}/follow",
        response=FollowOut,
        auth=api_auth,
        operation_id=f"{kind}_unfollow",
    )
    def unfollow(request: HttpRequest, slug: str) -> Any:
        owner = get(request.user, slug)
        actions.follow_remove(actor=_person(request), target=owner)
        return {"following": False, "followers": queries.follower_count(owner)}

    @router.get(f"/{prefix}/{{slug}}/rules", response=RulesStateOut, operation_id=f"{kind}_rules")
    def rules(request: HttpRequest, slug: str) -> Any:
        owner = get(request.user, slug)
        return {
            "current": queries.current_rules(owner),
            "needs_acceptance": queries.needs_rules_acceptance(request.user, owner),
            "versions": list(queries.rules_history(owner)),
        }

    @router.post(
        f"/{prefix}/{{slug}}/rules",
        response={201: RulesOut},
        auth=api_auth,
        operation_id=f"{kind}_rules_publish",
    )
    def rules_publish(request: HttpRequest, slug: str, payload: RulesIn) -> Any:
        owner = get(request.user, slug, Need.ADMIN)
        rules = actions.rules_publish(actor=_person(request), owner=owner, text=payload.text)
        return Status(201, rules)

    @router.post(
        f"/{prefix}/{{slug}}/rules/accept",
        response=RulesStateOut,
        auth=api_auth,
        operation_id=f"{kind}_rules_accept",
    )
    def rules_accept(request: HttpRequest, slug: str) -> Any:
        owner = get(request.user, slug, Need.MEMBER)
        actions.rules_accept(actor=_person(request), owner=owner)
        return rules(request, slug)


_register_owner_routes("collective", "collectives", access_collective)
_register_owner_routes("host", "hosts", access_host)


# --- invitations ----------------------------------------------------------------------------


def _invitation_by_token(token: str) -> Invitation:
    invitation = invitation_from_token(token)
    if invitation is None:
        raise ApiError(404, ErrorCode.NOT_FOUND)
    return invitation


@router.post(
    "/invitations/accept", response=MemberOut, auth=api_auth, operation_id="invitation_accept"
)
def invitation_accept(request: HttpRequest, payload: InvitationAnswerIn) -> Any:
    """Accept with the token from the signed link, signed in as the invited address."""
    invitation = _invitation_by_token(payload.token)
    return actions.invitation_accept(
        actor=_person(request), invitation=invitation, rules_accepted=payload.rules_accepted
    )


@router.post("/invitations/decline", response=InvitationOut, operation_id="invitation_decline")
def invitation_decline(request: HttpRequest, payload: InvitationAnswerIn) -> Any:
    """Decline with the token from the signed link; no account needed."""
    invitation = _invitation_by_token(payload.token)
    return actions.invitation_decline(actor=request.user, invitation=invitation)


@router.post(
    "/invitations/{pk}/revoke",
    response=InvitationOut,
    auth=api_auth,
    operation_id="invitation_revoke",
)
def invitation_revoke(request: HttpRequest, pk: int) -> Any:
    invitation = access_invitation_admin(request.user, pk)
    return actions.invitation_revoke(actor=_person(request), invitation=invitation)


# --- join requests --------------------------------------------------------------------------


@router.get(
    "/collectives/{slug}/join-requests",
    response=page_of(JoinRequestOut),
    auth=api_auth,
    operation_id="join_requests_list",
)
def join_requests_list(
    request: HttpRequest, slug: str, params: Query[CursorParams], status: str = "pending"
) -> Any:
    collective = access_collective(request.user, slug, Need.ADMIN)
    qs = JoinRequest.objects.filter(collective=collective).select_related("collective", "user")
    if status:
        qs = qs.filter(status=status)
    return paginate(qs, params, order=("created_at", "id"))


@router.post(
    "/collectives/{slug}/join-requests",
    response={201: JoinRequestOut},
    auth=api_auth,
    operation_id="join_request_submit",
)
def join_request_submit(request: HttpRequest, slug: str, payload: JoinRequestIn) -> Any:
    collective = access_collective(request.user, slug)
    join_request = actions.join_request_submit(
        actor=_person(request),
        collective=collective,
        answers=payload.answers,
        rules_accepted=payload.rules_accepted,
    )
    return Status(201, join_request)


@router.get(
    "/join-requests/{pk}", response=JoinRequestOut, auth=api_auth, operation_id="join_request_get"
)
def join_request_get(request: HttpRequest, pk: int) -> Any:
    return access_join_request(request.user, pk)


@router.post(
    "/join-requests/{pk}/approve",
    response=JoinRequestOut,
    auth=api_auth,
    operation_id="join_request_approve",
)
def join_request_approve(request: HttpRequest, pk: int) -> Any:
    join_request = access_join_request(request.user, pk, Need.ADMIN)
    actions.join_request_approve(actor=_person(request), join_request=join_request)
    return access_join_request(request.user, pk)


@router.post(
    "/join-requests/{pk}/decline",
    response=JoinRequestOut,
    auth=api_auth,
    operation_id="join_request_decline",
)
def join_request_decline(request: HttpRequest, pk: int, payload: ReasonIn) -> Any:
    join_request = access_join_request(request.user, pk, Need.ADMIN)
    actions.join_request_decline(
        actor=_person(request), join_request=join_request, reason=payload.reason
    )
    return access_join_request(request.user, pk)


@router.post(
    "/join-requests/{pk}/withdraw",
    response=JoinRequestOut,
    auth=api_auth,
    operation_id="join_request_withdraw",
)
def join_request_withdraw(request: HttpRequest, pk: int) -> Any:
    join_request = access_join_request(request.user, pk)
    return actions.join_request_withdraw(actor=_person(request), join_request=join_request)


# --- chapters -------------------------------------------------------------------------------


@router.get("/chapters", response=page_of(ChapterOut), operation_id="chapters_list")
def chapters_list(request: HttpRequest, params: Query[CursorParams]) -> Any:
    return paginate(queries.chapter_list(), params, order=("name", "id"))


@router.get("/chapters/{slug}", response=ChapterOut, operation_id="chapter_get")
def chapter_get(request: HttpRequest, slug: str) -> Any:
    chapter = access_chapter(request.user, slug)
    return queries.chapter_list().get(pk=chapter.pk)


@router.post(
    "/chapters/{slug}/follow", response=FollowOut, auth=api_auth, operation_id="chapter_follow"
)
def chapter_follow(request: HttpRequest, slug: str) -> Any:
    chapter = access_chapter(request.user, slug)
    actions.follow_add(actor=_person(request), target=chapter)
    return {"following": True, "followers": queries.follower_count(chapter)}


@router.delete(
    "/chapters/{slug}/follow", response=FollowOut, auth=api_auth, operation_id="chapter_unfollow"
)
def chapter_unfollow(request: HttpRequest, slug: str) -> Any:
    chapter = access_chapter(request.user, slug)
    actions.follow_remove(actor=_person(request), target=chapter)
    return {"following": False, "followers": queries.follower_count(chapter)}


@router.get(
    "/chapters/{slug}/followers", response=page_of(FollowerOut), operation_id="chapter_followers"
)
def chapter_followers(request: HttpRequest, slug: str, params: Query[CursorParams]) -> Any:
    chapter = access_chapter(request.user, slug)
    return paginate(queries.followers(chapter), params, order=("-created_at", "-id"))


@router.post(
    "/chapters/{slug}/membership", response={204: None}, auth=api_auth, operation_id="chapter_join"
)
def chapter_join(request: HttpRequest, slug: str) -> Any:
    actions.chapter_join(actor=_person(request), chapter=access_chapter(request.user, slug))
    return Status(204, None)


@router.delete(
    "/chapters/{slug}/membership", response={204: None}, auth=api_auth, operation_id="chapter_leave"
)
def chapter_leave(request: HttpRequest, slug: str) -> Any:
    actions.chapter_leave(actor=_person(request), chapter=access_chapter(request.user, slug))
    return Status(204, None)


def _chapter_out(chapter: Chapter) -> Chapter:
    """The chapter with its member and collective counts, as ``ChapterOut`` expects."""
    return queries.chapter_list().get(pk=chapter.pk)


@router.post("/chapters", response={201: ChapterOut}, auth=api_auth, operation_id="chapter_create")
def chapter_create(request: HttpRequest, payload: ChapterIn) -> Any:
    """Platform staff open a chapter; they add its connectors next."""
    require_platform_staff(request.user)
    chapter = actions.chapter_create(actor=_person(request), **payload.dict())
    return Status(201, _chapter_out(chapter))


@router.patch("/chapters/{slug}", response=ChapterOut, auth=api_auth, operation_id="chapter_update")
def chapter_update(request: HttpRequest, slug: str, payload: ChapterPatch) -> Any:
    """Platform staff change a chapter; only the fields sent change."""
    chapter = access_chapter_as_staff(request.user, slug)
    chapter = actions.chapter_update(
        actor=_person(request), chapter=chapter, **payload.dict(exclude_unset=True)
    )
    return _chapter_out(chapter)


@router.get(
    "/chapters/{slug}/connectors",
    response=page_of(ConnectorOut),
    operation_id="chapter_connectors",
)
def chapter_connectors(request: HttpRequest, slug: str, params: Query[CursorParams]) -> Any:
    """Connectors are public, as on the chapter page."""
    chapter = access_chapter(request.user, slug)
    return paginate(chapter.connectors.all(), params, order=("id",))


@router.post(
    "/chapters/{slug}/connectors",
    response={201: ConnectorOut},
    auth=api_auth,
    operation_id="chapter_connector_add",
)
def chapter_connector_add(request: HttpRequest, slug: str, payload: ConnectorIn) -> Any:
    """Staff and the chapter's connectors add a connector by the e-mail of an existing
    person."""
    chapter = access_chapter(request.user, slug, Need.ADMIN)
    person = actions.chapter_connector_add(
        actor=_person(request), chapter=chapter, email=payload.email
    )
    return Status(201, person)


@router.delete(
    "/chapters/{slug}/connectors/{user_id}",
    response={204: None},
    auth=api_auth,
    operation_id="chapter_connector_remove",
)
def chapter_connector_remove(request: HttpRequest, slug: str, user_id: int) -> Any:
    """Staff and the chapter's connectors remove a connector; only staff the last one."""
    chapter = access_chapter(request.user, slug, Need.ADMIN)
    person = User.objects.filter(pk=user_id).first()
    if person is None:
        raise ApiError(404, ErrorCode.NOT_FOUND)
    actions.chapter_connector_remove(actor=_person(request), chapter=chapter, user=person)
    return Status(204, None)


# --- the caller's follows -------------------------------------------------------------------


@router.get(
    "/follows/mine", response=page_of(MyFollowOut), auth=api_auth, operation_id="follows_mine"
)
def follows_mine(request: HttpRequest, params: Query[CursorParams]) -> Any:
    """What the caller follows (collectives, hosts and chapters), newest first."""
    follows = Follow.objects.filter(user=_person(request)).select_related(
        "collective", "host", "chapter"
    )
    return paginate(follows, params, order=("-created_at", "-id"))


# --- news -----------------------------------------------------------------------------------


class NewsOut(Schema):
    id: int
    kind: Literal["collective", "host", "chapter"] = Field(description="Who posted it.")
    owner: str = Field(description="The slug of the collective, host or chapter.")
    owner_name: str
    title: str
    body: str = Field(description="Markdown, as written.")
    body_html: str = Field(description="The body rendered and sanitised.")
    audience: Literal["public", "members"]
    author: str = Field(
        description='The author\'s public name; "Former member" once they deleted their account.'
    )
    published_at: datetime | None = Field(description="Null while the post is a draft.")
    created_at: datetime
    updated_at: datetime
    url: str

    @staticmethod
    def resolve_owner(obj: NewsPost) -> str:
        return str(obj.owner.slug)

    @staticmethod
    def resolve_owner_name(obj: NewsPost) -> str:
        return str(obj.owner.name)

    @staticmethod
    def resolve_body_html(obj: NewsPost) -> str:
        return render_markdown(obj.body)

    @staticmethod
    def resolve_author(obj: NewsPost) -> str:
        return obj.author_name

    @staticmethod
    def resolve_url(obj: NewsPost) -> str:
        return obj.get_absolute_url()


class NewsIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    body: str = Field(..., min_length=1, max_length=50000, description="Markdown.")
    audience: Literal["public", "members"] = "public"
    publish: bool = Field(False, description="Publish at once (and e-mail) instead of a draft.")


class NewsPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    body: str | None = Field(None, min_length=1, max_length=50000)
    audience: Literal["public", "members"] | None = None


class NewsListParams(CursorParams):
    status: Literal["published", "draft"] = Field(
        "published", description="draft: the unpublished posts, for those who write the news."
    )


class FollowNewsIn(Schema):
    news_emails: bool


class FollowNewsOut(FollowOut):
    news_emails: bool


def _news_post(request: HttpRequest, pk: int, need: Need = Need.VIEW) -> NewsPost:
    return access_news_post(request.user, pk, need)


def _register_news_routes(kind: str, prefix: str) -> None:
    """Listing, writing and the follow's e-mail switch, alike for the three owners."""

    @router.get(f"/{prefix}/{{slug}}/news", response=page_of(NewsOut), operation_id=f"{kind}_news")
    def news_list(request: HttpRequest, slug: str, params: Query[NewsListParams]) -> Any:
        """Published news, newest first: public posts for everyone, members-only posts too
        for members. ``status=draft`` lists drafts (writers only, 403 otherwise)."""
        owner = access_news_owner(request.user, kind, slug)
        if params.status == "draft":
            if not request.user.is_authenticated:
                raise ApiError(401, ErrorCode.NOT_AUTHENTICATED)
            owner = access_news_owner(request.user, kind, slug, Need.ADMIN)
            return paginate(queries.news_drafts(owner), params, order=("-updated_at", "-id"))
        members = can_read_members_news(request.user, owner)
        return paginate(
            queries.news_of(owner, members=members), params, order=("-published_at", "-id")
        )

    @router.post(
        f"/{prefix}/{{slug}}/news",
        response={201: NewsOut},
        auth=api_auth,
        operation_id=f"{kind}_news_create",
    )
    def news_create(request: HttpRequest, slug: str, payload: NewsIn) -> Any:
        """A draft, or a published post with ``publish``; for the owner's admins (a
        chapter's connectors)."""
        owner = access_news_owner(request.user, kind, slug, Need.ADMIN)
        post = actions.news_create(actor=_person(request), owner=owner, **payload.dict())
        return Status(201, _news_post(request, post.pk))

    @router.patch(
        f"/{prefix}/{{slug}}/follow",
        response=FollowNewsOut,
        auth=api_auth,
        operation_id=f"{kind}_follow_news",
    )
    def follow_news(request: HttpRequest, slug: str, payload: FollowNewsIn) -> Any:
        """Turn news e-mails on or off for a follow (409 ``not_following`` otherwise)."""
        owner = access_news_owner(request.user, kind, slug)
        follow = actions.follow_set_news(
            actor=_person(request), target=owner, news_emails=payload.news_emails
        )
        return {
            "following": True,
            "followers": queries.follower_count(owner),
            "news_emails": follow.news_emails,
        }


_register_news_routes("collective", "collectives")
_register_news_routes("host", "hosts")
_register_news_routes("chapter", "chapters")


@router.get("/news/{pk}", response=NewsOut, operation_id="news_get")
def news_get(request: HttpRequest, pk: int) -> Any:
    """One post: 404 for a draft or a members-only post the caller may not read."""
    return _news_post(request, pk)


@router.patch("/news/{pk}", response=NewsOut, auth=api_auth, operation_id="news_edit")
def news_edit(request: HttpRequest, pk: int, payload: NewsPatch) -> Any:
    """Change a draft or a published post; nobody is e-mailed again."""
    post = _news_post(request, pk, Need.ADMIN)
    actions.news_edit(actor=_person(request), post=post, **payload.dict(exclude_unset=True))
    return _news_post(request, pk)


@router.post("/news/{pk}/publish", response=NewsOut, auth=api_auth, operation_id="news_publish")
def news_publish(request: HttpRequest, pk: int) -> Any:
    """Publish a draft and e-mail it; publishing again changes nothing and sends nothing."""
    post = _news_post(request, pk, Need.ADMIN)
    actions.news_publish(actor=_person(request), post=post)
    return _news_post(request, pk)


@router.delete("/news/{pk}", response={204: None}, auth=api_auth, operation_id="news_delete")
def news_delete(request: HttpRequest, pk: int) -> Any:
    """Delete a draft (409 ``news_published`` for a published post)."""
    post = _news_post(request, pk, Need.ADMIN)
    actions.news_delete(actor=_person(request), post=post)
    return Status(204, None)


@router.get("/me/news", response=page_of(NewsOut), auth=api_auth, operation_id="my_news")
def my_news(request: HttpRequest, params: Query[CursorParams]) -> Any:
    """News from what the caller follows (public posts) or belongs to (all), newest first."""
    return paginate(queries.news_feed(_person(request)), params, order=("-published_at", "-id"))
