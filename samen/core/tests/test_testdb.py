"""The test database template is rebuilt whenever what shapes a migrated database changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from samen.lib import testdb


def _tree(root: Path) -> None:
    (root / "ledger" / "migrations").mkdir(parents=True)
    (root / "ledger" / "tests").mkdir()
    (root / "ledger" / "migrations" / "0001_initial.py").write_text("operations = []\n")
    (root / "ledger" / "tests" / "test_x.py").write_text("def test_x(): pass\n")


def test_a_changed_migration_changes_the_template_and_a_changed_test_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path)
    monkeypatch.setattr(testdb, "SOURCES", tmp_path)
    first = testdb.digest()
    (tmp_path / "ledger" / "tests" / "test_x.py").write_text("def test_y(): pass\n")
    assert testdb.digest() == first
    (tmp_path / "ledger" / "migrations" / "0001_initial.py").write_text("operations = [1]\n")
    assert testdb.digest() != first


@pytest.mark.django_db
def test_the_copied_database_has_every_migration_applied() -> None:
    """The copy carries the template's schema and its migration history, not an empty file."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection)
    assert set(loader.disk_migrations) <= set(loader.applied_migrations or {})
    assert "ledger_transaction" in connection.introspection.table_names()
