package io.inboxallocation.lifecycle;

import io.inboxallocation.conversation.ConversationState;
import io.inboxallocation.events.EventReason;
import io.inboxallocation.events.EventType;

import static io.inboxallocation.conversation.ConversationState.ALLOCATED;
import static io.inboxallocation.conversation.ConversationState.QUEUED;
import static io.inboxallocation.conversation.ConversationState.RESOLVED;

/**
 * Every way a conversation's state, owner or inbox can change, with the state it ends in and the event that records
 * it. The rules of <em>when</em> each may happen belong to the command that asks for it; {@link Lifecycle} writes it.
 */
public enum Transition {
  CREATE(QUEUED, EventType.CREATED, null),
  AUTO_ALLOCATE(ALLOCATED, EventType.ALLOCATED, EventReason.AUTO),
  CLAIM(ALLOCATED, EventType.ALLOCATED, EventReason.CLAIM),
  /** Given by the service to an operator it chose (tenants in PUSH mode). */
  PUSH(ALLOCATED, EventType.ALLOCATED, EventReason.PUSH),
  REASSIGN(ALLOCATED, EventType.REASSIGNED, null),
  RESOLVE(RESOLVED, EventType.RESOLVED, null),
  DEALLOCATE(QUEUED, EventType.RELEASED, EventReason.DEALLOCATE),
  GRACE_EXPIRY(QUEUED, EventType.RELEASED, EventReason.GRACE_EXPIRED),
  OPERATOR_DELETED(QUEUED, EventType.RELEASED, EventReason.OPERATOR_DELETED),
  /** To another inbox; the state and owner stay (an owner not subscribed there is then released: RELEASE_ON_MOVE). */
  MOVE(null, EventType.MOVED, null),
  RELEASE_ON_MOVE(QUEUED, EventType.RELEASED, EventReason.MOVED),
  REOPEN(QUEUED, EventType.REOPENED, EventReason.NEW_MESSAGE);

  private final ConversationState to;
  private final EventType type;
  private final EventReason reason;

  Transition(ConversationState to, EventType type, EventReason reason) {
    this.to = to;
    this.type = type;
    this.reason = reason;
  }

  /** The state after the change; null when the state stays as it is. */
  public ConversationState to() {
    return to;
  }

  String toName() {
    return to == null ? null : to.name();
  }

  String typeName() {
    return type.name();
  }

  String reasonName() {
    return reason == null ? null : reason.name();
  }
}
