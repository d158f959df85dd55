"""The request and response schemas of the communities API (news has its own)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from samen.accounts.models import User
from samen.api.pagination import CursorParams
from samen.api.schemas import (
    TRANSLATIONS_HELP,
    TRANSLATIONS_IN_HELP,
    Language,
    PatchSchema,
    translations_out,
)
from samen.communities.models import (
    Chapter,
    Collective,
    Follow,
    Host,
    HostApplication,
    HouseRules,
    JoinRequest,
)
from samen.communities.validation import render_markdown


class CollectiveTexts(Schema):
    """A collective's texts in one language."""

    tagline: str | None = Field(None, max_length=160)
    description: str | None = Field(None, max_length=20000)
    membership_questions: list[str] | None = None


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
    translations: dict[str, dict[str, Any]] = Field(description=TRANSLATIONS_HELP)

    @staticmethod
    def resolve_description_html(obj: Collective) -> str:
        return render_markdown(obj.description)

    @staticmethod
    def resolve_translations(obj: Collective) -> dict[str, dict[str, Any]]:
        return translations_out(obj)

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
    translations: dict[Language, CollectiveTexts] | None = Field(
        None, description=TRANSLATIONS_IN_HELP
    )


class CollectivePatch(PatchSchema):
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
    translations: dict[Language, CollectiveTexts] | None = Field(
        None, description=TRANSLATIONS_IN_HELP
    )


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


class HostPatch(PatchSchema):
    nullable = frozenset({"flat_monthly_fee_cents"})

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
    collective: str | None = Field(description="The collective asked to join, if any.")
    host: str | None = Field(description="The host whose community was asked to join, if any.")
    user_id: int
    name: str
    idea: str = ""
    answers: list[QA]
    status: str
    reason: str
    created_at: datetime
    decided_at: datetime | None

    @staticmethod
    def resolve_collective(obj: JoinRequest) -> str | None:
        return obj.collective.slug if obj.collective is not None else None

    @staticmethod
    def resolve_host(obj: JoinRequest) -> str | None:
        return obj.host.slug if obj.host is not None else None

    @staticmethod
    def resolve_name(obj: JoinRequest) -> str:
        return str(obj.user.public_name)


class HostJoinRequestIn(Schema):
    idea: str = Field(description="The idea or project the person comes with.")
    answers: list[str] = Field(default_factory=list)
    rules_accepted: bool = False


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


class ChapterPatch(PatchSchema):
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


class LanguageParams(Schema):
    lang: Language | None = Field(
        None,
        description="The language of the texts people wrote; Accept-Language works too.",
    )


class DirectoryParams(CursorParams):
    q: str = Field("", max_length=200, description="Words to search; ranked by relevance.")
    tag: str = Field("", max_length=40)
    city: str = Field("", max_length=120)
    lang: Language | None = Field(
        None,
        description="The language of the texts people wrote; Accept-Language works too.",
    )


class HostingIn(Schema):
    reason: str = Field("", max_length=2000)
