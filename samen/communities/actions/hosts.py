"""Hosts: create and update, with their legal and banking details."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from samen.audit.actions import audit_record
from samen.communities import queries
from samen.communities.actions._common import _check_slug_free, _lock_host, _require_admin
from samen.communities.errors import CommunityError, CommunityErrorCode
from samen.communities.models import Host, HostMembership, HostRole, VatStatus
from samen.communities.validation import (
    clean_bic,
    clean_email,
    clean_enterprise_number,
    clean_fee,
    clean_iban,
    clean_lines,
    clean_url,
    clean_vat_number,
)
from samen.lib.money import AmountError, AmountKind, check_amount
from samen.lib.translations import pop_translations, set_translations


def _clean_host_fields(fields: dict[str, Any], country: str) -> dict[str, Any]:
    cleaned = dict(fields)
    if "enterprise_number" in cleaned:
        cleaned["enterprise_number"] = clean_enterprise_number(
            cleaned["enterprise_number"], country
        )
    if "vat_number" in cleaned:
        cleaned["vat_number"] = clean_vat_number(cleaned["vat_number"], country)
    if "iban" in cleaned:
        cleaned["iban"] = clean_iban(cleaned["iban"])
    if "bic" in cleaned:
        cleaned["bic"] = clean_bic(cleaned["bic"])
    if "default_fee_percent" in cleaned:
        cleaned["default_fee_percent"] = clean_fee(
            cleaned["default_fee_percent"], "default_fee_percent"
        ) or Decimal("0.00")
    if cleaned.get("flat_monthly_fee_cents") is not None:
        try:
            check_amount(cleaned["flat_monthly_fee_cents"], 2, kind=AmountKind.FEE, allow_zero=True)
        except AmountError as exc:
            raise CommunityError(
                CommunityErrorCode.INVALID_FEE, exc.message, field="flat_monthly_fee_cents"
            ) from None
    if "website" in cleaned:
        cleaned["website"] = clean_url(cleaned["website"])
    if "contact_email" in cleaned:
        cleaned["contact_email"] = clean_email(cleaned["contact_email"])
    for questions in ("application_questions", "member_questions"):
        if questions in cleaned:
            cleaned[questions] = clean_lines(cleaned[questions])
    if "vat_status" in cleaned and cleaned["vat_status"] not in VatStatus.values:
        raise CommunityError(CommunityErrorCode.INVALID_VAT_NUMBER, field="vat_status")
    return cleaned


HOST_FIELDS = (
    "name",
    "legal_name",
    "country",
    "enterprise_number",
    "vat_status",
    "vat_number",
    "iban",
    "bic",
    "address",
    "contact_email",
    "website",
    "about",
    "terms",
    "default_fee_percent",
    "flat_monthly_fee_cents",
    "accepts_applications",
    "application_questions",
    "accepts_members",
    "member_questions",
)


@transaction.atomic
def host_create(*, actor: Any, name: str, slug: str = "", **fields: Any) -> Host:
    """Register a host organisation; its creator becomes its first admin. Belgian
    enterprise and VAT numbers, the IBAN and the BIC are checked before anything is saved.
    Texts per language come as ``about_fr``, ``terms_nl`` and so on."""
    translations = pop_translations(Host, fields)
    unknown = set(fields) - set(HOST_FIELDS)
    if unknown:
        raise TypeError(f"Unknown host fields: {sorted(unknown)}")
    slug = slugify(slug or name)[:60]
    _check_slug_free(Host, slug, None)
    country = (fields.get("country") or "BE").upper()
    fields["country"] = country
    host = Host(name=name.strip(), slug=slug, **_clean_host_fields(fields, country))
    set_translations(host, translations)
    try:
        with transaction.atomic():
            host.save()
    except IntegrityError:
        raise CommunityError(CommunityErrorCode.SLUG_TAKEN, field="slug") from None
    HostMembership.objects.create(host=host, user=actor, role=HostRole.ADMIN)
    queries.forget_roles(actor)
    audit_record(actor=actor, action="host.create", target=host, host=host)
    return host


@transaction.atomic
def host_update(*, actor: Any, host: Host, **changes: Any) -> Host:
    """Change a host's profile, bank details, fees, terms or application questions (texts
    per language as ``terms_fr`` and so on)."""
    _require_admin(actor, host)
    host = _lock_host(host)
    slug = changes.pop("slug", None)
    translations = pop_translations(Host, changes)
    unknown = set(changes) - set(HOST_FIELDS)
    if unknown:
        raise TypeError(f"Unknown host fields: {sorted(unknown)}")
    if slug is not None:
        slug = slugify(slug or host.name)[:60]
        _check_slug_free(Host, slug, host.pk)
        host.slug = slug
    country = (changes.get("country") or host.country).upper()
    if "country" in changes:
        changes["country"] = country
    before = {k: str(getattr(host, k)) for k in ("default_fee_percent", "flat_monthly_fee_cents")}
    for key, value in _clean_host_fields(changes, country).items():
        setattr(host, key, value)
    set_translations(host, translations)
    host.save()
    after = {k: str(getattr(host, k)) for k in before}
    audit_record(
        actor=actor,
        action="host.update",
        target=host,
        host=host,
        data={"fields": sorted(changes), **({"fees": [before, after]} if before != after else {})},
    )
    return host
