"""What ``/healthz`` reports: a load balancer's and an operator's first look."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


def database_ok() -> bool:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any driver error means "not reachable"
        return False


def migrations_applied() -> bool:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


def task_queue_depth() -> int | None:
    """Tasks waiting to run, or None when the backend cannot tell (immediate)."""
    backend = settings.TASKS_BACKEND
    if backend == "db":
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult.objects.filter(status=TaskResultStatus.READY).count()
    if backend == "rq":
        import django_rq

        return sum(len(django_rq.get_queue(name)) for name in settings.RQ_QUEUES)
    return None


def health_report() -> dict[str, Any]:
    db = database_ok()
    migrated = migrations_applied() if db else False
    try:
        depth = task_queue_depth() if db else None
        queue_ok = True
    except Exception:  # Redis down: report it rather than fail the whole check
        depth, queue_ok = None, False
    return {
        "status": "ok" if db and migrated and queue_ok else "error",
        "database": db,
        "migrations_applied": migrated,
        "task_backend": settings.TASKS_BACKEND,
        "task_queue_reachable": queue_ok,
        "task_queue_depth": depth,
    }
