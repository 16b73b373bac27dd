-- Webhooks to the orchestrator (docs/ARCHITECTURE.md, "Webhooks"): endpoints per tenant, and one delivery row per
-- event and endpoint, created from the numbered feed with a durable position of its own, so a committed event is
-- delivered even if every node restarts before it is.

CREATE TABLE webhook (
    id                            uuid PRIMARY KEY,
    tenant_id                     uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    url                           text NOT NULL,
    event_types                   text[],              -- NULL: every type
    description                   text,
    enabled                       boolean NOT NULL DEFAULT true,
    secret                        text NOT NULL,
    -- After a rotation the previous secret signs too, until it expires.
    previous_secret               text,
    previous_secret_expires_at    timestamptz,
    created_at                    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, id)
);
CREATE INDEX webhook_by_tenant ON webhook (tenant_id, created_at);

CREATE TABLE webhook_delivery (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id         uuid NOT NULL,
    webhook_id        uuid NOT NULL,
    event_id          bigint,                          -- NULL for webhook.test
    type              text NOT NULL,
    -- Deliveries with the same key (the conversation, or the operator of a status change) go out one at a time, in id
    -- order; NULL: no order to keep.
    ordering_key      uuid,
    payload           text NOT NULL,                   -- the body, rendered once: every attempt sends the same bytes
    status            text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED')),
    attempts          integer NOT NULL DEFAULT 0,
    -- PENDING: when it may be attempted next. A dispatcher that takes it moves this past its attempt (a lease), so no
    -- other node attempts it meanwhile; if that node dies, the delivery is due again when the lease runs out.
    next_attempt_at   timestamptz,
    last_attempt_at   timestamptz,
    last_status_code  integer,
    last_error        text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, webhook_id) REFERENCES webhook (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at, id) WHERE status = 'PENDING';
CREATE INDEX webhook_delivery_in_order ON webhook_delivery (webhook_id, ordering_key, id) WHERE status = 'PENDING';
CREATE INDEX webhook_delivery_by_webhook ON webhook_delivery (webhook_id, id);
-- Every delivery is updated twice (taken, then its outcome), each time out of and into the partial indexes: vacuum
-- early so that the dispatcher's index scans do not walk dead entries.
ALTER TABLE webhook_delivery SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);

-- The webhook type of a feed event; NULL: not delivered to webhooks.
CREATE FUNCTION webhook_event_type(event_type text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE event_type
        WHEN 'CREATED' THEN 'conversation.created'
        WHEN 'ALLOCATED' THEN 'conversation.allocated'
        WHEN 'RESOLVED' THEN 'conversation.resolved'
        WHEN 'RELEASED' THEN 'conversation.released'
        WHEN 'REASSIGNED' THEN 'conversation.reassigned'
        WHEN 'MOVED' THEN 'conversation.moved'
        WHEN 'REOPENED' THEN 'conversation.reopened'
        WHEN 'LABEL_ADDED' THEN 'conversation.label_added'
        WHEN 'LABEL_REMOVED' THEN 'conversation.label_removed'
        WHEN 'OPERATOR_STATUS_CHANGED' THEN 'operator.status_changed'
    END;

-- The body of a delivery: {type, timestamp (of the event), data (the event as GET /events gives it)}. The event's
-- JSON text is spliced in as it is, not parsed and written again.
CREATE FUNCTION webhook_payload(type text, occurred_at timestamptz, data text) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN '{"type":' || to_json(type)::text || ',"timestamp":' || to_json(api_instant(occurred_at))::text
        || ',"data":' || data || '}';

-- How far the feed has been fanned out into deliveries: one row, like event_feed. Events from before webhooks existed
-- are not delivered.
CREATE TABLE webhook_fanout (
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    position    bigint NOT NULL
);
INSERT INTO webhook_fanout (position) SELECT head FROM event_feed;

-- Creates the deliveries of the next numbered events (at most max_events), in position order, and moves the fan-out
-- position past them, in one transaction: each event is fanned out exactly once. One node at a time; a node that
-- finds the row locked returns at once (the other is at it). Returns the deliveries created and the events left.
CREATE FUNCTION fan_out_webhook_deliveries(max_events integer)
    RETURNS TABLE (created bigint, remaining bigint)
    LANGUAGE plpgsql AS $$
DECLARE
    done bigint;
    feed_head bigint;
    upto bigint;
    inserted bigint;
BEGIN
    SELECT f.position INTO done FROM webhook_fanout f FOR UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 0::bigint, 0::bigint;
        RETURN;
    END IF;
    SELECT f.head INTO feed_head FROM event_feed f;
    upto := least(feed_head, done + max_events);
    IF upto <= done THEN
        RETURN QUERY SELECT 0::bigint, 0::bigint;
        RETURN;
    END IF;
    INSERT INTO webhook_delivery (tenant_id, webhook_id, event_id, type, ordering_key, payload, next_attempt_at)
    SELECT w.tenant_id, w.id, e.id, t.type, coalesce(e.conversation_id, e.operator_id),
           webhook_payload(t.type, e.occurred_at, feed_event_json(e)), now()
    FROM domain_event e
    CROSS JOIN LATERAL (SELECT webhook_event_type(e.type) AS type) t
    JOIN webhook w ON w.tenant_id = e.tenant_id AND w.enabled
                  AND (w.event_types IS NULL OR t.type = ANY (w.event_types))
    WHERE e.position > done AND e.position <= upto AND t.type IS NOT NULL
    ORDER BY e.position, w.id;
    GET DIAGNOSTICS inserted = ROW_COUNT;
    UPDATE webhook_fanout SET position = upto;
    RETURN QUERY SELECT inserted, feed_head - upto;
END
$$;
