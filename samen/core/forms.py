"""The sample form of the style page: shows how every form reports an error at its field."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


class DesignSampleForm(forms.Form):
    """An amount with a minimum and a required name, to show errors that state the limit."""

    name = forms.CharField(label=_("Name"), max_length=60)
    amount = forms.DecimalField(
        label=_("Amount"), min_value=Decimal(45), decimal_places=2, help_text=_("At least €45.")
    )
