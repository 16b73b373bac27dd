package io.inboxallocation.events;

/** Why it happened, where one event type has several causes (e.g. RELEASED by DEALLOCATE or GRACE_EXPIRED). */
public enum EventReason {
  AUTO, CLAIM, PUSH, DEALLOCATE, GRACE_EXPIRED, OPERATOR_DELETED, MOVED, NEW_MESSAGE, LABEL_DELETED
}
