"""The token creation form of /settings/tokens/new/."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samen.api.scopes import api_areas

NEVER = "never"
READ = "read"
WRITE = "write"
EVERY_AREA = "all"
SOME_AREAS = "some"


class TokenCreateForm(forms.Form):
    """A name, a lifetime and the scopes. The lifetime defaults to 90 days so forgotten
    tokens die; the scopes default to reading only, in every area, so a token can do harm
    only when its owner chose so."""

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “monthly export script”."),
    )
    lifetime = forms.ChoiceField(
        label=_("Expires"),
        choices=[
            ("30", _("in 30 days")),
            ("90", _("in 90 days")),
            ("365", _("in a year")),
            (NEVER, _("never")),
        ],
        initial="90",
    )
    access = forms.ChoiceField(
        label=_("Access"),
        choices=[
            (READ, _("Read only")),
            (WRITE, _("Read and change (create, edit, approve, pay, ...)")),
        ],
        initial=READ,
        required=False,
        widget=forms.RadioSelect,
    )
    reach = forms.ChoiceField(
        label=_("Areas"),
        choices=[
            (EVERY_AREA, _("Every area, including areas added later")),
            (SOME_AREAS, _("Only the areas chosen below")),
        ],
        initial=EVERY_AREA,
        required=False,
        widget=forms.RadioSelect,
    )
    areas = forms.MultipleChoiceField(
        label=_("Chosen areas"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        areas = self.fields["areas"]
        assert isinstance(areas, forms.MultipleChoiceField)
        areas.choices = api_areas()

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the token a name."))
        return name

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if cleaned.get("reach") == SOME_AREAS and not cleaned.get("areas"):
            self.add_error("areas", _("Choose at least one area, or every area."))
        return cleaned

    def scopes(self) -> dict[str, Any]:
        """The keyword arguments of ``token_create`` that set the scopes."""
        # Unanswered questions take the narrow answer for access and the simple one for areas.
        every = self.cleaned_data["reach"] != SOME_AREAS
        return {
            "read_only": self.cleaned_data["access"] != WRITE,
            "areas": [] if every else self.cleaned_data["areas"],
        }

    def expires_at(self) -> datetime | None:
        lifetime = self.cleaned_data["lifetime"]
        if lifetime == NEVER:
            return None
        return timezone.now() + timedelta(days=int(lifetime))
