package io.inboxallocation.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * API steps shared by the conversation, allocation, label and status tests. Steps named after a result assert their
 * own success; the ones returning a {@link Http.Response} leave the judgement to the test.
 */
public final class Calls {

  private Calls() {
  }

  // ---------------------------------------------------------------- conversations

  public static JsonObject upsertBody(String inboxId, String externalId, String phone) {
    return new JsonObject().put("inboxId", inboxId).put("externalConversationId", externalId)
      .put("customerPhoneNumber", phone);
  }

  public static Http.Response upsert(Scenario s, JsonObject body) {
    return s.http.post("/conversations", s.service, body);
  }

  /** A new conversation with this message count and last message time (null: none). */
  public static JsonObject conversation(Scenario s, String inboxId, int messageCount, Instant lastMessageAt) {
    JsonObject extra = new JsonObject().put("messageCount", messageCount);
    if (lastMessageAt != null) {
      extra.put("lastMessageAt", lastMessageAt.toString());
    }
    return s.conversation(inboxId, extra);
  }

  /** A conversation whose last message was {@code secondsAgo} seconds ago. */
  public static JsonObject conversationAged(Scenario s, String inboxId, int messageCount, long secondsAgo) {
    return conversation(s, inboxId, messageCount, ago(secondsAgo));
  }

  public static JsonObject get(Scenario s, String token, String conversationId) {
    Http.Response got = s.http.get("/conversations/" + conversationId, token);
    assertEquals(200, got.status(), got::toString);
    return got.json();
  }

  public static JsonObject get(Scenario s, String conversationId) {
    return get(s, s.admin, conversationId);
  }

  public static JsonArray events(Scenario s, String conversationId) {
    Http.Response got = s.http.get("/conversations/" + conversationId + "/events", s.admin);
    assertEquals(200, got.status(), got::toString);
    return got.items();
  }

  public static List<String> eventTypes(Scenario s, String conversationId) {
    List<String> types = new ArrayList<>();
    for (Object event : events(s, conversationId)) {
      types.add(((JsonObject) event).getString("type"));
    }
    return types;
  }

  /** One listing page; {@code query} is the query string without '?' (may be empty). */
  public static Http.Response list(Scenario s, String token, String query) {
    return s.http.get("/conversations" + (query.isEmpty() ? "" : "?" + query), token);
  }

  public static List<String> listIds(Scenario s, String token, String query) {
    Http.Response page = list(s, token, query.isEmpty() ? "limit=100" : query + "&limit=100");
    assertEquals(200, page.status(), page::toString);
    return ids(page.items());
  }

  /** Walks every page of a listing with this page size; asserts the page shapes and returns the ids in order. */
  public static List<String> walk(Scenario s, String token, String query, int limit) {
    return walk(s, token, query, limit, () -> { });
  }

  /** As {@link #walk(Scenario, String, String, int)}, running {@code betweenPages} after each non-last page. */
  public static List<String> walk(Scenario s, String token, String query, int limit, Runnable betweenPages) {
    List<String> all = new ArrayList<>();
    String cursor = null;
    for (int page = 0; page < 1000; page++) {
      String q = query + (query.isEmpty() ? "" : "&") + "limit=" + limit + (cursor == null ? "" : "&cursor=" + q(cursor));
      Http.Response got = list(s, token, q);
      assertEquals(200, got.status(), got::toString);
      JsonObject body = got.json();
      assertTrue(body.containsKey("nextCursor"), () -> "nextCursor missing: " + body);
      JsonArray items = body.getJsonArray("items");
      assertTrue(items.size() <= limit, () -> "page larger than limit: " + body);
      all.addAll(ids(items));
      cursor = body.getString("nextCursor");
      if (cursor == null) {
        return all;
      }
      betweenPages.run();
    }
    return fail("pagination does not end");
  }

  // ---------------------------------------------------------------- allocation

  public static Http.Response allocate(Scenario s, String token) {
    return s.http.post("/allocation/allocate", token, new JsonObject());
  }

  /** POST /allocation/{action} with {conversationId}. */
  public static Http.Response command(Scenario s, String action, String token, String conversationId) {
    return s.http.post("/allocation/" + action, token, new JsonObject().put("conversationId", conversationId));
  }

  public static Http.Response claim(Scenario s, String token, String conversationId) {
    return command(s, "claim", token, conversationId);
  }

  public static Http.Response resolve(Scenario s, String token, String conversationId) {
    return command(s, "resolve", token, conversationId);
  }

  public static Http.Response deallocate(Scenario s, String token, String conversationId) {
    return command(s, "deallocate", token, conversationId);
  }

  public static Http.Response reassign(Scenario s, String token, String conversationId, String newOperatorId) {
    return s.http.post("/allocation/reassign", token,
      new JsonObject().put("conversationId", conversationId).put("newOperatorId", newOperatorId));
  }

