"""Every table that points at a person is covered by the privacy contract (docs/privacy.md).

A model of a ``samen.*`` app with a ForeignKey or OneToOne to the user model (the through
table of a ManyToMany to people included) belongs to an app with a privacy module
(``samen/<app>/privacy.py``: what the export holds, what the erasure deletes, what the law
keeps), or is listed in ``NEEDS_NO_PROVIDER`` with the reason it needs none. A new model that
points at people without either fails here, so nobody adds one without thinking about the
export and the erasure.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.util import find_spec

from django.apps import apps
from django.contrib.auth import get_user_model

#: ``<app_label>.<Model>.<field>`` → why no privacy module of that app is needed.
NEEDS_NO_PROVIDER: dict[str, str] = {
    "audit.AuditEntry.actor": (
        "who did what, kept for accountability; the erasure takes the person's name off"
        " the entries about them (accounts.actions.user_erase) and a deleted user leaves"
        " the actor empty"
    ),
    "ledger.Account.user": (
        "a person's ledger account is an accounting record kept 7 years (PROTECT: the user"
        " row is pseudonymised); the apps that post to it export and erase around it"
    ),
    "ledger.Transaction.actor": (
        "who posted an append-only, sealed ledger transaction: an accounting record kept"
        " 7 years (PROTECT: the user row is pseudonymised)"
    ),
}


def _has_privacy_module(app_name: str) -> bool:
    return find_spec(f"{app_name}.privacy") is not None


def person_fields() -> dict[str, str]:
    """``<app_label>.<Model>.<field>`` → app name, for every foreign key or one-to-one to
    the user model in a ``samen.*`` app, the through tables of many-to-many fields included."""
    user_model = get_user_model()
    found = {}
    for model in apps.get_models(include_auto_created=True):
        config = model._meta.app_config
        if config is None or not config.name.startswith("samen."):
            continue
        for field in model._meta.concrete_fields:
            if (field.many_to_one or field.one_to_one) and field.related_model is user_model:
                found[f"{model._meta.label}.{field.name}"] = config.name
    return found


def uncovered(has_provider: Callable[[str], bool] = _has_privacy_module) -> list[str]:
    return sorted(
        key
        for key, app_name in person_fields().items()
        if not has_provider(app_name) and key not in NEEDS_NO_PROVIDER
    )


def test_every_model_pointing_at_people_has_a_privacy_provider_or_a_reason() -> None:
    missing = uncovered()
    assert missing == [], (
        "These fields point at people, but their app has no privacy.py (docs/privacy.md,"
        f" 'For developers: the privacy contract') and they are not in NEEDS_NO_PROVIDER: {missing}"
    )


def test_every_reason_names_a_field_that_still_exists() -> None:
    stale = sorted(set(NEEDS_NO_PROVIDER) - set(person_fields()))
    assert stale == [], f"NEEDS_NO_PROVIDER lists fields that no longer point at people: {stale}"
    assert all(reason.strip() for reason in NEEDS_NO_PROVIDER.values())


def test_the_guard_sees_the_models_of_an_app_without_a_privacy_module() -> None:
    """What the guard would report if communities had no privacy.py: its memberships, the
    many-to-many of chapter members, and the plain SET_NULL columns alike."""
    missing = uncovered(lambda app_name: app_name != "samen.communities")
    assert "communities.CollectiveMembership.user" in missing
    assert "communities.Chapter_members.user" in missing
    assert "communities.NewsPost.author" in missing
    assert all(key.startswith("communities.") for key in missing)
