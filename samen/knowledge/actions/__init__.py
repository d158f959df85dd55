"""Every write of the knowledge app: concepts and their stages, coaches and notes, library
items and their review, newsletter subscriptions and issues.

Each action checks its own rule (the views' access checks come first, but a task, the API
and the admin call the same action) and writes its audit row in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.translation import gettext

from samen.accounts.actions import skills_get_or_create
from samen.audit.actions import audit_record
from samen.communities.access import can_write_news
from samen.communities.actions import _site_url
from samen.communities.models import Chapter, Collective, Host, Tag
from samen.communities.validation import clean_tags
from samen.conversations.models import Owner, owner_fields
from samen.knowledge import kinds, queries
from samen.knowledge.access import Need, can_concept, can_item, is_editor
from samen.knowledge.errors import KnowledgeError, KnowledgeErrorCode
from samen.knowledge.files import FILE_LIMITS, MB, FileType, sniff_library_file
from samen.knowledge.models import (
    PIPELINE,
    Audience,
    Concept,
    ConceptNote,
    ConceptSession,
    ConceptVisibility,
    DeliveryStatus,
    IssueStatus,
    ItemCredit,
    ItemKind,
    ItemStatus,
    LibraryItem,
    NewsletterDelivery,
    NewsletterIssue,
    Segment,
    SessionKind,
    Stage,
    StageChange,
    Subscription,
    SubscriptionStatus,
)
from samen.lib.mail import send_message_later
from samen.lib.tasks import enqueue_on_commit
from samen.notifications.actions import notify

NEWSLETTER_BATCH = 500


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _clean_title(title: str, limit: int = 160) -> str:
    title = " ".join((title or "").split())[:limit]
    if not title:
        raise KnowledgeError(KnowledgeErrorCode.TITLE_REQUIRED, field="title")
    return title


def _clean_text(text: str, field: str) -> str:
    text = (text or "").strip()
    if not text:
        raise KnowledgeError(KnowledgeErrorCode.TEXT_REQUIRED, field=field)
    return text


# --- concepts -------------------------------------------------------------------------------


def can_move(from_stage: str, to_stage: str) -> bool:
    """The pipeline's rules: forward by any number of stages (a prototype may skip the
    concept stage), back by one, stop from any stage, and restart a stopped concept at any
    stage of the pipeline."""
    if from_stage == to_stage:
        return False
    if to_stage == Stage.STOPPED:
        return True
    if from_stage == Stage.STOPPED:
        return to_stage in PIPELINE
    step = PIPELINE.index(Stage(to_stage)) - PIPELINE.index(Stage(from_stage))
    return step > 0 or step == -1


def next_stages(concept: Concept) -> list[Stage]:
    """The stages ``concept`` may move to now, in the pipeline's order."""
    return [Stage(s) for s in Stage.values if can_move(concept.stage, s)]


def _lock_concept(concept: Concept) -> Concept:
    locked = Concept.objects.select_for_update().get(pk=concept.pk)
    return queries.concept_rows().get(pk=locked.pk)


def _insiders(concept: Concept) -> list[Any]:
    return [*concept.owners.all(), *concept.coaches.all()]


def _check_collective(host: Host, collective: Collective | None) -> None:
    if collective is not None and collective.host_id != host.pk:
        raise KnowledgeError(KnowledgeErrorCode.WRONG_HOST, field="collective")


def _clean_visibility(visibility: str) -> str:
    return ConceptVisibility(visibility).value


@transaction.atomic
def concept_create(
    *,
    actor: Any,
    host: Host,
    title: str,
    pitch: str,
    collective: Collective | None = None,
    visibility: str = ConceptVisibility.COMMUNITY,
    stage: str = Stage.IDEA,
    needs_skills: Iterable[str] = (),
    needs_money: bool = False,
    needs_contacts: bool = False,
    needs_space: bool = False,
) -> Concept:
    """A member of the host's community (or its admin) registers a concept; they are its
    first owner. Its first stage is recorded as the first row of its history."""
    _require(queries.in_host_community(actor, host) or is_editor(actor, host))
    _check_collective(host, collective)
    now = timezone.now()
    concept = Concept.objects.create(
        host=host,
        collective=collective,
        title=_clean_title(title),
        pitch=_clean_text(pitch, "pitch"),
        visibility=_clean_visibility(visibility),
        stage=Stage(stage),
        stage_changed_at=now,
        needs_money=needs_money,
        needs_contacts=needs_contacts,
        needs_space=needs_space,
    )
    concept.owners.add(actor)
    concept.needs_skills.set(skills_get_or_create(list(needs_skills)))
    StageChange.objects.create(concept=concept, to_stage=concept.stage, actor=actor, created_at=now)
    audit_record(
        actor=actor,
        action="concept.create",
        target=concept,
        host=host,
        data={"stage": concept.stage, "visibility": concept.visibility},
    )
    return concept


