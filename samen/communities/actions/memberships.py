"""Memberships: roles, leaving, house rules and direct membership."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from samen.audit.actions import audit_record
from samen.communities import queries
from samen.communities.actions._common import (
    Owner,
    _lock_collective,
    _lock_host,
    _require_admin,
)
from samen.communities.errors import CommunityError, CommunityErrorCode
from samen.communities.models import (
    Collective,
    CollectiveMembership,
    CollectiveRole,
    HostMembership,
    HostRole,
    HouseRules,
    host_of,
)
from samen.notifications.actions import notifications_forget_unreadable

# --- memberships and roles ------------------------------------------------------------------


def _rules_fields(owner: Owner, accepted: HouseRules | None) -> dict[str, Any]:
    if accepted is None:
        return {}
    return {"rules_accepted": accepted, "rules_accepted_at": timezone.now()}


def _add_member(owner: Owner, user: Any, role: str, rules: HouseRules | None = None) -> Any:
    if queries.membership_of(user, owner) is not None:
        raise CommunityError(CommunityErrorCode.ALREADY_MEMBER)
    if queries.is_banned(user, owner):
        raise CommunityError(CommunityErrorCode.BANNED)
    if isinstance(owner, Collective):
        if role not in CollectiveRole.values:
            raise CommunityError(CommunityErrorCode.INVALID_ROLE, field="role")
        membership: Any = CollectiveMembership.objects.create(
            collective=owner, user=user, role=role, **_rules_fields(owner, rules)
        )
    else:
        if role not in HostRole.values:
            raise CommunityError(CommunityErrorCode.INVALID_ROLE, field="role")
        membership = HostMembership.objects.create(
            host=owner, user=user, role=role, **_rules_fields(owner, rules)
        )
    queries.forget_roles(user)
    return membership


def _role_label(owner: Owner, role: str) -> Any:
    choices = CollectiveRole if isinstance(owner, Collective) else HostRole
    return choices(role).label


def _lock_owner(owner: Owner) -> Owner:
    return _lock_collective(owner) if isinstance(owner, Collective) else _lock_host(owner)


def _admin_count(owner: Owner) -> int:
    return owner.memberships.filter(role="admin").count()


@transaction.atomic
def member_set_role(*, actor: Any, owner: Owner, user: Any, role: str) -> Any:
    """An admin changes someone's role. The last admin cannot be demoted."""
    _require_admin(actor, owner)
    owner = _lock_owner(owner)
    membership = queries.membership_of(user, owner)
    if membership is None:
        raise CommunityError(CommunityErrorCode.NOT_A_MEMBER)
    valid = CollectiveRole.values if isinstance(owner, Collective) else HostRole.values
    if role not in valid:
        raise CommunityError(CommunityErrorCode.INVALID_ROLE, field="role")
    old = membership.role
    if old == "admin" and role != "admin" and _admin_count(owner) <= 1:
        raise CommunityError(CommunityErrorCode.LAST_ADMIN)
    membership.role = role
    membership.save(update_fields=["role"])
    queries.forget_roles(user)
    queries.forget_roles(actor)
    audit_record(
        actor=actor,
        action="role.change",
        target=owner,
        host=host_of(owner),
        data={"person": user.public_name, "person_id": user.pk, "from": old, "to": role},
    )
    return membership


@transaction.atomic
def member_remove(*, actor: Any, owner: Owner, user: Any) -> None:
    """An admin removes someone (or someone leaves, see ``membership_leave``)."""
    if actor.pk != user.pk:
        _require_admin(actor, owner)
    owner = _lock_owner(owner)
    membership = queries.membership_of(user, owner)
    if membership is None:
        raise CommunityError(CommunityErrorCode.NOT_A_MEMBER)
    if membership.role == "admin" and _admin_count(owner) <= 1:
        raise CommunityError(CommunityErrorCode.LAST_ADMIN)
    role = membership.role
    membership.delete()
    queries.forget_roles(user)
    notifications_forget_unreadable(recipient=user)  # members-only topics, events, polls
    audit_record(
        actor=actor,
        action="role.leave" if actor.pk == user.pk else "role.remove",
        target=owner,
        host=host_of(owner),
        data={"person": user.public_name, "person_id": user.pk, "from": role},
    )


def membership_leave(*, actor: Any, owner: Owner) -> None:
    """A person leaves a collective or host; the last admin cannot."""
    member_remove(actor=actor, owner=owner, user=actor)


# --- house rules ----------------------------------------------------------------------------


@transaction.atomic
def rules_publish(
    *, actor: Any, owner: Owner, text: str, translations: Mapping[str, str] | None = None
) -> HouseRules:
    """Publish a new version of the house rules (its text per language in ``translations``,
    ``text_fr`` and so on). Members must accept it before they post or contribute again;
    the admin who publishes it accepts it by doing so."""
    _require_admin(actor, owner)
    owner = _lock_owner(owner)
    text = text.strip()
    per_language = {key: (value or "").strip() for key, value in (translations or {}).items()}
    current = queries.current_rules(owner)
    if (
        current is not None
        and current.text.strip() == text
        and all((getattr(current, key) or "").strip() == v for key, v in per_language.items())
    ):
        raise CommunityError(CommunityErrorCode.RULES_UNCHANGED, field="text")
    field = "collective" if isinstance(owner, Collective) else "host"
    rules = HouseRules.objects.create(
        **{field: owner},
        version=(current.version + 1) if current else 1,
        text=text,
        created_by=actor,
        **per_language,
    )
    membership = queries.membership_of(actor, owner)
    if membership is not None:
        membership.rules_accepted = rules
        membership.rules_accepted_at = timezone.now()
        membership.save(update_fields=["rules_accepted", "rules_accepted_at"])
    audit_record(
        actor=actor,
        action="rules.publish",
        target=owner,
        host=host_of(owner),
        data={"version": rules.version},
    )
    return rules


@transaction.atomic
def rules_accept(*, actor: Any, owner: Owner) -> Any:
    """A member accepts the current version of the house rules."""
    membership = queries.membership_of(actor, owner)
    if membership is None:
        raise CommunityError(CommunityErrorCode.NOT_A_MEMBER)
    rules = queries.current_rules(owner)
    if rules is None:
        raise CommunityError(CommunityErrorCode.NO_RULES)
    membership.rules_accepted = rules
    membership.rules_accepted_at = timezone.now()
    membership.save(update_fields=["rules_accepted", "rules_accepted_at"])
    return membership


# --- direct membership (demo and staff tools) -----------------------------------------------


@transaction.atomic
def member_add(*, actor: Any, owner: Owner, user: Any, role: str) -> Any:
    """An admin adds an existing person directly (used by the demo and the tests; people
    normally arrive through an invitation or a join request). The person still has to
    accept the house rules."""
    _require_admin(actor, owner)
    owner = _lock_owner(owner)
    membership = _add_member(owner, user, role)
    audit_record(
        actor=actor,
        action="role.add",
        target=owner,
        host=host_of(owner),
        data={"person": user.public_name, "person_id": user.pk, "to": role},
    )
    return membership
