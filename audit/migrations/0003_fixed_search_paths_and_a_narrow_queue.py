"""Pin the search path of the trail's functions, and let the app only add to the queue.

A function without its own ``search_path`` resolves table names with the caller's
path, in which ``pg_temp`` comes first unless it is listed: a temporary table named
``audit_auditpending`` would then take every new event instead of the real queue,
and the sealer would never see them. ``public, pg_temp`` names ``pg_temp`` last.

The app's role may now only read and insert into the queue (``uwvrec.db.grants``);
the sealer removes what it chained through ``audit_dequeue``, which runs with its
owner's rights and removes only events that are in the chain.
"""

from django.db import migrations

PIN = """
ALTER FUNCTION audit_enqueue() SET search_path = public, pg_temp;
ALTER FUNCTION uwvrec_refuse_change() SET search_path = public, pg_temp;
"""

UNPIN = """
ALTER FUNCTION audit_enqueue() RESET search_path;
ALTER FUNCTION uwvrec_refuse_change() RESET search_path;
"""

DEQUEUE = """
CREATE FUNCTION audit_dequeue(event_ids bigint[]) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    removed integer;
BEGIN
    DELETE FROM audit_auditpending p
    WHERE p.event_id = ANY(event_ids)
      AND EXISTS (SELECT 1 FROM audit_auditlink l WHERE l.event_id = p.event_id);
    GET DIAGNOSTICS removed = ROW_COUNT;
    RETURN removed;
END;
$$;
REVOKE ALL ON FUNCTION audit_dequeue(bigint[]) FROM PUBLIC;
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_exportjob_error")]

    operations = [
        migrations.RunSQL(PIN, reverse_sql=UNPIN),
        migrations.RunSQL(
            DEQUEUE, reverse_sql="DROP FUNCTION audit_dequeue(bigint[]);"
        ),
    ]