@transaction.atomic
def concept_update(
    *,
    actor: Any,
    concept: Concept,
    title: str,
    pitch: str,
    impact: str = "",
    collective: Collective | None = None,
    visibility: str = ConceptVisibility.COMMUNITY,
    needs_skills: Iterable[str] = (),
    needs_money: bool = False,
    needs_contacts: bool = False,
    needs_space: bool = False,
) -> Concept:
    """Owners (and the host's admins) update the concept's description and needs."""
    concept = _lock_concept(concept)
    _require(can_concept(actor, Need.EDIT, concept))
    _check_collective(concept.host, collective)
    concept.title = _clean_title(title)
    concept.pitch = _clean_text(pitch, "pitch")
    concept.impact = (impact or "").strip()
    concept.collective = collective
    concept.visibility = _clean_visibility(visibility)
    concept.needs_money, concept.needs_contacts = needs_money, needs_contacts
    concept.needs_space = needs_space
    concept.save()
    concept.needs_skills.set(skills_get_or_create(list(needs_skills)))
    audit_record(
        actor=actor,
        action="concept.update",
        target=concept,
        host=concept.host,
        data={"visibility": concept.visibility},
    )
    return concept


@transaction.atomic
def concept_move(*, actor: Any, concept: Concept, to_stage: str, reason: str = "") -> Concept:
    """Move a concept to another stage (owners, coaches, the host's admins), recording who,
    when and why; owners and coaches are told. The concept is locked, so two moves at once
    are applied one after the other and the second sees the first."""
    concept = _lock_concept(concept)
    _require(can_concept(actor, Need.MOVE, concept))
    if to_stage not in Stage.values:
        raise KnowledgeError(KnowledgeErrorCode.BAD_STAGE, field="stage")
    if to_stage == concept.stage:
        raise KnowledgeError(KnowledgeErrorCode.SAME_STAGE, field="stage")
    if not can_move(concept.stage, to_stage):
        raise KnowledgeError(KnowledgeErrorCode.BAD_STAGE, field="stage")
    now = timezone.now()
    from_stage = concept.stage
    concept.stage, concept.stage_changed_at = to_stage, now
    concept.save(update_fields=["stage", "stage_changed_at", "updated_at"])
    StageChange.objects.create(
        concept=concept,
        from_stage=from_stage,
        to_stage=to_stage,
        actor=actor,
        reason=(reason or "").strip()[:2000],
        created_at=now,
    )
    audit_record(
        actor=actor,
        action="concept.move",
        target=concept,
        host=concept.host,
        data={"from": from_stage, "to": to_stage},
    )
    notify(
        _insiders(concept),
        kinds.STAGE,
        concept,
        actor=actor,
        data={"actor": actor.public_name, "title": concept.title, "stage": to_stage},
        url=concept.get_absolute_url(),
    )
    return concept


@transaction.atomic
def concept_coach_add(*, actor: Any, concept: Concept, coach: Any) -> Concept:
    """The host's admins make someone of its community a coach of the concept."""
    concept = _lock_concept(concept)
    _require(can_concept(actor, Need.COACH, concept))
    if not (queries.in_host_community(coach, concept.host) or is_editor(coach, concept.host)):
        raise KnowledgeError(KnowledgeErrorCode.NOT_IN_COMMUNITY, field="coach")
    if concept.coaches.filter(pk=coach.pk).exists():
        raise KnowledgeError(KnowledgeErrorCode.ALREADY_COACH, field="coach")
    concept.coaches.add(coach)
    concept.__dict__.pop("_role_ids", None)
    audit_record(
        actor=actor,
        action="concept.coach_add",
        target=concept,
        host=concept.host,
        data={"coach": coach.public_name},
    )
    notify(
        [*concept.owners.all(), coach],
        kinds.COACH,
        concept,
        actor=actor,
        data={"actor": actor.public_name, "coach": coach.public_name, "title": concept.title},
        url=concept.get_absolute_url(),
    )
    return concept


@transaction.atomic
def concept_coach_remove(*, actor: Any, concept: Concept, coach: Any) -> Concept:
    concept = _lock_concept(concept)
    _require(can_concept(actor, Need.COACH, concept))
    concept.coaches.remove(coach)
    concept.__dict__.pop("_role_ids", None)
    audit_record(
        actor=actor,
        action="concept.coach_remove",
        target=concept,
        host=concept.host,
        data={"coach": coach.public_name},
    )
    return concept


