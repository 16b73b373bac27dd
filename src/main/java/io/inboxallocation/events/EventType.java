package io.inboxallocation.events;

/** What happened to a conversation, as its audit trail records it. */
public enum EventType {
  CREATED, ALLOCATED, RESOLVED, RELEASED, REASSIGNED, MOVED, REOPENED, LABEL_ADDED, LABEL_REMOVED
}
