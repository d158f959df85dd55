"""Forms of the credits pages; choices come from the scheme's current rate card and members."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samen.accounts.actions import MAX_SKILL_LENGTH, MAX_SKILLS, clean_skill_names
from samen.accounts.errors import AccountsErrorCode
from samen.accounts.forms import skill_autocomplete_attrs
from samen.communities.queries import host_members
from samen.credits.actions import MAX_DESCRIPTION_LENGTH, MAX_TITLE_LENGTH, ServiceInput
from samen.credits.models import (
    Counterparty,
    CreditScheme,
    Direction,
    HelpRequest,
    Service,
    YearEndPolicy,
)
from samen.invoicing.models import ProviderVatStatus
from samen.lib.dates import validate_money_date
from samen.lib.money import AmountError, AmountKind, amount_from_text, format_amount, to_decimal
from samen.lib.translations import active_language, site_languages


def _style(form: forms.Form) -> None:
    """Bootstrap classes on the widgets (templates render fields one by one)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


def _amount(text: str, decimals: int, kind: AmountKind, *, allow_zero: bool = False) -> int:
    """The one amount parser (bounded by ``kind``), its refusal as a field error."""
    try:
        return amount_from_text(text, decimals, kind=kind, allow_zero=allow_zero)
    except AmountError as exc:
        raise forms.ValidationError(exc.message, code=str(exc.code)) from None


def _date_input() -> forms.DateInput:
    # A date input takes ISO dates only; the localised format (21-11-2026 in nl) would leave
    # it empty in the browser.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DeliveryForm(forms.Form):
    service = forms.ChoiceField(label=_("Service"))
    on = forms.DateField(
        label=_("Date"),
        widget=_date_input(),
        initial=timezone.localdate,
        validators=[validate_money_date],
    )
    member = forms.TypedChoiceField(
        label=_("With"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("For a session between members: who received it."),
    )
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100, initial=1)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: Any,
        scheme: CreditScheme,
        services: list[Service],
        user: Any,
        help_request: HelpRequest | None = None,
        **kw: Any,
    ):
        super().__init__(*args, **kw)

        def amount(service: Service) -> str:
            return f"{to_decimal(service.value, scheme.unit.decimals).normalize():f}"

        members = host_members(scheme.host).exclude(pk=user.pk)
        if help_request is not None:
            # Answering a request: a session between members, for its requester, with the
            # service the request names (when it names one).
            services = [
                s for s in services if s.is_peer and s.code == (help_request.service_code or s.code)
            ]
            members = members.filter(pk=help_request.requester_id)
            self.fields["member"].required = True
            self.initial.setdefault("member", help_request.requester_id)
            if services:
                self.initial.setdefault("service", services[0].code)
        cast(forms.ChoiceField, self.fields["service"]).choices = [
            (s.code, f"{s.name} ({'+' if s.direction == 'earns' else '-'}{amount(s)})")
            for s in services
        ]
        cast(forms.ChoiceField, self.fields["member"]).choices = [("", "—")] + [
            (m.pk, m.public_name) for m in members
        ]
        self._members = {m.pk: m for m in members}
        _style(self)

    def member_object(self) -> Any:
        pk = self.cleaned_data.get("member")
        return self._members.get(pk) if pk else None


