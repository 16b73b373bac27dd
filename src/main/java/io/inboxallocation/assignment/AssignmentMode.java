package io.inboxallocation.assignment;

/** How a tenant's queued conversations reach operators. */
public enum AssignmentMode {
  /** Operators ask for work (allocate, claim). */
  PULL,
  /** The service also assigns queued conversations on its own ({@link PushAssigner}); asking still works. */
  PUSH
}
