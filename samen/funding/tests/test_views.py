"""The funding pages through HTTP: giving, the payment page, campaigns, the host's bank work."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samen.banking.epc import epc_qr
from samen.banking.tests.bankfiles import Line, camt053_file
from samen.funding import actions, queries
from samen.funding.models import BankLine, Contribution, ContributionStatus, LineStatus
from samen.funding.tests.factories import give_by_bank, make_campaign, make_reward
from samen.lib.testing import epc_payload

pytestmark = pytest.mark.django_db


def test_guest_gives_by_bank_transfer_and_sees_how_to_pay(community, client) -> None:
    url = reverse("funding:contribute", args=[community.collective.slug])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "amount": "12,50",
            "interval": "one_time",
            "method": "bank_transfer",
            "guest_name": "Dries",
            "guest_email": "dries.guest@example.org",
            "message": "Santé!",
        },
    )
    contribution = Contribution.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("funding:contribution", args=[contribution.token])
    assert contribution.amount == 1250
    page = client.get(response["Location"]).content.decode()
    assert contribution.formatted_communication in page
    assert "BE68 5390 0754 7034" in page
    assert 'data-testid="epc-qr"' in page
    qr = epc_qr(queries.contribution_transfer(contribution))
    assert qr is not None
    assert epc_payload(qr) == {
        "service": "BCD",
        "version": "002",
        "charset": "2",  # ISO 8859-1: segno picks the smallest that fits
        "identification": "SCT",
        "bic": "BBRUBEBB",
        "name": "Brussels Commons vzw",
        "iban": "BE68539007547034",
        "amount": "EUR12.5",
        "purpose": "",
        "reference": contribution.structured_communication,
        "text": "",
    }


def test_bad_amounts_are_form_errors(community, client) -> None:
    url = reverse("funding:contribute", args=[community.collective.slug])
    for amount in ("abc", "0,10", "-5"):
        response = client.post(
            url,
            {
                "amount": amount,
                "interval": "one_time",
                "method": "bank_transfer",
                "guest_name": "D",
                "guest_email": "d@example.org",
            },
        )
        assert response.status_code == 200
        assert b"invalid-feedback" in response.content
    assert not Contribution.objects.exists()


def test_guests_cannot_choose_monthly(community, client) -> None:
    url = reverse("funding:contribute", args=[community.collective.slug])
    response = client.post(
        url,
        {
            "amount": "10",
            "interval": "monthly",
            "method": "bank_transfer",
            "guest_name": "D",
            "guest_email": "d@example.org",
        },
    )
    assert response.status_code == 200
    assert not Contribution.objects.exists()


def test_signed_in_monthly_gift_and_my_page(community, client) -> None:
    client.force_login(community.dries)
    url = reverse("funding:contribute", args=[community.collective.slug])
    client.post(
        url,
        {"amount": "10", "interval": "monthly", "method": "bank_transfer", "is_incognito": "on"},
    )
    contribution = Contribution.objects.get()
    assert contribution.contributor == community.dries
    assert contribution.is_incognito
    mine = client.get(reverse("funding:mine"))
    assert mine.status_code == 200
    assert "Brasserie Zinneke" in mine.content.decode()
    recurring = contribution.recurring
    assert recurring is not None
    client.post(reverse("funding:recurring_change", args=[recurring.pk]), {"action": "pause"})
    recurring.refresh_from_db()
    assert recurring.status == "paused"
    client.force_login(community.eva)
    response = client.post(
        reverse("funding:recurring_change", args=[recurring.pk]), {"action": "cancel"}
    )
    assert response.status_code == 404


def test_bank_dashboard_access(community, client) -> None:
    url = reverse("funding:dashboard_bank", args=[community.host.slug])
    assert client.get(url).status_code == 302  # anonymous: log in
    for person, status in (
        (community.eva, 403),
        (community.bram, 403),
        (community.femke, 403),
        (community.anna, 200),
    ):
        client.force_login(person)
        assert client.get(url).status_code == status


def test_host_imports_and_confirms_a_suggestion(community, client) -> None:
    exact = give_by_bank(community.collective, amount=2500)
    loose = give_by_bank(community.collective, amount=1800)
    data = camt053_file(
        [
            Line(
                2500, "Dries Peeters", "BE71096123456769", structured=exact.structured_communication
            ),
            Line(1800, "Dries Peeters", text="for the brewery"),
        ]
    )
    client.force_login(community.anna)
    url = reverse("funding:dashboard_bank", args=[community.host.slug])
    response = client.post(url, {"file": SimpleUploadedFile("nov.xml", data)})
    assert response.status_code == 302
    exact.refresh_from_db()
    assert exact.status == ContributionStatus.PAID
    page = client.get(url).content.decode()
    assert loose.formatted_communication in page
    line = BankLine.objects.get(status=LineStatus.UNMATCHED)
    client.post(
        reverse("funding:bank_line_confirm", args=[community.host.slug, line.pk]),
        {"contribution": loose.pk},
    )
    loose.refresh_from_db()
    assert loose.status == ContributionStatus.PAID
    again = client.post(url, {"file": SimpleUploadedFile("nov.xml", data)}, follow=True)
    assert b"already imported" in again.content
    bad = client.post(url, {"file": SimpleUploadedFile("x.txt", b"not a statement")})
    assert bad.status_code == 200
    assert b"invalid-feedback" in bad.content


def test_bank_line_of_another_host_is_invisible(community, client) -> None:
    from samen.communities.actions import host_create

    other = host_create(actor=community.eva, name="Gent host", slug="gent", iban="BE71096123456769")
    data = camt053_file([Line(100, "X", text="x")], iban="BE71096123456769")
    from samen.banking.actions import bank_import

    bank_import(actor=None, host=other, data=data)
    line = BankLine.objects.get()
    client.force_login(community.anna)
    response = client.post(reverse("funding:bank_line_ignore", args=[community.host.slug, line.pk]))
    assert response.status_code == 404


def test_campaign_page_respects_incognito_and_shows_rewards(community, client) -> None:
    campaign = make_campaign(community)
    make_reward(community, campaign, quantity=2)
    public = give_by_bank(
        community.collective, amount=3000, campaign=campaign, actor=community.dries
    )
    hidden = give_by_bank(
        community.collective,
        amount=3000,
        campaign=campaign,
        actor=community.chloe,
        is_incognito=True,
    )
    for contribution in (public, hidden):
        actions.contribution_mark_paid(actor=None, contribution=contribution)
    page = client.get(reverse("funding:campaign", args=[community.collective.slug, campaign.slug]))
    html = page.content.decode()
    assert "Dries" in html
    assert "Chloé" not in html
    assert "Anonymous" in html
    assert "60% funded" in html
    assert "2 left" in html


def test_campaign_detail_query_count_does_not_grow(
    community, client, django_assert_max_num_queries
) -> None:
    campaign = make_campaign(community)
    url = reverse("funding:campaign", args=[community.collective.slug, campaign.slug])
    for _ in range(3):
        actions.contribution_mark_paid(
            actor=None,
            contribution=give_by_bank(
                community.collective, campaign=campaign, actor=community.dries
            ),
        )
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for _ in range(10):
        actions.contribution_mark_paid(
            actor=None,
            contribution=give_by_bank(
                community.collective, campaign=campaign, actor=community.chloe
            ),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_fulfilment_csv_for_admins_only(community, client) -> None:
    campaign = make_campaign(community)
    reward = make_reward(community, campaign)
    backer = give_by_bank(
        community.collective, campaign=campaign, reward=reward, actor=community.dries
    )
    actions.contribution_mark_paid(actor=None, contribution=backer)
    url = reverse("funding:fulfilment", args=[community.collective.slug, campaign.slug])
    client.force_login(community.chloe)
    assert client.get(url).status_code == 403
    client.force_login(community.bram)
    rows = list(csv.reader(io.StringIO(client.get(url + "?format=csv").content.decode())))
    assert rows[1][:3] == ["Six-pack", "Dries", "dries@example.org"]
    client.post(url, {"contribution": str(backer.token), "delivered": "1"})
    backer.refresh_from_db()
    assert backer.delivered_at is not None


def test_collective_admin_creates_a_campaign(community, client) -> None:
    client.force_login(community.bram)
    url = reverse("funding:campaign_new", args=[community.collective.slug])
    response = client.post(
        url,
        {
            "title": "Pre-sale",
            "slug": "pre-sale",
            "goal_type": "money",
            "goal_amount": "5000",
            "deadline": "2099-01-01T12:00",
            "model": "all_or_nothing",
        },
    )
    assert response.status_code == 302
    again = client.post(
        url,
        {
            "title": "Other",
            "slug": "pre-sale",
            "goal_type": "money",
            "goal_amount": "1",
            "deadline": "2099-01-01T12:00",
            "model": "keep_it_all",
        },
    )
    assert again.status_code == 200
    assert b"already taken" in again.content
    client.force_login(community.chloe)
    assert client.get(url).status_code == 403


def test_receipt_and_refund_pages(community, client) -> None:
    contribution = actions.contribution_mark_paid(
        actor=None, contribution=give_by_bank(community.collective, actor=community.dries)
    )
    receipt = client.get(reverse("funding:receipt", args=[contribution.token]))
    assert receipt["Content-Type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")
    refund = reverse("funding:contribution_refund", args=[contribution.token])
    client.force_login(community.chloe)
    assert client.post(refund, {"reason": "x"}).status_code == 403
    client.force_login(community.bram)
    client.post(refund, {"reason": "Wrong collective"})
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.REFUNDED


@pytest.mark.parametrize(
    ("language", "expected"),
    [("nl", "Gestructureerde mededeling"), ("fr", "Communication structurée")],
)
def test_payment_page_in_dutch_and_french(community, client, language, expected) -> None:
    contribution = give_by_bank(community.collective, amount=1250)
    client.cookies["django_language"] = language
    page = client.get(
        reverse("funding:contribution", args=[contribution.token]), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    assert expected in page
    assert "12,50 €" in page


def test_sepa_refund_file_for_failed_campaign_bank_pledges(community, client) -> None:
    from samen.banking.actions import bank_import
    from samen.funding.tests.factories import end_campaign

    campaign = make_campaign(community, goal=1_000_000)
    pledge = give_by_bank(community.collective, campaign=campaign, amount=4200)
    bank_import(
        actor=None,
        host=community.host,
        data=camt053_file(
            [
                Line(
                    4200,
                    "Dries Peeters",
                    "BE71096123456769",
                    structured=pledge.structured_communication,
                )
            ]
        ),
    )
    end_campaign(campaign)
    actions.campaign_settle(actor=None, campaign=campaign)
    client.force_login(community.anna)
    url = reverse("funding:dashboard_refunds", args=[community.host.slug])
    response = client.get(url + "?format=xml")
    assert response["Content-Type"] == "application/xml"
    xml = response.content.decode()
    assert "pain.001.001.03" in xml
    assert "BE71096123456769" in xml
    assert f"SAMEN-REFUND-{pledge.pk}" in xml
    assert '<InstdAmt Ccy="EUR">42.00</InstdAmt>' in xml
    client.post(url, {"contribution": pledge.pk})
    assert client.get(url + "?format=xml").status_code == 302  # nothing left to pay


def test_campaign_image_is_re_encoded_and_bad_files_refused(community, client) -> None:
    from io import BytesIO

    from PIL import Image

    from samen.funding.models import Campaign

    out = BytesIO()
    Image.new("RGB", (2400, 1200), (200, 120, 30)).save(out, format="PNG")
    client.force_login(community.bram)
    url = reverse("funding:campaign_new", args=[community.collective.slug])
    fields = {
        "title": "Tanks",
        "slug": "tanks",
        "goal_type": "money",
        "goal_amount": "5000",
        "deadline": "2099-01-01T12:00",
        "model": "all_or_nothing",
    }
    bad = client.post(url, {**fields, "image": SimpleUploadedFile("x.png", b"not an image")})
    assert bad.status_code == 200
    assert b"JPEG, PNG or WebP" in bad.content
    good = client.post(url, {**fields, "image": SimpleUploadedFile("tank.png", out.getvalue())})
    assert good.status_code == 302
    campaign = Campaign.objects.get(slug="tanks")
    with Image.open(campaign.image) as stored:
        assert stored.size == (1600, 800)


def test_collective_admin_sets_up_tiers(community, client) -> None:
    from samen.funding.models import Tier

    url = reverse("funding:tiers", args=[community.collective.slug])
    client.force_login(community.chloe)
    assert client.get(url).status_code == 403
    client.force_login(community.bram)
    response = client.post(
        url,
        {
            "name": "Friend",
            "kind": "membership",
            "amount": "10",
            "interval": "monthly",
            "quantity": "50",
        },
    )
    assert response.status_code == 302
    tier = Tier.objects.get()
    assert (tier.amount, tier.interval, tier.quantity) == (1000, "monthly", 50)
    assert (
        "Friend"
        in client.get(
            reverse("funding:contribute", args=[community.collective.slug])
        ).content.decode()
    )
    low = client.post(url, {"name": "Tiny", "kind": "donation", "amount": "0,50"})
    assert low.status_code == 200
    client.post(url, {"deactivate": tier.pk})
    tier.refresh_from_db()
    assert not tier.is_active


def test_admins_see_and_stop_regular_gifts(community, client) -> None:
    from samen.funding.models import Interval, RecurringContribution

    give_by_bank(
        community.collective, actor=community.dries, amount=1000, interval=Interval.MONTHLY
    )
    recurring = RecurringContribution.objects.get()
    url = reverse("funding:collective_contributions", args=[community.collective.slug])
    client.force_login(community.anna)
    page = client.get(url).content.decode()
    assert "Dries" in page
    response = client.post(
        reverse("funding:recurring_change", args=[recurring.pk]), {"action": "cancel", "next": url}
    )
    assert response["Location"] == url
    recurring.refresh_from_db()
    assert recurring.status == "cancelled"
    client.force_login(community.anna)
    evil = client.post(
        reverse("funding:recurring_change", args=[recurring.pk]),
        {"action": "pause", "next": "https://evil.example/"},
    )
    assert evil["Location"] == reverse("funding:mine")


def test_sold_out_rewards_are_not_offered(community, client) -> None:
    campaign = make_campaign(community)
    gone = make_reward(community, campaign, quantity=1, title="Last crate")
    make_reward(community, campaign, title="Six-pack")
    give_by_bank(community.collective, campaign=campaign, reward=gone)
    page = client.get(
        reverse("funding:campaign_back", args=[community.collective.slug, campaign.slug])
    ).content.decode()
    assert "Six-pack" in page
    assert f'value="{gone.pk}"' not in page


def test_support_box_for_the_collective_page(community, rf) -> None:
    from django.template import Context, Template

    campaign = make_campaign(community)
    hidden = give_by_bank(
        community.collective, actor=community.chloe, is_incognito=True, campaign=campaign
    )
    actions.contribution_mark_paid(actor=None, contribution=hidden)
    html = Template("{% load funding %}{% support_box collective %}").render(
        Context({"collective": community.collective, "request": rf.get("/")})
    )
    assert reverse("funding:contribute", args=[community.collective.slug]) in html
    assert "First brew" in html
    assert "Anonymous" in html
    assert "Chloé" not in html


def test_progress_fragment_for_htmx(community, client) -> None:
    campaign = make_campaign(community)
    url = reverse("funding:campaign", args=[community.collective.slug, campaign.slug])
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div id="campaign-progress-')
    assert "<html" not in fragment


def test_host_admin_records_matchfunding(community, client) -> None:
    campaign = make_campaign(community)
    url = reverse("funding:campaign_matching_add", args=[community.collective.slug, campaign.slug])
    fields = {
        "sponsor_name": "Fonds Anderlecht",
        "factor": "1.00",
        "cap_per_donation": "50",
        "total_cap": "2000",
    }
    client.force_login(community.bram)
    assert client.post(url, fields).status_code == 403
    client.force_login(community.anna)
    client.post(url, fields)
    pledge = campaign.matching.get()
    assert (pledge.cap_per_donation, pledge.total_cap) == (5000, 200000)
    page = client.get(
        reverse("funding:campaign", args=[community.collective.slug, campaign.slug])
    ).content.decode()
    assert "Fonds Anderlecht adds 1.00" in page


def test_fulfilment_csv_neutralises_formulas_in_reward_titles(community, client) -> None:
    campaign = make_campaign(community)
    title = '=HYPERLINK("http://evil.example","Six-pack")'
    reward = make_reward(community, campaign, title=title)
    backer = give_by_bank(
        community.collective, campaign=campaign, reward=reward, actor=community.dries
    )
    actions.contribution_mark_paid(actor=None, contribution=backer)
    url = reverse("funding:fulfilment", args=[community.collective.slug, campaign.slug])
    client.force_login(community.bram)
    rows = list(csv.reader(io.StringIO(client.get(url + "?format=csv").content.decode())))
    assert rows[1][0] == "'" + title
    assert rows[1][3] == f"{backer.amount / 100:.2f}"


def test_unbounded_and_ambiguous_amounts_are_field_errors(community, client) -> None:
    url = reverse("funding:contribute", args=[community.collective.slug])
    expected = {
        "12.345": "Did you mean",
        "21474836,48": "too large",
        "99999999999999999999.99": "too large",
        "1e30": "Enter an amount",
        "NaN": "Enter an amount",
    }
    for amount, error in expected.items():
        response = client.post(
            url,
            {
                "amount": amount,
                "interval": "one_time",
                "method": "bank_transfer",
                "guest_name": "D",
                "guest_email": "d@example.org",
            },
        )
        assert response.status_code == 200, amount
        assert error in response.context["form"].errors["amount"][0], amount
    assert not Contribution.objects.exists()


def test_too_low_amount_says_the_minimum_at_the_field(community, client) -> None:
    url = reverse("funding:contribute", args=[community.collective.slug])
    for language, minimum in (("en", "€1.00"), ("nl", "1,00 €")):
        response = client.post(
            url,
            {
                "amount": "0,10",
                "interval": "one_time",
                "method": "bank_transfer",
                "guest_name": "D",
                "guest_email": "d@example.org",
            },
            HTTP_ACCEPT_LANGUAGE=language,
        )
        html = response.content.decode()
        error = html.split('id="id_amount_error"')[1].split("</div>")[0]
        assert minimum in error
        assert 'value="0,10"' in html  # what was typed stays


def test_recent_supporters_name_each_person_once(community, rf) -> None:
    from django.template import Context, Template

    for amount in (500, 700, 900):
        gift = give_by_bank(community.collective, amount=amount, actor=community.chloe)
        actions.contribution_mark_paid(actor=None, contribution=gift)
    for _ in range(2):
        hidden = give_by_bank(community.collective, actor=community.chloe, is_incognito=True)
        actions.contribution_mark_paid(actor=None, contribution=hidden)
    html = Template("{% load funding %}{% support_box collective %}").render(
        Context({"collective": community.collective, "request": rf.get("/")})
    )
    supporters = re.findall(r'data-testid="supporter">([^<]*)<', html)
    assert supporters == ["Anonymous", str(community.chloe.public_name)]


THANKS = {"en": "Thank you for supporting", "nl": "Bedankt om", "fr": "Merci de soutenir"}


@pytest.mark.parametrize("language", ["en", "nl", "fr"])
def test_thank_you_page_after_backing(community, client, language) -> None:
    campaign = make_campaign(community)
    contribution = give_by_bank(community.collective, amount=1250, campaign=campaign)
    client.cookies["django_language"] = language
    url = reverse("funding:contribution", args=[contribution.token])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert THANKS[language] in page
    assert 'data-testid="next-steps"' in page
    # Copy buttons carry the exact IBAN and communication the bank needs.
    assert 'id="copy-iban" value="BE68539007547034"' in page
    assert f'id="copy-communication" value="{contribution.formatted_communication}"' in page
    campaign_url = reverse("funding:campaign", args=[community.collective.slug, campaign.slug])
    assert f'href="{campaign_url}"' in page  # the way back
    assert "wa.me/?text=http%3A//testserver" in page  # share links to the campaign
    actions.contribution_mark_paid(actor=None, contribution=contribution)
    paid = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert THANKS[language] in paid
    assert 'data-testid="next-steps"' not in paid
    assert 'data-testid="share"' in paid


@pytest.mark.parametrize("language", ["en", "nl", "fr"])
def test_contribute_form_suggests_amounts(community, client, language) -> None:
    url = reverse("funding:contribute", args=[community.collective.slug])
    client.cookies["django_language"] = language
    page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    links = re.findall(r'href="\?amount=(\d+)"', page)
    assert links == ["10", "25", "50"]
    chosen = client.get(url + "?amount=25", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert 'name="amount" value="25"' in chosen


def test_suggested_amounts_follow_tiers_and_the_minimum() -> None:
    from types import SimpleNamespace

    tiers = [SimpleNamespace(amount=a) for a in (500, 1500, 1500, 999, 4500, 9000)]
    assert queries.suggested_amounts(tiers, 100) == [500, 1500, 4500]
    assert queries.suggested_amounts([], 100) == [1000, 2500, 5000]
    assert queries.suggested_amounts([], 4500) == [5000]
    assert queries.suggested_amounts([], 6050) == [6100]


@pytest.mark.parametrize("language", ["en", "nl", "fr"])
def test_campaign_and_collective_pages_have_share_cards(community, client, language) -> None:
    campaign = make_campaign(community)
    client.cookies["django_language"] = language
    slug = community.collective.slug
    for url, title in [
        (reverse("funding:campaign", args=[slug, campaign.slug]), campaign.title),
        (reverse("communities:collective", args=[slug]), community.collective.name),
    ]:
        page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert f'<meta property="og:title" content="{title}">' in page
        assert '<meta name="twitter:card" content="summary' in page
        assert f'<meta property="og:url" content="http://testserver{url}">' in page


@pytest.mark.parametrize("language", ["en", "nl", "fr"])
def test_campaign_widget_can_be_framed_and_admins_get_the_snippet(community, client, language):
    campaign = make_campaign(community)
    slug = community.collective.slug
    client.cookies["django_language"] = language
    widget = client.get(
        reverse("funding:campaign_widget", args=[slug, campaign.slug]),
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert widget.status_code == 200
    assert "X-Frame-Options" not in widget.headers
    assert "frame-ancestors *" in widget.headers["Content-Security-Policy"]
    html = widget.content.decode()
    assert 'data-testid="campaign-widget"' in html
    assert reverse("funding:campaign_back", args=[slug, campaign.slug]) in html
    # Other pages still refuse to be framed.
    page = client.get(reverse("funding:campaign", args=[slug, campaign.slug]))
    assert page.headers["X-Frame-Options"] == "DENY"
    assert 'data-testid="embed"' not in page.content.decode()
    client.force_login(community.bram)
    admin = client.get(reverse("funding:campaign", args=[slug, campaign.slug])).content.decode()
    assert "&lt;iframe src=&quot;http://testserver/" in admin
