"""Joining: invitations sent by admins and join requests sent by people."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from samen.audit.actions import audit_record
from samen.communities import queries
from samen.communities.actions._common import (
    Owner,
    _lock_collective,
    _lock_host,
    _notify,
    _notify_address,
    _pair_answers,
    _require_admin,
)
from samen.communities.actions.memberships import _add_member, _role_label
from samen.communities.errors import CommunityError, CommunityErrorCode
from samen.communities.models import (
    Collective,
    CollectiveRole,
    Host,
    HostRole,
    Invitation,
    InvitationStatus,
    JoinRequest,
    JoinRequestStatus,
    host_of,
)

#: The longest idea a person may describe when asking to join a host's community.
MAX_IDEA_LENGTH = 2000

# --- invitations ----------------------------------------------------------------------------


@transaction.atomic
def invitation_send(*, actor: Any, owner: Owner, email: str, role: str) -> Invitation:
    """An admin invites an e-mail address; the e-mail carries a signed link to accept or
    decline. Inviting someone who is already a member is refused."""
    from samen.accounts.models import User

    _require_admin(actor, owner)
    email = email.strip().lower()
    valid = CollectiveRole.values if isinstance(owner, Collective) else HostRole.values
    if role not in valid:
        raise CommunityError(CommunityErrorCode.INVALID_ROLE, field="role")
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None and queries.membership_of(existing, owner) is not None:
        raise CommunityError(CommunityErrorCode.ALREADY_MEMBER, field="email")
    field = "collective" if isinstance(owner, Collective) else "host"
    invitation = Invitation.objects.create(
        **{field: owner}, email=email, role=role, invited_by=actor
    )
    audit_record(
        actor=actor,
        action="invitation.send",
        target=owner,
        host=host_of(owner),
        data={"role": role},
    )
    from samen.communities.links import invitation_url

    _notify_address(
        email,
        getattr(existing, "language", "") if existing else "",
        "communities/email/invitation",
        {
            "invitation": invitation,
            "owner": owner,
            "role_label": _role_label(owner, role),
            "url": invitation_url(invitation),
        },
    )
    return invitation


def _lock_pending_invitation(invitation: Invitation) -> Invitation:
    locked = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("collective", "host")
        .get(pk=invitation.pk)
    )
    if locked.status != InvitationStatus.PENDING:
        raise CommunityError(CommunityErrorCode.INVITATION_CLOSED)
    return locked


@transaction.atomic
def invitation_accept(*, actor: Any, invitation: Invitation, rules_accepted: bool = False) -> Any:
    """The invited person accepts: they get the role, having accepted the house rules if
    there are any. The link was signed, so whoever holds it may accept it while signed in
    with the invited address."""
    invitation = _lock_pending_invitation(invitation)
    if actor.email.lower() != invitation.email.lower():
        raise CommunityError(CommunityErrorCode.INVITATION_EMAIL)
    owner = invitation.owner
    rules = queries.current_rules(owner)
    if rules is not None and not rules_accepted:
        raise CommunityError(CommunityErrorCode.RULES_NOT_ACCEPTED, field="rules_accepted")
    membership = _add_member(owner, actor, invitation.role, rules)
    invitation.status = InvitationStatus.ACCEPTED
    invitation.responded_at = timezone.now()
    invitation.accepted_by = actor
    invitation.save(update_fields=["status", "responded_at", "accepted_by"])
    audit_record(
        actor=actor,
        action="role.join",
        target=owner,
        host=host_of(owner),
        data={"person": actor.public_name, "person_id": actor.pk, "to": invitation.role},
    )
    return membership


@transaction.atomic
def invitation_decline(*, actor: Any, invitation: Invitation) -> Invitation:
    """The invited person declines; the signed link is proof enough, no login needed."""
    invitation = _lock_pending_invitation(invitation)
    invitation.status = InvitationStatus.DECLINED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return invitation


@transaction.atomic
def invitation_revoke(*, actor: Any, invitation: Invitation) -> Invitation:
    _require_admin(actor, invitation.owner)
    invitation = _lock_pending_invitation(invitation)
    invitation.status = InvitationStatus.REVOKED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return invitation


# --- join requests --------------------------------------------------------------------------


@transaction.atomic
def join_request_submit(
    *, actor: Any, collective: Collective, answers: list[str], rules_accepted: bool
) -> JoinRequest:
    """Someone asks to join, answering the membership questions and accepting the current
    house rules (when there are any)."""
    collective = _lock_collective(collective)
    if not collective.allows_join_requests:
        raise CommunityError(CommunityErrorCode.JOIN_CLOSED)
    if queries.membership_of(actor, collective) is not None:
        raise CommunityError(CommunityErrorCode.ALREADY_MEMBER)
    if queries.is_banned(actor, collective):
        raise CommunityError(CommunityErrorCode.BANNED)
    if JoinRequest.objects.filter(
        collective=collective, user=actor, status=JoinRequestStatus.PENDING
    ).exists():
        raise CommunityError(CommunityErrorCode.JOIN_REQUEST_OPEN)
    rules = queries.current_rules(collective)
    if rules is not None and not rules_accepted:
        raise CommunityError(CommunityErrorCode.RULES_NOT_ACCEPTED, field="rules_accepted")
    paired = _pair_answers(list(collective.membership_questions or []), answers)
    join_request = JoinRequest.objects.create(
        collective=collective, user=actor, answers=paired, rules_accepted=rules
    )
    _notify(
        queries.collective_admins(collective),
        "communities/email/join_request_received",
        _context(join_request),
    )
    return join_request


@transaction.atomic
def host_join_request_submit(
    *, actor: Any, host: Host, idea: str, answers: list[str], rules_accepted: bool
) -> JoinRequest:
    """Someone asks to join the host's community (the members who use its credit) with the
    idea or project they come with, answering the host's questions and accepting its house
    rules (when there are any). The host's admins are e-mailed."""
    host = _lock_host(host)
    if not host.accepts_members:
        raise CommunityError(CommunityErrorCode.HOST_JOIN_CLOSED)
    idea = (idea or "").strip()
    if not idea or len(idea) > MAX_IDEA_LENGTH:
        raise CommunityError(CommunityErrorCode.IDEA_MISSING, field="idea")
    if queries.membership_of(actor, host) is not None:
        raise CommunityError(CommunityErrorCode.ALREADY_MEMBER)
    if queries.is_banned(actor, host):
        raise CommunityError(CommunityErrorCode.BANNED)
    if JoinRequest.objects.filter(host=host, user=actor, status=JoinRequestStatus.PENDING).exists():
        raise CommunityError(CommunityErrorCode.JOIN_REQUEST_OPEN)
    rules = queries.current_rules(host)
    if rules is not None and not rules_accepted:
        raise CommunityError(CommunityErrorCode.RULES_NOT_ACCEPTED, field="rules_accepted")
    paired = _pair_answers(list(host.member_questions or []), answers)
    join_request = JoinRequest.objects.create(
        host=host, user=actor, idea=idea, answers=paired, rules_accepted=rules
    )
    audit_record(
        actor=actor,
        action="join_request.submit",
        target=host,
        host=host,
        data={"person_id": actor.pk, "join_request": join_request.pk},
    )
    _notify(
        queries.host_admins(host), "communities/email/join_request_received", _context(join_request)
    )
    return join_request


