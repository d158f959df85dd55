"""Organisations that own concepts: registered by someone of the host's community (who then
acts for it), changed by those acting for it and the host's editors, who also decide who
acts for it. A concept's owner names an organisation it acts for as a co-owner; from then
on everyone acting for the organisation holds the owner's rights, and loses them when they
stop acting for it."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from samen.audit.actions import audit_record
from samen.communities.models import Host
from samen.knowledge import queries
from samen.knowledge.access import Need, can_concept, can_organisation, is_editor
from samen.knowledge.actions._common import _clean_title, _require
from samen.knowledge.errors import KnowledgeError, KnowledgeErrorCode
from samen.knowledge.models import Concept, Organisation


def _clean_vat(vat_number: str) -> str:
    """A European VAT number in its compact form (``BE0403170701``; Belgian when typed
    without a country prefix), or empty."""
    from samen.invoicing.vat import normalize_eu_vat_number

    found = normalize_eu_vat_number(vat_number, "BE")
    if found is None:
        raise KnowledgeError(KnowledgeErrorCode.BAD_VAT_NUMBER, field="vat_number")
    return found


def _save(organisation: Organisation) -> None:
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError:
        raise KnowledgeError(KnowledgeErrorCode.ORGANISATION_EXISTS, field="name") from None


def _in_community(person: Any, host: Host) -> bool:
    return queries.in_host_community(person, host) or is_editor(person, host)


@transaction.atomic
def organisation_create(
    *, actor: Any, host: Host, name: str, website: str = "", vat_number: str = ""
) -> Organisation:
    """Someone of the host's community registers an organisation of its network, and acts
    for it. Its name is unique in the host's network (whatever the case)."""
    _require(_in_community(actor, host))
    organisation = Organisation(
        host=host,
        name=_clean_title(name),
        website=(website or "").strip()[:200],
        vat_number=_clean_vat(vat_number),
        created_by=actor,
    )
    _save(organisation)
    organisation.people.add(actor)
    audit_record(
        actor=actor,
        action="organisation.create",
        target=organisation,
        host=host,
        data={"name": organisation.name},
    )
    return organisation


@transaction.atomic
def organisation_update(
    *, actor: Any, organisation: Organisation, name: str, website: str = "", vat_number: str = ""
) -> Organisation:
    """Those acting for it (and the host's editors) change its name, website and VAT."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    _require(can_organisation(actor, Need.EDIT, organisation))
    organisation.name = _clean_title(name)
    organisation.website = (website or "").strip()[:200]
    organisation.vat_number = _clean_vat(vat_number)
    _save(organisation)
    audit_record(
        actor=actor,
        action="organisation.update",
        target=organisation,
        host=organisation.host,
        data={"name": organisation.name},
    )
    return organisation


@transaction.atomic
def organisation_person_add(*, actor: Any, organisation: Organisation, person: Any) -> Organisation:
    """Someone acting for it (or the host's editor) adds a person of the host's community
    who acts for it from now on."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    _require(can_organisation(actor, Need.EDIT, organisation))
    if not _in_community(person, organisation.host):
        raise KnowledgeError(KnowledgeErrorCode.NOT_IN_COMMUNITY, field="person")
    organisation.people.add(person)
    audit_record(
        actor=actor,
        action="organisation.person_add",
        target=organisation,
        host=organisation.host,
        data={"person": person.public_name},
    )
    return organisation


@transaction.atomic
def organisation_person_remove(
    *, actor: Any, organisation: Organisation, person: Any
) -> Organisation:
    """Someone stops acting for it (themselves, or removed by another who acts for it or
    the host's editor): they lose the owner's rights it gave them. The last person is
    kept, so that someone still answers for its concepts."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    _require(person.pk == actor.pk or can_organisation(actor, Need.EDIT, organisation))
    people = set(organisation.people.values_list("pk", flat=True))
    if person.pk not in people:
        return organisation
    if people == {person.pk}:
        raise KnowledgeError(KnowledgeErrorCode.LAST_PERSON, field="person")
    organisation.people.remove(person)
    audit_record(
        actor=actor,
        action="organisation.person_remove",
        target=organisation,
        host=organisation.host,
        data={"person": person.public_name},
    )
    return organisation


@transaction.atomic
def concept_organisation_add(
    *, actor: Any, concept: Concept, organisation: Organisation
) -> Concept:
    """An owner of the concept names an organisation of the host's network it acts for
    as a co-owner (the host's editors name any): the organisation's people hold an owner's
    rights on the concept from now on."""
    concept = Concept.objects.select_for_update().get(pk=concept.pk)
    concept = queries.concept_rows().get(pk=concept.pk)
    _require(can_concept(actor, Need.EDIT, concept))
    if organisation.host_id != concept.host_id:
        raise KnowledgeError(KnowledgeErrorCode.WRONG_HOST, field="organisation")
    _require(can_organisation(actor, Need.EDIT, organisation))
    concept.organisations.add(organisation)
    concept.__dict__.pop("_role_ids", None)
    audit_record(
        actor=actor,
        action="concept.organisation_add",
        target=concept,
        host=concept.host,
        data={"organisation": organisation.pk, "name": organisation.name},
    )
    return concept


@transaction.atomic
def concept_organisation_remove(
    *, actor: Any, concept: Concept, organisation: Organisation
) -> Concept:
    """An owner (or the host's editor) takes an organisation off the concept's owners:
    its people lose the rights it gave them; the people owning the concept directly stay."""
    concept = Concept.objects.select_for_update().get(pk=concept.pk)
    concept = queries.concept_rows().get(pk=concept.pk)
    _require(can_concept(actor, Need.EDIT, concept))
    concept.organisations.remove(organisation)
    concept.__dict__.pop("_role_ids", None)
    audit_record(
        actor=actor,
        action="concept.organisation_remove",
        target=concept,
        host=concept.host,
        data={"organisation": organisation.pk, "name": organisation.name},
    )
    return concept
