"""Pages of the organisations that own concepts: register one, its page (its people and
the concepts it owns), change it and who acts for it, and name it a concept's owner."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samen.knowledge import actions, queries
from samen.knowledge.access import (
    Need,
    access_concept,
    access_organisation,
    access_pipeline,
    acts_for,
    can_organisation,
)
from samen.knowledge.errors import KnowledgeError
from samen.knowledge.forms import (
    ConceptOrganisationForm,
    OrganisationForm,
    PersonForm,
    add_error,
)
from samen.knowledge.models import Organisation
from samen.lib.htmx import render_page


@login_required
def organisation_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Someone of the host's community registers an organisation, and acts for it."""
    host = access_pipeline(request.user, slug, Need.EDIT)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = actions.organisation_create(
                actor=request.user, host=host, **form.cleaned_data
            )
        except KnowledgeError as error:
            add_error(form, error)
        else:
            return redirect(organisation)
    status = 400 if request.method == "POST" else 200
    return render_page(
        request, "knowledge/organisation_form.html", {"host": host, "form": form}, status=status
    )


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access_organisation(request.user, pk)
    return _render(request, organisation)


def _render(
    request: HttpRequest,
    organisation: Organisation,
    *,
    form: OrganisationForm | None = None,
    person_form: PersonForm | None = None,
    status: int = 200,
) -> HttpResponse:
    may_edit = can_organisation(request.user, Need.EDIT, organisation)
    initial = {
        "name": organisation.name,
        "website": organisation.website,
        "vat_number": organisation.vat_number,
    }
    context = {
        "organisation": organisation,
        "host": organisation.host,
        "concepts": queries.organisation_concepts(request.user, organisation),
        "can_edit": may_edit,
        "acts_for": acts_for(request.user, organisation),
        "form": form or OrganisationForm(initial=initial),
        "person_form": person_form
        or PersonForm(people=queries.community_people(organisation.host)),
    }
    return render_page(request, "knowledge/organisation_detail.html", context, status=status)


@login_required
@require_POST
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access_organisation(request.user, pk, Need.EDIT)
    form = OrganisationForm(request.POST)
    if form.is_valid():
        try:
            actions.organisation_update(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except KnowledgeError as error:
            add_error(form, error)
        else:
            return redirect(organisation)
    return _render(request, organisation, form=form, status=400)


@login_required
@require_POST
def organisation_person(request: HttpRequest, pk: int) -> HttpResponse:
    """Add someone who acts for it, or (``remove``: a person's id) stop someone acting for
    it: anyone may stop acting for an organisation themselves."""
    removing = request.POST.get("remove", "")
    if removing:
        organisation = access_organisation(request.user, pk)
        person = get_user_model().objects.filter(pk=removing if removing.isdigit() else 0).first()
        if person is None:
            raise Http404
        try:
            actions.organisation_person_remove(
                actor=request.user, organisation=organisation, person=person
            )
        except KnowledgeError as error:
            messages.error(request, error.message)
        return redirect(organisation)
    organisation = access_organisation(request.user, pk, Need.EDIT)
    form = PersonForm(request.POST, people=queries.community_people(organisation.host))
    if form.is_valid():
        try:
            actions.organisation_person_add(
                actor=request.user, organisation=organisation, person=form.cleaned_data["person"]
            )
        except KnowledgeError as error:
            add_error(form, error)
        else:
            return redirect(organisation)
    return _render(request, organisation, person_form=form, status=400)


@login_required
@require_POST
def concept_organisation(request: HttpRequest, pk: int) -> HttpResponse:
    """Name an organisation the owner acts for as a co-owner, or (``remove``) take one off."""
    concept = access_concept(request.user, pk, Need.EDIT)
    form = ConceptOrganisationForm(
        request.POST, organisations=queries.organisations_for(request.user, concept.host)
    )
    if request.POST.get("remove"):
        value = request.POST.get("organisation", "")
        organisation = concept.organisations.filter(pk=value if value.isdigit() else 0).first()
        if organisation is None:
            raise Http404
        actions.concept_organisation_remove(
            actor=request.user, concept=concept, organisation=organisation
        )
        return redirect(concept)
    if form.is_valid():
        try:
            actions.concept_organisation_add(
                actor=request.user, concept=concept, organisation=form.cleaned_data["organisation"]
            )
        except KnowledgeError as error:
            add_error(form, error)
        else:
            messages.success(request, _("The organisation owns the concept with you."))
            return redirect(concept)
    from samen.knowledge.views import _render_concept

    return _render_concept(request, concept, status=400, organisation_form=form)
