"""Pages answer bad input with form errors and save nothing; htmx gets fragments."""

from __future__ import annotations

import pytest

from samen.communities import actions, queries
from samen.communities.models import Collective, Host

pytestmark = pytest.mark.django_db


def test_taken_slug_shows_a_field_error(client, community):
    client.force_login(community.eva)
    response = client.post(
        "/collectives/new/", {"name": "Copy", "slug": "brasserie-zinneke", "currency": "EUR"}
    )
    assert response.status_code == 200
    assert "already taken" in response.content.decode()
    assert not Collective.objects.filter(name="Copy").exists()


def test_invalid_iban_and_enterprise_number_on_the_host_form(client, eva):
    client.force_login(eva)
    data = {
        "name": "New host",
        "country": "BE",
        "vat_status": "not_subject",
        "default_fee_percent": "5",
        "iban": "BE00 0000 0000 0000",
        "enterprise_number": "0403.019.262",
    }
    response = client.post("/hosts/new/", data)
    assert response.status_code == 200
    assert "not a valid" in response.content.decode()
    assert not Host.objects.exists()
    data["iban"] = "BE68 5390 0754 7034"
    response = client.post("/hosts/new/", data)
    assert "not a valid Belgian enterprise number" in response.content.decode()
    data["enterprise_number"] = "0403.019.261"
    response = client.post("/hosts/new/", data)
    assert response.status_code == 302
    assert Host.objects.get().iban == "BE68539007547034"


def test_application_form_needs_answers_and_terms(client, community):
    popup = actions.collective_create(actor=community.bram, name="Pop-up")
    client.force_login(community.bram)
    url = f"/hosts/{community.host.slug}/apply/"
    response = client.post(url, {"collective": popup.pk, "answer_0": "We pour beer"})
    assert response.status_code == 200
    assert "You must accept the terms" in response.content.decode()
    assert not popup.applications.exists()
    response = client.post(url, {"collective": popup.pk, "answer_0": "", "terms_accepted": "on"})
    assert response.status_code == 200
    assert not popup.applications.exists()


def test_last_admin_leaving_gets_a_message(client, community):
    client.force_login(community.bram)
    response = client.post("/collectives/brasserie-zinneke/leave/", follow=True)
    assert "The last admin cannot leave" in response.content.decode()
    assert queries.is_collective_admin(community.bram, community.collective)


def test_invite_existing_member_gets_a_message(client, community):
    client.force_login(community.bram)
    response = client.post(
        "/collectives/brasserie-zinneke/team/invite/",
        {"email": "chloe@example.org", "role": "member"},
        follow=True,
    )
    assert "already a member" in response.content.decode()


def test_join_request_answered_twice(client, community):
    c = community
    join_request = actions.join_request_submit(
        actor=c.eva, collective=c.collective, answers=[], rules_accepted=True
    )
    client.force_login(c.bram)
    url = f"/join-requests/{join_request.pk}/decide/"
    client.post(url, {"decision": "approve"})
    response = client.post(url, {"decision": "decline"}, follow=True)
    assert "already been answered" in response.content.decode()
    assert queries.is_collective_member(c.eva, c.collective)


