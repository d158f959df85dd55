"""Requests and the member directory through the pages."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from samen.accounts.models import Profile
from samen.credits.actions import delivery_confirm, help_request_create, workshop_record
from samen.credits.models import Delivery, DeliveryStatus, HelpRequest, RequestStatus
from samen.credits.tests.factories import give_skills, make_scheme

pytestmark = pytest.mark.django_db


def test_post_answer_and_confirm_through_the_pages(client, community):
    make_scheme(community)
    slug = community.host.slug
    bram, chloe = community.bram, community.chloe
    client.force_login(chloe)
    form = client.get(reverse("credits:request_new", args=[slug])).content.decode()
    # The profile form's skill autocomplete.
    assert f'hx-get="{reverse("accounts:skill_suggest")}"' in form
    assert 'id="skill-suggestions"' in form
    posted = client.post(
        reverse("credits:request_new", args=[slug]),
        {
            "title": "A logo for our repair café",
            "description": "Something *simple*.",
            "skills": "Graphic design, Illustration",
            "service": "session",
        },
    )
    asked = HelpRequest.objects.get()
    assert posted.url == reverse("credits:request", args=[asked.pk])
    assert sorted(s.name for s in asked.skills.all()) == ["Graphic design", "Illustration"]
    detail = client.get(posted.url).content.decode()
    assert "<em>simple</em>" in detail
    assert 'id="i-can-help"' not in detail  # not for her own request
    assert "Withdraw my request" in detail

    client.force_login(bram)
    detail = client.get(posted.url).content.decode()
    assert 'id="i-can-help"' in detail
    answer = reverse("credits:record", args=[slug]) + f"?request={asked.pk}"
    page = client.get(answer).content.decode()
    assert "You answer the request" in page
    assert f'<option value="{chloe.pk}" selected>' in page
    assert 'value="session" selected' in page
    assert "Workshop" not in page  # only the request's own service
    recorded = client.post(
        answer,
        {
            "service": "session",
            "on": timezone.localdate().isoformat(),
            "member": chloe.pk,
            "quantity": 1,
        },
    )
    assert recorded.url == reverse("credits:request", args=[asked.pk])
    delivery = Delivery.objects.get()
    assert delivery.help_request == asked

    client.force_login(chloe)
    detail = client.get(posted.url).content.decode()
    assert 'id="offers"' in detail
    client.post(reverse("credits:confirm", args=[delivery.pk]), {"next": posted.url})
    asked.refresh_from_db()
    assert asked.status == RequestStatus.ANSWERED
    detail = client.get(posted.url).content.decode()
    assert "Answered by Bram" in detail
    assert 'id="i-can-help"' not in detail


def test_bad_request_form_shows_errors_and_saves_nothing(client, community):
    make_scheme(community)
    client.force_login(community.chloe)
    response = client.post(
        reverse("credits:request_new", args=[community.host.slug]),
        {"title": "", "skills": "x" * 61, "service": "workshop"},
    )
    assert response.status_code == 400
    assert not HelpRequest.objects.exists()


def test_withdraw_through_the_page(client, community):
    scheme = make_scheme(community)
    asked = help_request_create(actor=community.chloe, scheme=scheme, title="Help")
    client.force_login(community.chloe)
    client.post(reverse("credits:request_close", args=[asked.pk]))
    asked.refresh_from_db()
    assert asked.status == RequestStatus.CLOSED
    record = reverse("credits:record", args=[community.host.slug])
    page = client.get(f"{record}?request={asked.pk}")
    assert page.status_code == 302  # closed: back to the request


def test_list_filters_by_skill_and_text_and_home_shows_matches(client, community):
    scheme = make_scheme(community)
    slug = community.host.slug
    give_skills(community.bram, "Cooking", visibility="only_me")
    help_request_create(
        actor=community.chloe, scheme=scheme, title="Soup for the party", skills=["Cooking"]
    )
    help_request_create(
        actor=community.anna, scheme=scheme, title="Fix the website", skills=["Python"]
    )
    client.force_login(community.bram)
    url = reverse("credits:requests", args=[slug])
    everything = client.get(url).content.decode()
    assert "Soup for the party" in everything
    assert "Fix the website" in everything
    by_skill = client.get(url, {"skills": "cooking"}).content.decode()
    assert "Soup for the party" in by_skill
    assert "Fix the website" not in by_skill
    by_text = client.get(url, {"q": "website"}).content.decode()
    assert "Soup for the party" not in by_text
    assert "Fix the website" in by_text
    matches = client.get(url, {"show": "matches"}).content.decode()
    assert "Soup for the party" in matches
    assert "Fix the website" not in matches
    home = client.get(reverse("credits:home", args=[slug])).content.decode()
    section = home[home.index('id="matches"') : home.index("Waiting for your confirmation")]
    assert "Soup for the party" in section
    assert "Fix the website" not in section


def test_directory_respects_each_persons_visibility(client, community):
    scheme = make_scheme(community)
    slug = community.host.slug
    give_skills(community.bram, "Cooking", visibility="everyone")
    give_skills(community.chloe, "Accounting", visibility="only_me")
    Profile.objects.filter(user=community.chloe).update(city="Namur", city_visibility="only_me")
    Profile.objects.filter(user=community.bram).update(city="Gent", city_visibility="members")
    (workshop,) = workshop_record(
        actor=community.anna,
        scheme=scheme,
        service_code="workshop",
        on=timezone.localdate(),
        participants=[community.bram],
    )
    delivery_confirm(actor=community.bram, delivery=workshop)
    url = reverse("credits:members", args=[slug])

    client.force_login(community.bram)
    page = client.get(url).content.decode()
    assert "Chloé" in page
    assert "Gent" in page
    assert "Cooking" in page
    assert "Accounting" not in page
    assert "Namur" not in page
    assert 'class="row small mt-2 mb-0 activity"' not in page  # activity: host admins only
    # Hidden skills and cities never make a person match a filter.
    assert "Chloé" not in client.get(url, {"skills": "Accounting"}).content.decode()
    assert "Chloé" not in client.get(url, {"q": "Namur"}).content.decode()
    assert "Chloé" not in client.get(url, {"q": "accounting"}).content.decode()
    assert "Bram" in client.get(url, {"skills": "cooking"}).content.decode()
    assert "Bram" in client.get(url, {"q": "gent"}).content.decode()

    client.force_login(community.chloe)
    mine = client.get(url, {"skills": "Accounting"}).content.decode()
    assert "Chloé" in mine
    assert "Accounting" in mine

    client.force_login(community.anna)
    admin = client.get(url).content.decode()
    assert "Accounting" not in admin  # admins see what the settings allow, no more
    assert 'class="row small mt-2 mb-0 activity"' in admin
    assert "-0.5" in admin  # Bram's balance after the workshop

    client.force_login(community.eva)
    assert client.get(url).status_code == 403


def test_directory_query_count_does_not_grow(
    client, community, make_user, django_assert_max_num_queries
):
    from samen.communities import actions as communities
    from samen.communities.models import HostRole

    make_scheme(community)
    give_skills(community.bram, "Cooking")
    url = reverse("credits:members", args=[community.host.slug])
    client.force_login(community.anna)
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    for n in range(6):
        person = make_user(f"member{n}@example.org", f"Member {n}")
        communities.member_add(
            actor=community.anna, owner=community.host, user=person, role=HostRole.MEMBER
        )
        give_skills(person, "Cooking", f"Skill {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert "Member 5" in page.content.decode()


def test_someone_answering_a_request_of_another_host_gets_404(client, community):
    scheme = make_scheme(community)
    asked = help_request_create(actor=community.chloe, scheme=scheme, title="Help")
    client.force_login(community.gilles)
    assert client.get(reverse("credits:request", args=[asked.pk])).status_code == 404
    assert Delivery.objects.filter(status=DeliveryStatus.PENDING).count() == 0


def test_date_fields_stay_iso_in_dutch(client, community):
    make_scheme(community)
    community.bram.language = "nl"
    community.bram.save(update_fields=["language"])
    client.force_login(community.bram)
    page = client.get(
        reverse("credits:record", args=[community.host.slug]), HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in page
