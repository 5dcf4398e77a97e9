"""Retention in the database: what is past its period, and one narrow way to remove it.

The app's role may call ``privacy_retention_due()`` (how many of each kind are past
their period) and ``privacy_retention_remove(kind, after, batch)`` (remove the next
batch of them); both run with the owner's rights, read the periods from
``privacy_retentionperiod`` (which the app's role may only read) and the clock
from the database, and leave alone everything about a client under a standing
legal hold. The append-only guard lets a DELETE through only inside them
(``uwvrec.db.operations.GUARD_FUNCTION``). See docs/adr/0008-retention.md.
"""

from django.db import migrations

from uwvrec.db.operations import GUARD_FUNCTION

# The guard as it was before: every UPDATE, DELETE and TRUNCATE refused.
GUARD_BEFORE = """
CREATE OR REPLACE FUNCTION uwvrec_refuse_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
    RAISE EXCEPTION 'uwvrec: % on % is refused: the table is append-only',
        TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""

FUNCTIONS = """
-- A kind's period, or NULL when none is stored (then nothing of it is past).
CREATE FUNCTION privacy_period(kind text) RETURNS interval
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
    SELECT make_interval(days => p.days) FROM privacy_retentionperiod p
    WHERE p.kind = $1
$$;

-- A standing hold covers the client: not lifted, and its last day (Amsterdam) not past.
CREATE FUNCTION privacy_held(client bigint) RETURNS boolean
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
    SELECT EXISTS (
        SELECT 1 FROM privacy_legalhold h
        WHERE h.client_id = $1 AND h.lifted_at IS NULL
          AND (h.until IS NULL
               OR h.until >= (now() AT TIME ZONE 'Europe/Amsterdam')::date)
    )
$$;

-- Past their period, holds aside. A report: dismissed, or withdrawn, that long
-- ago (a confirmed one that still flags, and an open one, never are).
CREATE FUNCTION privacy_report_past(r violations_violationreport) RETURNS boolean
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
    SELECT (r.status = 'dismissed'
            AND r.decided_at < now() - privacy_period('violation_report'))
        OR r.withdrawn_at < now() - privacy_period('violation_report')
$$;

-- A conversation: held that long ago, and no report about it still kept.
CREATE FUNCTION privacy_conversation_past(c conversations_conversation)
RETURNS boolean
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
    SELECT c.scheduled_at < now() - privacy_period('conversation')
       AND NOT EXISTS (
           SELECT 1 FROM violations_violationreport r
           WHERE r.conversation_id = c.id AND NOT coalesce(privacy_report_past(r), false)
       )
$$;

-- A client: registered that long ago, and every conversation and report of theirs
-- past (a run removes those first). A conversation is kept for its date or for a
-- kept report about it, and such a report is the client's own: so no conversation
-- of theirs within the period and no report of theirs kept is the same, and asks
-- no function per conversation.
CREATE FUNCTION privacy_client_past(k conversations_client) RETURNS boolean
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
    SELECT k.created_at < now() - privacy_period('conversation')
       AND NOT EXISTS (
           SELECT 1 FROM conversations_conversation c
           WHERE c.client_id = k.id
             AND c.scheduled_at >= now() - privacy_period('conversation')
       )
       AND NOT EXISTS (
           SELECT 1 FROM violations_violationreport r
           WHERE r.client_id = k.id AND NOT coalesce(privacy_report_past(r), false)
       )
$$;

-- The ids of one kind past their period and not held, in (after, upto], in order.
-- Each kind's own date is asked first, in the query: rows within their period are
-- passed over without a function call.
CREATE FUNCTION privacy_expired(kind text, after bigint, upto bigint, lim integer)
RETURNS SETOF bigint
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
BEGIN
    IF kind = 'notification' THEN
        RETURN QUERY
            SELECT n.id FROM violations_notification n
            JOIN violations_violationreport r ON r.id = n.report_id
            WHERE n.id > after AND (upto IS NULL OR n.id <= upto)
              AND n.created_at < now() - privacy_period('notification')
              AND NOT privacy_held(r.client_id)
            ORDER BY n.id LIMIT lim;
    ELSIF kind = 'violation_report' THEN
        RETURN QUERY
            SELECT r.id FROM violations_violationreport r
            WHERE r.id > after AND (upto IS NULL OR r.id <= upto)
              AND (r.decided_at < now() - privacy_period('violation_report')
                   OR r.withdrawn_at < now() - privacy_period('violation_report'))
              AND privacy_report_past(r) AND NOT privacy_held(r.client_id)
            ORDER BY r.id LIMIT lim;
    ELSIF kind = 'conversation' THEN
        RETURN QUERY
            SELECT c.id FROM conversations_conversation c
            WHERE c.id > after AND (upto IS NULL OR c.id <= upto)
              AND c.scheduled_at < now() - privacy_period('conversation')
              AND privacy_conversation_past(c) AND NOT privacy_held(c.client_id)
            ORDER BY c.id LIMIT lim;
    ELSIF kind = 'client' THEN
        RETURN QUERY
            SELECT k.id FROM conversations_client k
            WHERE k.id > after AND (upto IS NULL OR k.id <= upto)
              AND k.created_at < now() - privacy_period('conversation')
              AND privacy_client_past(k) AND NOT privacy_held(k.id)
            ORDER BY k.id LIMIT lim;
    ELSE
        RAISE EXCEPTION 'uwvrec: no retention for kind %', kind
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
END;
$$;

