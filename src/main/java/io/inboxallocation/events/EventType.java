package io.inboxallocation.events;

/**
 * What happened. The first group changes a conversation (its audit trail, {@code conversationId} set); the rest change
 * what surrounds conversations, so that the feed carries every change and node-local caches of "who may see what"
 * can follow it (docs/ARCHITECTURE.md, "Event feed").
 */
public enum EventType {
  CREATED, ALLOCATED, RESOLVED, RELEASED, REASSIGNED, MOVED, REOPENED, LABEL_ADDED, LABEL_REMOVED,
  /** The orchestrator reported new messages or a new phone number; the state did not change. Not in the audit trail. */
  UPDATED,
  OPERATOR_CREATED, OPERATOR_UPDATED, OPERATOR_DELETED, OPERATOR_STATUS_CHANGED,
  SUBSCRIPTION_ADDED, SUBSCRIPTION_REMOVED,
  INBOX_CREATED, INBOX_UPDATED, INBOX_DELETED,
  LABEL_CREATED, LABEL_UPDATED, LABEL_DELETED,
  TENANT_UPDATED
}
