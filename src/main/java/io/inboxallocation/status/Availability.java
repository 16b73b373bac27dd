package io.inboxallocation.status;

/** Whether an operator takes conversations. New operators start OFFLINE. */
public enum Availability {
  AVAILABLE, OFFLINE
}
