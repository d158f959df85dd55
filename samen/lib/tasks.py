"""Enqueue background tasks only once the data they read is committed (DESIGN rule 7)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.apps import apps
from django.db import transaction
from django_tasks.base import Task


def enqueue_on_commit(task: Task[Any, Any], /, *args: Any, **kwargs: Any) -> None:
    transaction.on_commit(partial(task.enqueue, *args, **kwargs))


def task_records_forget(text: str) -> None:
    """Delete stored background-task records whose arguments contain ``text`` (an e-mail
    address being erased).

    With the database task backend, finished e-mail tasks keep their arguments (recipient,
    body). A task a worker is running right now is left alone; it finishes within seconds.
    """
    if not text or not apps.is_installed("django_tasks_db"):
        return
    from django_tasks_db.models import DBTaskResult

    records = DBTaskResult.objects.filter(args_kwargs__icontains=text)
    records.exclude(pk__in=records.running().values("pk")).delete()
