-- Webhook deliveries in order without a search per take (docs/ARCHITECTURE.md, "Webhooks"). Until now the dispatcher
-- found due deliveries by checking, for every PENDING one, that no earlier delivery of its conversation was PENDING:
-- with a backlog of tens of thousands that check ran over the whole backlog on every take.
--
-- Now only the head of each line (the oldest PENDING delivery of an endpoint and ordering key) has a next_attempt_at;
-- the deliveries behind it wait with NULL, out of the due index's range. The fan-out decides at insertion; whoever
-- finishes a head (the dispatcher's outcomes) gives its successor next_attempt_at = now(). Both take the
-- webhook_fanout row, the fan-out FOR UPDATE and the outcomes FOR SHARE, so a delivery inserted behind a head is
-- always seen by the outcome that finishes that head.

UPDATE webhook_delivery d SET next_attempt_at = NULL
WHERE d.status = 'PENDING' AND d.ordering_key IS NOT NULL
  AND EXISTS (SELECT 1 FROM webhook_delivery p
              WHERE p.webhook_id = d.webhook_id AND p.ordering_key = d.ordering_key
                AND p.status = 'PENDING' AND p.id < d.id);

-- Gives the oldest PENDING delivery of each (endpoint, ordering key) in keys a next_attempt_at of now() if it was
-- waiting and its endpoint is enabled. Returns how many it released.
CREATE FUNCTION release_webhook_line_heads(webhook_ids uuid[], ordering_keys uuid[]) RETURNS bigint
    LANGUAGE sql AS $$
    WITH heads AS (
        SELECT (SELECT p.id FROM webhook_delivery p
                WHERE p.webhook_id = k.webhook_id AND p.ordering_key = k.ordering_key AND p.status = 'PENDING'
                ORDER BY p.id LIMIT 1) AS id
        FROM (SELECT DISTINCT * FROM unnest(webhook_ids, ordering_keys)) AS k(webhook_id, ordering_key)
        WHERE (SELECT w.enabled FROM webhook w WHERE w.id = k.webhook_id)
    ), released AS (
        UPDATE webhook_delivery d SET next_attempt_at = now()
        WHERE d.id = ANY (ARRAY(SELECT heads.id FROM heads)) AND d.next_attempt_at IS NULL
        RETURNING d.id
    )
    SELECT count(*) FROM released
$$;

-- The dispatcher's outcomes, written together: status, the next attempt of one to retry, the answer. An outcome whose
-- delivery lost its lease meanwhile (another node took it again: same attempts no more) is not written. The lines
-- whose head finished move on. Returns how many outcomes were written.
CREATE FUNCTION record_webhook_outcomes(ids bigint[], attempt_numbers integer[], statuses text[], delays_ms bigint[],
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
            last_status_code = r.code, last_error = r.error
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

-- An endpoint disabled (PATCH or 410) takes its lines out of the due range, so that takes do not walk past them; enabled
-- again, each line's head is due at once.
CREATE FUNCTION webhook_enabled_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.enabled THEN
        -- Deliveries without a line (webhook.test) are each due; of the others, each line's head.
        UPDATE webhook_delivery d SET next_attempt_at = now()
        WHERE d.webhook_id = NEW.id AND d.status = 'PENDING' AND d.next_attempt_at IS NULL AND d.ordering_key IS NULL;
        PERFORM release_webhook_line_heads(array_agg(NEW.id), array_agg(k.ordering_key))
        FROM (SELECT DISTINCT d.ordering_key FROM webhook_delivery d
              WHERE d.webhook_id = NEW.id AND d.status = 'PENDING' AND d.ordering_key IS NOT NULL) k;
    ELSE
        UPDATE webhook_delivery d SET next_attempt_at = NULL WHERE d.webhook_id = NEW.id AND d.status = 'PENDING';
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER webhook_enabled_changed AFTER UPDATE OF enabled ON webhook
    FOR EACH ROW WHEN (OLD.enabled IS DISTINCT FROM NEW.enabled) EXECUTE FUNCTION webhook_enabled_changed();

-- As in V8, and: a delivery starts waiting (next_attempt_at NULL) when an earlier one of its line is PENDING or is
-- created before it in this same fan-out; each event's body is rendered once, whatever the number of endpoints; the
-- webhook_fanout row is waited for rather than skipped (outcomes hold it FOR SHARE for a moment).
CREATE OR REPLACE FUNCTION fan_out_webhook_deliveries(max_events integer)
    RETURNS TABLE (created bigint, remaining bigint)
    LANGUAGE plpgsql AS $$
DECLARE
    done bigint;
    feed_head bigint;
    upto bigint;
    inserted bigint;
BEGIN
    SELECT f.position INTO done FROM webhook_fanout f FOR UPDATE;
    SELECT f.head INTO feed_head FROM event_feed f;
    upto := least(feed_head, done + max_events);
    IF upto <= done THEN
        RETURN QUERY SELECT 0::bigint, 0::bigint;
        RETURN;
    END IF;
    WITH events AS MATERIALIZED (
        SELECT e.id, e.position, e.tenant_id, t.type, coalesce(e.conversation_id, e.operator_id) AS ordering_key,
               webhook_payload(t.type, e.occurred_at, feed_event_json(e)) AS payload
        FROM domain_event e
        CROSS JOIN LATERAL (SELECT webhook_event_type(e.type) AS type) t
        WHERE e.position > done AND e.position <= upto AND t.type IS NOT NULL
          AND EXISTS (SELECT 1 FROM webhook w WHERE w.tenant_id = e.tenant_id AND w.enabled)
    )
    INSERT INTO webhook_delivery (tenant_id, webhook_id, event_id, type, ordering_key, payload, next_attempt_at)
    SELECT w.tenant_id, w.id, ev.id, ev.type, ev.ordering_key, ev.payload,
           CASE WHEN ev.ordering_key IS NULL THEN now()
                WHEN row_number() OVER (PARTITION BY w.id, ev.ordering_key ORDER BY ev.position) > 1 THEN NULL
                WHEN EXISTS (SELECT 1 FROM webhook_delivery p
                             WHERE p.webhook_id = w.id AND p.ordering_key = ev.ordering_key
                               AND p.status = 'PENDING') THEN NULL
                ELSE now()
           END
    FROM events ev
    JOIN webhook w ON w.tenant_id = ev.tenant_id AND w.enabled
                  AND (w.event_types IS NULL OR ev.type = ANY (w.event_types))
    ORDER BY ev.position, w.id;
    GET DIAGNOSTICS inserted = ROW_COUNT;
    UPDATE webhook_fanout SET position = upto;
    RETURN QUERY SELECT inserted, feed_head - upto;
END
$$;
