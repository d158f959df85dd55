"""A host's block list of e-mail domains and web addresses (issue 13, "spam and abuse
controls"): its admins list what the host refuses, and every write of a post, a reaction
or a message in the host or one of its collectives is checked against it before anything
is written."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction

from samen.audit.actions import audit_record
from samen.communities.models import Host, host_of
from samen.conversations import access
from samen.conversations.errors import ConversationError
from samen.conversations.errors import ConversationErrorCode as Code
from samen.conversations.models import BlocklistKind, HostBlocklistEntry, Owner

_DOMAIN = re.compile(r"^(?=.{4,200}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
# what Markdown turns into a link: an address with its scheme, or one that starts with www.
_LINKS = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]\"'`]+", re.IGNORECASE)


def _address(text: str) -> tuple[str, str]:
    """``(domain, path)`` of a web address or a domain, lower-case, without the scheme,
    ``www.``, a port, the query or a trailing slash: ``HTTPS://www.Spam.example/Offer?x``
    is ``("spam.example", "/offer")``."""
    text = text.strip().lower()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text)
    text = re.split(r"[?#]", text, maxsplit=1)[0]
    domain, _slash, path = text.partition("/")
    domain = domain.rsplit("@", 1)[-1].split(":", 1)[0].strip(".")
    domain = domain.removeprefix("www.").removeprefix("*.")
    return domain, ("/" + path).rstrip("/.,;:!") if path.strip("/") else ""


def blocklist_value(kind: BlocklistKind | str, value: str) -> str:
    """The normalised form of an entry: ``spam.example`` for an e-mail domain (``@`` and
    ``*.`` taken off), ``spam.example/offers`` for a web address. Raises
    ``bad_blocklist_entry`` for anything that is not a domain."""
    kind = BlocklistKind(kind)
    domain, path = _address((value or "").strip().lstrip("@"))
    if not _DOMAIN.match(domain) or (kind == BlocklistKind.EMAIL_DOMAIN and path):
        raise ConversationError(Code.BAD_BLOCKLIST_ENTRY, field="value")
    return f"{domain}{path}"


def _within(domain: str, listed: str) -> bool:
    return domain == listed or domain.endswith(f".{listed}")


def _links_to(address: tuple[str, str], listed: str) -> bool:
    """A link is refused when its site is the listed one (or a subdomain of it) and its
    path is the listed path or lies under it."""
    listed_domain, _slash, listed_path = listed.partition("/")
    domain, path = address
    if not _within(domain, listed_domain):
        return False
    return not listed_path or f"{path}/".startswith(f"/{listed_path}/")


def blocklist_check(actor: Any, owner: Owner, *texts: str) -> None:
    """Refuse ``actor`` writing ``texts`` in ``owner`` when the owner's host lists their
    e-mail domain (403 ``blocked_domain``) or a web address one of the texts links to (422
    ``blocked_link``). One query, and none for a chapter, which has no host."""
    host = host_of(owner)
    if host is None:
        return
    entries = list(HostBlocklistEntry.objects.filter(host=host).values_list("kind", "value"))
    if not entries:
        return
    email = str(getattr(actor, "email", "") or "")
    domain = email.rsplit("@", 1)[-1].lower() if "@" in email else ""
    for kind, value in entries:
        if kind == BlocklistKind.EMAIL_DOMAIN and domain and _within(domain, value):
            raise ConversationError(Code.BLOCKED_DOMAIN)
    links = [_address(link) for text in texts for link in _LINKS.findall(text or "")]
    for kind, value in entries:
        if kind == BlocklistKind.URL and any(_links_to(link, value) for link in links):
            raise ConversationError(Code.BLOCKED_LINK, field="body")


@transaction.atomic
def blocklist_add(
    *, actor: Any, host: Host, kind: BlocklistKind | str, value: str
) -> HostBlocklistEntry:
    """List an e-mail domain or a web address across ``host`` (its admins); listing one
    that is already there changes nothing and returns it."""
    access.require(access.can_suspend(actor, host))
    kind = BlocklistKind(kind)
    value = blocklist_value(kind, value)
    entry, created = HostBlocklistEntry.objects.get_or_create(
        host=host, kind=kind, value=value, defaults={"created_by": actor}
    )
    if created:
        audit_record(actor=actor, action="conversations.blocklist.add", target=entry, host=host,
                     data={"kind": kind, "value": value})  # fmt: skip
    return entry


@transaction.atomic
def blocklist_remove(*, actor: Any, entry: HostBlocklistEntry) -> None:
    """Take an entry off the host's block list (its admins)."""
    access.require(access.can_suspend(actor, entry.host))
    audit_record(actor=actor, action="conversations.blocklist.remove", target=entry,
                 host=entry.host, data={"kind": entry.kind, "value": entry.value})  # fmt: skip
    entry.delete()