@transaction.atomic
def concept_owner_add(*, actor: Any, concept: Concept, owner: Any) -> Concept:
    """An owner (or the host's admin) adds a co-owner from the host's community."""
    concept = _lock_concept(concept)
    _require(can_concept(actor, Need.EDIT, concept))
    if not queries.in_host_community(owner, concept.host):
        raise KnowledgeError(KnowledgeErrorCode.NOT_IN_COMMUNITY, field="owner")
    concept.owners.add(owner)
    concept.__dict__.pop("_role_ids", None)
    audit_record(
        actor=actor,
        action="concept.owner_add",
        target=concept,
        host=concept.host,
        data={"owner": owner.public_name},
    )
    return concept


@transaction.atomic
def concept_note_add(*, actor: Any, concept: Concept, body: str) -> ConceptNote:
    """A note only the concept's owners and coaches read; they are told of it."""
    _require(can_concept(actor, Need.NOTES, concept))
    note = ConceptNote.objects.create(
        concept=concept, author=actor, body=_clean_text(body, "body")[:10_000]
    )
    # The audit row says a note was written, never what it says.
    audit_record(actor=actor, action="concept.note", target=concept, host=concept.host)
    notify(
        _insiders(concept),
        kinds.NOTE,
        concept,
        actor=actor,
        data={"actor": actor.public_name, "title": concept.title},
        url=concept.get_absolute_url(),
    )
    return note


@transaction.atomic
def concept_session_record(
    *, actor: Any, concept: Concept, kind: str, on: date, summary: str = ""
) -> ConceptSession:
    """A coach (or the host's admin) records a session, workshop or Solution Lab."""
    _require(is_editor(actor, concept.host) or can_concept(actor, Need.NOTES, concept))
    session = ConceptSession.objects.create(
        concept=concept,
        kind=SessionKind(kind),
        date=on,
        summary=(summary or "").strip()[:300],
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="concept.session",
        target=concept,
        host=concept.host,
        data={"kind": session.kind, "date": on.isoformat()},
    )
    return session


# --- the library ----------------------------------------------------------------------------


def _tags(names: Iterable[str]) -> list[Tag]:
    tags = []
    for name in clean_tags(list(names)):
        tag, _created = Tag.objects.get_or_create(slug=slugify(name)[:40], defaults={"name": name})
        tags.append(tag)
    return tags


def _clean_item(
    summary: str, body: str, url: str, *, has_file: bool = False
) -> tuple[str, str, str]:
    summary = (summary or "").strip()
    if not summary:
        raise KnowledgeError(KnowledgeErrorCode.SUMMARY_REQUIRED, field="summary")
    body, url = (body or "").strip(), (url or "").strip()
    if not body and not url and not has_file:
        raise KnowledgeError(KnowledgeErrorCode.LINK_OR_TEXT, field="url")
    return summary[:1000], body, url


def _check_file(kind: str, upload: File[Any] | None) -> FileType | None:
    """The type of an item's new file, checked against its kind's types and size limit
    before anything is written."""
    if upload is None:
        return None
    limit = FILE_LIMITS.get(kind)
    if limit is None:
        raise KnowledgeError(KnowledgeErrorCode.NO_FILE_FOR_KIND, field="file")
    if (upload.size or 0) > limit:
        message = gettext("The file is larger than %(limit)s MB, the limit for this kind.") % {
            "limit": limit // MB
        }
        raise KnowledgeError(KnowledgeErrorCode.FILE_TOO_LARGE, message, field="file")
    found = sniff_library_file(upload, kind) if upload.size else None
    if found is None:
        raise KnowledgeError(KnowledgeErrorCode.FILE_TYPE, field="file")
    return found


def _file_data(item: LibraryItem) -> dict[str, Any]:
    return {"file": item.file_type, "size": item.file_size} if item.file else {}


def _store_file(item: LibraryItem, upload: File[Any], found: FileType) -> None:
    """Store the item's new file under a random name (the original name is kept to name
    the download) and save the item; the file it replaces is removed once the transaction
    commits. Files are not transactional: when saving the item fails, the new file is
    removed again."""
    old_name = item.file.name if item.file else ""
    original = (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1][:200]
    item.file.save(f"{uuid.uuid4().hex}.{found.extension}", upload, save=False)
    item.file_name, item.file_type = original, found.content_type
    item.file_size = upload.size or 0
    storage = item.file.storage
    try:
        item.save(update_fields=["file", "file_name", "file_type", "file_size"])
    except Exception:
        storage.delete(item.file.name)
        raise
    if old_name:
        transaction.on_commit(lambda: storage.delete(old_name))


