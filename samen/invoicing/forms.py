from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


def _style(form: forms.Form) -> None:
    """Bootstrap classes on the widgets (templates render fields one by one)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


class BillingProfileForm(forms.Form):
    company_name = forms.CharField(label=_("Company name"), required=False, max_length=200)
    enterprise_number = forms.CharField(
        label=_("Enterprise number"),
        required=False,
        max_length=20,
        help_text=_("Belgian enterprise number (KBO/BCE). With it you also get Peppol e-invoices."),
    )
    vat_number = forms.CharField(label=_("VAT number"), required=False, max_length=20)
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    country = forms.CharField(label=_("Country code"), max_length=2, initial="BE")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class ExportForm(forms.Form):
    period = forms.RegexField(
        label=_("Month"),
        regex=r"^\d{4}-\d{2}$",
        widget=forms.TextInput(attrs={"type": "month"}),
        error_messages={"invalid": _("Choose a month.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
