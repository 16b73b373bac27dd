-- A taken delivery's lease in a column of its own, in no index (docs/ARCHITECTURE.md, "Webhooks"). Until now a take
-- moved next_attempt_at past the attempt (the lease), and next_attempt_at is the key of the due index: every take wrote
-- a new version of the row with an entry in each of the table's four indexes. Now a take changes no indexed column,
-- so PostgreSQL updates the row in place (a HOT update: no index entry) when its page has room, which a lower
-- fillfactor keeps for it; the take skips the rows whose lease has not run out. Leases held when this runs (in
-- next_attempt_at) still end when it passes.

ALTER TABLE webhook_delivery ADD COLUMN leased_until timestamptz;
ALTER TABLE webhook_delivery SET (fillfactor = 70);

-- As in V10, and an outcome ends the lease: a retry is due at its own time, not at the end of the lease.
CREATE OR REPLACE FUNCTION record_webhook_outcomes(ids bigint[], attempt_numbers integer[], statuses text[], delays_ms bigint[],
                                        codes integer[], errors text[])
    RETURNS bigint
    LANGUAGE plpgsql AS $$
DECLARE
    written bigint;
    finished_webhooks uuid[];
    finished_keys uuid[];
BEGIN
    -- Waits while a fan-out is inserting; outcomes written at the same time do not wait for each other.
    PERFORM 1 FROM webhook_fanout FOR SHARE;
    WITH outcome AS (
        UPDATE webhook_delivery d SET status = r.status,
            -- an endpoint disabled meanwhile keeps its deliveries out of the due range (see webhook_enabled_changed)
            next_attempt_at = CASE WHEN r.status = 'PENDING' AND (SELECT w.enabled FROM webhook w WHERE w.id = d.webhook_id)
                                   THEN now() + r.delay_ms * interval '1 millisecond' END,
            leased_until = NULL, last_status_code = r.code, last_error = r.error
        FROM unnest(ids, attempt_numbers, statuses, delays_ms, codes, errors)
            AS r(id, attempts, status, delay_ms, code, error)
        -- "= ANY (ids)": found by id whatever the join's plan (statistics may say the table is empty)
        WHERE d.id = ANY (ids) AND d.id = r.id AND d.attempts = r.attempts AND d.status = 'PENDING'
        RETURNING d.webhook_id, d.ordering_key, d.status <> 'PENDING' AS finished
    )
    SELECT count(*),
           array_agg(o.webhook_id) FILTER (WHERE o.finished AND o.ordering_key IS NOT NULL),
           array_agg(o.ordering_key) FILTER (WHERE o.finished AND o.ordering_key IS NOT NULL)
    INTO written, finished_webhooks, finished_keys
    FROM outcome o;
    IF finished_webhooks IS NOT NULL THEN
        PERFORM release_webhook_line_heads(finished_webhooks, finished_keys);
    END IF;
    RETURN written;
END
$$;
