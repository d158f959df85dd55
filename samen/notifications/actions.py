"""Every write of the notifications app: making, reading and delivering notifications."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Mapping
from datetime import datetime
from itertools import groupby
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from samen.lib.mail import send_message_later, site_url
from samen.lib.tasks import enqueue_on_commit
from samen.notifications.models import Notification, Preference
from samen.notifications.registry import (
    Delivery,
    get_kind,
    target_readers,
    unsubscribe_hooks,
)

# One task e-mails at most this many notifications; a fan-out to 11,000 people is split.
EMAIL_BATCH = 500


@transaction.atomic
def notify(
    recipients: Iterable[Any],
    kind: str,
    target: models.Model | None = None,
    *,
    actor: Any = None,
    data: dict[str, Any] | None = None,
    url: str = "",
    deliveries: Mapping[int, Delivery] | None = None,
) -> list[Notification]:
    """Tell ``recipients`` that ``kind`` happened to ``target``; the one entry point for
    every app.

    Each person's preference decides between e-mail now, the daily digest, the app only or
    nothing. The actor is never told about their own act, and a person listed twice is told
    once. Callers pass only people allowed to see ``target``: ``data`` is shown to them.
    E-mails leave through a task enqueued after commit. ``deliveries`` carries a choice
    the sending app keeps per person (a community's "every post" or "weekly digest"): it
    wins over the kind's default, but a person who switched the kind off hears nothing.
    """
    registered = get_kind(kind)
    actor_id = getattr(actor, "pk", None)
    people: dict[int, Any] = {}
    for person in recipients:
        if person is not None and person.pk != actor_id and person.is_active:
            people.setdefault(person.pk, person)
    if not people:
        return []
    chosen = dict(
        Preference.objects.filter(user_id__in=people, kind=kind).values_list("user_id", "delivery")
    )
    target_type = ContentType.objects.get_for_model(target) if target is not None else None
    rows = []
    for user_id in people:
        delivery = chosen.get(user_id, registered.default)
        if deliveries and user_id in deliveries and delivery != Delivery.NONE:
            delivery = deliveries[user_id]
        if delivery == Delivery.NONE:
            continue
        rows.append(
            Notification(
                recipient_id=user_id,
                kind=kind,
                actor=actor if actor_id else None,
                target_type=target_type,
                target_id=target.pk if target is not None else None,
                data=data or {},
                url=url,
                delivery=delivery,
            )
        )
    created = Notification.objects.bulk_create(rows, batch_size=1000)
    email_ids = [row.pk for row in created if row.delivery == Delivery.EMAIL]
    if email_ids and any(pk is None for pk in email_ids):  # backends without RETURNING
        email_ids = list(
            Notification.objects.filter(
                kind=kind, recipient_id__in=people, delivery=Delivery.EMAIL, emailed_at=None
            ).values_list("pk", flat=True)
        )
    from samen.notifications.tasks import email_notifications

    for start in range(0, len(email_ids), EMAIL_BATCH):
        enqueue_on_commit(email_notifications, ids=email_ids[start : start + EMAIL_BATCH])
    return created


@transaction.atomic
def preference_set(*, actor: Any, kind: str, delivery: Delivery | str) -> Preference:
    """Choose how ``actor`` receives ``kind`` from now on."""
    get_kind(kind)
    preference, _ = Preference.objects.update_or_create(
        user=actor, kind=kind, defaults={"delivery": Delivery(delivery)}
    )
    return preference


@transaction.atomic
def preferences_digest_off(*, actor: Any, weekly: bool = False) -> int:
    """The digest's one-click unsubscribe: every kind that went to the (daily or weekly)
    digest, by choice or by default, now stays in the app, and the apps with choices of
    their own drop theirs. Returns how many choices changed."""
    from samen.notifications.queries import preferences_of

    leaving = Delivery.WEEKLY if weekly else Delivery.DIGEST
    changed = 0
    for kind, delivery in preferences_of(actor).items():
        if delivery == leaving:
            preference_set(actor=actor, kind=kind.key, delivery=Delivery.IN_APP)
            changed += 1
    for hook in unsubscribe_hooks():
        changed += hook(actor, "weekly" if weekly else "digest")
    return changed


@transaction.atomic
def kind_unsubscribe(*, actor: Any, kind: str) -> None:
    """One kind's one-click unsubscribe: in the app only from now on, everywhere."""
    preference_set(actor=actor, kind=kind, delivery=Delivery.IN_APP)
    for hook in unsubscribe_hooks():
        hook(actor, kind)


def notification_mark_read(*, actor: Any, notification: Notification) -> None:
    """Mark one of the actor's notifications read (the access check found it)."""
    Notification.objects.filter(pk=notification.pk, recipient=actor, read_at=None).update(
        read_at=timezone.now()
    )


def notifications_mark_all_read(*, actor: Any) -> int:
    return Notification.objects.filter(recipient=actor, read_at=None).update(read_at=timezone.now())


@transaction.atomic
def notifications_forget(
    *, recipient: Any, targets: models.QuerySet[Any], keep_kinds: Iterable[str] = ()
) -> int:
    """Delete ``recipient``'s notifications about ``targets`` (a queryset of one model),
    but those of ``keep_kinds``: called when they lose the right to see them (they left a
    private group, a community banned them), so neither the bell nor an e-mail or a digest
    still to be sent shows what they may no longer read."""
    target_type = ContentType.objects.get_for_model(targets.model)
    rows = Notification.objects.filter(
        recipient=recipient, target_type=target_type, target_id__in=targets.values("pk")
    ).exclude(kind__in=list(keep_kinds))
    return int(rows.delete()[0])


def notifications_forget_unreadable(*, recipient: Any) -> int:
    """Delete ``recipient``'s notifications about targets they may no longer read, by the
    rules the apps registered (``registry.register_reader``): after a ban, a leave or a
    removal, the waiting notices of a members-only topic, event, poll or concept leave the
    bell, and the e-mail or digest not sent yet goes with them. Returns how many went."""
    gone: list[int] = []
    for model, reader in target_readers().items():
        rows = list(
            Notification.objects.filter(
                recipient=recipient,
                target_type=ContentType.objects.get_for_model(model),
                target_id__isnull=False,
            ).values_list("pk", "target_id")
        )
        if not rows:
            continue
        targets = model._default_manager.select_related(*reader.related).in_bulk(
            {target for _, target in rows}
        )
        gone += [
            pk
            for pk, target in rows
            if target in targets and not reader.can_see(recipient, targets[target])
        ]
    return int(Notification.objects.filter(pk__in=gone).delete()[0]) if gone else 0


def _language(user: Any) -> str:
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


@transaction.atomic
def notifications_email(*, ids: list[int]) -> int:
    """E-mail each notification once. The rows are locked and stamped in this transaction
    and the e-mails leave after it commits, so a retry or a second worker sends nothing
    twice; returns how many were queued by this call."""
    rows = list(
        Notification.objects.select_for_update(of=("self",), skip_locked=True)
        .select_related("recipient", "actor")
        .filter(pk__in=ids, delivery=Delivery.EMAIL, emailed_at=None)
        .order_by("pk")
    )
    mails = _Rendered()
    for row in rows:
        _send_one(row, mails)
    # one stamp for the batch: the same moment for every row, so one UPDATE ... WHERE id IN
    # rather than bulk_update's CASE with a branch per row
    Notification.objects.filter(pk__in=[row.pk for row in rows]).update(emailed_at=timezone.now())
    return len(rows)


class _Rendered:
    """E-mail texts rendered once per language and content, for a whole batch.

    A fan-out e-mails the same notification (same kind, data and link) to thousands of
    people and a digest often lists the same few posts: only the language and the
    person's own unsubscribe link differ. So each text is rendered once per language and
    content with a marker where the link goes, and each person's copy replaces the
    marker: the same e-mail as one render per person, without the render per person. The
    marker is random per process, so nothing a member writes can contain it.
    """

    MARKER = f"\x00unsubscribe-{secrets.token_hex(8)}\x00"

    def __init__(self) -> None:
        self._texts: dict[tuple[Any, ...], tuple[str, str]] = {}
        self.site_url = site_url()
        self.settings_url = f"{self.site_url}{_settings_path()}"

    def get(self, key: tuple[Any, ...], render: Any, link: str) -> tuple[str, str]:
        """``render()`` (subject, body) once per ``key``, the marker replaced by ``link``."""
        if key not in self._texts:
            self._texts[key] = render()
        subject, body = self._texts[key]
        return subject, body.replace(self.MARKER, link)


def _send_one(row: Notification, mails: _Rendered) -> None:
    from samen.notifications.links import unsubscribe_url

    user = row.recipient
    language = _language(user)
    link = unsubscribe_url(user, row.kind)
    email_extra = get_kind(row.kind).email_extra

    def render() -> tuple[str, str]:
        with translation.override(language):
            context = {
                "notification": row,
                "text": row.text,
                "url": f"{mails.site_url}{row.url}" if row.url.startswith("/") else row.url,
                "settings_url": mails.settings_url,
                "unsubscribe_url": _Rendered.MARKER,
                "extra": email_extra(row) if email_extra else "",
            }
            subject = " ".join(row.text.split())[:150]
            return subject, render_to_string("notifications/email/one.txt", context)

    if email_extra is not None:  # lines for this person only (a signed link): no sharing
        subject, body = render()
        body = body.replace(_Rendered.MARKER, link)
    else:
        content = json.dumps(row.data, sort_keys=True, default=str)
        subject, body = mails.get((language, row.kind, content, row.url), render, link)
    _queue(user.email, subject, body, link)


def _settings_path() -> str:
    from django.urls import reverse

    return reverse("notifications:settings")


def _queue(to: str, subject: str, body: str, unsubscribe: str) -> None:
    # RFC 2369 and RFC 8058, as news e-mails: the mail client's own unsubscribe button.
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    send_message_later(EmailMultiAlternatives(subject=subject, body=body, to=[to], headers=headers))


def weekly_digest_due(now: datetime) -> bool:
    """Weekly digests leave with Monday's daily run (in the site's time zone)."""
    return timezone.localtime(now).weekday() == 0


def digest_recipients(*, before: datetime, delivery: Delivery = Delivery.DIGEST) -> list[int]:
    """Who has notifications waiting for a (daily or weekly) digest made before ``before``."""
    return list(
        Notification.objects.filter(delivery=delivery, digested_at=None, created_at__lt=before)
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by("recipient_id")
    )


@transaction.atomic
def digest_send(*, user_id: int, before: datetime, delivery: Delivery = Delivery.DIGEST) -> int:
    """One person's digest e-mail (daily, or weekly with ``Delivery.WEEKLY``): see
    ``digests_send``; returns how many notifications it listed."""
    return digests_send(user_ids=[user_id], before=before, delivery=delivery)


@transaction.atomic
def digests_send(
    *, user_ids: list[int], before: datetime, delivery: Delivery = Delivery.DIGEST
) -> int:
    """A digest e-mail for each of ``user_ids`` (daily, or weekly with ``Delivery.WEEKLY``)
    with everything they had waiting before ``before``, sent once, in their language: the
    rows are locked and stamped with the e-mails queued on commit. Notifications already
    read in the app are stamped but left out; nothing left means no e-mail. Returns how
    many notifications the e-mails listed. One query reads the whole batch and one
    stamps it, whatever the number of people."""
    rows = list(
        Notification.objects.select_for_update(of=("self",), skip_locked=True)
        .select_related("recipient")
        .filter(
            recipient_id__in=user_ids,
            delivery=delivery,
            digested_at=None,
            created_at__lt=before,
        )
        .order_by("recipient_id", "created_at", "pk")
    )
    if not rows:
        return 0
    Notification.objects.filter(pk__in=[row.pk for row in rows]).update(digested_at=timezone.now())
    mails = _Rendered()
    listed = 0
    for _user_id, mine in groupby(rows, key=lambda row: row.recipient_id):
        unread = [row for row in mine if row.read_at is None]
        if unread:
            _digest_one(unread, delivery, mails)
            listed += len(unread)
    return listed


def _digest_one(unread: list[Notification], delivery: Delivery, mails: _Rendered) -> None:
    from samen.notifications.links import unsubscribe_url

    user = unread[0].recipient
    weekly = delivery == Delivery.WEEKLY
    link = unsubscribe_url(user, "weekly" if weekly else "digest")
    language = _language(user)
    with translation.override(language):
        items = tuple((row.text, f"{mails.site_url}{row.url}" if row.url else "") for row in unread)

    def render() -> tuple[str, str]:
        with translation.override(language):
            context = {
                "items": [{"text": text, "url": url} for text, url in items],
                "weekly": weekly,
                "settings_url": mails.settings_url,
                "unsubscribe_url": _Rendered.MARKER,
            }
            subject = " ".join(
                render_to_string("notifications/email/digest_subject.txt", context).split()
            )
            return subject, render_to_string("notifications/email/digest.txt", context)

    subject, body = mails.get((language, weekly, items), render, link)
    _queue(user.email, subject, body, link)
