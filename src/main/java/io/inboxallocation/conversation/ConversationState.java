package io.inboxallocation.conversation;

/** QUEUED → ALLOCATED → RESOLVED; ALLOCATED → QUEUED on release; RESOLVED → QUEUED when the customer writes again. */
public enum ConversationState {
  QUEUED, ALLOCATED, RESOLVED
}
