"""One anchor per chain position: two runs at once can no longer both copy a head.

Anchors are never deleted, so a trail that was anchored twice at one position before
this migration keeps both rows; the uniqueness then holds for every anchor after the
last of them (a partial index), which is all ``audit_anchor`` needs: its insert skips
any conflict.
"""

from django.db import migrations, models

UNIQUE = """
DO $$
DECLARE
    last_twice bigint;
BEGIN
    SELECT max(a.id) INTO last_twice FROM audit_auditanchor a
    WHERE EXISTS (SELECT 1 FROM audit_auditanchor b
                  WHERE b.seq = a.seq AND b.id < a.id);
    IF last_twice IS NULL THEN
        ALTER TABLE audit_auditanchor
            ADD CONSTRAINT audit_auditanchor_seq_key UNIQUE (seq);
    ELSE
        EXECUTE format('CREATE UNIQUE INDEX audit_auditanchor_seq_key '
                       'ON audit_auditanchor (seq) WHERE id > %s', last_twice);
    END IF;
END;
$$;
"""

NOT_UNIQUE = """
ALTER TABLE audit_auditanchor DROP CONSTRAINT IF EXISTS audit_auditanchor_seq_key;
DROP INDEX IF EXISTS audit_auditanchor_seq_key;
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_partitions_for_months_in_the_default")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(UNIQUE, reverse_sql=NOT_UNIQUE)],
            state_operations=[
                migrations.AlterField(
                    model_name="auditanchor",
                    name="seq",
                    field=models.BigIntegerField(unique=True),
                )
            ],
        )
    ]