@transaction.atomic
def item_create(
    *,
    actor: Any,
    host: Host,
    kind: str,
    title: str,
    summary: str,
    language: str,
    body: str = "",
    url: str = "",
    audience: str = Audience.PUBLIC,
    tags: Iterable[str] = (),
    file: File[Any] | None = None,
) -> LibraryItem:
    """A member of the host's community writes a library item: a draft only its authors
    and the host's editors see until an editor publishes it. A template, checklist or
    recording may carry a file (``files.FILE_LIMITS``), kept in the private storage."""
    _require(queries.in_host_community(actor, host) or is_editor(actor, host))
    kind = ItemKind(kind)
    found = _check_file(kind, file)
    summary, body, url = _clean_item(summary, body, url, has_file=found is not None)
    item = LibraryItem.objects.create(
        host=host,
        kind=kind,
        title=_clean_title(title, 200),
        summary=summary,
        body=body,
        url=url,
        language=language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
        audience=Audience(audience),
    )
    item.authors.add(actor)
    item.tags.set(_tags(tags))
    if file is not None and found is not None:
        _store_file(item, file, found)
    audit_record(
        actor=actor, action="library.create", target=item, host=host, data=_file_data(item)
    )
    return item


@transaction.atomic
def item_update(
    *,
    actor: Any,
    item: LibraryItem,
    title: str,
    summary: str,
    body: str = "",
    url: str = "",
    audience: str = Audience.PUBLIC,
    tags: Iterable[str] = (),
    file: File[Any] | None = None,
) -> LibraryItem:
    """Authors change a draft or an item sent back; editors change any item. A new
    ``file`` replaces the item's file."""
    item = LibraryItem.objects.select_for_update().get(pk=item.pk)
    _require(can_item(actor, Need.EDIT, item))
    if item.status in (ItemStatus.REVIEW, ItemStatus.PUBLISHED) and not is_editor(actor, item.host):
        raise KnowledgeError(KnowledgeErrorCode.NOT_EDITABLE)
    found = _check_file(item.kind, file)
    has_file = found is not None or bool(item.file)
    item.summary, item.body, item.url = _clean_item(summary, body, url, has_file=has_file)
    item.title = _clean_title(title, 200)
    item.audience = Audience(audience)
    item.save()
    item.tags.set(_tags(tags))
    if file is not None and found is not None:
        _store_file(item, file, found)
    audit_record(
        actor=actor, action="library.update", target=item, host=item.host, data=_file_data(item)
    )
    return item


@transaction.atomic
def item_submit(*, actor: Any, item: LibraryItem) -> LibraryItem:
    """An author sends a draft (or an item sent back) to the host's editors."""
    item = LibraryItem.objects.select_for_update().get(pk=item.pk)
    _require(can_item(actor, Need.EDIT, item))
    if item.status not in (ItemStatus.DRAFT, ItemStatus.REJECTED):
        raise KnowledgeError(KnowledgeErrorCode.NOT_EDITABLE)
    item.status = ItemStatus.REVIEW
    item.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="library.submit", target=item, host=item.host)
    from samen.communities.queries import host_admins

    notify(
        host_admins(item.host),
        kinds.REVIEW,
        item,
        actor=actor,
        data={"actor": actor.public_name, "title": item.title},
        url=item.get_absolute_url(),
    )
    return item


@transaction.atomic
def item_review(
    *, actor: Any, item: LibraryItem, publish: bool, note: str = "", service_code: str = ""
) -> LibraryItem:
    """A host editor publishes an item in review, or sends it back with a note. Publishing
    with ``service_code`` (a network service of the credit rate card that earns, such as
    "article") books its credits for each author (``item_credits_book``); a refused booking
    (no scheme, unknown service) refuses the publication too."""
    item = LibraryItem.objects.select_for_update().get(pk=item.pk)
    _require(is_editor(actor, item.host))
    if item.status != ItemStatus.REVIEW:
        raise KnowledgeError(KnowledgeErrorCode.NOT_IN_REVIEW)
    item.status = ItemStatus.PUBLISHED if publish else ItemStatus.REJECTED
    item.review_note = (note or "").strip()[:2000]
    item.reviewed_by = actor
    if publish:
        item.published_at = timezone.now()
        item.service_code = (service_code or item.service_code or "").strip()
    item.save()
    audit_record(
        actor=actor,
        action="library.review",
        target=item,
        host=item.host,
        data={"decision": item.status, "service": item.service_code},
    )
    if publish and item.service_code:
        item_credits_book(actor=actor, item=item)
    notify(
        item.authors.all(),
        kinds.REVIEWED,
        item,
        actor=actor,
        data={"title": item.title, "decision": item.status},
        url=item.get_absolute_url(),
    )
    return item


