"""Teams, follows and house rules of collectives and hosts; invitations; join requests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Status

from samen.accounts.models import User
from samen.api.auth import api_auth
from samen.api.errors import ApiError, ErrorCode
from samen.api.pagination import CursorParams, page_of, paginate
from samen.communities import actions, queries
from samen.communities.access import (
    Need,
    access_collective,
    access_host,
    access_invitation_admin,
    access_join_request,
)
from samen.communities.api._common import Owner, _person, router
from samen.communities.api.schemas import (
    FollowerOut,
    FollowOut,
    HostJoinRequestIn,
    InvitationAnswerIn,
    InvitationIn,
    InvitationOut,
    JoinRequestIn,
    JoinRequestOut,
    MemberOut,
    ReasonIn,
    RoleIn,
    RulesIn,
    RulesOut,
    RulesStateOut,
)
from samen.communities.links import invitation_from_token
from samen.communities.models import CollectiveMembership, HostMembership, Invitation, JoinRequest

# --- teams, follows and house rules, for collectives and hosts alike ------------------------


def _memberships(kind: str, owner: Owner) -> QuerySet[Any]:
    model = CollectiveMembership if kind == "collective" else HostMembership
    return model.objects.filter(**{kind: owner}).select_related("user", "rules_accepted")


def _register_team_routes(kind: str, prefix: str, get: Callable[..., Owner]) -> None:
    """The team: members, their roles, leaving, and invitations to join."""

    @router.get(
        f"/{prefix}/{{slug}}/members",
        response=page_of(MemberOut),
        operation_id=f"{kind}_members",
    )
    def members(request: HttpRequest, slug: str, params: Query[CursorParams]) -> Any:
        """The team is public, like on the page."""
        return paginate(
            _memberships(kind, get(request.user, slug)), params, order=("created_at", "id")
        )

    @router.post(
        f"/{prefix}/{{slug}}/members/{{user_id}}/role",
        response=MemberOut,
        auth=api_auth,
        operation_id=f"{kind}_member_role",
    )
    def member_role(request: HttpRequest, slug: str, user_id: int, payload: RoleIn) -> Any:
        owner = get(request.user, slug, Need.ADMIN)
        person = User.objects.filter(pk=user_id).first()
        if person is None:
            raise ApiError(404, ErrorCode.NOT_FOUND)
        actions.member_set_role(actor=_person(request), owner=owner, user=person, role=payload.role)
        return _memberships(kind, owner).get(user=person)

    @router.delete(
        f"/{prefix}/{{slug}}/members/{{user_id}}",
        response={204: None},
        auth=api_auth,
        operation_id=f"{kind}_member_remove",
    )
    def member_remove(request: HttpRequest, slug: str, user_id: int) -> Any:
        """An admin removes someone; anyone may remove themselves (leave)."""
        own = request.user.pk == user_id
        owner = get(request.user, slug, Need.MEMBER if own else Need.ADMIN)
        person = User.objects.filter(pk=user_id).first()
        if person is None:
            raise ApiError(404, ErrorCode.NOT_FOUND)
        actions.member_remove(actor=_person(request), owner=owner, user=person)
        return Status(204, None)

    @router.post(
        f"/{prefix}/{{slug}}/leave",
        response={204: None},
        auth=api_auth,
        operation_id=f"{kind}_leave",
    )
    def leave(request: HttpRequest, slug: str) -> Any:
        owner = get(request.user, slug, Need.MEMBER)
        actions.membership_leave(actor=_person(request), owner=owner)
        return Status(204, None)

    @router.get(
        f"/{prefix}/{{slug}}/invitations",
        response=page_of(InvitationOut),
        auth=api_auth,
        operation_id=f"{kind}_invitations",
    )
    def invitations(request: HttpRequest, slug: str, params: Query[CursorParams]) -> Any:
        owner = get(request.user, slug, Need.ADMIN)
        return paginate(
            Invitation.objects.filter(**{kind: owner}), params, order=("-created_at", "-id")
        )

    @router.post(
        f"/{prefix}/{{slug}}/invitations",
        response={201: InvitationOut},
        auth=api_auth,
        operation_id=f"{kind}_invite",
    )
    def invite(request: HttpRequest, slug: str, payload: InvitationIn) -> Any:
        owner = get(request.user, slug, Need.ADMIN)
        invitation = actions.invitation_send(
            actor=_person(request), owner=owner, email=payload.email, role=payload.role
        )
        return Status(201, invitation)


def _register_follow_routes(kind: str, prefix: str, get: Callable[..., Owner]) -> None:
    """Following a collective or host, and who follows it."""

    @router.get(
        f"/{prefix}/{{slug}}/followers",
        response=page_of(FollowerOut),
        operation_id=f"{kind}_followers",
    )
    def followers(request: HttpRequest, slug: str, params: Query[CursorParams]) -> Any:
        owner = get(request.user, slug)
        return paginate(queries.followers(owner), params, order=("-created_at", "-id"))

    @router.post(
        f"/{prefix}/{{slug}}/follow",
        response=FollowOut,
        auth=api_auth,
        operation_id=f"{kind}_follow",
    )
    def follow(request: HttpRequest, slug: str) -> Any:
        owner = get(request.user, slug)
        actions.follow_add(actor=_person(request), target=owner)
        return {"following": True, "followers": queries.follower_count(owner)}

    @router.delete(
        f"/{prefix}/{{slug}}/follow",
        response=FollowOut,
        auth=api_auth,
        operation_id=f"{kind}_unfollow",
    )
    def unfollow(request: HttpRequest, slug: str) -> Any:
        owner = get(request.user, slug)
        actions.follow_remove(actor=_person(request), target=owner)
        return {"following": False, "followers": queries.follower_count(owner)}


def _register_rules_routes(kind: str, prefix: str, get: Callable[..., Owner]) -> None:
    """House rules: the versions, publishing a new one, and members accepting it."""

    @router.get(f"/{prefix}/{{slug}}/rules", response=RulesStateOut, operation_id=f"{kind}_rules")
    def rules(request: HttpRequest, slug: str) -> Any:
        owner = get(request.user, slug)
        return {
            "current": queries.current_rules(owner),
            "needs_acceptance": queries.needs_rules_acceptance(request.user, owner),
            "versions": list(queries.rules_history(owner)),
        }

    @router.post(
        f"/{prefix}/{{slug}}/rules",
        response={201: RulesOut},
        auth=api_auth,
        operation_id=f"{kind}_rules_publish",
    )
    def rules_publish(request: HttpRequest, slug: str, payload: RulesIn) -> Any:
        owner = get(request.user, slug, Need.ADMIN)
        rules = actions.rules_publish(actor=_person(request), owner=owner, text=payload.text)
        return Status(201, rules)

    @router.post(
        f"/{prefix}/{{slug}}/rules/accept",
        response=RulesStateOut,
        auth=api_auth,
        operation_id=f"{kind}_rules_accept",
    )
    def rules_accept(request: HttpRequest, slug: str) -> Any:
        owner = get(request.user, slug, Need.MEMBER)
        actions.rules_accept(actor=_person(request), owner=owner)
        return rules(request, slug)


# Members, invitations, follows and house rules work the same for both owners.
for _kind, _prefix, _get in (
    ("collective", "collectives", access_collective),
    ("host", "hosts", access_host),
):
    _register_team_routes(_kind, _prefix, _get)
    _register_follow_routes(_kind, _prefix, _get)
    _register_rules_routes(_kind, _prefix, _get)


# --- invitations ----------------------------------------------------------------------------


def _invitation_by_token(token: str) -> Invitation:
    invitation = invitation_from_token(token)
    if invitation is None:
        raise ApiError(404, ErrorCode.NOT_FOUND)
    return invitation


@router.post(
    "/invitations/accept", response=MemberOut, auth=api_auth, operation_id="invitation_accept"
)
def invitation_accept(request: HttpRequest, payload: InvitationAnswerIn) -> Any:
    """Accept with the token from the signed link, signed in as the invited address."""
    invitation = _invitation_by_token(payload.token)
    return actions.invitation_accept(
        actor=_person(request), invitation=invitation, rules_accepted=payload.rules_accepted
    )


@router.post("/invitations/decline", response=InvitationOut, operation_id="invitation_decline")
def invitation_decline(request: HttpRequest, payload: InvitationAnswerIn) -> Any:
    """Decline with the token from the signed link; no account needed."""
    invitation = _invitation_by_token(payload.token)
    return actions.invitation_decline(actor=request.user, invitation=invitation)


@router.post(
    "/invitations/{pk}/revoke",
    response=InvitationOut,
    auth=api_auth,
    operation_id="invitation_revoke",
)
def invitation_revoke(request: HttpRequest, pk: int) -> Any:
    invitation = access_invitation_admin(request.user, pk)
    return actions.invitation_revoke(actor=_person(request), invitation=invitation)


# --- join requests --------------------------------------------------------------------------


@router.get(
    "/collectives/{slug}/join-requests",
    response=page_of(JoinRequestOut),
    auth=api_auth,
    operation_id="join_requests_list",
)
def join_requests_list(
    request: HttpRequest, slug: str, params: Query[CursorParams], status: str = "pending"
) -> Any:
    collective = access_collective(request.user, slug, Need.ADMIN)
    qs = JoinRequest.objects.filter(collective=collective).select_related("collective", "user")
    if status:
        qs = qs.filter(status=status)
    return paginate(qs, params, order=("created_at", "id"))


@router.post(
    "/collectives/{slug}/join-requests",
    response={201: JoinRequestOut},
    auth=api_auth,
    operation_id="join_request_submit",
)
def join_request_submit(request: HttpRequest, slug: str, payload: JoinRequestIn) -> Any:
    collective = access_collective(request.user, slug)
    join_request = actions.join_request_submit(
        actor=_person(request),
        collective=collective,
        answers=payload.answers,
        rules_accepted=payload.rules_accepted,
    )
    return Status(201, join_request)


@router.post(
    "/hosts/{slug}/join-requests",
    response={201: JoinRequestOut},
    auth=api_auth,
    operation_id="host_join_request_submit",
)
def host_join_request_submit(request: HttpRequest, slug: str, payload: HostJoinRequestIn) -> Any:
    """Ask to join the host's community (the members who use its credit) with an idea."""
    host = access_host(request.user, slug)
    join_request = actions.host_join_request_submit(
        actor=_person(request),
        host=host,
        idea=payload.idea,
        answers=payload.answers,
        rules_accepted=payload.rules_accepted,
    )
    return Status(201, join_request)


