"""Every write of the knowledge app: concepts and their stages, coaches and notes, library
items, their files and their review (the newsletter, offers and mentoring in their own
modules, re-exported below).

Each action checks its own rule (the views' access checks come first, but a task, the API
and the admin call the same action) and writes its audit row in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from samen.accounts.actions import skills_get_or_create
from samen.audit.actions import audit_record
from samen.communities.models import Collective, Host, Tag
from samen.communities.validation import clean_tags
from samen.knowledge import kinds, queries
from samen.knowledge.access import Need, can_concept, can_item, is_editor
from samen.knowledge.actions._common import _clean_text, _clean_title, _require
from samen.knowledge.errors import KnowledgeError, KnowledgeErrorCode
from samen.knowledge.files import FILE_LIMITS, MB, FileType, sniff_library_file
from samen.knowledge.models import (
    PIPELINE,
    Audience,
    Concept,
    ConceptMilestone,
    ConceptNote,
    ConceptSession,
    ConceptVisibility,
    ItemCredit,
    ItemKind,
    ItemStatus,
    LibraryItem,
    SessionKind,
    Stage,
    StageChange,
)
from samen.notifications.actions import notify

if TYPE_CHECKING:
    from samen.credits.models import Delivery
    from samen.events.models import Event

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
    return [*queries.owning_people(concept), *concept.coaches.all()]


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
        [*queries.owning_people(concept), coach],
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
    *,
    actor: Any,
    concept: Concept,
    kind: str,
    on: date,
    summary: str = "",
    event: Event | None = None,
    delivery: Delivery | None = None,
) -> ConceptSession:
    """A coach (or the host's admin) records a session, workshop or Solution Lab, linked
    to the event it was held at or the credits delivery that paid for it where those exist
    (each of the concept's host)."""
    _require(is_editor(actor, concept.host) or can_concept(actor, Need.NOTES, concept))
    if event is not None and event.pk not in _host_event_ids(concept.host, [event.pk]):
        raise KnowledgeError(KnowledgeErrorCode.WRONG_HOST, field="event")
    if delivery is not None and delivery.scheme.host_id != concept.host_id:
        raise KnowledgeError(KnowledgeErrorCode.WRONG_HOST, field="delivery")
    session = ConceptSession.objects.create(
        concept=concept,
        kind=SessionKind(kind),
        date=on,
        summary=(summary or "").strip()[:300],
        event=event,
        delivery=delivery,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="concept.session",
        target=concept,
        host=concept.host,
        data={
            "kind": session.kind,
            "date": on.isoformat(),
            "event": session.event_id,
            "delivery": session.delivery_id,
        },
    )
    return session


def _host_event_ids(host: Host, ids: list[int]) -> set[int]:
    return set(queries.host_events(host).filter(pk__in=ids).values_list("pk", flat=True))


@transaction.atomic
def concept_milestone_add(
    *, actor: Any, concept: Concept, title: str, due_on: date | None = None
) -> ConceptMilestone:
    """Owners, coaches and the host's admins set a milestone for the concept."""
    _require(can_concept(actor, Need.MOVE, concept))
    milestone = ConceptMilestone.objects.create(
        concept=concept, title=_clean_title(title, 200), due_on=due_on, created_by=actor
    )
    audit_record(
        actor=actor,
        action="concept.milestone",
        target=concept,
        host=concept.host,
        data={"milestone": milestone.pk, "title": milestone.title},
    )
    return milestone


@transaction.atomic
def concept_milestone_reach(
    *, actor: Any, milestone: ConceptMilestone, on: date | None = None
) -> ConceptMilestone:
    """Mark a milestone reached (once), on ``on`` or today."""
    milestone = (
        ConceptMilestone.objects.select_for_update(of=("self",))
        .select_related("concept__host")
        .get(pk=milestone.pk)
    )
    concept = queries.concept_rows().get(pk=milestone.concept_id)
    _require(can_concept(actor, Need.MOVE, concept))
    if milestone.reached_on is not None:
        raise KnowledgeError(KnowledgeErrorCode.ALREADY_REACHED)
    milestone.reached_on = on or timezone.localdate()
    milestone.save(update_fields=["reached_on"])
    audit_record(
        actor=actor,
        action="concept.milestone_reached",
        target=concept,
        host=concept.host,
        data={"milestone": milestone.pk, "on": milestone.reached_on.isoformat()},
    )
    return milestone


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


def _check_editable(actor: Any, item: LibraryItem) -> None:
    """Authors change a draft or an item sent back; editors change any item."""
    _require(can_item(actor, Need.EDIT, item))
    if item.status in (ItemStatus.REVIEW, ItemStatus.PUBLISHED) and not is_editor(actor, item.host):
        raise KnowledgeError(KnowledgeErrorCode.NOT_EDITABLE)


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
    _check_editable(actor, item)
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
def item_file_replace(*, actor: Any, item: LibraryItem, file: File[Any]) -> LibraryItem:
    """Give an item a new file (or its first), checked as ``item_update`` checks it: its
    kind must carry one, within its size limit, of a type read from the content. Authors
    while a draft or sent back, editors at any time; the old file goes once this commits."""
    item = LibraryItem.objects.select_for_update().get(pk=item.pk)
    _check_editable(actor, item)
    found = _check_file(item.kind, file)
    assert found is not None  # a file was given, so it was checked or refused
    _store_file(item, file, found)
    audit_record(
        actor=actor, action="library.file", target=item, host=item.host, data=_file_data(item)
    )
    return item


@transaction.atomic
def item_author_add(*, actor: Any, item: LibraryItem, author: Any) -> LibraryItem:
    """An author (while a draft or sent back) or an editor adds a co-author from the host's
    community. A co-author added to an item that already earned credits is booked alone,
    once (``item_credits_book``)."""
    item = LibraryItem.objects.select_for_update().get(pk=item.pk)
    _check_editable(actor, item)
    if not (queries.in_host_community(author, item.host) or is_editor(author, item.host)):
        raise KnowledgeError(KnowledgeErrorCode.NOT_IN_COMMUNITY, field="author")
    if item.authors.filter(pk=author.pk).exists():
        raise KnowledgeError(KnowledgeErrorCode.ALREADY_AUTHOR, field="author")
    item.authors.add(author)
    audit_record(
        actor=actor,
        action="library.author_add",
        target=item,
        host=item.host,
        data={"author": author.public_name},
    )
    if item.is_published and item.service_code:
        item_credits_book(actor=actor, item=item)
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


# The newsletter, offers and mentoring actions live in their own modules, re-exported here so
# the app keeps one door for its writes.
from samen.knowledge.actions.mentoring import (  # noqa: E402
    application_create,
    checkin_record,
    feedback_give,
    pair_confirm,
    pairs_propose,
    season_create,
    season_set_status,
)
from samen.knowledge.actions.newsletter import (  # noqa: E402
    issue_create,
    issue_deliver,
    issue_schedule,
    issue_send,
    issue_send_test,
    issue_suggestion,
    issue_update,
    issues_send_due,
    subscription_confirm,
    subscription_request,
    subscription_set_topics,
    subscription_stop,
    subscriptions_stop_for_address,
)
from samen.knowledge.actions.offers import (  # noqa: E402
    offer_create,
    offer_deliver,
    offer_take,
    offer_withdraw,
)
from samen.knowledge.actions.organisations import (  # noqa: E402
    concept_organisation_add,
    concept_organisation_remove,
    organisation_create,
    organisation_person_add,
    organisation_person_remove,
    organisation_update,
)

__all__ = [
    "application_create",
    "checkin_record",
    "concept_organisation_add",
    "concept_organisation_remove",
    "feedback_give",
    "issue_create",
    "issue_deliver",
    "issue_schedule",
    "issue_send",
    "issue_send_test",
    "issue_suggestion",
    "issue_update",
    "issues_send_due",
    "offer_create",
    "offer_deliver",
    "offer_take",
    "offer_withdraw",
    "organisation_create",
    "organisation_person_add",
    "organisation_person_remove",
    "organisation_update",
    "pair_confirm",
    "pairs_propose",
    "season_create",
    "season_set_status",
    "subscription_confirm",
    "subscription_request",
    "subscription_set_topics",
    "subscription_stop",
    "subscriptions_stop_for_address",
]
