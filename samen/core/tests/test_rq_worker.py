"""The production worker, for real: a task enqueued on Redis is run by `manage.py rqworker`
with the command line that docs/deploy.md, deploy/ and serve-prod use."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
REDIS = os.environ.get("REDIS_TEST_URL", "")


def _database_beside(url: str) -> str:
    """The Redis database next to REDIS_TEST_URL's, for this test's queue alone: the
    several-machines test flushes REDIS_TEST_URL's and runs two workers on it."""
    base, _, number = url.rpartition("/")
    return f"{base}/{(int(number) + 15) % 16}" if number.isdigit() else url


def _worker_command() -> list[str]:
    """The worker line of deploy/serve-prod.sh, so the test runs what a host runs."""
    script = (ROOT / "deploy" / "serve-prod.sh").read_text()
    line = next(line for line in script.splitlines() if "rqworker" in line)
    return shlex.split(line.replace("&", "").strip())


# Its queue is the one test_several_machines.py's workers listen on: never both at once.
@pytest.mark.xdist_group("redis-queue")
@pytest.mark.skipif(not REDIS and os.environ.get("CI") != "true", reason="needs REDIS_TEST_URL")
def test_rqworker_runs_a_task_enqueued_through_the_tasks_api(tmp_path: Path) -> None:
    assert REDIS, "CI=true needs REDIS_TEST_URL"
    env = {
        **os.environ,
        "REDIS_URL": _database_beside(REDIS),
        "TASKS_BACKEND": "rq",
        "EMAIL_URL": f"file://{tmp_path}",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    subject = f"Through RQ {uuid.uuid4().hex}"
    enqueue = (
        "from samen.core.tasks import deliver_email; "
        f"deliver_email.enqueue(subject={subject!r}, body='Hello', to=['chloe@samen.test'])"
    )
    python = [sys.executable, "manage.py"]
    subprocess.run([*python, "shell", "--no-imports", "-c", enqueue], cwd=ROOT, env=env, check=True)
    command = _worker_command()
    assert command[:2] == [".venv/bin/python", "manage.py"]
    worker = subprocess.run(
        [*python, *command[2:], "--burst"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert worker.returncode == 0, worker.stderr
    mails = "".join(path.read_text() for path in tmp_path.glob("*.log"))
    assert subject in mails, worker.stderr
