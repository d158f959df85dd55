"""Forms: they parse and check input; the actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from samen.api.idempotency import OneTimeTokenField
from samen.expenses.files import MAX_ATTACHMENT_BYTES
from samen.expenses.models import (
    AccountingCategory,
    Expense,
    ExpenseType,
    PayeeKind,
    PayoutMethod,
    SubmitPolicy,
)
from samen.lib.dates import validate_money_date
from samen.lib.money import AmountError, AmountKind, amount_from_text
from samen.lib.translations import TranslatedFieldsMixin


def clean_amount(
    text: str, *, allow_zero: bool = False, kind: AmountKind = AmountKind.EXPENSE_ITEM
) -> int:
    """Euro text typed by a person ("12,50", "1.234,56", "€ 8") to cents, or a form error
    (the one amount parser, bounded by ``kind``)."""
    try:
        return amount_from_text(text or "", 2, kind=kind, allow_zero=allow_zero)
    except AmountError as exc:
        raise forms.ValidationError(exc.message, code=str(exc.code)) from None


class StyledForm(forms.Form):
    """Bootstrap classes on every widget, so templates can render ``{{ field }}`` as is."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(
                widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.CheckboxInput
            ):
                widget.attrs.setdefault("class", "form-check-input")
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked from its content by the action."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "application/pdf,image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = [single(f, initial) for f in files]
        for f in cleaned:
            if f.size > MAX_ATTACHMENT_BYTES:
                raise forms.ValidationError(_("Each file may be at most 10 MB."))
        return cleaned


class ItemForm(StyledForm):
    description = forms.CharField(label=_("Description"), max_length=200)
    incurred_on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_money_date],
    )
    amount = forms.CharField(label=_("Amount (€)"), max_length=20)

    def clean_amount(self) -> int:
        return clean_amount(self.cleaned_data["amount"])


ItemFormSet = formset_factory(ItemForm, extra=2, min_num=1, validate_min=True, max_num=50)


