"""The token creation form of /settings/tokens/new/."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

NEVER = "never"


class TokenCreateForm(forms.Form):
    """A name and a lifetime; the lifetime defaults to 90 days so forgotten tokens die."""

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

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the token a name."))
        return name

    def expires_at(self) -> datetime | None:
        lifetime = self.cleaned_data["lifetime"]
        if lifetime == NEVER:
            return None
        return timezone.now() + timedelta(days=int(lifetime))
