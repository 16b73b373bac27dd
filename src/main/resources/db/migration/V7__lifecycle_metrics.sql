-- Lifecycle metrics (docs/ARCHITECTURE.md, "Metrics"). The sequencer numbers each committed event exactly once in the
-- cluster, after its commit: so the node that numbers a batch is the one that counts its allocations, releases and
-- resolutions. It now returns, besides the head, one row per such event with the time the conversation spent in the
-- state it leaves: queued before an allocation, allocated before a resolution (null where that is not what it left).
DROP FUNCTION sequence_domain_events(integer);

CREATE FUNCTION sequence_domain_events(max_rows integer)
    RETURNS TABLE (head bigint, type text, reason text, seconds double precision)
    LANGUAGE plpgsql AS $$
DECLARE
    current_head bigint;
    numbered bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM domain_event WHERE position IS NULL) THEN
        RETURN QUERY SELECT f.head, NULL::text, NULL::text, NULL::double precision FROM event_feed f;
        RETURN;
    END IF;
    SELECT f.head INTO current_head FROM event_feed f FOR UPDATE;
    WITH batch AS (
        SELECT e.id, current_head + row_number() OVER (ORDER BY e.id) AS position
        FROM domain_event e
        WHERE e.position IS NULL
        ORDER BY e.id
        LIMIT max_rows
    )
    UPDATE domain_event e SET position = b.position FROM batch b WHERE e.id = b.id;
    GET DIAGNOSTICS numbered = ROW_COUNT;
    IF numbered > 0 THEN
        UPDATE event_feed SET head = current_head + numbered;
        PERFORM pg_notify('domain_event_feed', (current_head + numbered)::text);
    END IF;
    RETURN QUERY
        SELECT current_head + numbered, NULL::text, NULL::text, NULL::double precision
        UNION ALL
        SELECT current_head + numbered, e.type, e.reason,
               CASE WHEN e.type IN ('ALLOCATED', 'RESOLVED') THEN (
                   -- The state change before this one: when the conversation entered the state it now leaves.
                   SELECT CASE WHEN p.to_state = CASE e.type WHEN 'ALLOCATED' THEN 'QUEUED' ELSE 'ALLOCATED' END
                               THEN greatest(0, extract(epoch FROM e.occurred_at - p.occurred_at))::double precision
                          END
                   FROM domain_event p
                   WHERE p.conversation_id = e.conversation_id AND p.id < e.id
                     AND p.to_state IS DISTINCT FROM p.from_state
                   ORDER BY p.id DESC
                   LIMIT 1)
               END
        FROM domain_event e
        WHERE e.position > current_head AND e.position <= current_head + numbered
          AND e.type IN ('ALLOCATED', 'REASSIGNED', 'RELEASED', 'RESOLVED');
END
$$;
