"""Every write of events: create and publish, register, cancel, the waiting list, check-in,
feedback and cancelling an event. Each is atomic, takes the acting person, writes an audit
row, and refuses with an ``EventError`` before writing anything.

Places are counted under a row lock on the occurrence (DESIGN rule 6): every action that
takes or frees a place locks it first, so concurrent registrations for the last place give
it to exactly one person and queue the others in arrival order.
"""

from samen.events.actions._common import (
    MAX_AHEAD,
    MAX_DESCRIPTION,
    MAX_DURATION,
    MAX_FEEDBACK,
    REGISTERED,
    REMIND_BEFORE,
    when_label,
)
from samen.events.actions.checkins import (
    registration_check_in,
    registration_check_in_by_code,
    registration_walk_in,
    walk_in_guest_add,
)
from samen.events.actions.dates import (
    MAX_SERIES,
    SERIES_STEPS,
    occurrence_cancel,
    occurrence_change,
    occurrence_set_capacity,
    series_extend,
)
from samen.events.actions.editing import event_update
from samen.events.actions.events import (
    event_cancel,
    event_create,
    event_publish,
    event_registration_options,
    occurrence_add,
)
from samen.events.actions.feedback import feedback_give
from samen.events.actions.feeds import calendar_feed_reset
from samen.events.actions.notices import registration_emails_send, registrations_remind
from samen.events.actions.registration import (
    occurrence_register,
    registration_approve,
    registration_cancel,
    registration_decline,
    registration_refuse,
    registrations_erase,
)

__all__ = [
    "MAX_AHEAD",
    "MAX_DESCRIPTION",
    "MAX_DURATION",
    "MAX_FEEDBACK",
    "MAX_SERIES",
    "REGISTERED",
    "REMIND_BEFORE",
    "SERIES_STEPS",
    "calendar_feed_reset",
    "event_cancel",
    "event_create",
    "event_publish",
    "event_registration_options",
    "event_update",
    "feedback_give",
    "occurrence_add",
    "occurrence_cancel",
    "occurrence_change",
    "occurrence_register",
    "occurrence_set_capacity",
    "registration_approve",
    "registration_cancel",
    "registration_check_in",
    "registration_check_in_by_code",
    "registration_decline",
    "registration_emails_send",
    "registration_refuse",
    "registration_walk_in",
    "registrations_erase",
    "registrations_remind",
    "series_extend",
    "walk_in_guest_add",
    "when_label",
]
