"""The host admin's pages: the rate card editor and the credit scheme form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from samen.audit.models import AuditEntry
from samen.credits.models import CreditScheme, RateCard
from samen.credits.tests.factories import SERVICES, make_scheme

pytestmark = pytest.mark.django_db


def _rows(services: list[dict[str, Any]], *, initial: int) -> dict[str, Any]:
    data: dict[str, Any] = {
        "services-TOTAL_FORMS": str(len(services)),
        "services-INITIAL_FORMS": str(initial),
        "services-MIN_NUM_FORMS": "0",
        "services-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(services):
        blank = {
            "code": "",
            "name_en": "",
            "name_nl": "",
            "name_fr": "",
            "description_en": "",
            "description_nl": "",
            "description_fr": "",
            "direction": "earns",
            "counterparty": "host",
            "value": "",
        }
        blank.update(row)
        for key, value in blank.items():
            if key == "DELETE" and not value:
                continue
            data[f"services-{i}-{key}"] = value
    return data


def _current_rows() -> list[dict[str, Any]]:
    return [
        {
            "code": s.code,
            "name_en": s.name_en,
            "name_nl": s.name_nl,
            "name_fr": s.name_fr,
            "direction": s.direction,
            "counterparty": s.counterparty,
            "value": str(Decimal(s.value) / 1000),
        }
        for s in SERVICES
    ]


def test_rate_card_editor_access(client, community):
    make_scheme(community)
    url = reverse("credits:rate_card_edit", args=[community.host.slug])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    for person, status in [
        (community.chloe, 403),  # member of the host
        (community.femke, 403),  # accountant: reads finances, does not set prices
        (community.eva, 403),  # stranger: sees the public host, not its admin pages
        (community.anna, 200),
    ]:
        client.force_login(person)
        assert client.get(url).status_code == status, person
    client.force_login(community.chloe)
    assert client.post(url, _rows(_current_rows(), initial=4)).status_code == 403
    assert RateCard.objects.count() == 1


def test_host_admin_publishes_a_changed_removed_and_added_service(client, community):
    scheme = make_scheme(community)
    slug = community.host.slug
    client.force_login(community.anna)
    page = client.get(reverse("credits:rate_card_edit", args=[slug])).content.decode()
    assert 'value="Versterkingssessie"' in page  # starts from the version in force
    assert "Version 1, from" in page

    rows = _current_rows()
    rows[1]["value"] = "0,75"  # workshop more expensive
    rows[2]["DELETE"] = "on"  # bootcamp dropped
    rows.append(
        {
            "code": "research",
            "name_en": "Case research",
            "name_nl": "Praktijkonderzoek",
            "name_fr": "Recherche de cas",
            "description_fr": "Documenter un cas.",
            "direction": "earns",
            "value": "0.5",
        }
    )
    rows.append({})  # an empty extra row adds nothing
    valid_from = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        reverse("credits:rate_card_edit", args=[slug]),
        {"valid_from": valid_from.isoformat(), **_rows(rows, initial=4)},
    )
    assert response.status_code == 302
    card = RateCard.objects.get(scheme=scheme, version=2)
    assert card.valid_from == valid_from
    services = {s.code: s for s in card.services.all()}
    assert set(services) == {"session", "workshop", "article", "research"}
    assert services["workshop"].value == 750
    assert services["research"].name_fr == "Recherche de cas"
    assert services["research"].description_fr == "Documenter un cas."
    assert AuditEntry.objects.filter(action="credits.rate_card_publish").count() == 2

    listing = client.get(reverse("credits:rate_card_edit", args=[slug])).content.decode()
    assert "Version 2, from" in listing
    assert "Version 1, from" in listing
    assert "upcoming" in listing


def test_rate_card_editor_shows_errors_and_publishes_nothing(client, community):
    scheme = make_scheme(community)
    client.force_login(community.anna)
    url = reverse("credits:rate_card_edit", args=[community.host.slug])
    rows = _current_rows()
    rows[0]["value"] = "-1"
    rows[1]["code"] = "not a slug"
    response = client.post(url, {"valid_from": "2030-01-01", **_rows(rows, initial=4)})
    assert response.status_code == 400
    assert "Enter an amount above zero." in response.content.decode()
    # A date a version already starts on is refused by the action, shown on the form.
    response = client.post(url, {"valid_from": "2020-01-01", **_rows(_current_rows(), initial=4)})
    assert response.status_code == 400
    assert "A rate card version already starts on that date." in response.content.decode()
    # A peer service that "costs" is refused too.
    rows = _current_rows()
    rows[0]["direction"] = "costs"
    response = client.post(url, {"valid_from": "2030-01-01", **_rows(rows, initial=4)})
    assert response.status_code == 400
    assert RateCard.objects.filter(scheme=scheme).count() == 1


def test_rate_card_page_links_the_editor_for_host_admins_only(client, community):
    make_scheme(community)
    url = reverse("credits:rate_card", args=[community.host.slug])
    edit = reverse("credits:rate_card_edit", args=[community.host.slug])
    client.force_login(community.chloe)
    assert edit not in client.get(url).content.decode()
    client.force_login(community.anna)
    assert edit in client.get(url).content.decode()
    dashboard = client.get(reverse("credits:dashboard", args=[community.host.slug]))
    assert edit in dashboard.content.decode()
    assert reverse("credits:scheme_edit", args=[community.host.slug]) in dashboard.content.decode()


def test_rate_card_editor_query_count_does_not_grow_with_versions(
    client, community, django_assert_max_num_queries
):
    from samen.credits.actions import rate_card_publish

    scheme = make_scheme(community)
    client.force_login(community.anna)
    url = reverse("credits:rate_card_edit", args=[community.host.slug])
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for year in range(2021, 2026):
        rate_card_publish(
            actor=community.anna, scheme=scheme, valid_from=dt.date(year, 1, 1), services=SERVICES
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def _scheme_post(**extra: str) -> dict[str, str]:
    data = {
        "code": "sif",
        "name": "Social innovation credit",
        "decimals": "3",
        "euro_value": "50.00",
        "vat_rate": "21",
        "default_credit_limit": "2,5",
        "settle_in_euros": "on",
        "auto_confirm_days": "14",
    }
    data.update(extra)
    return data


def test_scheme_form_access(client, community):
    url = reverse("credits:scheme_edit", args=[community.host.slug])
    assert client.get(url).status_code == 302
    for person in (community.chloe, community.femke, community.eva):
        client.force_login(person)
        assert client.get(url).status_code == 403, person
        assert client.post(url, _scheme_post()).status_code == 403
    assert not CreditScheme.objects.exists()
    client.force_login(community.anna)
    assert client.get(url).status_code == 200
    assert client.get(reverse("credits:scheme_edit", args=["no-such-host"])).status_code == 404


def test_host_admin_starts_a_scheme_from_the_dashboard(client, community):
    slug = community.host.slug
    client.force_login(community.anna)
    dashboard = client.get(reverse("credits:dashboard", args=[slug])).content.decode()
    assert 'id="scheme-form"' in dashboard  # offered where the scheme is missing
    client.force_login(community.femke)
    assert (
        'id="scheme-form"'
        not in client.get(reverse("credits:dashboard", args=[slug])).content.decode()
    )
    client.force_login(community.anna)
    response = client.post(reverse("credits:scheme_edit", args=[slug]), _scheme_post())
    assert response.status_code == 302
    scheme = CreditScheme.objects.select_related("unit").get(host=community.host)
    assert scheme.unit.code == "SIF"
    assert scheme.unit.euro_value == Decimal("50.00")
    assert scheme.unit.vat_rate == Decimal("21")
    assert scheme.default_credit_limit == 2500
    assert scheme.settle_in_euros is True
    assert AuditEntry.objects.filter(action="credits.scheme_create").count() == 1


def test_scheme_form_exempt_and_bad_input(client, community):
    slug = community.host.slug
    client.force_login(community.anna)
    url = reverse("credits:scheme_edit", args=[slug])
    response = client.post(url, _scheme_post(code="S1", default_credit_limit="-1"))
    assert response.status_code == 400
    assert "Enter an amount of zero or more." in response.content.decode()
    assert not CreditScheme.objects.exists()
    response = client.post(
        url, _scheme_post(vat_rate="exempt", vat_exemption_reason="Art. 44", decimals="2")
    )
    assert response.status_code == 302
    scheme = CreditScheme.objects.select_related("unit").get()
    assert scheme.unit.vat_rate is None
    assert scheme.unit.decimals == 2
    assert scheme.default_credit_limit == 250
    assert scheme.vat_exemption_reason == "Art. 44"


def test_host_admin_changes_the_rules_of_a_running_scheme(client, community):
    scheme = make_scheme(community)
    client.force_login(community.anna)
    url = reverse("credits:scheme_edit", args=[community.host.slug])
    page = client.get(url).content.decode()
    assert 'id="scheme-unit"' in page
    assert 'value="2"' in page
    response = client.post(
        url,
        {"default_credit_limit": "4", "auto_confirm_days": "7"},  # settle unticked
    )
    assert response.status_code == 302
    scheme.refresh_from_db()
    assert scheme.default_credit_limit == 4000
    assert scheme.auto_confirm_days == 7
    assert scheme.settle_in_euros is False
    assert AuditEntry.objects.filter(action="credits.scheme_update").count() == 1
    response = client.post(url, {"default_credit_limit": "x", "auto_confirm_days": "0"})
    assert response.status_code == 400


def test_the_service_form_asks_the_readers_language_first_and_any_name_suffices():
    from django.utils import translation

    from samen.credits.forms import ServiceRowForm

    row = {"code": "mentor", "direction": "earns", "counterparty": "host", "value": "1"}
    with translation.override("fr"):
        form = ServiceRowForm(data=row, decimals=3)
        assert list(form.fields)[:4] == ["code", "name_fr", "name_en", "name_nl"]
        assert not form.is_valid()
        # At the field of the reader's language, and nowhere else.
        assert form.errors == {"name_fr": ["Donnez un nom au service dans au moins une langue."]}
        form = ServiceRowForm(data={**row, "name_nl": "Mentoraat"}, decimals=3)
        assert form.is_valid(), form.errors
        assert form.service_input().original_name == "Mentoraat"
        assert form.written_name() == "Mentoraat"  # the row's legend


def test_a_service_named_only_in_dutch_is_published_and_read_in_every_language(client, community):
    scheme = make_scheme(community)
    client.force_login(community.anna)
    url = reverse("credits:rate_card_edit", args=[community.host.slug]) + "?lang=nl"
    new = {"code": "mentor", "name_nl": "Mentoraat", "direction": "earns", "value": "0,5"}
    response = client.post(
        url, {"valid_from": "2030-01-01", **_rows([*_current_rows(), new], initial=4)}
    )
    assert response.status_code == 302
    service = RateCard.objects.get(scheme=scheme, version=2).services.get(code="mentor")
    assert (service.name_en, service.name_nl) == ("", "Mentoraat")
    assert service.name_in("en") == service.name_in("fr") == "Mentoraat"
    page = client.get(url).content.decode()
    assert "<td data-user-content>Mentoraat</td>" in page  # in the list of versions


def test_a_service_without_any_name_is_refused_at_the_field_on_the_dutch_page(client, community):
    scheme = make_scheme(community)
    client.force_login(community.anna)
    url = reverse("credits:rate_card_edit", args=[community.host.slug]) + "?lang=nl"
    new = {"code": "mentor", "description_fr": "Accompagner un projet.", "value": "0,5"}
    response = client.post(
        url, {"valid_from": "2030-01-01", **_rows([*_current_rows(), new], initial=4)}
    )
    assert response.status_code == 400
    html = response.content.decode()
    # The error follows the field it is about, inside that field's column.
    field = html.split('id="id_services-4-name_nl"')[1].split("</div>")[0]
    assert "Geef de dienst een naam in minstens één taal." in field
    assert "Accompagner un projet." in html  # what was typed stays
    assert RateCard.objects.filter(scheme=scheme).count() == 1