@transaction.atomic
def item_credits_book(*, actor: Any, item: LibraryItem) -> list[ItemCredit]:
    """Book what a published item earns its authors, through the credits app: one delivery
    of the item's rate-card service per author, recorded by the editor for the author (who
    confirms it, then the credit note follows). Once per item and author: running it again
    books nothing new. Returns the credits booked by this call."""
    from samen.credits.actions import delivery_record, scheme_for, service_on
    from samen.credits.models import Direction

    item = LibraryItem.objects.select_for_update().get(pk=item.pk)
    _require(is_editor(actor, item.host))
    if not item.is_published or not item.service_code:
        raise KnowledgeError(KnowledgeErrorCode.NOT_PAYABLE, field="service_code")
    scheme = scheme_for(item.host)
    today = timezone.localdate()
    service = service_on(scheme, item.service_code, today)
    if service.is_peer or service.direction != Direction.EARNS:
        raise KnowledgeError(KnowledgeErrorCode.NOT_PAYABLE, field="service_code")
    booked = set(item.credits.values_list("author_id", flat=True))
    made = []
    for author in item.authors.order_by("pk"):
        if author.pk in booked:
            continue
        delivery = delivery_record(
            actor=actor,
            scheme=scheme,
            service_code=item.service_code,
            on=today,
            for_member=author,
            note=gettext("Library: %(title)s") % {"title": item.title},
        )
        made.append(ItemCredit.objects.create(item=item, author=author, delivery=delivery))
    if made:
        audit_record(
            actor=actor,
            action="library.credits",
            target=item,
            host=item.host,
            data={"service": item.service_code, "authors": [c.author_id for c in made]},
        )
    return made


# --- newsletter subscriptions ---------------------------------------------------------------


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise KnowledgeError(KnowledgeErrorCode.BAD_EMAIL, field="email") from None
    return email


def _language(language: str) -> str:
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _clean_topics(
    owner: Owner, tags: Iterable[str], chapters: Iterable[str]
) -> tuple[list[Tag], list[Chapter]]:
    """The topics (tag slugs) and chapters (slugs) a reader chose, each one the newsletter
    offers (``queries.newsletter_topics`` and ``newsletter_chapters``)."""
    tag_slugs, chapter_slugs = set(tags), set(chapters)
    found_tags = list(queries.newsletter_topics(owner).filter(slug__in=tag_slugs))
    if len(found_tags) != len(tag_slugs):
        raise KnowledgeError(KnowledgeErrorCode.BAD_TOPIC, field="topics")
    found_chapters = list(queries.newsletter_chapters(owner).filter(slug__in=chapter_slugs))
    if len(found_chapters) != len(chapter_slugs):
        raise KnowledgeError(KnowledgeErrorCode.BAD_TOPIC, field="chapters")
    return found_tags, found_chapters


@transaction.atomic
def subscription_request(
    *,
    owner: Owner,
    email: str,
    language: str,
    topics: Iterable[str] = (),
    chapters: Iterable[str] = (),
) -> Subscription:
    """Anyone asks for a community's newsletter with only an e-mail address, and may follow
    topics and chapters (issues sent to their segment reach them). Nothing is sent until
    they confirm through the link e-mailed to them (double opt-in). Asking again adds
    nothing: a confirmed address stays as it is (its topics too: only its own preferences
    link changes them), a pending or stopped one gets a new link."""
    email = _clean_email(email)
    chosen_tags, chosen_chapters = _clean_topics(owner, topics, chapters)
    subscription, _created = Subscription.objects.select_for_update().get_or_create(
        email=email, **owner_fields(owner), defaults={"language": _language(language)}
    )
    if subscription.status == SubscriptionStatus.CONFIRMED:
        return subscription
    subscription.tags.set(chosen_tags)
    subscription.chapters.set(chosen_chapters)
    if subscription.status != SubscriptionStatus.PENDING:
        subscription.status = SubscriptionStatus.PENDING
        subscription.language = _language(language)
        subscription.save(update_fields=["status", "language"])
    _send_confirmation(subscription)
    return subscription


def _send_confirmation(subscription: Subscription) -> None:
    from samen.knowledge.links import confirm_url

    with translation.override(subscription.language):
        context = {"owner": subscription.owner, "confirm_url": confirm_url(subscription)}
        subject = " ".join(render_to_string("knowledge/email/confirm_subject.txt", context).split())
        body = render_to_string("knowledge/email/confirm_body.txt", context)
    send_message_later(EmailMultiAlternatives(subject=subject, body=body, to=[subscription.email]))