def _context(join_request: JoinRequest) -> dict[str, Any]:
    """What the join request e-mails show: the owner (a collective or a host) and its page."""
    from django.urls import reverse

    owner = join_request.owner
    kind = "collective" if isinstance(owner, Collective) else "host"
    return {
        "join_request": join_request,
        "collective": owner,
        "owner_url": reverse(f"communities:{kind}", args=[owner.slug]),
        "members_url": reverse(f"communities:{kind}_members", args=[owner.slug]),
    }


def _lock_pending_join_request(join_request: JoinRequest) -> JoinRequest:
    locked = (
        JoinRequest.objects.select_for_update(of=("self",))
        .select_related("collective", "host", "user")
        .get(pk=join_request.pk)
    )
    if locked.status != JoinRequestStatus.PENDING:
        raise CommunityError(CommunityErrorCode.JOIN_REQUEST_CLOSED)
    return locked


@transaction.atomic
def join_request_approve(*, actor: Any, join_request: JoinRequest, message: str = "") -> Any:
    """An admin lets the person in as a member, with an optional message. Their accepted
    rules version carries over if it is still the current one; otherwise they will be asked
    again. A member let into a host's community starts with its credit's default limit (a
    member has no limit of their own until an admin sets one)."""
    _require_admin(actor, join_request.owner)
    join_request = _lock_pending_join_request(join_request)
    owner = join_request.owner
    role = CollectiveRole.MEMBER if isinstance(owner, Collective) else HostRole.MEMBER
    membership = _add_member(owner, join_request.user, role, join_request.rules_accepted)
    join_request.status = JoinRequestStatus.APPROVED
    join_request.reason = message.strip()
    join_request.decided_by = actor
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action="role.join",
        target=owner,
        host=host_of(owner),
        data={
            "person": join_request.user.public_name,
            "person_id": join_request.user_id,
            "to": role,
        },
    )
    _notify([join_request.user], "communities/email/join_request_decided", _context(join_request))
    return membership


@transaction.atomic
def join_request_decline(*, actor: Any, join_request: JoinRequest, reason: str = "") -> JoinRequest:
    """An admin refuses, with a message the person is e-mailed."""
    _require_admin(actor, join_request.owner)
    join_request = _lock_pending_join_request(join_request)
    join_request.status = JoinRequestStatus.DECLINED
    join_request.reason = reason.strip()
    join_request.decided_by = actor
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    _notify([join_request.user], "communities/email/join_request_decided", _context(join_request))
    return join_request


@transaction.atomic
def join_request_withdraw(*, actor: Any, join_request: JoinRequest) -> JoinRequest:
    if join_request.user_id != actor.pk:
        raise PermissionDenied
    join_request = _lock_pending_join_request(join_request)
    join_request.status = JoinRequestStatus.WITHDRAWN
    join_request.save(update_fields=["status"])
    return join_request
