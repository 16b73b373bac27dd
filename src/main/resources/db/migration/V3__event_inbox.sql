-- Every event names the inbox its conversation was in after the change, so the event feed can route an event to the
-- operators of that inbox without a query (docs/ARCHITECTURE.md, "Events").
ALTER TABLE domain_event ADD COLUMN inbox_id uuid;
UPDATE domain_event e SET inbox_id = c.inbox_id FROM conversation_ref c WHERE c.id = e.conversation_id;
CREATE INDEX domain_event_by_inbox ON domain_event (tenant_id, inbox_id, id);
