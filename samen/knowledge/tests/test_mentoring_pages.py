"""The mentoring programme in the web forms, as in the API: organisers open a season with
the collective and the rate-card service picked from lists, change its status and pair two
applicants picked from lists; applicants pick an open season on the host's page; a pair's
people give their feedback once the season is over. Anything outside a list is refused at
its field and changes nothing."""

from __future__ import annotations

import re
from typing import Any

import pytest

from samen.credits.tests.factories import make_scheme
from samen.knowledge import actions
from samen.knowledge.models import (
    MentoringApplication,
    MentoringFeedback,
    MentoringPair,
    MentoringSeason,
    PairStatus,
    SeasonStatus,
)

pytestmark = pytest.mark.django_db

SEASONS = "/knowledge/hosts/brussels-commons/mentoring/"


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, html
    return re.findall(r'<option value="([^"]*)"', select.group(1))


def _season_data(**changes: Any) -> dict[str, Any]:
    return {"name": "Spring", "starts_on": "2027-03-01", "ends_on": "2027-06-30", **changes}


def test_organisers_open_a_season_with_the_collective_and_service_from_lists(
    client: Any, network: Any
) -> None:
    c = network.c
    make_scheme(c)
    client.force_login(c.anna)
    page = client.get(SEASONS).content.decode()
    assert _options(page, "service_code") == ["", "article"]  # the services that pay
    # by name: Brasserie Zinneke, Champignons de Forest
    assert _options(page, "collective") == ["", str(c.collective.pk), str(c.other_collective.pk)]

    for forged in (
        {"service_code": "session"},  # between members: it pays no mentor
        {"service_code": "essay"},  # not on the rate card
        {"collective": "999999"},  # not one of the host's
        {"ends_on": "2027-02-01"},  # ends before it starts
    ):
        response = client.post(f"{SEASONS}new/", _season_data(**forged))
        assert response.status_code == 400, forged
    assert not MentoringSeason.objects.filter(name="Spring").exists()
    assert "The season must end after it starts." in response.content.decode()

    response = client.post(
        f"{SEASONS}new/",
        _season_data(service_code="article", collective=str(c.collective.pk)),
    )
    assert response.status_code == 302
    season = MentoringSeason.objects.get(name="Spring")
    assert (season.service_code, season.collective, season.status) == (
        "article",
        c.collective,
        SeasonStatus.OPEN,
    )


def test_only_organisers_see_and_use_the_season_form(client: Any, network: Any) -> None:
    c = network.c
    client.force_login(c.chloe)
    assert 'action="/knowledge/hosts/brussels-commons/mentoring/new/"' not in (
        client.get(SEASONS).content.decode()
    )
    assert client.post(f"{SEASONS}new/", _season_data()).status_code == 403
    assert not MentoringSeason.objects.filter(name="Spring").exists()


def test_applicants_pick_an_open_season_on_the_host_page(client: Any, network: Any) -> None:
    c = network.c
    running = actions.season_create(
        actor=c.anna,
        host=c.host,
        name="Running one",
        starts_on=network.season.starts_on,
        ends_on=network.season.ends_on,
    )
    actions.season_set_status(actor=c.anna, season=running, status=SeasonStatus.RUNNING)
    client.force_login(c.chloe)
    assert _options(client.get(SEASONS).content.decode(), "season") == [str(network.season.pk)]
    data = {"role": "mentee", "goals": "Learn to budget", "language": "fr", "skills": "Budget"}

    refused = client.post(f"{SEASONS}apply/", {**data, "season": running.pk})
    assert refused.status_code == 400
    assert "Select a valid choice" in refused.content.decode()
    assert not MentoringApplication.objects.filter(person=c.chloe).exists()

    response = client.post(f"{SEASONS}apply/", {**data, "season": network.season.pk})
    assert response.status_code == 302
    assert response["Location"] == network.season.get_absolute_url()
    application = MentoringApplication.objects.get(person=c.chloe)
    assert (application.season, application.role, application.language) == (
        network.season,
        "mentee",
        "fr",
    )
    again = client.post(f"{SEASONS}apply/", {**data, "season": network.season.pk})
    assert again.status_code == 400
    assert MentoringApplication.objects.filter(person=c.chloe).count() == 1

    client.force_login(c.eva)  # not in the host's community
    assert 'action="/knowledge/hosts/brussels-commons/mentoring/apply/"' not in (
        client.get(SEASONS).content.decode()
    )
    assert client.post(f"{SEASONS}apply/", {**data, "season": network.season.pk}).status_code == 403


