"""Background work of the knowledge app: thin tasks that load by id and call an action."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from samen.core.schedule import hourly, register
from samen.knowledge import actions


@task()
def deliver_issue(*, issue_id: int) -> int:
    """E-mail a newsletter issue to its confirmed subscribers, once each: running it again
    (a retry, a second worker) e-mails nobody twice."""
    return actions.issue_deliver(issue_id=issue_id)


@task()
def send_due_issues() -> int:
    """Send the scheduled issues whose time has come."""
    return actions.issues_send_due(now=timezone.now())


register("knowledge.newsletters", hourly(minute=0), send_due_issues)