-- How many of each kind the next run would remove.
CREATE FUNCTION privacy_retention_due() RETURNS TABLE (kind text, due bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT k, (SELECT count(*) FROM privacy_expired(k, 0, NULL, NULL))
    FROM unnest(ARRAY['notification', 'violation_report', 'conversation', 'client'])
        WITH ORDINALITY AS kinds(k, n)
    ORDER BY n
$$;

-- Count, first and last id of the rows a statement removed.
CREATE FUNCTION privacy_tally(removed jsonb, tbl text, ids bigint[]) RETURNS jsonb
LANGUAGE sql IMMUTABLE SET search_path = public, pg_temp AS $$
    SELECT CASE WHEN coalesce(cardinality(ids), 0) = 0 THEN removed
           ELSE removed || jsonb_build_object(tbl, jsonb_build_array(
               cardinality(ids),
               (SELECT min(x) FROM unnest(ids) x),
               (SELECT max(x) FROM unnest(ids) x)))
           END
$$;

-- Remove the next batch of one kind after id ``after``; return {"next": the id to
-- go on after, or null when the kind is done, "removed": {table: [n, first, last]}}.
-- Rows another transaction holds are skipped (the next run takes them), and the
-- clients concerned are locked, so that a hold placed meanwhile is seen before
-- anything is removed.
CREATE FUNCTION privacy_retention_remove(kind text, after bigint, batch integer)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    candidates bigint[];
    ids bigint[];
    gone bigint[];
    upto bigint;
    removed jsonb := '{}';
BEGIN
    IF batch IS NULL OR batch < 1 OR batch > 10000 THEN
        RAISE EXCEPTION 'uwvrec: a retention batch is 1 to 10000 rows, not %', batch
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    candidates := ARRAY(SELECT privacy_expired(kind, coalesce(after, 0), NULL, batch));
    IF cardinality(candidates) = 0 THEN
        RETURN jsonb_build_object('next', NULL, 'removed', removed);
    END IF;
    upto := candidates[cardinality(candidates)];

    IF kind = 'notification' THEN
        PERFORM 1 FROM conversations_client WHERE id IN (
            SELECT r.client_id FROM violations_notification n
            JOIN violations_violationreport r ON r.id = n.report_id
            WHERE n.id = ANY(candidates)) FOR UPDATE;
        ids := ARRAY(SELECT id FROM violations_notification
                     WHERE id = ANY(candidates) ORDER BY id FOR UPDATE SKIP LOCKED);
    ELSIF kind = 'violation_report' THEN
        PERFORM 1 FROM conversations_client WHERE id IN (
            SELECT client_id FROM violations_violationreport
            WHERE id = ANY(candidates)) FOR UPDATE;
        ids := ARRAY(SELECT id FROM violations_violationreport
                     WHERE id = ANY(candidates) ORDER BY id FOR UPDATE SKIP LOCKED);
    ELSIF kind = 'conversation' THEN
        PERFORM 1 FROM conversations_client WHERE id IN (
            SELECT client_id FROM conversations_conversation
            WHERE id = ANY(candidates)) FOR UPDATE;
        ids := ARRAY(SELECT id FROM conversations_conversation
                     WHERE id = ANY(candidates) ORDER BY id FOR UPDATE SKIP LOCKED);
    ELSE
        ids := ARRAY(SELECT id FROM conversations_client
                     WHERE id = ANY(candidates) ORDER BY id FOR UPDATE SKIP LOCKED);
    END IF;
    -- Asked again now that they are locked: a hold or report made before is seen.
    ids := ARRAY(SELECT x FROM privacy_expired(kind, coalesce(after, 0), upto, NULL) x
                 WHERE x = ANY(ids));

    PERFORM set_config('uwvrec.retention', 'on', true);
    IF kind = 'notification' THEN
        WITH d AS (DELETE FROM violations_notification WHERE id = ANY(ids) RETURNING id)
            SELECT array_agg(id) INTO gone FROM d;
        removed := privacy_tally(removed, 'violations_notification', gone);
    ELSIF kind = 'violation_report' THEN
        WITH d AS (DELETE FROM violations_notification WHERE report_id = ANY(ids) RETURNING id)
            SELECT array_agg(id) INTO gone FROM d;
        removed := privacy_tally(removed, 'violations_notification', gone);
        WITH d AS (DELETE FROM violations_violationevent WHERE report_id = ANY(ids) RETURNING id)
            SELECT array_agg(id) INTO gone FROM d;
        removed := privacy_tally(removed, 'violations_violationevent', gone);
        WITH d AS (DELETE FROM violations_violationreport WHERE id = ANY(ids) RETURNING id)
            SELECT array_agg(id) INTO gone FROM d;
        removed := privacy_tally(removed, 'violations_violationreport', gone);
    ELSIF kind = 'conversation' THEN
        WITH d AS (DELETE FROM conversations_participant WHERE conversation_id = ANY(ids) RETURNING id)
            SELECT array_agg(id) INTO gone FROM d;
        removed := privacy_tally(removed, 'conversations_participant', gone);
        WITH d AS (DELETE FROM conversations_decision WHERE conversation_id = ANY(ids) RETURNING id)
            SELECT array_agg(id) INTO gone FROM d;
        removed := privacy_tally(removed, 'conversations_decision', gone);
        WITH d AS (DELETE FROM conversations_conversation WHERE id = ANY(ids) RETURNING id)
            SELECT array_agg(id) INTO gone FROM d;
        removed := privacy_tally(removed, 'conversations_conversation', gone);
    ELSE
        -- A client with a row left (taken by another transaction) waits for the
        -- next run; its lifted and ended holds go with it.
        ids := ARRAY(SELECT x FROM unnest(ids) x
            WHERE NOT EXISTS (SELECT 1 FROM conversations_conversation c
                              WHERE c.client_id = x)
              AND NOT EXISTS (SELECT 1 FROM violations_violationreport r
                              WHERE r.client_id = x));
        WITH d AS (DELETE FROM privacy_legalhold WHERE client_id = ANY(ids) RETURNING id)
            SELECT array_agg(id) INTO gone FROM d;
        removed := privacy_tally(removed, 'privacy_legalhold', gone);
        WITH d AS (DELETE FROM conversations_client WHERE id = ANY(ids) RETURNING id)
            SELECT array_agg(id) INTO gone FROM d;
        removed := privacy_tally(removed, 'conversations_client', gone);
    END IF;
    PERFORM set_config('uwvrec.retention', 'off', true);
    RETURN jsonb_build_object(
        'next', CASE WHEN cardinality(candidates) < batch THEN NULL ELSE upto END,
        'removed', removed);
END;
$$;

REVOKE ALL ON FUNCTION privacy_retention_due() FROM PUBLIC;
REVOKE ALL ON FUNCTION privacy_retention_remove(text, bigint, integer) FROM PUBLIC;
"""

DROP = """
DROP FUNCTION privacy_retention_remove(text, bigint, integer);
DROP FUNCTION privacy_tally(jsonb, text, bigint[]);
DROP FUNCTION privacy_retention_due();
DROP FUNCTION privacy_expired(text, bigint, bigint, integer);
DROP FUNCTION privacy_client_past(conversations_client);
DROP FUNCTION privacy_conversation_past(conversations_conversation);
DROP FUNCTION privacy_report_past(violations_violationreport);
DROP FUNCTION privacy_held(bigint);
DROP FUNCTION privacy_period(text);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_initial"),
        ("conversations", "0007_client_flag"),
        ("violations", "0006_client_flags_from_reports"),
        ("audit", "0008_dutch_names_for_exports_and_chain"),
    ]

    operations = [
        migrations.RunSQL(sql=GUARD_FUNCTION, reverse_sql=GUARD_BEFORE),
        migrations.RunSQL(sql=FUNCTIONS, reverse_sql=DROP),
    ]