def test_invitation_link_accept_flow(client, community, make_user):
    from samen.communities.links import invitation_token

    c = community
    actions.rules_publish(actor=c.bram, owner=c.collective, text="Be kind.")
    invitation = actions.invitation_send(
        actor=c.bram, owner=c.collective, email="nina@example.org", role="member"
    )
    url = f"/invitations/{invitation_token(invitation)}/"
    response = client.post(url, {"answer": "accept", "rules_accepted": "on"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    nina = make_user("nina@example.org", "Nina")
    client.force_login(nina)
    response = client.post(url, {"answer": "accept"})
    assert "You must accept the house rules" in response.content.decode()
    response = client.post(url, {"answer": "accept", "rules_accepted": "on"})
    assert response.status_code == 302
    assert queries.is_collective_member(nina, c.collective)


def test_rules_page_asks_members_to_accept_again(client, community):
    c = community
    actions.rules_publish(actor=c.bram, owner=c.collective, text="Be kind.")
    client.force_login(c.chloe)
    page = client.get("/collectives/brasserie-zinneke/").content.decode()
    assert "The house rules changed" in page
    response = client.post(
        "/collectives/brasserie-zinneke/rules/",
        {"do": "accept", "next": "/collectives/brasserie-zinneke/"},
    )
    assert response["Location"] == "/collectives/brasserie-zinneke/"
    assert not queries.needs_rules_acceptance(c.chloe, c.collective)


def test_directory_htmx_gets_the_fragment(client, community):
    response = client.get("/collectives/?q=zinneke", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert 'id="directory-results"' in body
    assert "<html" not in body
    assert "Brasserie Zinneke" in body
    assert "Champignons" not in body


def test_follow_button_toggles_with_htmx(client, community):
    client.force_login(community.eva)
    response = client.post("/collectives/brasserie-zinneke/follow/", headers={"HX-Request": "true"})
    assert "Unfollow" in response.content.decode()
    assert queries.is_following(community.eva, community.collective)


def test_markdown_description_is_sanitised_on_the_page(client, community):
    actions.collective_update(
        actor=community.bram,
        collective=community.collective,
        description="**Saison** <script>alert(1)</script>",
    )
    body = client.get("/collectives/brasserie-zinneke/").content.decode()
    assert "<strong>Saison</strong>" in body
    assert "<script>alert(1)" not in body


def test_money_summary_slot_renders_the_ledger_partial_when_present(
    client, community, monkeypatch, settings
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # the template changes between two requests
    from django.template import TemplateDoesNotExist, engines

    from samen.communities.templatetags import communities as tags

    def missing(name):
        raise TemplateDoesNotExist(name)

    monkeypatch.setattr(tags, "get_template", missing)
    body = client.get("/collectives/brasserie-zinneke/").content.decode()
    assert "Hosted by" in body
    assert "money-of" not in body

    partial = engines["django"].from_string('<p id="money-of">{{ owner.slug }}</p>')
    monkeypatch.setattr(tags, "get_template", lambda name: partial)
    body = client.get("/collectives/brasserie-zinneke/").content.decode()
    assert '<p id="money-of">brasserie-zinneke</p>' in body
    body = client.get("/hosts/brussels-commons/").content.decode()
    assert '<p id="money-of">brussels-commons</p>' in body


def test_audit_page_lists_decisions(client, community):
    client.force_login(community.femke)
    body = client.get("/hosts/brussels-commons/dashboard/audit/").content.decode()
    assert "application.approve" in body
    assert "Brasserie Zinneke" in body


def test_rules_decorator_sends_members_to_accept(rf, community):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    from samen.communities.access import rules_accepted_required

    @rules_accepted_required(lambda request, slug: community.collective)
    def post_something(request, slug):
        return HttpResponse("posted")

    actions.rules_publish(actor=community.bram, owner=community.collective, text="Be kind.")
    request = rf.get("/somewhere/")
    request.user = community.chloe
    response = post_something(request, slug="brasserie-zinneke")
    assert response.status_code == 302
    assert response["Location"] == "/collectives/brasserie-zinneke/rules/?next=%2Fsomewhere%2F"
    actions.rules_accept(actor=community.chloe, owner=community.collective)
    assert post_something(request, slug="x").content == b"posted"
    request.user = AnonymousUser()
    assert post_something(request, slug="x").content == b"posted"


def test_an_image_bomb_as_logo_is_refused_fast_with_a_field_error(client, community):
    import time

    from django.core.files.uploadedfile import SimpleUploadedFile

    from samen.communities.forms import CollectiveForm
    from samen.lib.testing import image_bomb_png

    collective = Collective.objects.get(slug="brasserie-zinneke")
    data = {k: v for k, v in CollectiveForm.initial_for(collective).items() if v is not None}
    data["logo"] = SimpleUploadedFile("logo.png", image_bomb_png(), content_type="image/png")
    client.force_login(community.bram)
    started = time.monotonic()
    response = client.post("/collectives/brasserie-zinneke/edit/", data)
    assert time.monotonic() - started < 3
    assert response.status_code == 200
    assert "too many pixels" in response.context["form"].errors["logo"][0]
    collective.refresh_from_db()
    assert not collective.logo


@pytest.mark.parametrize(
    ("language", "waiting"),
    [("en", "Waiting for an answer"), ("nl", "Wacht op antwoord"), ("fr", "En attente de réponse")],
)
def test_pending_join_request_shows_in_my_communities(client, community, language, waiting):
    c = community
    actions.join_request_submit(
        actor=c.eva, collective=c.collective, answers=[], rules_accepted=True
    )
    c.eva.language = language
    c.eva.save(update_fields=["language"])
    client.force_login(c.eva)
    html = client.get("/collectives/mine/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert waiting in html
    assert 'data-testid="pending-requests"' in html
    assert c.collective.name in html
