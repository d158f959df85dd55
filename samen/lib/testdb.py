"""The pytest side of ``make test``: test databases copied from a template that is migrated
once per version of the code.

Migrating an empty database costs about 80 CPU seconds here, nearly all of it Django
re-rendering model states between operations. Each pytest-xdist worker used to pay it; now
the first worker to arrive migrates a template under a file lock and every worker copies it
(PostgreSQL: ``CREATE DATABASE ... TEMPLATE``; SQLite: the backup API into the worker's
in-memory database). The template's name carries a digest of the code and migrations, so a
changed migration, model or data step gives a new template, and an unchanged checkout reuses
the last one, as ``--reuse-db`` would but without the risk of a stale schema.
"""

from __future__ import annotations

import fcntl
import hashlib
import re
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import django
import pytest
from django.conf import settings
from django.db import connections

SOURCES = Path(__file__).resolve().parents[1]


def digest() -> str:
    """Fingerprint of everything that shapes a migrated database: the project's code outside
    its tests (models, migrations, post-migrate handlers) and Django's version."""
    sha = hashlib.sha256(django.get_version().encode())
    for path in sorted(SOURCES.rglob("*.py")):
        if "tests" not in path.relative_to(SOURCES).parts:
            sha.update(str(path.relative_to(SOURCES)).encode())
            sha.update(path.read_bytes())
    return sha.hexdigest()[:12]


@pytest.fixture(scope="session")
def django_db_setup(
    django_test_environment: None, django_db_blocker: Any, django_db_modify_db_settings: None
) -> Iterator[None]:
    """Replaces pytest-django's: the same test database, copied instead of migrated."""
    with django_db_blocker.unblock():
        old_name = create()
    yield
    with django_db_blocker.unblock():
        connections["default"].creation.destroy_test_db(old_name, verbosity=0)


def create(alias: str = "default") -> str:
    """Give this process its test database for ``alias``; returns the name to restore when
    it is destroyed with ``connection.creation.destroy_test_db``."""
    connection: Any = connections[alias]
    old_name: str = connection.settings_dict["NAME"]
    test_name = connection.creation._get_test_db_name()
    named = connection.settings_dict["TEST"].get("NAME") or old_name
    base = re.sub(r"[^a-z0-9_]", "_", re.sub(r"_gw\d+$", "", Path(str(named)).name).lower())
    template = f"{base[:40]}_tpl_{digest()}"
    # One lock per base name: processes of the same checkout (or of two checkouts at other
    # versions) never build, copy and clear stale templates at the same time.
    lock_path = Path(tempfile.gettempdir()) / f"samen-testdb-{connection.vendor}-{base}.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if connection.vendor == "postgresql":
            _postgres_template(connection, template)
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{test_name}"')
                cursor.execute(f'CREATE DATABASE "{test_name}" TEMPLATE "{template}"')
            _point_at(connection, test_name)
        else:
            path = _sqlite_path(template)
            _sqlite_template(connection, path)
            _point_at(connection, test_name)
            source = sqlite3.connect(path)
            source.backup(connection.connection)
            source.close()
    return old_name


def _point_at(connection: Any, name: str) -> None:
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name
    connection.ensure_connection()


def _migrate_into(connection: Any, name: str) -> None:
    """Migrate a new database called ``name`` the way Django's test runner does, then let go
    of it (a PostgreSQL template must have no connection when it is copied)."""
    test_settings = connection.settings_dict["TEST"]
    kept, test_settings["NAME"] = test_settings.get("NAME"), name
    try:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    finally:
        test_settings["NAME"] = kept
        connection.close()


def _postgres_template(connection: Any, template: str) -> None:
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
        if cursor.fetchone():
            return
        prefix = template.rsplit("_tpl_", 1)[0] + "_tpl_"
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [prefix + "%"])
        stale = [row[0] for row in cursor.fetchall()]
    partial = f"{template}_part"
    _migrate_into(connection, partial)
    with connection._nodb_cursor() as cursor:
        for name in stale:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'ALTER DATABASE "{partial}" RENAME TO "{template}"')


def _sqlite_path(template: str) -> Path:
    return Path(tempfile.gettempdir()) / f"samen-{template}.sqlite3"


def _sqlite_template(connection: Any, path: Path) -> None:
    if path.exists():
        return
    prefix = path.name.rsplit("_tpl_", 1)[0] + "_tpl_"
    for stale in path.parent.glob(f"{prefix}*.sqlite3"):
        stale.unlink(missing_ok=True)
    partial = path.with_suffix(".part")
    _migrate_into(connection, str(partial))
    partial.replace(path)
