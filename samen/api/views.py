"""The token pages under /settings/tokens/: list, create (shown once), revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from samen.api.access import access_token
from samen.api.actions import token_create, token_revoke
from samen.api.errors import TokenError
from samen.api.forms import TokenCreateForm
from samen.api.queries import tokens_of
from samen.lib.htmx import render_page


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    return render_page(
        request,
        "api/tokens.html",
        {"tokens": tokens_of(request.user)},
        partial="api/partials/token_table.html",
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def token_new(request: HttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, plaintext = token_create(
                actor=request.user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
                expires_at=form.expires_at(),
                **form.scopes(),
            )
        except TokenError as exc:
            form.add_error(None, exc.message)
        else:
            # Rendered in the POST answer, never redirected to: the secret is not stored
            # anywhere, not even in the session, so this page is its only appearance.
            return render(
                request, "api/token_created.html", {"token": token, "plaintext": plaintext}
            )
    return render(request, "api/token_new.html", {"form": form})


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    token = token_revoke(actor=request.user, token=access_token(request.user, token_id))  # type: ignore[arg-type]
    if getattr(request, "htmx", False):
        response = render(request, "api/partials/token_row.html", {"token": token})
        response["Vary"] = "HX-Request"
        return response
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("tokens:list")