def test_organisers_pair_two_applicants_picked_from_lists(client: Any, network: Any) -> None:
    c = network.c
    season = network.season
    actions.application_create(actor=c.bram, season=season, role="mentor", goals="Give back")
    actions.application_create(actor=c.chloe, season=season, role="mentee", goals="Learn")
    url = f"/knowledge/mentoring/{season.pk}/"
    client.force_login(c.anna)
    page = client.get(url).content.decode()
    assert set(_options(page, "mentor")) == {"", str(c.femke.pk), str(c.bram.pk)}
    assert set(_options(page, "mentee")) == {"", str(c.gilles.pk), str(c.chloe.pk)}

    refused = client.post(f"{url}pairs/", {"mentor": c.eva.pk, "mentee": c.chloe.pk})
    assert refused.status_code == 400  # eva did not apply
    taken = client.post(f"{url}pairs/", {"mentor": c.bram.pk, "mentee": c.gilles.pk})
    assert taken.status_code == 400
    assert "This mentee already has a mentor this season." in taken.content.decode()
    assert not MentoringPair.objects.filter(mentor=c.bram).exists()

    response = client.post(f"{url}pairs/", {"mentor": c.bram.pk, "mentee": c.chloe.pk})
    assert response.status_code == 302
    pair = MentoringPair.objects.get(season=season, mentee=c.chloe)
    assert (pair.mentor, pair.status) == (c.bram, PairStatus.CONFIRMED)

    client.force_login(c.bram)
    assert client.post(f"{url}pairs/", {"mentor": c.bram.pk, "mentee": c.chloe.pk}).status_code == (
        403
    )


def test_organisers_change_the_status_and_pairs_give_feedback_at_the_end(
    client: Any, network: Any
) -> None:
    c = network.c
    season, pair = network.season, network.pair
    url = f"/knowledge/mentoring/{season.pk}/"
    feedback_url = f"/knowledge/mentoring/pairs/{pair.pk}/feedback/"
    client.force_login(c.gilles)
    assert f'action="{feedback_url}"' not in client.get(url).content.decode()
    early = client.post(feedback_url, {"rating": "5"})
    assert early.status_code == 400
    # Gilles reads French.
    assert "Le retour se donne une fois la saison terminée." in early.content.decode()

    client.force_login(c.anna)
    assert client.post(f"{url}status/", {"status": "finished"}).status_code == 400
    assert client.post(f"{url}status/", {"status": "closed"}).status_code == 302
    season.refresh_from_db()
    assert season.status == SeasonStatus.CLOSED

    client.force_login(c.gilles)
    assert f'action="{feedback_url}"' in client.get(url).content.decode()
    assert client.post(feedback_url, {"rating": "9"}).status_code == 400
    response = client.post(feedback_url, {"rating": "4", "text": "Very useful."})
    assert response.status_code == 302
    feedback = MentoringFeedback.objects.get(pair=pair)
    assert (feedback.author, feedback.rating, feedback.text) == (c.gilles, 4, "Very useful.")
    assert f'action="{feedback_url}"' not in client.get(url).content.decode()
    assert client.post(feedback_url, {"rating": "5"}).status_code == 400
    assert MentoringFeedback.objects.filter(pair=pair).count() == 1

    client.force_login(c.chloe)  # not in the pair
    assert client.post(feedback_url, {"rating": "5"}).status_code == 404


def test_someone_in_two_pairs_gets_forms_with_ids_of_their_own(client: Any, network: Any) -> None:
    c = network.c
    season = network.season
    actions.application_create(actor=c.gilles, season=season, role="mentor", goals="Share")
    actions.application_create(actor=c.chloe, season=season, role="mentee", goals="Learn")
    actions.pair_confirm(actor=c.anna, season=season, mentor=c.gilles, mentee=c.chloe)
    client.force_login(c.gilles)
    page = client.get(f"/knowledge/mentoring/{season.pk}/").content.decode()
    ids = re.findall(r'id="(id_[^"]+)"', page)
    assert len(ids) == len(set(ids))
    assert page.count("/checkin/") == 2
