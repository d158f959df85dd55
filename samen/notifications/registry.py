"""The kinds of notification, registered by the apps that send them (DESIGN rule 16).

An app describes each kind once, usually in its ``AppConfig.ready``::

    register(Kind("conversations.reply", _("Replies to my topics"),
                  _("%(actor)s replied in “%(title)s”"), default=Delivery.EMAIL))

``message`` is a lazy translation filled from the notification's ``data``; it is rendered
in the reader's language when the list or an e-mail is shown, never stored translated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Delivery(models.TextChoices):
    """How one person wants one kind: every choice but NONE also shows it in the app."""

    EMAIL = "email", _("In the app and by e-mail right away")
    DIGEST = "digest", _("In the app and in a daily digest e-mail")
    WEEKLY = "weekly", _("In the app and in a weekly digest e-mail")
    IN_APP = "in_app", _("In the app only")
    NONE = "none", _("Not at all")


@dataclass(frozen=True)
class Kind:
    """``email_extra``, when given, adds lines for one recipient to the e-mail sent right
    away (rendered in their language): a link that only they may follow, such as the
    signed vote links of decisions. Digests leave it out."""

    key: str
    label: Any
    message: Any
    default: Delivery = Delivery.IN_APP
    email_extra: Callable[[Any], str] | None = None

    def render(self, data: dict[str, Any]) -> str:
        """The message in the active language; a missing value never breaks a page."""
        return str(self.message) % _Blanks({k: str(v) for k, v in (data or {}).items()})


class _Blanks(dict[str, str]):
    def __missing__(self, key: str) -> str:
        # An actor erased since: their name was taken out of the data.
        return str(_("Former member")) if key == "actor" else ""


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add ``kind``; registering the same key twice with another description is a bug."""
    existing = _KINDS.get(kind.key)
    if existing is not None and existing != kind:
        raise ValueError(f"notification kind {kind.key!r} registered twice")
    _KINDS[kind.key] = kind
    return kind


def get_kind(key: str) -> Kind:
    """The registered kind; KeyError for an unknown key (a typo in a caller)."""
    return _KINDS[key]


def all_kinds() -> list[Kind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.key)


#: Apps that keep e-mail choices of their own (a community's "every post" or "weekly
#: digest") register here to drop them when a person unsubscribes with one click; each
#: hook gets the person and what they left: a kind's key, ``"digest"`` or ``"weekly"``.
UnsubscribeHook = Callable[[Any, str], int]
_UNSUBSCRIBE_HOOKS: list[UnsubscribeHook] = []


def on_unsubscribe(hook: UnsubscribeHook) -> UnsubscribeHook:
    if hook not in _UNSUBSCRIBE_HOOKS:
        _UNSUBSCRIBE_HOOKS.append(hook)
    return hook


def unsubscribe_hooks() -> list[UnsubscribeHook]:
    return list(_UNSUBSCRIBE_HOOKS)


#: Who may still read a notification's target, per target model: the app that sends about
#: a model registers its access rule (``can_see(user, obj)``), so that a person who loses
#: the right to read (a community bans them, they leave it) loses the notices about it too.
#: ``related`` names what ``can_see`` follows, loaded with the targets in one query.
Reader = Callable[[Any, Any], bool]


@dataclass(frozen=True)
class TargetReader:
    can_see: Reader
    related: tuple[str, ...] = ()


_READERS: dict[type[models.Model], TargetReader] = {}


def register_reader(
    model: type[models.Model], can_see: Reader, *, related: tuple[str, ...] = ()
) -> None:
    _READERS[model] = TargetReader(can_see, related)


def target_readers() -> dict[type[models.Model], TargetReader]:
    return dict(_READERS)