  public static Http.Response move(Scenario s, String token, String conversationId, String newInboxId) {
    return s.http.post("/allocation/move-inbox", token,
      new JsonObject().put("conversationId", conversationId).put("newInboxId", newInboxId));
  }

  /** A new conversation in the inbox, claimed by the (AVAILABLE, subscribed) person. */
  public static JsonObject claimed(Scenario s, Scenario.Person owner, String inboxId) {
    String id = s.conversation(inboxId).getString("id");
    Http.Response claimed = claim(s, owner.token(), id);
    assertEquals(200, claimed.status(), claimed::toString);
    return claimed.json();
  }

  /** A new conversation claimed by the owner and then resolved by them. */
  public static JsonObject resolved(Scenario s, Scenario.Person owner, String inboxId) {
    String id = claimed(s, owner, inboxId).getString("id");
    Http.Response resolved = resolve(s, owner.token(), id);
    assertEquals(200, resolved.status(), resolved::toString);
    return resolved.json();
  }

  /** An AVAILABLE person with this role subscribed to the inboxes. */
  public static Scenario.Person available(Scenario s, String role, String... inboxIds) {
    Scenario.Person person = s.person(role);
    for (String inboxId : inboxIds) {
      s.subscribe(person.id(), inboxId);
    }
    s.setStatus(person, "AVAILABLE");
    return person;
  }

  // ---------------------------------------------------------------- tenant, labels

  public static JsonObject patchTenant(Scenario s, JsonObject changes) {
    Http.Response patched = s.http.patch("/tenants/me", s.admin, changes);
    assertEquals(200, patched.status(), patched::toString);
    return patched.json();
  }

  public static Http.Response createLabel(Scenario s, String token, String inboxId, String name, String color) {
    JsonObject body = new JsonObject().put("inboxId", inboxId).put("name", name);
    if (color != null) {
      body.put("color", color);
    }
    return s.http.post("/labels", token, body);
  }

  public static JsonObject label(Scenario s, String inboxId, String name, String color) {
    Http.Response created = createLabel(s, s.admin, inboxId, name, color);
    assertEquals(201, created.status(), created::toString);
    return created.json();
  }

  public static Http.Response attach(Scenario s, String token, String conversationId, String labelId) {
    return s.http.post("/conversations/" + conversationId + "/labels/" + labelId, token, null);
  }

  public static Http.Response detach(Scenario s, String token, String conversationId, String labelId) {
    return s.http.delete("/conversations/" + conversationId + "/labels/" + labelId, token);
  }

  // ---------------------------------------------------------------- values

  public static List<String> ids(JsonArray items) {
    List<String> ids = new ArrayList<>();
    for (Object item : items) {
      ids.add(((JsonObject) item).getString("id"));
    }
    return ids;
  }

  public static Set<String> idSet(JsonArray items) {
    return new LinkedHashSet<>(ids(items));
  }

  /** Query-string encoding (spaces as %20, '+' as %2B). */
  public static String q(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  public static Instant instant(String text) {
    assertNotNull(text, "timestamp is null");
    return OffsetDateTime.parse(text).toInstant();
  }

  /** Now minus the seconds, at millisecond precision (what the database keeps exactly). */
  public static Instant ago(long seconds) {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(seconds);
  }

  public static String randomId() {
    return UUID.randomUUID().toString();
  }

  /** The body without its time-dependent priorityScore, for "200 unchanged" comparisons. */
  public static JsonObject stable(JsonObject conversation) {
    JsonObject copy = conversation.copy();
    copy.remove("priorityScore");
    return copy;
  }

  /**
   * Asserts the action answers 200 with the conversation exactly as it was (apart from the time-dependent score),
   * that it stays so, and that no event was written.
   */
  public static void assertUnchanged(Scenario s, String conversationId, Supplier<Http.Response> action) {
    JsonObject before = get(s, conversationId);
    int events = events(s, conversationId).size();
    Http.Response answer = action.get();
    assertEquals(200, answer.status(), answer::toString);
    assertEquals(stable(before), stable(answer.json()), "answer of a repeated command");
    assertEquals(stable(before), stable(get(s, conversationId)), "stored after a repeated command");
    assertEquals(events, events(s, conversationId).size(), "a repeated command writes no event");
  }

  /** Polls until the condition holds or the deadline passes (then fails with the description). */
  public static void await(Duration deadline, Supplier<String> description, BooleanSupplier condition) {
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        fail("not within " + deadline.toMillis() + " ms: " + description.get());
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted");
      }
    }
  }

  /** A Brazilian mobile number in three spellings of the same E.164 value. */
  public record Phone(String e164, String formatted, String digits) {

    public static Phone random() {
      String rest = String.format("%07d", (long) (Math.random() * 10_000_000));
      String digits = "55119" + "8" + rest;
      return new Phone("+" + digits, "+55 11 98" + rest.substring(0, 3) + "-" + rest.substring(3), digits);
    }
  }
}
