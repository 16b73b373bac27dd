package io.inboxallocation.events;

import io.inboxallocation.auth.Actor;

/** Who an event is attributed to: a caller (its token's subject and role), or the service itself. */
public record EventActor(String id, String role) {

  /** Changes the service makes on its own, such as grace expiry. */
  public static final EventActor SYSTEM = new EventActor(null, "SYSTEM");

  public static EventActor of(Actor actor) {
    return new EventActor(actor.subject(), actor.role().name());
  }
}