class ExpenseForm(StyledForm):
    """Everything of an expense except its items (a formset next to it)."""

    # A double submit creates one object; the repeat shows the first (samen/api/idempotency.py).
    once = OneTimeTokenField()
    type = forms.ChoiceField(label=_("Type"), choices=ExpenseType.choices, widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=200)
    payee_kind = forms.ChoiceField(
        label=_("Who is paid"),
        choices=PayeeKind.choices,
        initial=PayeeKind.SELF,
        widget=forms.RadioSelect,
    )
    payee_organisation = forms.CharField(
        label=_("Organisation name"), max_length=120, required=False
    )
    payout_method = forms.ModelChoiceField(
        label=_("Pay to the account"),
        queryset=PayoutMethod.objects.none(),
        required=False,
        empty_label=_("A new account (below)"),
    )
    iban = forms.CharField(label=_("IBAN"), max_length=42, required=False)
    account_holder = forms.CharField(label=_("Account holder"), max_length=70, required=False)
    bic = forms.CharField(
        label=_("BIC"),
        max_length=11,
        required=False,
        help_text=_("Only for an account outside the European Economic Area."),
    )
    vat_amount = forms.CharField(
        label=_("VAT included (€)"),
        max_length=20,
        required=False,
        help_text=_("Only for invoices: the VAT amount on the invoice."),
    )
    category = forms.ModelChoiceField(
        label=_("Accounting category"), queryset=AccountingCategory.objects.none(), required=False
    )
    tags = forms.CharField(
        label=_("Tags"), max_length=200, required=False, help_text=_("Separated by commas.")
    )
    attachments = MultipleFileField(
        label=_("Receipts or invoice (PDF or images, at most 10 MB each)"), required=False
    )

    def __init__(
        self,
        *args: Any,
        payout_methods: Any = None,
        categories: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if payout_methods is not None:
            self.fields["payout_method"].queryset = payout_methods  # type: ignore[attr-defined]
        if categories is not None:
            self.fields["category"].queryset = categories  # type: ignore[attr-defined]

    def clean_vat_amount(self) -> int:
        text = (self.cleaned_data.get("vat_amount") or "").strip()
        return clean_amount(text, allow_zero=True) if text else 0

    def clean_tags(self) -> list[str]:
        return [t.strip() for t in (self.cleaned_data.get("tags") or "").split(",") if t.strip()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("payout_method"):
            if not data.get("iban"):
                self.add_error("iban", _("Choose an account or enter a new IBAN."))
            if not data.get("account_holder"):
                self.add_error("account_holder", _("Enter the account holder's name."))
        if data.get("payee_kind") == PayeeKind.ORGANISATION and not data.get("payee_organisation"):
            self.add_error("payee_organisation", _("Enter the organisation's name."))
        return data


class ReasonForm(StyledForm):
    reason = forms.CharField(
        label=_("Message to the submitter"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CommentForm(StyledForm):
    body = forms.CharField(
        label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PayForm(StyledForm):
    paid_on = forms.DateField(
        label=_("Paid on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_money_date],
    )
    bank_reference = forms.CharField(label=_("Bank reference"), max_length=140, required=False)
    fee = forms.CharField(
        label=_("Bank fee (€)"),
        max_length=20,
        required=False,
        help_text=_("Charged to the collective; leave empty when the transfer was free."),
    )

    def clean_fee(self) -> int:
        text = (self.cleaned_data.get("fee") or "").strip()
        return clean_amount(text, allow_zero=True, kind=AmountKind.FEE) if text else 0


class BatchForm(StyledForm):
    expenses = forms.TypedMultipleChoiceField(label=_("Expenses"), coerce=int, choices=())
    execution_date = forms.DateField(
        label=_("Execution date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_money_date],
    )

    def __init__(self, *args: Any, expense_ids: list[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expenses"].choices = [(i, str(i)) for i in expense_ids or []]  # type: ignore[attr-defined]


MAX_STATEMENT_BYTES = 20 * 1024 * 1024


class StatementForm(StyledForm):
    statement = forms.FileField(label=_("Bank statement (CODA or camt.053)"))

    def clean_statement(self) -> Any:
        upload = self.cleaned_data["statement"]
        if upload.size > MAX_STATEMENT_BYTES:
            raise forms.ValidationError(_("A statement file may be at most 20 MB."))
        return upload


class PolicyForm(StyledForm):
    submit_policy = forms.ChoiceField(
        label=_("Who may submit expenses"), choices=SubmitPolicy.choices
    )
    approvals_required = forms.IntegerField(
        label=_("Approvals needed above the threshold"), min_value=1, max_value=5, initial=2
    )
    multi_approval_threshold = forms.CharField(
        label=_("Threshold (€)"),
        max_length=20,
        required=False,
        help_text=_("Empty: one approval is always enough."),
    )

    decision_threshold = forms.CharField(
        label=_("A passed decision for expenses above (€)"),
        max_length=20,
        required=False,
        help_text=_(
            "Expenses above this amount can only be approved once they link a decision of "
            "the collective that passed. Empty: never."
        ),
    )

    def clean_multi_approval_threshold(self) -> int | None:
        text = (self.cleaned_data.get("multi_approval_threshold") or "").strip()
        return clean_amount(text, allow_zero=True) if text else None

    def clean_decision_threshold(self) -> int | None:
        text = (self.cleaned_data.get("decision_threshold") or "").strip()
        return clean_amount(text, allow_zero=True) if text else None


class DecisionLinkForm(StyledForm):
    """The collective's passed decision an expense rests on (empty unlinks it)."""

    decision = forms.ModelChoiceField(
        label=_("Decision"), queryset=Expense.objects.none(), required=False
    )

    def __init__(self, *args: Any, decisions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["decision"]
        assert isinstance(field, forms.ModelChoiceField)
        if decisions is not None:
            field.queryset = decisions


class HostSettingsForm(StyledForm):
    require_category = forms.BooleanField(
        label=_("Every expense needs an accounting category"), required=False
    )


class CategoryForm(TranslatedFieldsMixin, StyledForm):
    translated = ("name",)

    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=120)


class InviteForm(StyledForm):
    email = forms.EmailField(label=_("E-mail address of a person with an account"))
