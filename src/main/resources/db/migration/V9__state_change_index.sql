-- The state changes of each conversation, without the UPDATED, LABEL_* and other events between them. The sequencer
-- (V7) finds, for every allocation and resolution it numbers, the conversation's previous state change while it holds
-- the event_feed lock; through domain_event_by_conversation that walk passed every event in between (a conversation
-- the orchestrator updates often has hundreds), and every relay and GET /events waited for it.
CREATE INDEX domain_event_state_changes ON domain_event (conversation_id, id)
    WHERE to_state IS DISTINCT FROM from_state;