@transaction.atomic
def subscription_confirm(*, subscription: Subscription) -> Subscription:
    """The link in the confirmation e-mail: from now on issues reach the address. A stopped
    subscription is not revived by an old link (a new request sends a new one)."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.status == SubscriptionStatus.PENDING:
        subscription.status = SubscriptionStatus.CONFIRMED
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["status", "confirmed_at"])
    return subscription


@transaction.atomic
def subscription_set_topics(
    *, subscription: Subscription, topics: Iterable[str] = (), chapters: Iterable[str] = ()
) -> Subscription:
    """The preferences page (reached by the reader's own signed link): the topics and
    chapters they follow, replaced by the ones chosen now."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    chosen_tags, chosen_chapters = _clean_topics(subscription.owner, topics, chapters)
    subscription.tags.set(chosen_tags)
    subscription.chapters.set(chosen_chapters)
    return subscription


@transaction.atomic
def subscription_stop(*, subscription: Subscription) -> Subscription:
    """Unsubscribe (the one-click link): no issue reaches the address any more."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.status in (SubscriptionStatus.PENDING, SubscriptionStatus.CONFIRMED):
        subscription.status = SubscriptionStatus.UNSUBSCRIBED
        subscription.stopped_at = timezone.now()
        subscription.save(update_fields=["status", "stopped_at"])
    return subscription


@transaction.atomic
def subscriptions_stop_for_address(*, email: str, reason: str) -> int:
    """The mail provider reported a bounce or complaint: stop every newsletter to the
    address and mark its latest delivery of each as bounced. Returns how many stopped."""
    email = (email or "").strip().lower()
    rows = list(
        Subscription.objects.select_for_update()
        .filter(email=email)
        .exclude(status=SubscriptionStatus.BOUNCED)
    )
    now = timezone.now()
    for subscription in rows:
        subscription.status, subscription.stopped_at = SubscriptionStatus.BOUNCED, now
        subscription.save(update_fields=["status", "stopped_at"])
        latest = subscription.deliveries.order_by("-created_at", "-id").first()
        if latest is not None:
            latest.status = DeliveryStatus.BOUNCED
            latest.save(update_fields=["status"])
    if rows:
        audit_record(actor=None, action="newsletter.bounce", data={"reason": reason})
    return len(rows)


# --- newsletter issues ----------------------------------------------------------------------


def _owner_host(owner: Owner) -> Host | None:
    if isinstance(owner, Host):
        return owner
    if isinstance(owner, Collective):
        return owner.host
    return None


def _require_editor(actor: Any, owner: Owner) -> None:
    _require(can_write_news(actor, owner))


def issue_suggestion(owner: Owner) -> str:
    """A first draft for an editor: the latest public news, new library items and the
    concepts that need help, each a Markdown line with its link."""
    from samen.communities.queries import news_of

    site = _site_url()
    lines: list[str] = []
    for post in news_of(owner)[:3]:
        lines.append(f"- [{post.title}]({site}{post.get_absolute_url()})")
    host = _owner_host(owner)
    if host is not None:
        for item in queries.recent_items(host):
            lines.append(f"- [{item.title}]({site}{item.get_absolute_url()})")
        for concept in queries.concepts_needing_help(host)[:5]:
            skills = ", ".join(skill.name for skill in concept.needs_skills.all())
            label = f"{concept.title} ({skills})" if skills else concept.title
            lines.append(f"- [{label}]({site}{concept.get_absolute_url()})")
    return "\n".join(lines)


def _clean_segment(issue: NewsletterIssue, owner: Owner, choice: dict[str, str]) -> None:
    """Set the issue's segment: everyone, the community's members, the readers of one
    language (a site language), the followers of a topic or those of a chapter (one the
    newsletter offers its readers)."""
    segment = choice.get("segment") or Segment.ALL
    if segment not in Segment.values:
        raise KnowledgeError(KnowledgeErrorCode.BAD_SEGMENT, field="segment")
    issue.segment, issue.segment_language = segment, ""
    issue.segment_tag, issue.segment_chapter = None, None
    if segment == Segment.LANGUAGE:
        issue.segment_language = choice.get("segment_language", "")
        if issue.segment_language not in dict(settings.LANGUAGES):
            raise KnowledgeError(KnowledgeErrorCode.BAD_SEGMENT, field="segment_language")
    elif segment == Segment.TAG:
        slug = choice.get("segment_tag") or ""
        issue.segment_tag = queries.newsletter_topics(owner).filter(slug=slug).first()
        if issue.segment_tag is None:
            raise KnowledgeError(KnowledgeErrorCode.BAD_SEGMENT, field="segment_tag")
    elif segment == Segment.CHAPTER:
        slug = choice.get("segment_chapter") or ""
        issue.segment_chapter = queries.newsletter_chapters(owner).filter(slug=slug).first()
        if issue.segment_chapter is None:
            raise KnowledgeError(KnowledgeErrorCode.BAD_SEGMENT, field="segment_chapter")


_SEGMENT_FIELDS = ["segment", "segment_language", "segment_tag", "segment_chapter"]


@transaction.atomic
def issue_create(
    *,
    actor: Any,
    owner: Owner,
    subject: str,
    body: str,
    segment: str = Segment.ALL,
    segment_language: str = "",
    segment_tag: str = "",
    segment_chapter: str = "",
) -> NewsletterIssue:
    """An editor (who writes the community's news) starts an issue as a draft, for the
    whole list or one segment of it (a topic and a chapter are given by their slugs)."""
    _require_editor(actor, owner)
    issue = NewsletterIssue(
        **owner_fields(owner),
        subject=_clean_title(subject, 200),
        body=_clean_text(body, "body"),
        created_by=actor,
    )
    _clean_segment(
        issue,
        owner,
        {
            "segment": segment,
            "segment_language": segment_language,
            "segment_tag": segment_tag,
            "segment_chapter": segment_chapter,
        },
    )
    issue.save()
    audit_record(actor=actor, action="newsletter.create", target=issue, host=_owner_host(owner))
    return issue


def _lock_issue(issue: NewsletterIssue) -> NewsletterIssue:
    locked = NewsletterIssue.objects.select_for_update().get(pk=issue.pk)
    if locked.status in (IssueStatus.SENDING, IssueStatus.SENT):
        raise KnowledgeError(KnowledgeErrorCode.ISSUE_SENT)
    return locked


@transaction.atomic
def issue_update(
    *,
    actor: Any,
    issue: NewsletterIssue,
    subject: str,
    body: str,
    segment: str = Segment.ALL,
    segment_language: str = "",
    segment_tag: str = "",
    segment_chapter: str = "",
) -> NewsletterIssue:
    _require_editor(actor, issue.owner)
    issue = _lock_issue(issue)
    issue.subject = _clean_title(subject, 200)
    issue.body = _clean_text(body, "body")
    _clean_segment(
        issue,
        issue.owner,
        {
            "segment": segment,
            "segment_language": segment_language,
            "segment_tag": segment_tag,
            "segment_chapter": segment_chapter,
        },
    )
    issue.save(update_fields=["subject", "body", *_SEGMENT_FIELDS])
    return issue


def issue_send_test(*, actor: Any, issue: NewsletterIssue) -> None:
    """E-mail the issue to the editor alone, as a subscriber would see it (with a link
    that unsubscribes nobody)."""
    _require_editor(actor, issue.owner)
    language = getattr(actor, "language", "") or settings.LANGUAGE_CODE
    message = _issue_message(issue, actor.email, language, unsubscribe_url="")
    send_message_later(message)


@transaction.atomic
def issue_schedule(*, actor: Any, issue: NewsletterIssue, when: datetime) -> NewsletterIssue:
    """Send the issue at ``when`` (the scheduler picks it up); scheduling again moves it."""
    _require_editor(actor, issue.owner)
    issue = _lock_issue(issue)
    if when <= timezone.now():
        raise KnowledgeError(KnowledgeErrorCode.PAST_SCHEDULE, field="when")
    issue.status, issue.scheduled_for = IssueStatus.SCHEDULED, when
    issue.save(update_fields=["status", "scheduled_for"])
    audit_record(
        actor=actor,
        action="newsletter.schedule",
        target=issue,
        host=_owner_host(issue.owner),
        data={"when": when.isoformat()},
    )
    return issue


@transaction.atomic
def issue_send(*, actor: Any, issue: NewsletterIssue) -> NewsletterIssue:
    """Send now: the issue goes out through the task backend in batches. Sending twice
    raises ``issue_sent`` and e-mails nobody again."""
    if actor is not None:
        _require_editor(actor, issue.owner)
    issue = _lock_issue(issue)
    issue.status, issue.sent_at = IssueStatus.SENDING, timezone.now()
    issue.save(update_fields=["status", "sent_at"])
    audit_record(actor=actor, action="newsletter.send", target=issue, host=_owner_host(issue.owner))
    from samen.knowledge.tasks import deliver_issue

    enqueue_on_commit(deliver_issue, issue_id=issue.pk)
    return issue


def issues_send_due(*, now: datetime) -> int:
    """The scheduler's job: send the scheduled issues whose time has come."""
    sent = 0
    for issue_id in list(queries.due_issues(now).values_list("pk", flat=True)):
        try:
            issue_send(actor=None, issue=NewsletterIssue.objects.get(pk=issue_id))
        except KnowledgeError:  # sent meanwhile by an editor or a second scheduler
            continue
        sent += 1
    return sent


def issue_deliver(*, issue_id: int) -> int:
    """E-mail an issue being sent to every confirmed subscription, at most once each; returns
    how many this call e-mailed. Batch by batch, each in its own transaction with the issue
    locked, so a retry or a second worker carries on where the last batch stopped."""
    sent = 0
    while True:
        batch = _deliver_batch(issue_id=issue_id, limit=NEWSLETTER_BATCH)
        sent += batch
        if batch == 0:  # the empty batch is the one that marks the issue sent
            return sent


@transaction.atomic
def _deliver_batch(*, issue_id: int, limit: int) -> int:
    issue = (
        NewsletterIssue.objects.select_for_update(of=("self",))
        .select_related("collective", "host", "chapter")
        .filter(pk=issue_id)
        .first()
    )
    if issue is None or issue.status != IssueStatus.SENDING:
        return 0
    recipients = list(queries.pending_recipients(issue)[:limit])
    if not recipients:
        issue.status = IssueStatus.SENT
        issue.save(update_fields=["status"])
        return 0
    NewsletterDelivery.objects.bulk_create(
        [NewsletterDelivery(issue=issue, subscription=s) for s in recipients]
    )
    from samen.knowledge.links import unsubscribe_prefix, unsubscribe_url

    prefix = unsubscribe_prefix()
    rendered: dict[str, tuple[str, str]] = {}
    for subscription in recipients:
        send_message_later(
            _issue_message(
                issue,
                subscription.email,
                subscription.language,
                unsubscribe_url=unsubscribe_url(subscription, prefix),
                rendered=rendered,
            )
        )
    return len(recipients)


# Stands for the recipient's own unsubscribe link in an issue rendered once per language
# (rendering the Markdown for each of 10,000 readers was most of the cost of sending).
_UNSUBSCRIBE_MARK = "https://unsubscribe.invalid/samen-mark"


def _render_issue(issue: NewsletterIssue, language: str, *, test: bool) -> tuple[str, str]:
    with translation.override(language):
        context = {
            "issue": issue,
            "owner": issue.owner,
            "site_url": _site_url(),
            "unsubscribe_url": "" if test else _UNSUBSCRIBE_MARK,
        }
        body = render_to_string("knowledge/email/issue_body.txt", context)
        html = render_to_string("knowledge/email/issue_body.html", context)
    return body, html


def _issue_message(
    issue: NewsletterIssue,
    to: str,
    language: str,
    *,
    unsubscribe_url: str,
    rendered: dict[str, tuple[str, str]] | None = None,
) -> EmailMultiAlternatives:
    """One issue e-mail, text and HTML, in the recipient's language; with RFC 2369 and
    RFC 8058 headers so mail clients show their own one-click unsubscribe button. With
    ``rendered`` (a batch's cache), each language is rendered once and only the link
    differs from one reader to the next."""
    if not unsubscribe_url:
        body, html = _render_issue(issue, language, test=True)
    else:
        cache = {} if rendered is None else rendered
        if language not in cache:
            cache[language] = _render_issue(issue, language, test=False)
        body, html = cache[language]
        body = body.replace(_UNSUBSCRIBE_MARK, unsubscribe_url)
        html = html.replace(_UNSUBSCRIBE_MARK, escape(unsubscribe_url))
    headers = {}
    if unsubscribe_url:
        headers = {
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    message = EmailMultiAlternatives(subject=issue.subject, body=body, to=[to], headers=headers)
    message.attach_alternative(html, "text/html")
    return message


# The offers and mentoring actions live in their own modules, re-exported here so the app
# keeps one door for its writes.
from samen.knowledge.actions.mentoring import (  # noqa: E402
    application_create,
    checkin_record,
    feedback_give,
    pair_confirm,
    pairs_propose,
    season_create,
    season_set_status,
)
from samen.knowledge.actions.offers import (  # noqa: E402
    offer_create,
    offer_deliver,
    offer_take,
    offer_withdraw,
)

__all__ = [
    "application_create",
    "checkin_record",
    "feedback_give",
    "offer_create",
    "offer_deliver",
    "offer_take",
    "offer_withdraw",
    "pair_confirm",
    "pairs_propose",
    "season_create",
    "season_set_status",
]
