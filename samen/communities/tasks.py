"""Background work of the communities app: thin tasks that load by id and call an action."""

from __future__ import annotations

from django_tasks import task

from samen.communities import actions


@task()
def deliver_news(*, post_id: int) -> int:
    """E-mail a published news post to its followers and members, once each: running it
    again (a retry, a second publish) e-mails nobody twice."""
    return actions.news_deliver(post_id=post_id)
