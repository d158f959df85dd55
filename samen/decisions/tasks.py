"""Background work of decisions: thin, idempotent tasks run by the scheduler."""

from __future__ import annotations

from django_tasks import task

from samen.core.schedule import hourly, register
from samen.decisions import actions


@task()
def close_due_polls() -> int:
    """Close the polls whose deadline passed, each once (votes stop at the deadline itself:
    the action refuses them even before this runs)."""
    return actions.polls_close_due()


@task()
def remind_closing_polls() -> int:
    """Remind those who have not taken part a day before the close, once per poll."""
    return actions.polls_remind()


# Every quarter of an hour, so outcomes can be written and members hear of the close soon.
for _minute in (0, 15, 30, 45):
    register(f"decisions.close_due.{_minute:02d}", hourly(minute=_minute), close_due_polls)
register("decisions.remind", hourly(minute=5), remind_closing_polls)
