"""Contact without exposing e-mail: a member writes another member of the same community,
the message is relayed by e-mail (the sender's address hidden unless they agree), a few a
day at most, refusable by the receiver, and reportable to the community's moderators."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from samen.audit.actions import audit_record
from samen.communities.models import Chapter, host_of
from samen.communities.queries import current_rules
from samen.conversations import access
from samen.conversations.actions.posts import _check_allowed
from samen.conversations.errors import ConversationError
from samen.conversations.errors import ConversationErrorCode as Code
from samen.conversations.models import (
    Block,
    ContactRefusal,
    Owner,
    RelayedMessage,
    Reviewable,
    ReviewKind,
    ReviewScore,
    ReviewStatus,
    owner_fields,
)
from samen.lib.mail import send_message_later, site_url

MAX_MESSAGE = 5_000
MESSAGES_PER_DAY = 5


def refuses_messages(user: Any) -> bool:
    return ContactRefusal.objects.filter(user=user).exists()


@transaction.atomic
def message_send(
    *, actor: Any, owner: Owner, recipient: Any, body: str, share_email: bool = False
) -> RelayedMessage:
    """Relay a message from one member of ``owner`` to another."""
    access.require(access.can_write_in(actor, owner) and access.is_member(recipient, owner))
    if recipient.pk == actor.pk:
        raise ConversationError(Code.SELF)
    body = (body or "").replace("\x00", "").strip()
    if not body:
        raise ConversationError(Code.EMPTY, field="body")
    if len(body) > MAX_MESSAGE:
        raise ConversationError(Code.TOO_LONG, field="body")
    _check_allowed(actor, owner, body)
    if refuses_messages(recipient):
        raise ConversationError(Code.REFUSES_MESSAGES)
    if recipient.pk in access.blocked_between(actor.pk):
        raise ConversationError(Code.BLOCKED)
    since = timezone.now() - timedelta(days=1)
    if RelayedMessage.objects.filter(sender=actor, created_at__gte=since).count() >= (
        MESSAGES_PER_DAY
    ):
        raise ConversationError(Code.DAILY_LIMIT)
    message = RelayedMessage.objects.create(
        sender=actor,
        recipient=recipient,
        body=body,
        share_email=bool(share_email),
        **owner_fields(owner),
    )
    report_path = reverse("conversations:message_report", args=[message.pk])
    with translation.override(getattr(recipient, "language", "") or settings.LANGUAGE_CODE):
        context = {
            "message": message,
            "sender": actor.public_name,
            "community": owner.name,
            "report_url": f"{site_url()}{report_path}",
        }
        subject = " ".join(
            render_to_string("conversations/email/message_subject.txt", context).split()
        )
        text = render_to_string("conversations/email/message_body.txt", context)
    send_message_later(
        EmailMultiAlternatives(
            subject=subject,
            body=text,
            to=[recipient.email],
            # a header, not ``reply_to``: the queued delivery task carries headers only
            headers={"Reply-To": actor.email} if message.share_email else {},
        )
    )
    audit_record(actor=actor, action="conversations.message.send", target=message,
                 host=host_of(owner), data={"recipient": recipient.pk})  # fmt: skip
    return message


@transaction.atomic
def contact_refuse(*, actor: Any, refuse: bool) -> None:
    """Refuse relayed messages from now on, or accept them again."""
    access.require(bool(getattr(actor, "is_authenticated", False)))
    if refuse:
        ContactRefusal.objects.get_or_create(user=actor)
    else:
        ContactRefusal.objects.filter(user=actor).delete()


@transaction.atomic
def message_report(
    *, actor: Any, message: RelayedMessage, reason: str, rule_number: int | None = None
) -> Reviewable:
    """Its receiver reports a message to the moderators of the community it came through."""
    access.require(message.recipient_id == getattr(actor, "pk", None))
    reason = " ".join((reason or "").split())[:500]
    if not reason:
        raise ConversationError(Code.REASON_MISSING, field="reason")
    owner = message.owner
    item, _ = Reviewable.objects.select_for_update().get_or_create(
        kind=ReviewKind.MESSAGE,
        target_type=ContentType.objects.get_for_model(RelayedMessage),
        target_id=message.pk,
        status=ReviewStatus.PENDING,
        defaults=owner_fields(owner),
    )
    if ReviewScore.objects.filter(reviewable=item, user=actor).exists():
        raise ConversationError(Code.ALREADY_REPORTED)
    ReviewScore.objects.create(
        reviewable=item,
        user=actor,
        reason=reason,
        rule=None if isinstance(owner, Chapter) else current_rules(owner),
        rule_number=rule_number if rule_number and rule_number > 0 else None,
    )
    return item


@transaction.atomic
def person_block(*, actor: Any, person: Any, block: bool = True) -> bool:
    """Block someone (or lift the block): from then on neither is told of the other's posts,
    reactions or mentions, and no message is relayed between them. Returns whether the
    block is on."""
    access.require(bool(getattr(actor, "is_authenticated", False)) and person.pk != actor.pk)
    if block:
        Block.objects.get_or_create(user=actor, blocked=person)
    else:
        Block.objects.filter(user=actor, blocked=person).delete()
    audit_record(actor=actor, action="conversations.block" if block else "conversations.unblock",
                 target=person, data={"person": person.pk})  # fmt: skip
    return block


@transaction.atomic
def profile_report(
    *, actor: Any, owner: Owner, person: Any, reason: str, rule_number: int | None = None
) -> Reviewable:
    """A member reports another member of ``owner`` (their profile, their behaviour) to the
    community's moderators, naming the house rule in force; one pending item per person and
    community, one report per reporter."""
    access.require(access.is_member(actor, owner) and access.is_member(person, owner))
    if person.pk == actor.pk:
        raise ConversationError(Code.OWN_POST)
    reason = " ".join((reason or "").split())[:500]
    if not reason:
        raise ConversationError(Code.REASON_MISSING, field="reason")
    item = (
        Reviewable.objects.select_for_update()
        .filter(kind=ReviewKind.PROFILE, target_type=ContentType.objects.get_for_model(person),
                target_id=person.pk, status=ReviewStatus.PENDING, **owner_fields(owner))
        .first()
    )  # fmt: skip
    if item is None:
        item = Reviewable.objects.create(
            kind=ReviewKind.PROFILE,
            target_type=ContentType.objects.get_for_model(person),
            target_id=person.pk,
            **owner_fields(owner),
        )
    if ReviewScore.objects.filter(reviewable=item, user=actor).exists():
        raise ConversationError(Code.ALREADY_REPORTED)
    ReviewScore.objects.create(
        reviewable=item,
        user=actor,
        reason=reason,
        rule=None if isinstance(owner, Chapter) else current_rules(owner),
        rule_number=rule_number if rule_number and rule_number > 0 else None,
    )
    audit_record(actor=actor, action="conversations.profile.report", target=item,
                 host=host_of(owner), data={"person": person.pk})  # fmt: skip
    return item
