"""The pytest side of ``make mutation``: one migrated test database for every mutant.

mutmut runs the tests once in its own process, then forks one child per mutant. Migrating a
new database in every child would cost more than the tests themselves (and count against
each mutant's CPU limit), so the in-memory SQLite database is migrated once and kept open:
each forked child gets its own copy of it with the process's memory. A session that finds
the database ready empties it and restores the migrated rows (content types, the euro unit),
as a transactional test does, because the tests before it may have flushed them.
"""

from __future__ import annotations

from typing import Any

import pytest

_kept: list[Any] = []


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment: None, django_db_blocker: Any) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_databases

    with django_db_blocker.unblock():
        if not _kept:
            _kept.append(
                setup_databases(verbosity=0, interactive=False, serialized_aliases={"default"})
            )
        else:
            call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
            connection.creation.deserialize_db_from_string(
                connection._test_serialized_contents  # type: ignore[attr-defined]
            )
