"""Organisations as owners of a concept: the people acting for one hold the owner's rights
(update the concept, read the coaching notes) on every concept it owns, and lose them the
moment they stop acting for it; its page, the concept's page, the API, the host's board and
the data export show it."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest

from samen.accounts.privacy import build_export
from samen.knowledge import actions
from samen.knowledge.access import Need, can_concept
from samen.knowledge.errors import KnowledgeError, KnowledgeErrorCode
from samen.knowledge.models import Concept, Organisation
from samen.knowledge.privacy import erase_data

pytestmark = pytest.mark.django_db

A = "/api/v1/knowledge"


def _post(client: Any, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def _put(client: Any, url: str, data: dict[str, Any]) -> Any:
    return client.put(url, json.dumps(data), content_type="application/json")


def _mushrooms(network: Any) -> Organisation:
    """Gilles registers his cooperative, Chloé acts for it too, and it co-owns his private
    concept (which only its owners and coaches see)."""
    c = network.c
    organisation = actions.organisation_create(
        actor=c.gilles,
        host=c.host,
        name="Forest Mushrooms cv",
        website="https://mushrooms.example",
        vat_number="BE 0403.170.701",
    )
    actions.organisation_person_add(actor=c.gilles, organisation=organisation, person=c.chloe)
    actions.concept_organisation_add(
        actor=c.gilles, concept=network.private, organisation=organisation
    )
    return organisation


def test_people_acting_for_an_owning_organisation_hold_the_owner_rights_until_they_stop(
    client: Any, network: Any
) -> None:
    c = network.c
    organisation = _mushrooms(network)
    assert organisation.vat_number == "BE0403170701"
    concept_url = f"{A}/concepts/{network.private.pk}"
    client.force_login(c.chloe)
    seen = client.get(concept_url)
    assert seen.status_code == 200
    [owner] = seen.json()["organisations"]
    assert (owner["id"], owner["name"], owner["website"]) == (
        organisation.pk,
        "Forest Mushrooms cv",
        "https://mushrooms.example",
    )
    assert sorted(owner["people"]) == sorted([c.gilles.public_name, c.chloe.public_name])
    assert _post(client, f"{concept_url}/notes", {"body": "Call the city"}).status_code == 201
    assert client.get(f"{concept_url}/notes").status_code == 200
    update = _put(
        client,
        concept_url,
        {"title": "Secret garden", "pitch": "Now with mushrooms.", "visibility": "private"},
    )
    assert update.status_code == 200
    assert update.json()["pitch"] == "Now with mushrooms."

    # Gilles takes Chloé off: the concept is private again to her, notes and all.
    client.force_login(c.gilles)
    removed = client.delete(f"{A}/organisations/{organisation.pk}/people/{c.chloe.pk}")
    assert removed.status_code == 200
    assert c.chloe.public_name not in removed.json()["people"]
    client.force_login(c.chloe)
    assert client.get(concept_url).status_code == 404
    assert client.get(f"{concept_url}/notes").status_code == 404
    mine = {"title": "Mine", "pitch": "Mine.", "visibility": "community"}
    assert _put(client, concept_url, mine).status_code == 404
    page = client.get(f"/knowledge/concepts/{network.private.pk}/")
    assert page.status_code == 404
    network.private.refresh_from_db()
    assert network.private.title == "Secret garden"


def test_someone_stops_acting_for_an_organisation_on_its_page_and_the_last_one_stays(
    client: Any, network: Any
) -> None:
    c = network.c
    organisation = _mushrooms(network)
    client.force_login(c.chloe)
    page = client.get(organisation.get_absolute_url()).content.decode()
    assert "Stop acting for it" in page
    assert "BE0403170701" in page  # she acts for it: she sees its VAT number
    response = client.post(
        f"/knowledge/organisations/{organisation.pk}/people/", {"remove": str(c.chloe.pk)}
    )
    assert response.status_code == 302
    assert not can_concept(c.chloe, Need.NOTES, Concept.objects.get(pk=network.private.pk))
    client.force_login(c.eva)  # a stranger sees the organisation, not its VAT number
    page = client.get(organisation.get_absolute_url()).content.decode()
    assert "Forest Mushrooms cv" in page
    assert "BE0403170701" not in page
    assert "Secret garden" not in page  # nor the private concept it owns
    client.force_login(c.gilles)
    last = client.delete(f"{A}/organisations/{organisation.pk}/people/{c.gilles.pk}")
    assert (last.status_code, last.json()["code"]) == (409, "last_person")


def test_only_an_organisation_one_acts_for_is_named_owner(client: Any, network: Any) -> None:
    c = network.c
    organisation = _mushrooms(network)
    bram_concept = actions.concept_create(
        actor=c.bram, host=c.host, title="Beer lab", pitch="Brewing together."
    )
    client.force_login(c.bram)  # owns his concept, does not act for the cooperative
    response = _post(
        client,
        f"{A}/concepts/{bram_concept.pk}/organisations",
        {"organisation_id": organisation.pk},
    )
    assert response.status_code == 403
    assert not bram_concept.organisations.exists()
    page = client.get(bram_concept.get_absolute_url()).content.decode()
    assert "You act for no organisation of this network yet." in page
    refused = client.post(
        f"/knowledge/concepts/{bram_concept.pk}/organisations/",
        {"organisation": organisation.pk},
    )
    assert refused.status_code == 400
    assert not bram_concept.organisations.exists()
    with pytest.raises(KnowledgeError) as caught:
        actions.organisation_person_add(actor=c.gilles, organisation=organisation, person=c.eva)
    assert caught.value.code == KnowledgeErrorCode.NOT_IN_COMMUNITY


def test_the_form_keeps_what_was_typed_and_says_what_is_wrong(client: Any, network: Any) -> None:
    c = network.c
    _mushrooms(network)
    client.force_login(c.bram)
    url = "/knowledge/hosts/brussels-commons/organisations/new/"
    bad_vat = client.post(url, {"name": "Zinneke vzw", "vat_number": "BE0123"})
    assert bad_vat.status_code == 400
    form = bad_vat.context["form"]
    assert form.errors["vat_number"] == [str(KnowledgeErrorCode.BAD_VAT_NUMBER.label)]
    assert 'value="Zinneke vzw"' in bad_vat.content.decode()
    twice = client.post(url, {"name": "forest mushrooms CV"})
    assert twice.context["form"].errors["name"] == [
        str(KnowledgeErrorCode.ORGANISATION_EXISTS.label)
    ]
    assert Organisation.objects.count() == 1
    api = _post(
        client, f"{A}/hosts/brussels-commons/organisations", {"name": "Forest mushrooms cv"}
    )
    assert (api.status_code, api.json()["code"]) == (409, "organisation_exists")
    done = client.post(url, {"name": "Zinneke vzw", "website": "zinneke.example"})
    assert done.status_code == 302
    made = Organisation.objects.get(name="Zinneke vzw")
    assert made.website == "https://zinneke.example"
    assert list(made.people.all()) == [c.bram]
    client.force_login(c.eva)  # not in the host's community
    assert client.get(url).status_code == 403


def test_the_concept_page_the_board_and_the_export_show_the_organisation(
    client: Any, network: Any
) -> None:
    c = network.c
    organisation = _mushrooms(network)
    actions.concept_organisation_add(
        actor=c.gilles, concept=network.public, organisation=organisation
    )
    client.force_login(c.eva)
    page = client.get(network.public.get_absolute_url()).content.decode()
    assert "Forest Mushrooms cv" in page
    assert c.chloe.public_name in page
    board = client.get("/knowledge/hosts/brussels-commons/concepts/").content.decode()
    assert "Forest Mushrooms cv" in board
    listed = client.get(f"{A}/hosts/brussels-commons/organisations").json()
    assert [(o["name"], o["vat_number"]) for o in listed] == [("Forest Mushrooms cv", "")]

    with zipfile.ZipFile(io.BytesIO(build_export(c.chloe))) as archive:
        data = json.loads(archive.read("apps/knowledge.json"))
    exported = data["organisations_acting_for"]
    assert exported == [
        {
            "id": organisation.pk,
            "name": "Forest Mushrooms cv",
            "website": "https://mushrooms.example",
            "vat_number": "BE0403170701",
            "concepts_owned": sorted([network.public.pk, network.private.pk]),
        }
    ]
    # Gilles, the private concept's only person owner, is erased: the organisation still
    # owns it, so it stays, and Chloé still holds the owner's rights through it.
    erase_data(c.gilles)
    concept = Concept.objects.get(pk=network.private.pk)
    assert not concept.owners.exists()
    assert can_concept(c.chloe, Need.EDIT, concept)
    assert list(Organisation.objects.get(pk=organisation.pk).people.all()) == [c.chloe]
