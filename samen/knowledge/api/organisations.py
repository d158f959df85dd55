"""Organisations that own concepts through the API: register, read and change them, who
acts for them, and naming one a concept's owner."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest
from ninja import Field, Schema, Status

from samen.api.auth import api_auth
from samen.knowledge import actions, queries
from samen.knowledge.access import (
    Need,
    access_concept,
    access_organisation,
    access_pipeline,
    can_organisation,
)
from samen.knowledge.api._common import router
from samen.knowledge.api.concepts import ConceptOut
from samen.knowledge.models import Organisation


class OrganisationOut(Schema):
    id: int
    name: str
    website: str
    vat_number: str = Field(
        description="Only for those acting for it and the host's editors; empty for others."
    )
    people: list[str] = Field(description="The public names of the people acting for it.")
    url: str

    @staticmethod
    def resolve_people(obj: Organisation) -> list[str]:
        return [person.public_name for person in obj.people.all()]

    @staticmethod
    def resolve_url(obj: Organisation) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_vat_number(obj: Organisation, context: Any) -> str:
        user = context["request"].user
        return obj.vat_number if can_organisation(user, Need.EDIT, obj) else ""


class OrganisationIn(Schema):
    name: str = Field(..., max_length=160)
    website: str = Field("", max_length=200)
    vat_number: str = Field("", max_length=20, description="A European VAT number, optional.")


class PersonIn(Schema):
    user_id: int = Field(description="A member of the host's community.")


class ConceptOrganisationIn(Schema):
    organisation_id: int = Field(description="An organisation of the host the caller acts for.")


def _person(user_id: int) -> Any:
    person = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if person is None:
        raise Http404
    return person


@router.get(
    "/hosts/{slug}/organisations",
    response=list[OrganisationOut],
    operation_id="knowledge_organisations",
)
def organisations(request: HttpRequest, slug: str) -> Any:
    """The organisations of the host's network, by name."""
    return list(queries.host_organisations(access_pipeline(request.user, slug)))


@router.post(
    "/hosts/{slug}/organisations",
    response={201: OrganisationOut},
    auth=api_auth,
    operation_id="knowledge_organisation_create",
)
def organisation_create(request: HttpRequest, slug: str, payload: OrganisationIn) -> Any:
    """Register an organisation (members of the host's community; 403 for others); the
    caller acts for it. 422 ``title_required``, ``bad_vat_number``; 409
    ``organisation_exists``."""
    host = access_pipeline(request.user, slug, Need.EDIT)
    organisation = actions.organisation_create(actor=request.user, host=host, **payload.dict())
    return Status(201, access_organisation(request.user, organisation.pk))


@router.get("/organisations/{pk}", response=OrganisationOut, operation_id="knowledge_organisation")
def organisation_get(request: HttpRequest, pk: int) -> Any:
    return access_organisation(request.user, pk)


@router.put(
    "/organisations/{pk}",
    response=OrganisationOut,
    auth=api_auth,
    operation_id="knowledge_organisation_update",
)
def organisation_update(request: HttpRequest, pk: int, payload: OrganisationIn) -> Any:
    """Change it (those acting for it, the host's editors; 403 others). 422
    ``title_required``, ``bad_vat_number``; 409 ``organisation_exists``."""
    organisation = access_organisation(request.user, pk, Need.EDIT)
    actions.organisation_update(actor=request.user, organisation=organisation, **payload.dict())
    return access_organisation(request.user, pk)


@router.post(
    "/organisations/{pk}/people",
    response={201: OrganisationOut},
    auth=api_auth,
    operation_id="knowledge_organisation_person_add",
)
def person_add(request: HttpRequest, pk: int, payload: PersonIn) -> Any:
    """Add someone who acts for it (as above). 404 for an unknown person; 422
    ``not_in_community``."""
    organisation = access_organisation(request.user, pk, Need.EDIT)
    actions.organisation_person_add(
        actor=request.user, organisation=organisation, person=_person(payload.user_id)
    )
    return Status(201, access_organisation(request.user, pk))


@router.delete(
    "/organisations/{pk}/people/{user_id}",
    response=OrganisationOut,
    auth=api_auth,
    operation_id="knowledge_organisation_person_remove",
)
def person_remove(request: HttpRequest, pk: int, user_id: int) -> Any:
    """Stop someone acting for it: themselves, or (as above) another. They lose the
    owner's rights it gave them. 409 ``last_person``."""
    organisation = access_organisation(request.user, pk)
    actions.organisation_person_remove(
        actor=request.user, organisation=organisation, person=_person(user_id)
    )
    return access_organisation(request.user, pk)


@router.post(
    "/concepts/{pk}/organisations",
    response={201: ConceptOut},
    auth=api_auth,
    operation_id="knowledge_concept_organisation_add",
)
def concept_organisation_add(request: HttpRequest, pk: int, payload: ConceptOrganisationIn) -> Any:
    """Name an organisation the caller acts for a co-owner (the concept's owners; the
    host's editors name any of the host's). 403 for an organisation the caller does not
    act for; 404 for an unknown one; 422 ``wrong_host``."""
    concept = access_concept(request.user, pk, Need.EDIT)
    organisation = access_organisation(request.user, payload.organisation_id)
    actions.concept_organisation_add(actor=request.user, concept=concept, organisation=organisation)
    return Status(201, access_concept(request.user, pk))


@router.delete(
    "/concepts/{pk}/organisations/{organisation_id}",
    response=ConceptOut,
    auth=api_auth,
    operation_id="knowledge_concept_organisation_remove",
)
def concept_organisation_remove(request: HttpRequest, pk: int, organisation_id: int) -> Any:
    """Take an organisation off the concept's owners (its owners, the host's editors)."""
    concept = access_concept(request.user, pk, Need.EDIT)
    organisation = concept.organisations.filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404
    actions.concept_organisation_remove(
        actor=request.user, concept=concept, organisation=organisation
    )
    return access_concept(request.user, pk)
