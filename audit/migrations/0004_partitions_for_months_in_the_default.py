"""Make a month's partition even when its events already landed in the default one.

An event whose month has no partition lands in ``audit_auditevent_default``, and
PostgreSQL then refuses to create that month's partition. ``audit_make_partition``
moves those events into a new partition of their month in one step: it blocks new
events for the moment it takes, copies the rows, lifts the default partition's
guard for that one DELETE inside its own transaction (holding an exclusive lock, so
no other session ever sees the guard off), attaches and guards the partition, and
records ``audit.partition_filled``. The rows are copied unchanged, so the hash chain
still verifies. Everything runs with the owner's rights and a fixed search path.

``audit_ensure_partitions`` makes the coming months through it, and
``audit_default_partition_months`` tells the daily task what landed in the default.
"""

from django.db import migrations

FUNCTIONS = """
CREATE FUNCTION audit_default_partition_months()
RETURNS TABLE (month date, events bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    RETURN QUERY
        SELECT date_trunc('month', d.occurred_at AT TIME ZONE 'UTC')::date, count(*)
        FROM audit_auditevent_default d GROUP BY 1 ORDER BY 1;
END;
$$;
REVOKE ALL ON FUNCTION audit_default_partition_months() FROM PUBLIC;

CREATE FUNCTION audit_make_partition(
    for_month date, event_origin text DEFAULT 'task', event_request_id text DEFAULT ''
) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    first_day date := date_trunc('month', for_month)::date;
    name text := 'audit_auditevent_' || to_char(first_day, 'YYYY_MM');
    low text := first_day::text || ' 00:00:00+00';
    high text := (first_day + interval '1 month')::date::text || ' 00:00:00+00';
    moved bigint;
    removed bigint;
BEGIN
    IF event_origin IS NULL OR event_origin NOT IN ('web', 'task', 'command') THEN
        RAISE EXCEPTION 'uwvrec: % is not an origin of audit events', event_origin
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF to_regclass(name) IS NOT NULL THEN
        RETURN 0;
    END IF;
    -- Inserts wait while this runs, so no event can land in the default meanwhile.
    LOCK TABLE audit_auditevent IN SHARE ROW EXCLUSIVE MODE;
    LOCK TABLE audit_auditevent_default IN ACCESS EXCLUSIVE MODE;
    IF NOT EXISTS (SELECT 1 FROM audit_auditevent_default
                   WHERE occurred_at >= low::timestamptz
                     AND occurred_at < high::timestamptz) THEN
        EXECUTE format(
            'CREATE TABLE %I PARTITION OF audit_auditevent FOR VALUES FROM (%L) TO (%L)',
            name, low, high);
        PERFORM audit_guard_partition(name);
        RETURN 0;
    END IF;
    EXECUTE format('CREATE TABLE %I (LIKE audit_auditevent INCLUDING DEFAULTS '
                   'INCLUDING CONSTRAINTS)', name);
    EXECUTE format('INSERT INTO %I SELECT * FROM audit_auditevent_default '
                   'WHERE occurred_at >= $1 AND occurred_at < $2', name)
        USING low::timestamptz, high::timestamptz;
    GET DIAGNOSTICS moved = ROW_COUNT;
    ALTER TABLE audit_auditevent_default DISABLE TRIGGER audit_auditevent_refuse_change;
    DELETE FROM audit_auditevent_default
        WHERE occurred_at >= low::timestamptz AND occurred_at < high::timestamptz;
    GET DIAGNOSTICS removed = ROW_COUNT;
    ALTER TABLE audit_auditevent_default
        ENABLE ALWAYS TRIGGER audit_auditevent_refuse_change;
    IF removed <> moved THEN
        RAISE EXCEPTION 'uwvrec: copied % events of % but would remove %',
            moved, name, removed;
    END IF;
    EXECUTE format(
        'ALTER TABLE audit_auditevent ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
        name, low, high);
    PERFORM audit_guard_partition(name);
    INSERT INTO audit_auditevent (action, result, origin, request_id, data)
        VALUES ('audit.partition_filled', 'success', event_origin,
                left(coalesce(event_request_id, ''), 64),
                jsonb_build_object('month', to_char(first_day, 'YYYY-MM'),
                                   'moved', moved));
    RETURN moved;
END;
$$;
REVOKE ALL ON FUNCTION audit_make_partition(date, text, text) FROM PUBLIC;

DROP FUNCTION audit_ensure_partitions(integer);
CREATE FUNCTION audit_ensure_partitions(
    months_ahead integer DEFAULT 3, event_origin text DEFAULT 'task',
    event_request_id text DEFAULT ''
) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    first_month date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
    month date;
    made integer := 0;
BEGIN
    FOR i IN 0..months_ahead LOOP
        month := (first_month + make_interval(months => i))::date;
        CONTINUE WHEN
            to_regclass('audit_auditevent_' || to_char(month, 'YYYY_MM')) IS NOT NULL;
        PERFORM audit_make_partition(month, event_origin, event_request_id);
        made := made + 1;
    END LOOP;
    RETURN made;
END;
$$;
REVOKE ALL ON FUNCTION audit_ensure_partitions(integer, text, text) FROM PUBLIC;
"""

# The functions as migration 0001 made them.
REVERSE = """
DROP FUNCTION audit_ensure_partitions(integer, text, text);
DROP FUNCTION audit_make_partition(date, text, text);
DROP FUNCTION audit_default_partition_months();
CREATE FUNCTION audit_ensure_partitions(months_ahead integer DEFAULT 3)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
    first_month date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
    month date;
    name text;
    made integer := 0;
BEGIN
    FOR i IN 0..months_ahead LOOP
        month := (first_month + make_interval(months => i))::date;
        name := 'audit_auditevent_' || to_char(month, 'YYYY_MM');
        CONTINUE WHEN to_regclass(name) IS NOT NULL;
        EXECUTE format(
            'CREATE TABLE %I PARTITION OF audit_auditevent FOR VALUES FROM (%L) TO (%L)',
            name, month::text || ' 00:00:00+00',
            (month + interval '1 month')::date::text || ' 00:00:00+00');
        PERFORM audit_guard_partition(name);
        made := made + 1;
    END LOOP;
    RETURN made;
END;
$$;
REVOKE ALL ON FUNCTION audit_ensure_partitions(integer) FROM PUBLIC;
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_fixed_search_paths_and_a_narrow_queue")]

    operations = [migrations.RunSQL(FUNCTIONS, reverse_sql=REVERSE)]
