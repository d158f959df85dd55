"""Where the knowledge app meets the credits app: a published article earns its author the
rate card's credits (once), offers beside requests with "I'd like this" recording a
delivery, and the mentoring programme with mentors' hours earning credits."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from samen.credits.actions import ServiceInput, delivery_confirm
from samen.credits.errors import CreditsError, CreditsErrorCode
from samen.credits.models import Delivery, DeliveryStatus, Side
from samen.credits.queries import member_summary
from samen.credits.tests.factories import make_scheme
from samen.knowledge import actions, queries
from samen.knowledge.errors import KnowledgeError, KnowledgeErrorCode
from samen.knowledge.models import (
    ItemCredit,
    ItemKind,
    ItemStatus,
    LibraryItem,
    MentoringRole,
    OfferStatus,
    PairStatus,
    SeasonStatus,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _article(c: Any, author: Any, title: str = "Running a repair café") -> LibraryItem:
    item = actions.item_create(
        actor=author,
        host=c.host,
        kind=ItemKind.ARTICLE,
        title=title,
        summary="What we learnt.",
        body="Start small.",
        language="nl",
    )
    return actions.item_submit(actor=author, item=item)


# --- credits for articles -------------------------------------------------------------------


def test_a_published_article_books_its_credits_once(community: Any) -> None:
    c = community
    scheme = make_scheme(c)
    item = _article(c, c.chloe)
    item = actions.item_review(actor=c.anna, item=item, publish=True, service_code="article")

    [credit] = ItemCredit.objects.filter(item=item)
    delivery = credit.delivery
    assert (delivery.provider, delivery.recipient) == (c.chloe, None)
    assert delivery.service.code == "article"
    assert delivery.credits == 500
    assert (delivery.status, delivery.awaiting) == (DeliveryStatus.PENDING, Side.PROVIDER)

    # Booking again (a retry, a second click) books nothing new.
    assert actions.item_credits_book(actor=c.anna, item=item) == []
    assert Delivery.objects.filter(scheme=scheme).count() == 1

    # The author confirms: the credits reach her wallet through the credits app.
    delivery_confirm(actor=c.chloe, delivery=delivery)
    assert member_summary(scheme, c.chloe)["balance"] == 500


def test_each_author_earns_and_a_coauthor_added_later_is_booked_alone(community: Any) -> None:
    c = community
    make_scheme(c)
    item = _article(c, c.chloe)
    item.authors.add(c.bram)
    item = actions.item_review(actor=c.anna, item=item, publish=True, service_code="article")
    assert sorted(ItemCredit.objects.values_list("author_id", flat=True)) == sorted(
        [c.chloe.pk, c.bram.pk]
    )
    item.authors.add(c.femke)
    [added] = actions.item_credits_book(actor=c.anna, item=item)
    assert added.author == c.femke
    assert ItemCredit.objects.filter(item=item).count() == 3


@pytest.mark.parametrize(
    ("service", "code"),
    [
        ("workshop", KnowledgeErrorCode.NOT_PAYABLE),  # costs credits, pays nobody
        ("session", KnowledgeErrorCode.NOT_PAYABLE),  # between members
    ],
)
def test_a_service_that_does_not_pay_refuses_the_publication(
    community: Any, service: str, code: str
) -> None:
    c = community
    make_scheme(c)
    item = _article(c, c.chloe)
    with pytest.raises(KnowledgeError) as caught:
        actions.item_review(actor=c.anna, item=item, publish=True, service_code=service)
    assert caught.value.code == code
    item.refresh_from_db()
    assert item.status == ItemStatus.REVIEW  # nothing half written
    assert not ItemCredit.objects.exists()
    assert not Delivery.objects.exists()


def test_unknown_service_or_no_scheme_changes_nothing(community: Any) -> None:
    c = community
    item = _article(c, c.chloe)
    with pytest.raises(CreditsError) as caught:
        actions.item_review(actor=c.anna, item=item, publish=True, service_code="article")
    assert caught.value.code == CreditsErrorCode.NO_SCHEME
    make_scheme(c)
    with pytest.raises(CreditsError) as caught:
        actions.item_review(actor=c.anna, item=item, publish=True, service_code="essay")
    assert caught.value.code == CreditsErrorCode.UNKNOWN_SERVICE
    item.refresh_from_db()
    assert (item.status, item.service_code) == (ItemStatus.REVIEW, "")
    # Published without a service: no credits, as before.
    item = actions.item_review(actor=c.anna, item=item, publish=True)
    assert item.is_published
    assert not ItemCredit.objects.exists()


def test_only_editors_book_and_only_published_items(community: Any) -> None:
    c = community
    make_scheme(c)
    item = _article(c, c.chloe)
    with pytest.raises(PermissionDenied):
        actions.item_credits_book(actor=c.chloe, item=item)
    with pytest.raises(KnowledgeError) as caught:
        actions.item_credits_book(actor=c.anna, item=item)
    assert caught.value.code == KnowledgeErrorCode.NOT_PAYABLE


# --- offers ---------------------------------------------------------------------------------


def test_offers_and_requests_match_both_ways_and_a_take_records_a_delivery(
    community: Any,
) -> None:
    from samen.credits.actions import help_request_create

    c = community
    scheme = make_scheme(c)
    offer = actions.offer_create(
        actor=c.bram,
        host=c.host,
        title="Bookkeeping for starters",
        skills=["Accounting", "Excel"],
        availability="Tuesday evenings",
        service_code="session",
    )
    asked = help_request_create(
        actor=c.chloe, scheme=scheme, title="Our books", skills=["Accounting"]
    )
    assert list(queries.offers_for_request(asked)) == [offer]
    assert list(queries.requests_for_offer(offer)) == [asked]
    assert list(queries.open_offers(c.host, skill="excel")) == [offer]

    take = actions.offer_take(actor=c.chloe, offer=offer, message="Next week?")
    with pytest.raises(KnowledgeError) as caught:
        actions.offer_take(actor=c.chloe, offer=offer)
    assert caught.value.code == KnowledgeErrorCode.ALREADY_ASKED
    with pytest.raises(KnowledgeError) as caught:
        actions.offer_take(actor=c.bram, offer=offer)
    assert caught.value.code == KnowledgeErrorCode.OWN_OFFER

    with pytest.raises(PermissionDenied):
        actions.offer_deliver(actor=c.chloe, take=take, on=TODAY())
    take = actions.offer_deliver(actor=c.bram, take=take, on=TODAY())
    delivery = take.delivery
    assert delivery is not None
    assert (delivery.provider, delivery.recipient, delivery.awaiting) == (
        c.bram,
        c.chloe,
        Side.RECIPIENT,
    )
    with pytest.raises(KnowledgeError):
        actions.offer_deliver(actor=c.bram, take=take, on=TODAY())
    assert Delivery.objects.count() == 1

    offer = actions.offer_withdraw(actor=c.bram, offer=offer)
    assert offer.status == OfferStatus.WITHDRAWN
    assert not queries.offers_for_request(asked).exists()
    with pytest.raises(KnowledgeError) as caught:
        actions.offer_take(actor=c.anna, offer=offer)
    assert caught.value.code == KnowledgeErrorCode.NOT_OPEN


def test_offer_refusals(community: Any) -> None:
    c = community
    make_scheme(c)
    with pytest.raises(PermissionDenied):  # a stranger to the host's community
        actions.offer_create(actor=c.eva, host=c.host, title="Anything")
    with pytest.raises(KnowledgeError) as caught:
        actions.offer_create(actor=c.bram, host=c.host, title="  ")
    assert caught.value.code == KnowledgeErrorCode.TITLE_REQUIRED
    with pytest.raises(KnowledgeError) as caught:  # a workshop is not given between members
        actions.offer_create(actor=c.bram, host=c.host, title="Workshop", service_code="workshop")
    assert caught.value.code == KnowledgeErrorCode.NOT_PAYABLE
    from samen.knowledge.models import Offer

    assert not Offer.objects.exists()


# --- mentoring ------------------------------------------------------------------------------


def _season(c: Any, **extra: Any) -> Any:
    return actions.season_create(
        actor=c.anna,
        host=c.host,
        name="Founders 2027",
        starts_on=TODAY() - dt.timedelta(days=30),
        ends_on=TODAY() + dt.timedelta(days=150),
        **extra,
    )


def test_a_season_pairs_by_skills_language_and_city_and_pays_mentor_hours(
    community: Any,
) -> None:
    c = community
    scheme = make_scheme(c)
    mentoring = ServiceInput(
        code="mentoring",
        name_en="Mentoring hour",
        name_nl="Mentoruur",
        name_fr="Heure de mentorat",
        direction="earns",
        value=250,
    )
    from samen.credits.actions import rate_card_publish
    from samen.credits.tests.factories import SERVICES

    rate_card_publish(
        actor=c.anna,
        scheme=scheme,
        valid_from=TODAY() - dt.timedelta(days=60),
        services=[*SERVICES, mentoring],
    )
    season = _season(c, service_code="mentoring")
    actions.application_create(
        actor=c.bram,
        season=season,
        role=MentoringRole.MENTOR,
        goals="Share what I know",
        skills=["Fundraising"],
        language="nl",
        city="Gent",
    )
    actions.application_create(
        actor=c.femke,
        season=season,
        role=MentoringRole.MENTOR,
        goals="Give back",
        skills=["Accounting"],
        language="fr",
        city="Liège",
    )
    actions.application_create(
        actor=c.chloe,
        season=season,
        role=MentoringRole.MENTEE,
        goals="Fund our café",
        skills=["Fundraising"],
        language="fr",
        city="Gent",
    )
    with pytest.raises(KnowledgeError) as caught:
        actions.application_create(
            actor=c.chloe, season=season, role=MentoringRole.MENTEE, goals="Again"
        )
    assert caught.value.code == KnowledgeErrorCode.ALREADY_APPLIED

    [proposal] = actions.pairs_propose(actor=c.anna, season=season)
    # A shared skill (4) and the city (1) beat the same language (2).
    assert (proposal.mentor, proposal.mentee, proposal.score) == (c.bram, c.chloe, 5)
    with pytest.raises(PermissionDenied):
        actions.pair_confirm(actor=c.bram, season=season, mentor=c.bram, mentee=c.chloe)
    pair = actions.pair_confirm(actor=c.anna, season=season, mentor=c.bram, mentee=c.chloe)
    assert pair.status == PairStatus.CONFIRMED
    with pytest.raises(KnowledgeError) as caught:
        actions.pair_confirm(actor=c.anna, season=season, mentor=c.femke, mentee=c.chloe)
    assert caught.value.code == KnowledgeErrorCode.ALREADY_PAIRED

    month = TODAY().replace(day=1)
    checkin = actions.checkin_record(
        actor=c.bram, pair=pair, month=TODAY(), progress="We met twice.", hours=3
    )
    assert checkin.month == month
    assert checkin.delivery is not None
    assert (checkin.delivery.provider, checkin.delivery.credits) == (c.bram, 750)
    mentee_checkin = actions.checkin_record(
        actor=c.chloe, pair=pair, month=TODAY(), progress="Helpful.", hours=3
    )
    assert mentee_checkin.delivery is None  # mentees' hours earn nothing
    with pytest.raises(KnowledgeError) as caught:
        actions.checkin_record(actor=c.bram, pair=pair, month=month, progress="Again")
    assert caught.value.code == KnowledgeErrorCode.ALREADY_CHECKED_IN
    with pytest.raises(KnowledgeError) as caught:
        actions.checkin_record(actor=c.femke, pair=pair, month=month, progress="Not mine")
    assert caught.value.code == KnowledgeErrorCode.NOT_IN_PAIR

    with pytest.raises(KnowledgeError) as caught:
        actions.feedback_give(actor=c.chloe, pair=pair, rating=5)
    assert caught.value.code == KnowledgeErrorCode.SEASON_NOT_OVER
    actions.season_set_status(actor=c.anna, season=season, status=SeasonStatus.CLOSED)
    with pytest.raises(KnowledgeError) as caught:
        actions.feedback_give(actor=c.chloe, pair=pair, rating=6)
    assert caught.value.code == KnowledgeErrorCode.BAD_RATING
    actions.feedback_give(actor=c.chloe, pair=pair, rating=5, text="Thank you")
    with pytest.raises(KnowledgeError) as caught:
        actions.feedback_give(actor=c.chloe, pair=pair, rating=4)
    assert caught.value.code == KnowledgeErrorCode.ALREADY_GIVEN


def test_season_refusals(community: Any) -> None:
    c = community
    make_scheme(c)
    with pytest.raises(PermissionDenied):
        actions.season_create(
            actor=c.chloe, host=c.host, name="Mine", starts_on=TODAY(), ends_on=TODAY()
        )
    with pytest.raises(KnowledgeError) as caught:
        actions.season_create(
            actor=c.anna, host=c.host, name="Backwards", starts_on=TODAY(), ends_on=TODAY()
        )
    assert caught.value.code == KnowledgeErrorCode.BAD_DATES
    with pytest.raises(KnowledgeError) as caught:  # a workshop costs: it pays no mentor
        _season(c, service_code="workshop")
    assert caught.value.code == KnowledgeErrorCode.NOT_PAYABLE
    season = _season(c)
    with pytest.raises(PermissionDenied):
        actions.application_create(
            actor=c.eva, season=season, role=MentoringRole.MENTEE, goals="Learn"
        )
    actions.season_set_status(actor=c.anna, season=season, status=SeasonStatus.RUNNING)
    with pytest.raises(KnowledgeError) as caught:
        actions.application_create(
            actor=c.chloe, season=season, role=MentoringRole.MENTEE, goals="Late"
        )
    assert caught.value.code == KnowledgeErrorCode.NOT_OPEN
    with pytest.raises(KnowledgeError) as caught:
        actions.pair_confirm(actor=c.anna, season=season, mentor=c.bram, mentee=c.chloe)
    assert caught.value.code == KnowledgeErrorCode.NOT_APPLIED
