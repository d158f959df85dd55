"""People pages: my profile, public profiles, skill suggestions, data export and erasure."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from samen.accounts.access import access_person, access_skill_curation
from samen.accounts.actions import (
    profile_update,
    skill_merge,
    skill_save,
    user_erase,
    user_export,
    user_set_language,
)
from samen.accounts.errors import SkillError
from samen.accounts.forms import DeleteAccountForm, ProfileForm, SkillForm, SkillMergeForm
from samen.accounts.models import User
from samen.accounts.privacy import keep_reasons
from samen.accounts.queries import skill_suggestions, skills_for_curation, visible_profile
from samen.lib.htmx import render_page


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch (cookie and redirect), remembered on the profile too."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        user_set_language(actor=request.user, language=language)
    return response


def _remember_language(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
    )


def _signed_in(request: HttpRequest) -> User:
    """The person behind a ``login_required`` view, typed as our User."""
    user = request.user
    assert isinstance(user, User)
    return user


@login_required
@require_GET
def welcome(request: HttpRequest) -> HttpResponse:
    """First steps after confirming an account: profile, communities near you, follow, join."""
    return render_page(request, "accounts/welcome.html", {})


@login_required
@require_http_methods(["GET", "POST"])
def me(request: HttpRequest) -> HttpResponse:
    """My profile: how others see it, and the form to change it."""
    user = _signed_in(request)
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            profile_update(
                actor=user,
                display_name=data["display_name"],
                language=data["language"],
                bio=data["bio"],
                city=data["city"],
                languages=data["languages"],
                skills=data["skills"],
                visibility=form.visibility(),
                avatar=data["avatar"],
                remove_avatar=data["remove_avatar"],
            )
            # The next page is rendered in the language just chosen.
            response = redirect("accounts:me")
            _remember_language(response, data["language"])
            with translation.override(data["language"]):
                messages.success(request, _("Your profile is saved."))
            return response
    else:
        form = ProfileForm(initial=ProfileForm.initial_for(user))
    context = {"form": form, "profile": visible_profile(user, user)}
    return render_page(request, "accounts/me.html", context, status=400 if form.errors else 200)


@require_GET
def person(request: HttpRequest, person_id: int) -> HttpResponse:
    """A person's public profile, each field shown only to whom its owner allows."""
    subject = access_person(request.user, person_id)
    return render_page(
        request, "accounts/person.html", {"profile": visible_profile(subject, request.user)}
    )


@login_required
@require_GET
def skill_suggest(request: HttpRequest) -> HttpResponse:
    """htmx fragment: existing skills matching the word being typed in the skills field."""
    typed = request.GET.get("skills", request.GET.get("q", ""))
    words = typed.split(",")
    current = words[-1]
    suggestions = skill_suggestions(current, exclude=[w.strip() for w in words[:-1]])
    return render_page(
        request,
        "accounts/partials/skill_suggestions.html",
        {
            "suggestions": suggestions,
            "query": current.strip(),
            "filtering": request.GET.get("purpose") == "filter",
        },
    )


@login_required
@require_POST
def export(request: HttpRequest) -> HttpResponse:
    """Download everything Samen holds about me as a zip of JSON files and my avatar."""
    archive = user_export(actor=_signed_in(request))
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="samen-export-{request.user.pk}-{stamp}.zip"'
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest) -> HttpResponse:
    """Erase my account after I confirm with my password."""
    user = _signed_in(request)
    form = DeleteAccountForm(
        request.POST if request.method == "POST" else None, request=request, user=user
    )
    if request.method == "POST" and form.is_valid():
        language = translation.get_language()
        result = user_erase(
            actor=user, user=user, delete_content=form.cleaned_data["content"] == "delete"
        )
        logout(request)
        if result.deleted:
            messages.success(request, _("Your account and your personal data are deleted."))
        else:
            messages.success(
                request,
                _(
                    "Your personal data is deleted. Records the law requires us to keep now "
                    "point at an anonymous former member."
                ),
            )
        # Anonymous from now on: keep the person's language for the goodbye page.
        response = redirect("home")
        _remember_language(response, language)
        return response
    context = {"form": form, "keep_reasons": keep_reasons(user)}
    return render_page(request, "accounts/delete.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def skills(request: HttpRequest) -> HttpResponse:
    """Host admins look after the shared list: add a skill in three languages, merge two."""
    access_skill_curation(request.user)
    action = request.POST.get("do") if request.method == "POST" else None
    add_form = SkillForm(request.POST if action == "add" else None)
    merge_form = SkillMergeForm(request.POST if action == "merge" else None)
    try:
        if action == "add" and add_form.is_valid():
            skill_save(actor=request.user, **add_form.cleaned_data)
            messages.success(request, _("The skill is added."))
            return redirect("accounts:skills")
        if action == "merge" and merge_form.is_valid():
            target = skill_merge(actor=request.user, **merge_form.cleaned_data)
            messages.success(request, _("Merged into “%(skill)s”.") % {"skill": target.label()})
            return redirect("accounts:skills")
    except SkillError as error:
        form = add_form if action == "add" else merge_form
        form.add_error(error.field if error.field in form.fields else None, error.message)
    query = request.GET.get("q", "")
    return render_page(
        request,
        "accounts/skills.html",
        {
            "skills": skills_for_curation(query)[:500],
            "query": query,
            "add_form": add_form,
            "merge_form": merge_form,
        },
    )
