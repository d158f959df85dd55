"""Offers through the API: posted, matched with requests both ways, asked for, delivered."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Field, Schema, Status

from samen.api.auth import api_auth
from samen.knowledge import actions, queries
from samen.knowledge.access import Need, access_library, access_offer
from samen.knowledge.api._common import router
from samen.knowledge.models import Offer, OfferTake


class OfferIn(Schema):
    title: str = Field(..., max_length=140)
    description: str = Field("", max_length=4000, description="Markdown.")
    skills: list[str] = Field(default_factory=list, max_length=20)
    availability: str = Field("", max_length=200)
    service_code: str = Field("", max_length=40, description="A peer service of the rate card.")


class OfferOut(Schema):
    id: int
    title: str
    description: str
    person: str
    skills: list[str]
    availability: str
    service_code: str
    status: Literal["open", "withdrawn"]
    created_at: datetime
    page: str

    @staticmethod
    def resolve_person(obj: Offer) -> str:
        return str(obj.person.public_name)

    @staticmethod
    def resolve_skills(obj: Offer) -> list[str]:
        return [s.name for s in obj.skills.all()]

    @staticmethod
    def resolve_page(obj: Offer) -> str:
        return obj.get_absolute_url()


class TakeIn(Schema):
    message: str = Field("", max_length=4000)


class DeliverIn(Schema):
    on: date
    service_code: str = Field("", max_length=40, description="When the offer names none.")
    quantity: int = Field(1, ge=1, le=100)


class TakeOut(Schema):
    id: int
    offer: int = Field(alias="offer_id")
    person: str
    message: str
    delivery: int | None = Field(alias="delivery_id")

    @staticmethod
    def resolve_person(obj: OfferTake) -> str:
        return str(obj.person.public_name)


@router.get(
    "/hosts/{slug}/offers",
    response=list[OfferOut],
    auth=api_auth,
    operation_id="knowledge_offers",
)
def offers(request: HttpRequest, slug: str, skill: str = "") -> Any:
    """The host's open offers (signed in), newest first, optionally of one skill."""
    host = access_library(request.user, slug)
    return list(queries.open_offers(host, skill=skill[:80])[:200])


@router.post(
    "/hosts/{slug}/offers",
    response={201: OfferOut},
    auth=api_auth,
    operation_id="knowledge_offer_create",
)
def offer_create(request: HttpRequest, slug: str, payload: OfferIn) -> Any:
    """Offer something (the host's community; 403 others). 422 ``title_required``,
    ``not_payable`` (a service that is not between members)."""
    host = access_library(request.user, slug, Need.EDIT)
    offer = actions.offer_create(actor=request.user, host=host, **payload.dict())
    return Status(201, access_offer(request.user, offer.pk))


@router.get("/offers/{pk}", response=OfferOut, auth=api_auth, operation_id="knowledge_offer")
def offer_get(request: HttpRequest, pk: int) -> Any:
    return access_offer(request.user, pk)


@router.get(
    "/offers/{pk}/requests",
    response=list[dict[str, Any]],
    auth=api_auth,
    operation_id="knowledge_offer_requests",
)
def offer_requests(request: HttpRequest, pk: int) -> Any:
    """Open requests of the host wanting the offer's skills, most shared first."""
    offer = access_offer(request.user, pk)
    return [
        {"id": r.pk, "title": r.title, "shared_skills": r.shared}
        for r in queries.requests_for_offer(offer)[:50]
    ]


@router.get(
    "/requests/{pk}/offers",
    response=list[OfferOut],
    auth=api_auth,
    operation_id="knowledge_request_offers",
)
def request_offers(request: HttpRequest, pk: int) -> Any:
    """People who offer what a credits request asks for (its host's members)."""
    from samen.credits.access import access_help_request

    return list(queries.offers_for_request(access_help_request(request.user, pk))[:50])


@router.post(
    "/offers/{pk}/takes", response={201: TakeOut}, auth=api_auth, operation_id="knowledge_take"
)
def offer_take(request: HttpRequest, pk: int, payload: TakeIn) -> Any:
    """ "I'd like this". 409 ``already_asked``, ``not_open``; 422 ``own_offer``."""
    offer = access_offer(request.user, pk)
    return Status(201, actions.offer_take(actor=request.user, offer=offer, **payload.dict()))


@router.post(
    "/offers/takes/{pk}/delivery",
    response=TakeOut,
    auth=api_auth,
    operation_id="knowledge_take_deliver",
)
def take_deliver(request: HttpRequest, pk: int, payload: DeliverIn) -> Any:
    """The offerer records the session given (a credits delivery the recipient confirms)."""
    take = OfferTake.objects.select_related("offer").filter(pk=pk).first()
    if take is None:
        raise Http404
    access_offer(request.user, take.offer_id)
    return actions.offer_deliver(actor=request.user, take=take, **payload.dict())


@router.post(
    "/offers/{pk}/withdraw", response=OfferOut, auth=api_auth, operation_id="knowledge_withdraw"
)
def offer_withdraw(request: HttpRequest, pk: int) -> Any:
    offer = access_offer(request.user, pk)
    actions.offer_withdraw(actor=request.user, offer=offer)
    return access_offer(request.user, pk)
