from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from samen.core import health
from samen.core.tasks import deliver_email

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_healthz_ok(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] is True
    assert body["migrations_applied"] is True
    assert body["task_queue_reachable"] is True


def test_healthz_counts_waiting_tasks_with_the_database_backend(client: Client, settings: Any):
    settings.TASKS_BACKEND = "db"
    settings.TASKS = DB_TASKS
    assert client.get("/healthz").json()["task_queue_depth"] == 0
    for n in range(3):
        deliver_email.enqueue(subject="s", body="b", to=[f"p{n}@example.org"])
    body = client.get("/healthz").json()
    assert body["task_backend"] == "db"
    assert body["task_queue_depth"] == 3


def test_healthz_is_503_json_when_the_database_is_down(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(health, "database_ok", lambda: False)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] is False
    assert body["migrations_applied"] is False


def test_healthz_reports_an_unreachable_queue(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down() -> int:
        raise ConnectionError("redis down")

    monkeypatch.setattr(health, "task_queue_depth", down)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["task_queue_reachable"] is False


def test_healthz_refuses_writes(client: Client) -> None:
    assert client.post("/healthz").status_code == 405


def test_healthz_with_rq_reports_redis_down(client: Client, settings: Any) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on: connection refused at once
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.TASKS_BACKEND = "rq"
    settings.RQ_QUEUES = {"default": {"URL": f"redis://127.0.0.1:{port}/0"}}
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] is True
    assert body["task_backend"] == "rq"
    assert body["task_queue_reachable"] is False


def test_healthz_with_rq_sums_the_queues(
    client: Client, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import django_rq

    settings.TASKS_BACKEND = "rq"
    settings.RQ_QUEUES = {"default": {}, "mail": {}}
    waiting = {"default": ["job"] * 2, "mail": ["job"] * 3}
    monkeypatch.setattr(django_rq, "get_queue", lambda name: waiting[name])
    assert client.get("/healthz").json()["task_queue_depth"] == 5
