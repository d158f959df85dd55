"""On PostgreSQL the database itself refuses to rewrite history (docs/ledger.md).

- UPDATE and DELETE on transactions, entries and seals raise an exception.
- A deferred constraint trigger checks, at commit, that the entries of every transaction
  touched sum to zero per unit.
SQLite keeps the model-level guards only; ``ledger_verify`` catches rows changed behind the
application's back there.
"""

from django.db import migrations

APPEND_ONLY_TABLES = ("ledger_transaction", "ledger_entry", "ledger_seal")

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'ledger rows are append-only: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation';
    END;
    $$ LANGUAGE plpgsql;
    """,
    *[
        f"""
        CREATE TRIGGER {table}_append_only
        BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
        """
        for table in APPEND_ONLY_TABLES
    ],
    """
    CREATE OR REPLACE FUNCTION ledger_check_zero_sum() RETURNS trigger AS $$
    DECLARE
        bad record;
    BEGIN
        SELECT unit_id, SUM(amount) AS total INTO bad
        FROM ledger_entry
        WHERE transaction_id = NEW.transaction_id
        GROUP BY unit_id
        HAVING SUM(amount) <> 0
        LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'ledger transaction % does not balance: unit % sums to %',
                NEW.transaction_id, bad.unit_id, bad.total
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE CONSTRAINT TRIGGER ledger_entry_zero_sum
    AFTER INSERT ON ledger_entry
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_check_zero_sum();
    """,
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS ledger_entry_zero_sum ON ledger_entry;",
    "DROP FUNCTION IF EXISTS ledger_check_zero_sum();",
    *[f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};" for table in APPEND_ONLY_TABLES],
    "DROP FUNCTION IF EXISTS ledger_refuse_change();",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in FORWARD:
        schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in BACKWARD:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_eur_unit")]

    operations = [migrations.RunPython(forward, backward)]
