"""The backup recipe of docs/deploy.md, run: dump, restore into a new database, verify, serve."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

ROOT = Path(settings.BASE_DIR)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_dump_of_the_demo_restores_verifies_and_serves(tmp_path: Path) -> None:
    call_command("seed_demo", verbosity=0)
    db = connection.settings_dict
    server = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}"
    restored = f"{db['NAME']}_restored"
    dump = tmp_path / "samen.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), f"{server}/{db['NAME']}"],
        check=True,
    )
    admin = [f"{server}/postgres", "-qc"]
    subprocess.run(["psql", *admin, f'DROP DATABASE IF EXISTS "{restored}"'], check=True)
    subprocess.run(["psql", *admin, f'CREATE DATABASE "{restored}"'], check=True)
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", "--dbname", f"{server}/{restored}", str(dump)], check=True
        )
        env = {
            **os.environ,
            "DATABASE_URL": f"{server}/{restored}",
            "TASKS_BACKEND": "immediate",
            "ALLOWED_HOSTS": "testserver",
        }
        env.pop("TEST_DATABASE_NAME", None)
        verify = subprocess.run(
            [sys.executable, "manage.py", "ledger_verify"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert verify.returncode == 0, verify.stdout + verify.stderr
        assert "every invariant holds" in verify.stdout
        serve = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "shell",
                "--no-imports",
                "-c",
                "from django.test import Client; c = Client();"
                " print([c.get(p).status_code for p in ('/', '/collectives/brasserie-zinneke/',"
                " '/hosts/brussels-commons/transactions/')])",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert serve.stdout.strip() == "[200, 200, 200]", serve.stdout + serve.stderr
    finally:
        subprocess.run(["psql", *admin, f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)'])
