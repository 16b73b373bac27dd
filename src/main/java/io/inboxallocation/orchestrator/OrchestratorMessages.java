package io.inboxallocation.orchestrator;

import io.inboxallocation.auth.Actor;
import io.inboxallocation.bus.Request;
import io.vertx.core.json.JsonObject;

import java.util.UUID;

/**
 * Event-bus messages of the orchestrator capability; each is a {@link io.inboxallocation.bus.Request}, addressed by its
 * class. Replies are the orchestrator's JSON, checked against orchestrator.yaml.
 */
public final class OrchestratorMessages {

  private OrchestratorMessages() {
  }

  /** A page of the conversation's messages, {@code {items, nextCursor}}; cursor and limit are null when not given. */
  public record GetHistory(Actor actor, UUID conversationId, String cursor, Integer limit)
    implements Request<JsonObject> {
  }

  /** The orchestrator's contact of the conversation's customer phone number. */
  public record GetContact(Actor actor, UUID conversationId) implements Request<JsonObject> {
  }
}