@router.get(
    "/join-requests/{pk}", response=JoinRequestOut, auth=api_auth, operation_id="join_request_get"
)
def join_request_get(request: HttpRequest, pk: int) -> Any:
    return access_join_request(request.user, pk)


@router.post(
    "/join-requests/{pk}/approve",
    response=JoinRequestOut,
    auth=api_auth,
    operation_id="join_request_approve",
)
def join_request_approve(request: HttpRequest, pk: int, payload: ReasonIn | None = None) -> Any:
    join_request = access_join_request(request.user, pk, Need.ADMIN)
    actions.join_request_approve(
        actor=_person(request),
        join_request=join_request,
        message=payload.reason if payload is not None else "",
    )
    return access_join_request(request.user, pk)


@router.post(
    "/join-requests/{pk}/decline",
    response=JoinRequestOut,
    auth=api_auth,
    operation_id="join_request_decline",
)
def join_request_decline(request: HttpRequest, pk: int, payload: ReasonIn) -> Any:
    join_request = access_join_request(request.user, pk, Need.ADMIN)
    actions.join_request_decline(
        actor=_person(request), join_request=join_request, reason=payload.reason
    )
    return access_join_request(request.user, pk)


@router.post(
    "/join-requests/{pk}/withdraw",
    response=JoinRequestOut,
    auth=api_auth,
    operation_id="join_request_withdraw",
)
def join_request_withdraw(request: HttpRequest, pk: int) -> Any:
    join_request = access_join_request(request.user, pk)
    return actions.join_request_withdraw(actor=_person(request), join_request=join_request)
