"""The deferred zero-sum check runs once per ledger transaction, not once per entry.

The constraint trigger fires for every entry row at commit; each firing summed all the
entries of its transaction, so a posting with N entries cost N sums of N rows. A firing now
records, in a transaction-local setting, the transaction it checked and the highest entry
id it saw; later firings for the same transaction skip when their entry is not newer. An
entry added afterwards (higher id) is checked again, so switching the trigger to IMMEDIATE
leaves no gap.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION ledger_check_zero_sum() RETURNS trigger AS $$
DECLARE
    bad record;
    checked text;
    top bigint;
BEGIN
    checked := current_setting('ledger.zero_sum_checked', true);
    IF checked IS NOT NULL AND checked <> ''
        AND split_part(checked, ':', 1) = NEW.transaction_id::text
        AND NEW.id <= split_part(checked, ':', 2)::bigint THEN
        RETURN NULL;
    END IF;
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
    SELECT MAX(id) INTO top FROM ledger_entry WHERE transaction_id = NEW.transaction_id;
    PERFORM set_config(
        'ledger.zero_sum_checked', NEW.transaction_id::text || ':' || top::text, true
    );
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

BACKWARD = """
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
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0004_balance_stripes")]

    operations = [migrations.RunPython(forward, backward)]
