"""Forms of the funding pages. They parse input; the rules live in the actions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samen.api.idempotency import OneTimeTokenField
from samen.banking.parsers import MAX_STATEMENT_BYTES, STATEMENT_TOO_LARGE
from samen.communities.models import Collective
from samen.funding.errors import FundingError
from samen.funding.models import (
    CampaignModel,
    GoalType,
    Interval,
    Method,
    Reward,
    RewardKind,
    TierKind,
    VatRate,
)
from samen.lib.money import EUR, AmountError, AmountKind, Money, amount_from_text, format_money
from samen.lib.translations import TranslatedFieldsMixin


class AmountField(forms.Field):
    """A euro amount typed the way people type it (12,50 or 12.50), cleaned to cents by the
    one amount parser and bounded by its ``kind`` (samen/lib/money.py)."""

    widget = forms.TextInput

    def __init__(self, *, kind: AmountKind = AmountKind.CONTRIBUTION, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.kind = kind
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value: Any) -> int | None:
        text = str(value or "").strip()
        if not text:
            return None
        try:
            return amount_from_text(text, 2, kind=self.kind, allow_zero=True)
        except AmountError as exc:
            raise forms.ValidationError(exc.message, code=str(exc.code)) from exc


class StyledForm(forms.Form):
    """Adds Bootstrap's classes to every widget, so templates can render fields plainly."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()

    def style(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect):
                widget.attrs["class"] = "form-check-input"
                continue
            if isinstance(widget, forms.CheckboxInput | forms.HiddenInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = css


def add_funding_error(form: forms.Form, error: FundingError, field: str | None = None) -> None:
    form.add_error(field if field in form.fields else None, str(error.message))


def method_choices(stripe: bool) -> list[tuple[str, Any]]:
    choices: list[tuple[str, Any]] = [(Method.BANK_TRANSFER, Method.BANK_TRANSFER.label)]
    if stripe:
        choices.append((Method.STRIPE, Method.STRIPE.label))
    return choices


class SupporterFields(StyledForm):
    """Who gives: themselves, an organisation, or a guest; public or incognito."""

    # A double submit creates one object; the repeat shows the first (samen/api/idempotency.py).
    once = OneTimeTokenField()
    method = forms.ChoiceField(label=_("Payment method"), widget=forms.RadioSelect)
    organisation_name = forms.CharField(
        label=_("On behalf of an organisation (optional)"), max_length=140, required=False
    )
    guest_name = forms.CharField(label=_("Your name"), max_length=140, required=False)
    guest_email = forms.EmailField(label=_("Your e-mail address"), required=False)
    is_incognito = forms.BooleanField(
        label=_("Give incognito (shown as “Anonymous” on public pages)"), required=False
    )
    message = forms.CharField(
        label=_("Public message (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, signed_in: bool, stripe: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.signed_in = signed_in
        method_field = self.fields["method"]
        assert isinstance(method_field, forms.ChoiceField)
        method_field.choices = method_choices(stripe)
        self.fields["method"].initial = Method.BANK_TRANSFER
        if signed_in:
            del self.fields["guest_name"]
            del self.fields["guest_email"]
        else:
            self.fields["guest_name"].required = True
            self.fields["guest_email"].required = True


class ContributeForm(SupporterFields):
    amount = AmountField(label=_("Amount (EUR)"), required=False)
    interval = forms.ChoiceField(
        label=_("How often"),
        choices=Interval.choices,
        initial=Interval.ONE_TIME,
        widget=forms.RadioSelect,
    )
    tier = forms.IntegerField(required=False, widget=forms.HiddenInput)

    field_order = ["tier", "amount", "interval", "method"]

    def __init__(self, *args: Any, signed_in: bool, stripe: bool, **kwargs: Any) -> None:
        super().__init__(*args, signed_in=signed_in, stripe=stripe, **kwargs)
        if not signed_in:
            interval_field = self.fields["interval"]
            assert isinstance(interval_field, forms.ChoiceField)
            interval_field.choices = [(Interval.ONE_TIME, Interval.ONE_TIME.label)]
            self.fields["interval"].help_text = _("Sign in to give every month or year.")


class RewardChoiceField(forms.ModelChoiceField[Reward]):
    def label_from_instance(self, obj: Reward) -> str:
        return f"{obj.title} · {format_money(Money(obj.price, EUR))}"


class BackForm(SupporterFields):
    reward = RewardChoiceField(
        label=_("Reward"),
        queryset=Reward.objects.none(),
        required=False,
        blank=True,
        empty_label=_("No reward, just support"),
        widget=forms.RadioSelect,
    )
    amount = AmountField(
        label=_("Amount (EUR)"),
        required=False,
        help_text=_("At least the reward's price; leave empty to pay exactly that."),
    )
    buyer_enterprise_number = forms.CharField(
        label=_("Enterprise number for an invoice (optional)"),
        max_length=20,
        required=False,
        help_text=_(
            "For a product or a ticket bought for a business: you get an invoice instead of "
            "a receipt."
        ),
    )
    buyer_address = forms.CharField(
        label=_("Invoicing address"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Street and number, then postcode and city."),
    )

    field_order = ["reward", "amount", "method"]

    def __init__(
        self, *args: Any, campaign: Any, signed_in: bool, stripe: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, signed_in=signed_in, stripe=stripe, **kwargs)
        reward_field = self.fields["reward"]
        assert isinstance(reward_field, forms.ModelChoiceField)
        from samen.funding.queries import rewards_with_remaining

        # Sold-out rewards are not offered; the action still counts under a lock.
        open_ids = [r.pk for r in rewards_with_remaining(campaign) if r.remaining != 0]
        reward_field.queryset = Reward.objects.filter(pk__in=open_ids)


class CampaignForm(TranslatedFieldsMixin, StyledForm):
    translated = ("title", "summary", "story")

    title = forms.CharField(label=_("Title"), max_length=140)
    slug = forms.SlugField(label=_("Address"), max_length=60)
    summary = forms.CharField(label=_("Summary"), max_length=280, required=False)
    story = forms.CharField(
        label=_("Story"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown."),
    )
    image = forms.FileField(
        label=_("Image"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    video_url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")
    goal_type = forms.ChoiceField(label=_("Goal"), choices=GoalType.choices)
    goal_amount = AmountField(label=_("Goal amount (EUR)"), required=False, kind=AmountKind.GOAL)
    goal_count = forms.IntegerField(label=_("Goal in pre-orders"), min_value=0, required=False)
    deadline = forms.DateTimeField(
        label=_("Deadline"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    model = forms.ChoiceField(label=_("Model"), choices=CampaignModel.choices)


class TierForm(TranslatedFieldsMixin, StyledForm):
    translated = ("name", "description")

    name = forms.CharField(label=_("Name"), max_length=80)
    kind = forms.ChoiceField(label=_("Type"), choices=TierKind.choices)
    amount = AmountField(label=_("Amount (EUR)"), kind=AmountKind.PRICE)
    amount_is_minimum = forms.BooleanField(label=_("The amount is a minimum"), required=False)
    interval = forms.ChoiceField(
        label=_("How often"),
        choices=[("", _("The supporter chooses")), *Interval.choices],
        required=False,
    )
    quantity = forms.IntegerField(label=_("Limited quantity"), min_value=1, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RewardForm(TranslatedFieldsMixin, StyledForm):
    translated = ("title", "description")

    title = forms.CharField(label=_("Title"), max_length=140)
    price = AmountField(label=_("Price (EUR)"), kind=AmountKind.PRICE)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    quantity = forms.IntegerField(label=_("Limited quantity"), min_value=1, required=False)
    estimated_delivery = forms.DateField(
        label=_("Estimated delivery"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    kind = forms.ChoiceField(
        label=_("What is it?"),
        choices=RewardKind.choices,
        initial=RewardKind.GIFT,
        required=False,
        help_text=_("A product or a ticket is sold: the backer gets a receipt with VAT."),
    )
    vat_rate = forms.TypedChoiceField(
        label=_("VAT rate"),
        choices=[("", "-"), *VatRate.choices],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Included in the price; only for a product or a ticket."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["kind"] = data.get("kind") or RewardKind.GIFT  # left out: a thank-you
        sold = data["kind"] != RewardKind.GIFT
        if sold and data.get("vat_rate") is None:
            self.add_error("vat_rate", _("Choose the VAT rate of what you sell."))
        if not sold and data.get("vat_rate") is not None:
            self.add_error("vat_rate", _("A thank-you for a gift carries no VAT."))
        return data


class MatchingForm(StyledForm):
    sponsor_name = forms.CharField(label=_("Sponsor"), max_length=140)
    factor = forms.DecimalField(
        label=_("Factor"),
        min_value=Decimal("0.01"),
        max_value=Decimal("10"),
        decimal_places=2,
        help_text=_("1.00 doubles every donation."),
    )
    cap_per_donation = AmountField(label=_("Cap per donation (EUR)"), required=False)
    total_cap = AmountField(label=_("Total cap (EUR)"), kind=AmountKind.GOAL)


class UpdateForm(TranslatedFieldsMixin, StyledForm):
    translated = ("title", "body")

    title = forms.CharField(label=_("Title"), max_length=140)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown. Every backer receives it by e-mail."),
    )


class AddedFundsForm(StyledForm):
    # A double submit creates one object; the repeat shows the first (samen/api/idempotency.py).
    once = OneTimeTokenField()
    collective: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Collective"), queryset=Collective.objects.none()
    )
    amount = AmountField(label=_("Amount (EUR)"), kind=AmountKind.ADDED_FUNDS)
    source_name = forms.CharField(label=_("Received from"), max_length=140)
    reason = forms.CharField(label=_("Reason"), max_length=280)
    apply_host_fee = forms.BooleanField(label=_("Take the host fee"), required=False, initial=True)

    def __init__(self, *args: Any, host: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        collective_field = self.fields["collective"]
        assert isinstance(collective_field, forms.ModelChoiceField)
        collective_field.queryset = host.collectives.filter(is_frozen=False)


class GuestEraseForm(StyledForm):
    email = forms.EmailField(label=_("The guest's e-mail address"))
    confirm = forms.BooleanField(
        label=_("The request comes from this guest, and I understand it cannot be undone."),
    )


class BankImportForm(StyledForm):
    file = forms.FileField(label=_("Statement file (CODA or camt.053)"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_STATEMENT_BYTES:
            raise forms.ValidationError(STATEMENT_TOO_LARGE)
        return upload


class BankAccountForm(StyledForm):
    iban = forms.CharField(label=_("IBAN"), max_length=42)
    label = forms.CharField(
        label=_("Name (for example: savings account)"), max_length=80, required=False
    )


class RefundForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), max_length=280)
    cover = forms.BooleanField(
        label=_("The host covers what the collective's balance lacks"), required=False
    )


class RecurringForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("pause", "pause"),
            ("resume", "resume"),
            ("cancel", "cancel"),
            ("amount", "amount"),
        ]
    )
    amount = AmountField(label=_("New amount (EUR)"), required=False)
