-- The event feed (docs/ARCHITECTURE.md, "Event feed"). Every change is an event now, not only conversation changes,
-- and each event gets a feed position once it is committed.

-- Operator, status, subscription, inbox, label and tenant events have no conversation.
ALTER TABLE domain_event ALTER COLUMN conversation_id DROP NOT NULL;

-- The conversation as GET /conversations/{id} answered right after the change: JSON text, written once as PostgreSQL
-- rendered it and passed through to readers (text, not json: nothing queries into it, so no parse on insert).
ALTER TABLE domain_event ADD COLUMN conversation text;

-- Feed position: NULL until the sequencer (sequence_domain_events) numbers the event. Ids are taken at insert, so they
-- do not follow commit order; positions are given only to committed events, by one sequencer at a time, in id order.
ALTER TABLE domain_event ADD COLUMN position bigint;

-- Events that existed before the feed: numbered now, in id order.
UPDATE domain_event SET position = id;

CREATE UNIQUE INDEX domain_event_by_position ON domain_event (position);
CREATE INDEX domain_event_feed_by_tenant ON domain_event (tenant_id, position) WHERE position IS NOT NULL;
CREATE INDEX domain_event_unsequenced ON domain_event (id) WHERE position IS NULL;
DROP INDEX domain_event_by_tenant;
DROP INDEX domain_event_by_inbox;

-- One row: the last position given (head), and the last position deleted by retention (a cursor below it is gone).
CREATE TABLE event_feed (
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    head        bigint NOT NULL,
    purged_to   bigint NOT NULL DEFAULT 0
);
INSERT INTO event_feed (head) SELECT coalesce(max(position), 0) FROM domain_event;

-- Numbers up to max_rows committed events that have no position yet, in id order, and returns the head. The row lock
-- on event_feed serialises sequencers (one per node may call at once); each statement below takes a fresh snapshot
-- after that lock, so it sees the previous sequencer's work. Events of one conversation are written under that
-- conversation's row lock, so they commit in id order: numbering visible events in id order keeps their order.
-- The NOTIFY wakes the other nodes' relays; it is sent from here, never from the hot write transactions.
CREATE FUNCTION sequence_domain_events(max_rows integer) RETURNS bigint
    LANGUAGE plpgsql AS $$
DECLARE
    current_head bigint;
    numbered bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM domain_event WHERE position IS NULL) THEN
        RETURN (SELECT head FROM event_feed);
    END IF;
    SELECT head INTO current_head FROM event_feed FOR UPDATE;
    WITH batch AS (
        SELECT id, current_head + row_number() OVER (ORDER BY id) AS position
        FROM domain_event
        WHERE position IS NULL
        ORDER BY id
        LIMIT max_rows
    )
    UPDATE domain_event e SET position = b.position FROM batch b WHERE e.id = b.id;
    GET DIAGNOSTICS numbered = ROW_COUNT;
    IF numbered > 0 THEN
        UPDATE event_feed SET head = current_head + numbered;
        PERFORM pg_notify('domain_event_feed', (current_head + numbered)::text);
    END IF;
    RETURN current_head + numbered;
END
$$;

-- The event as the feed shows it, rendered once by PostgreSQL.
CREATE FUNCTION feed_event_json(e domain_event) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN json_build_object(
        'id', e.id, 'cursor', e.position::text, 'type', e.type, 'occurredAt', api_instant(e.occurred_at),
        'inboxId', e.inbox_id, 'conversationId', e.conversation_id, 'operatorId', e.operator_id,
        'previousOperatorId', e.previous_operator_id, 'reason', e.reason,
        'actorId', e.actor_id, 'actorRole', e.actor_role, 'fromState', e.from_state, 'toState', e.to_state,
        'details', e.details, 'conversation', e.conversation::json)::text;
