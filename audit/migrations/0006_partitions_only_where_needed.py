"""Partitions only for the task or a command, for months that are coming or have events.

The app's role runs ``audit_make_partition`` and ``audit_ensure_partitions`` (for the
daily task). As migration 0004 made them, that role could make a partition for any
month (year 1, year 2999: a catalogue that only grows) and have the move recorded
as coming from a web request. Now a partition is made only for a month up to a year
ahead, or for one that already has events in the default partition, and only with
origin ``task`` or ``command``.
"""

from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION audit_make_partition(
    for_month date, event_origin text DEFAULT 'task', event_request_id text DEFAULT ''
) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    first_day date := date_trunc('month', for_month)::date;
    this_month date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
    name text := 'audit_auditevent_' || to_char(first_day, 'YYYY_MM');
    low text := first_day::text || ' 00:00:00+00';
    high text := (first_day + interval '1 month')::date::text || ' 00:00:00+00';
    moved bigint;
    removed bigint;
BEGIN
    -- Partitions are made by the daily task or an operator's command, never a page.
    IF event_origin IS NULL OR event_origin NOT IN ('task', 'command') THEN
        RAISE EXCEPTION 'uwvrec: % is not an origin that makes partitions', event_origin
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF to_regclass(name) IS NOT NULL THEN
        RETURN 0;
    END IF;
    -- A month is made when it is coming (up to a year ahead) or already has events
    -- in the default: no partitions for months nobody writes in.
    IF (first_day < this_month OR first_day > (this_month + interval '12 months')::date)
       AND NOT EXISTS (SELECT 1 FROM audit_auditevent_default
                       WHERE occurred_at >= low::timestamptz
                         AND occurred_at < high::timestamptz) THEN
        RAISE EXCEPTION 'uwvrec: no partition for %: no events and not coming', first_day
            USING ERRCODE = 'invalid_parameter_value';
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

CREATE OR REPLACE FUNCTION audit_ensure_partitions(
    months_ahead integer DEFAULT 3, event_origin text DEFAULT 'task',
    event_request_id text DEFAULT ''
) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    first_month date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
    month date;
    made integer := 0;
BEGIN
    IF months_ahead IS NULL OR months_ahead < 0 OR months_ahead > 12 THEN
        RAISE EXCEPTION 'uwvrec: partitions are made up to 12 months ahead, not %',
            months_ahead USING ERRCODE = 'invalid_parameter_value';
    END IF;
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
"""

# The functions as migration 0004 made them.
REVERSE = """
CREATE OR REPLACE FUNCTION audit_make_partition(
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

CREATE OR REPLACE FUNCTION audit_ensure_partitions(
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
"""


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_one_anchor_per_seq"),
    ]

    operations = [migrations.RunSQL(FUNCTIONS, REVERSE)]
