"""The audit trail ages by whole months: each retired behind a checkpoint.

``audit_retirable()`` says which month may go now and what of the chain goes with
it; ``audit_retire(...)`` writes the month's checkpoint, removes its links (and
those of the next month's first events, chained before its last one), and
detaches and drops its partition, in one transaction. Both are the owner's,
called by the app's role; both judge by the database's clock and the period in
``privacy_retentionperiod`` (``audit_month``), and leave alone a month that holds
an event about a client under a standing legal hold. See docs/adr/0008-retention.md.
"""

from django.db import migrations

FUNCTIONS = """
-- The pseudonym the trail names a client by (conversations.bsn.client_ref_from_hash).
CREATE FUNCTION privacy_client_ref(bsn_hash text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = public, pg_temp AS $$
    SELECT 'klant-' || translate(substr($1, 1, 16), '0123456789', 'ghijklmnop')
$$;

-- The oldest month of the trail, if it may be retired now: it ended longer ago
-- than the period (UTC months, as the partitions are cut), none of its events is
-- waiting for the chain or left in the default partition, every link from the
-- last checkpoint up to its last event's is past the period itself, and none of
-- those events is about a client under a standing hold. ``events`` is 0 for a
-- month with nothing chained in it.
CREATE FUNCTION audit_retirable()
RETURNS TABLE (month date, partition text, first_seq bigint, last_seq bigint,
               events bigint, last_hash text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    period interval := privacy_period('audit_month');
    oldest date;
    month_end timestamptz;
    start_seq bigint;
    end_seq bigint;
BEGIN
    IF period IS NULL THEN
        RETURN;
    END IF;
    SELECT min(to_date(substr(c.relname, 18), 'YYYY_MM')) INTO oldest
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'audit_auditevent'::regclass
      AND c.relname ~ '^audit_auditevent_[0-9]{4}_[0-9]{2}$';
    IF oldest IS NULL THEN
        RETURN;
    END IF;
    month_end := (oldest + interval '1 month')::timestamp AT TIME ZONE 'UTC';
    IF month_end >= now() - period
       OR EXISTS (SELECT 1 FROM audit_auditpending p WHERE p.occurred_at < month_end)
       OR EXISTS (SELECT 1 FROM audit_auditevent_default d
                  WHERE d.occurred_at < month_end) THEN
        RETURN;
    END IF;
    start_seq := coalesce((SELECT max(c.last_seq) FROM audit_auditcheckpoint c), 0) + 1;
    end_seq := coalesce(
        (SELECT max(l.seq) FROM audit_auditlink l WHERE l.event_occurred_at < month_end),
        start_seq - 1);
    IF EXISTS (SELECT 1 FROM audit_auditlink l
               WHERE l.seq BETWEEN start_seq AND end_seq
                 AND l.event_occurred_at >= now() - period)
       OR EXISTS (
           SELECT 1 FROM audit_auditlink l
           JOIN audit_auditevent e
             ON e.id = l.event_id AND e.occurred_at = l.event_occurred_at
           WHERE l.seq BETWEEN start_seq AND end_seq AND e.client_ref <> ''
             AND e.client_ref IN (
                 SELECT privacy_client_ref(k.bsn_hash)
                 FROM privacy_legalhold h
                 JOIN conversations_client k ON k.id = h.client_id
                 WHERE privacy_held(h.client_id))) THEN
        RETURN;
    END IF;
    RETURN QUERY SELECT oldest, 'audit_auditevent_' || to_char(oldest, 'YYYY_MM'),
        start_seq, end_seq, end_seq - start_seq + 1,
        (SELECT l.hash::text FROM audit_auditlink l WHERE l.seq = end_seq);
END;
$$;

-- Retire the month ``audit_retirable()`` names, as the caller saw it: write its
-- checkpoint (``digest`` is the caller's SHA-256 over the links' canonical
-- bytes), remove its links and the events chained among them from the next
-- month, then detach and drop its partition. Return the checkpoint's id (NULL for
-- a month with nothing chained).
CREATE FUNCTION audit_retire(for_month date, want_first bigint, want_last bigint,
                             want_hash text, links_digest text)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    r record;
    made bigint;
    month_end timestamptz;
BEGIN
    PERFORM set_config('lock_timeout', '10s', true);
    -- The sealer waits: no link is added while the month's are taken out.
    LOCK TABLE audit_auditlink IN SHARE ROW EXCLUSIVE MODE;
    SELECT * INTO r FROM audit_retirable();
    IF r.month IS NULL OR r.month <> for_month OR r.first_seq <> want_first
       OR r.last_seq <> want_last OR r.last_hash IS DISTINCT FROM want_hash THEN
        RAISE EXCEPTION 'uwvrec: % is not the month to retire as asked', for_month
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF r.events > 0 THEN
        IF links_digest IS NULL OR links_digest !~ '^[0-9a-f]{64}$' THEN
            RAISE EXCEPTION 'uwvrec: a checkpoint needs the links'' SHA-256 digest'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        INSERT INTO audit_auditcheckpoint
            (month, partition, first_seq, last_seq, events, last_hash, digest)
        VALUES (r.month, r.partition, r.first_seq, r.last_seq, r.events, r.last_hash,
                links_digest)
        RETURNING id INTO made;
        month_end := (r.month + interval '1 month')::timestamp AT TIME ZONE 'UTC';
        PERFORM set_config('uwvrec.retention', 'on', true);
        DELETE FROM audit_auditevent e USING audit_auditlink l
        WHERE l.seq BETWEEN r.first_seq AND r.last_seq
          AND e.id = l.event_id AND e.occurred_at = l.event_occurred_at
          AND e.occurred_at >= month_end;
        DELETE FROM audit_auditlink WHERE seq BETWEEN r.first_seq AND r.last_seq;
        PERFORM set_config('uwvrec.retention', 'off', true);
    END IF;
    EXECUTE format('ALTER TABLE audit_auditevent DETACH PARTITION %I', r.partition);
    EXECUTE format('DROP TABLE %I', r.partition);
    RETURN made;
END;
$$;

REVOKE ALL ON FUNCTION audit_retirable() FROM PUBLIC;
REVOKE ALL ON FUNCTION audit_retire(date, bigint, bigint, text, text) FROM PUBLIC;
"""

DROP = """
DROP FUNCTION audit_retire(date, bigint, bigint, text, text);
DROP FUNCTION audit_retirable();
DROP FUNCTION privacy_client_ref(text);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0002_retention_in_the_database"),
        ("audit", "0009_checkpoints"),
    ]

    operations = [migrations.RunSQL(sql=FUNCTIONS, reverse_sql=DROP)]
