"""Signed vote links: take part from the e-mail (invitation, reminder, amendment).

A link names one poll, one person and optionally the option they clicked; it is signed
with the site's secret (``django.core.signing``) and expires after ``LINK_DAYS``. It opens
a page where the person confirms (a GET never votes); the vote is then theirs, even when
they are not logged in, so the link is sent to that person only and never shown in the app.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from samen.decisions.errors import DecisionError
from samen.decisions.errors import DecisionErrorCode as Code
from samen.decisions.models import Poll, PollKind

_SALT = "samen.decisions.vote-link"
LINK_DAYS = 14
#: Kinds whose every option can be chosen in one click (one choice per ballot).
ONE_CLICK = (PollKind.PROPOSAL, PollKind.CONSENT, PollKind.SINGLE, PollKind.ADVICE)


@dataclass
class VoteLink:
    poll_id: int
    person: Any
    option_id: int | None


def vote_token(poll: Poll, person: Any, option_id: int | None = None) -> str:
    return signing.dumps({"p": poll.pk, "u": person.pk, "o": option_id}, salt=_SALT)


def vote_path(poll: Poll, person: Any, option_id: int | None = None) -> str:
    return reverse("decisions:vote_link", args=[vote_token(poll, person, option_id)])


def read_vote_token(token: str) -> VoteLink:
    """The link behind ``token``; ``link_expired`` after ``LINK_DAYS``, ``link_invalid``
    when it was changed, cut short or names nobody who may still vote."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=timedelta(days=LINK_DAYS))
    except signing.SignatureExpired:
        raise DecisionError(Code.LINK_EXPIRED) from None
    except signing.BadSignature:
        raise DecisionError(Code.LINK_INVALID) from None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), int) for k in "pu"):
        raise DecisionError(Code.LINK_INVALID)
    person = get_user_model().objects.filter(pk=data["u"], is_active=True).first()
    option = data.get("o")
    if person is None or not (option is None or isinstance(option, int)):
        raise DecisionError(Code.LINK_INVALID)
    return VoteLink(poll_id=data["p"], person=person, option_id=option)


def email_lines(notification: Any) -> str:
    """The vote links of a decision e-mail for its recipient (``Kind.email_extra``):
    one per option for a one-choice poll, else one to the ballot; nothing once the poll is
    closed or for someone who may not take part."""
    from samen.decisions import access, queries
    from samen.lib.mail import site_url

    poll = (
        Poll.objects.select_related("collective__host", "host", "chapter")
        .filter(pk=notification.target_id)
        .first()
    )
    person = notification.recipient
    if poll is None or poll.kind == PollKind.SURVEY or not poll.is_open():
        return ""
    if not access.can_vote(person, poll):
        return ""
    site = site_url()
    lines = [_("Take part from this e-mail (you confirm on the page that opens):")]
    if poll.kind in ONE_CLICK:
        lines += [
            f"- {option.display}: {site}{vote_path(poll, person, option.pk)}"
            for option in queries.poll_options(poll)
        ]
    else:
        lines.append(f"- {site}{vote_path(poll, person)}")
    lines.append(
        _("These links are for you alone and work for %(days)s days.") % {"days": LINK_DAYS}
    )
    return "\n".join(lines)