class WorkshopForm(forms.Form):
    service = forms.ChoiceField(label=_("Service"))
    on = forms.DateField(
        label=_("Date"),
        widget=_date_input(),
        initial=timezone.localdate,
        validators=[validate_money_date],
    )
    participants = forms.TypedMultipleChoiceField(
        label=_("Participants"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(
        self, *args: Any, scheme: CreditScheme, services: list[Service], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        cast(forms.ChoiceField, self.fields["service"]).choices = [
            (s.code, s.name) for s in services if not s.is_peer
        ]
        members = list(host_members(scheme.host))
        cast(forms.ChoiceField, self.fields["participants"]).choices = [
            (m.pk, m.public_name) for m in members
        ]
        self._members = {m.pk: m for m in members}
        _style(self)

    def participant_objects(self) -> list[Any]:
        return [self._members[pk] for pk in self.cleaned_data["participants"]]


class LimitForm(forms.Form):
    member = forms.TypedChoiceField(label=_("Member"), coerce=int)
    limit = forms.CharField(
        label=_("Credit limit"),
        required=False,
        help_text=_("Empty: back to the host's default limit."),
    )

    def __init__(self, *args: Any, scheme: CreditScheme, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.scheme = scheme
        members = list(host_members(scheme.host))
        cast(forms.ChoiceField, self.fields["member"]).choices = [
            (m.pk, m.public_name) for m in members
        ]
        self._members = {m.pk: m for m in members}
        _style(self)

    def clean_limit(self) -> int | None:
        text = (self.cleaned_data.get("limit") or "").strip()
        if not text:
            return None
        return _amount(text, self.scheme.unit.decimals, AmountKind.CREDIT, allow_zero=True)

    def member_object(self) -> Any:
        return self._members[self.cleaned_data["member"]]


class VatStatusForm(forms.Form):
    """A host admin chooses the VAT status of a member who earns credits (the document their
    services get: docs/credits.md) and records their self-billing agreement."""

    member = forms.TypedChoiceField(label=_("Member"), coerce=int)
    vat_status = forms.ChoiceField(label=_("VAT status"), choices=ProviderVatStatus.choices)
    self_billing = forms.BooleanField(
        label=_("Agreed to self-billing"),
        required=False,
        help_text=_("VAT-registered members only: the host then issues their invoices."),
    )

    def __init__(self, *args: Any, scheme: CreditScheme, **kw: Any) -> None:
        super().__init__(*args, **kw)
        members = list(host_members(scheme.host))
        cast(forms.ChoiceField, self.fields["member"]).choices = [
            (m.pk, m.public_name) for m in members
        ]
        self._members = {m.pk: m for m in members}
        _style(self)

    def member_object(self) -> Any:
        return self._members[self.cleaned_data["member"]]


class SettlementForm(forms.Form):
    """A host admin books euros a member in debt paid (by hand, or a transfer the import
    could not book). ``token`` makes a double submission book once."""

    member = forms.TypedChoiceField(label=_("Member"), coerce=int)
    amount = forms.CharField(label=_("Amount received (€)"), max_length=20)
    paid_on = forms.DateField(
        label=_("Received on"),
        widget=_date_input(),
        initial=timezone.localdate,
        validators=[validate_money_date],
    )
    token = forms.CharField(widget=forms.HiddenInput, max_length=60)

    line = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, debtors: list[dict[str, Any]], line: Any = None, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        from samen.invoicing.templatetags.euros import euros

        if line is not None:
            # Booking a bank line: what was received, and when, is the bank's to say.
            self.initial.update(
                {
                    "line": line.pk,
                    "amount": format_amount(line.amount, 2, grouped=False),
                    "paid_on": line.booking_date,
                }
            )
            self.fields["amount"].disabled = True
            self.fields["paid_on"].disabled = True

        cast(forms.ChoiceField, self.fields["member"]).choices = [
            (
                row["user"].pk,
                _("%(name)s (up to %(amount)s)")
                % {"name": row["user"].public_name, "amount": euros(row["payable"])},
            )
            for row in debtors
        ]
        self._members = {row["user"].pk: row["user"] for row in debtors}
        self.initial.setdefault("token", uuid.uuid4().hex)
        _style(self)

    def clean_amount(self) -> int:
        return _amount(self.cleaned_data.get("amount") or "", 2, AmountKind.SETTLEMENT)

    def member_object(self) -> Any:
        return self._members[self.cleaned_data["member"]]


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class ServiceRowForm(forms.Form):
    """One line of a new rate card version; an empty row is ignored, "remove" drops it.

    A name in any one language is enough: readers of another language get it through
    modeltranslation's fallback. The reader's own language is asked first, and the error
    for a service without any name sits at that field.
    """

    code = forms.SlugField(label=_("Code"), max_length=40)
    name_en = forms.CharField(label=_("Name (English)"), max_length=120, required=False)
    name_nl = forms.CharField(label=_("Name (Dutch)"), max_length=120, required=False)
    name_fr = forms.CharField(label=_("Name (French)"), max_length=120, required=False)
    description_en = forms.CharField(
        label=_("Description (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    description_nl = forms.CharField(
        label=_("Description (Dutch)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    description_fr = forms.CharField(
        label=_("Description (French)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    direction = forms.ChoiceField(
        label=_("Direction"), choices=Direction.choices, initial=Direction.EARNS
    )
    counterparty = forms.ChoiceField(
        label=_("With"), choices=Counterparty.choices, initial=Counterparty.HOST
    )
    value = forms.CharField(label=_("Value in credits"), max_length=20)

    def __init__(self, *args: Any, decimals: int, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.decimals = decimals
        self.language_order = [active_language()] + [
            code for code in site_languages() if code != active_language()
        ]
        self.order_fields(
            ["code"]
            + [
                f"{field}_{code}"
                for field in ("name", "description")
                for code in self.language_order
            ]
        )
        _style(self)

    def clean_value(self) -> int:
        return _amount(self.cleaned_data.get("value") or "", self.decimals, AmountKind.CREDIT)

    def written_name(self) -> str:
        """The name as typed in the first language that has one, for the row's legend."""
        values = (self[f"name_{code}"].value() for code in self.language_order)
        return next((str(v).strip() for v in values if v and str(v).strip()), "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        names = [f"name_{code}" for code in self.language_order]
        if not any((data.get(name) or "").strip() for name in names):
            self.add_error(names[0], _("Give the service a name in at least one language."))
        return data

    def service_input(self) -> ServiceInput:
        data = self.cleaned_data
        return ServiceInput(
            code=data["code"],
            name_en=data["name_en"],
            name_nl=data["name_nl"],
            name_fr=data["name_fr"],
            description_en=data["description_en"],
            description_nl=data["description_nl"],
            description_fr=data["description_fr"],
            direction=data["direction"],
            counterparty=data["counterparty"],
            value=data["value"],
        )


class BaseServiceFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"

    def services(self) -> list[ServiceInput]:
        """The rows kept: filled in and not marked for removal."""
        return [
            cast(ServiceRowForm, form).service_input()
            for form in self.forms
            if form.has_changed() and not form.cleaned_data.get("DELETE")
        ]


ServiceFormSet = forms.formset_factory(
    ServiceRowForm, formset=BaseServiceFormSet, extra=2, can_delete=True
)


def service_initial(services: list[Service], decimals: int) -> list[dict[str, Any]]:
    """The current version's services as the starting rows of the next version."""
    return [
        {
            "code": s.code,
            "name_en": s.name_en or "",
            "name_nl": s.name_nl or "",
            "name_fr": s.name_fr or "",
            "description_en": s.description_en or "",
            "description_nl": s.description_nl or "",
            "description_fr": s.description_fr or "",
            "direction": s.direction,
            "counterparty": s.counterparty,
            "value": f"{to_decimal(s.value, decimals).normalize():f}",
        }
        for s in services
    ]


class RateCardForm(forms.Form):
    valid_from = forms.DateField(label=_("In force from"), widget=_date_input())

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        _style(self)


VAT_CHOICES = [
    ("21", _("21 %")),
    ("12", _("12 %")),
    ("6", _("6 %")),
    ("0", _("0 %")),
    ("exempt", _("exempt from VAT")),
]


class SchemeRulesForm(forms.Form):
    """What a host admin may change on a running scheme."""

    default_credit_limit = forms.CharField(
        label=_("Default credit limit"),
        max_length=20,
        help_text=_("How far below zero a member may go, in credits."),
    )
    settle_in_euros = forms.BooleanField(label=_("Debts may be settled in euros"), required=False)
    auto_confirm_days = forms.IntegerField(
        label=_("Confirm automatically after (days)"), min_value=1, max_value=365
    )
    year_end_positive = forms.ChoiceField(
        label=_("A member's positive net position at the end of the year"),
        choices=YearEndPolicy.choices,
        initial=YearEndPolicy.KEEP,
        required=False,
        help_text=_(
            "Kept as credit, it is set off against the member's next invoices. Paid out, it "
            "goes into a SEPA payout batch on 1 January, to the bank account the member gave "
            "for reimbursements."
        ),
    )

    def __init__(self, *args: Any, decimals: int, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.unit_decimals = decimals
        _style(self)
        self.fields["settle_in_euros"].widget.attrs["class"] = "form-check-input"

    def clean_default_credit_limit(self) -> int:
        text = self.cleaned_data.get("default_credit_limit") or ""
        return _amount(text, self.unit_decimals, AmountKind.CREDIT, allow_zero=True)


class SchemeCreateForm(SchemeRulesForm):
    """A new scheme: its unit as well as its rules."""

    code = forms.RegexField(
        label=_("Unit code"),
        regex=r"^[A-Za-z]{2,8}$",
        max_length=8,
        help_text=_("Two to eight letters, for example SIF."),
    )
    name = forms.CharField(label=_("Unit name"), max_length=100)
    decimals = forms.IntegerField(label=_("Decimal places"), min_value=0, max_value=6, initial=3)
    euro_value = forms.DecimalField(
        label=_("Value in euros"), min_value=0, max_digits=10, decimal_places=2, initial="50.00"
    )
    vat_rate = forms.ChoiceField(label=_("VAT rate"), choices=VAT_CHOICES, initial="21")
    euro_value_includes_vat = forms.BooleanField(
        label=_("The value in euros includes VAT"),
        required=False,
        help_text=_(
            "Ticked: one credit costs exactly its value, VAT included (€50 all-in). Not "
            "ticked: VAT is added to the value (€50 + 21 % = €60.50)."
        ),
    )
    vat_exemption_reason = forms.CharField(
        label=_("VAT exemption reason"),
        max_length=200,
        required=False,
        help_text=_("Printed on documents when the services are exempt from VAT."),
    )

    field_order = [
        "code",
        "name",
        "decimals",
        "euro_value",
        "euro_value_includes_vat",
        "vat_rate",
        "vat_exemption_reason",
    ]

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, decimals=3, **kw)
        self.fields["euro_value_includes_vat"].widget.attrs["class"] = "form-check-input"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        decimals = data.get("decimals")
        text = (self.data.get(self.add_prefix("default_credit_limit")) or "").strip()
        if decimals is not None and text and "default_credit_limit" not in self.errors:
            # The limit was parsed before the decimals were known; parse it again with them.
            try:
                data["default_credit_limit"] = amount_from_text(
                    text, decimals, kind=AmountKind.CREDIT, allow_zero=True
                )
            except AmountError as exc:
                self.add_error("default_credit_limit", exc.message)
        return data

    def vat_rate_value(self) -> Decimal | None:
        rate = self.cleaned_data["vat_rate"]
        return None if rate == "exempt" else Decimal(rate)


def _clean_skills(raw: str) -> list[str]:
    try:
        return clean_skill_names(raw.split(","))
    except ValueError as exc:
        code = AccountsErrorCode(str(exc.args[0]))
        raise forms.ValidationError(code.label, code=code.value) from None


class HelpRequestForm(forms.Form):
    """Ask the network for help."""

    title = forms.CharField(label=_("What do you need?"), max_length=MAX_TITLE_LENGTH)
    description = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=MAX_DESCRIPTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What it is about, when, where. You may use Markdown."),
    )
    skills = forms.CharField(
        label=_("Skills wanted"),
        required=False,
        max_length=MAX_SKILLS * (MAX_SKILL_LENGTH + 2),
        help_text=_(
            "Separate skills with commas; suggestions appear as you type. Members with these "
            "skills on their profile see your request first."
        ),
    )
    service = forms.ChoiceField(
        label=_("Service"),
        required=False,
        help_text=_("The rate-card service a helper records for it; empty: the helper chooses."),
    )

    def __init__(self, *args: Any, services: list[Service], **kw: Any) -> None:
        super().__init__(*args, **kw)
        cast(forms.ChoiceField, self.fields["service"]).choices = [("", "—")] + [
            (s.code, s.name) for s in services if s.is_peer
        ]
        self.fields["skills"].widget.attrs.update(skill_autocomplete_attrs())
        _style(self)

    def clean_skills(self) -> list[str]:
        return _clean_skills(self.cleaned_data.get("skills") or "")


class SkillTextFilterForm(forms.Form):
    """The filters of the request list and the member directory (a GET form)."""

    skills = forms.CharField(label=_("Skills"), required=False, max_length=500)
    q = forms.CharField(label=_("Text"), required=False, max_length=200)

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["skills"].widget.attrs.update(skill_autocomplete_attrs(filtering=True))
        self.fields["q"].widget.attrs["type"] = "search"
        _style(self)

    def clean_skills(self) -> list[str]:
        return _clean_skills(self.cleaned_data.get("skills") or "")

    def values(self) -> tuple[list[str], str]:
        """The cleaned filters, or none when they do not validate."""
        if not self.is_valid():
            return [], ""
        return self.cleaned_data["skills"], self.cleaned_data["q"].strip()
