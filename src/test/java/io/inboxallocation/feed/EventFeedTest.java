package io.inboxallocation.feed;

import io.inboxallocation.testing.Calls;
import io.inboxallocation.testing.Feeds;
import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.ProblemAssert;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.ServiceTest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /events}: every change, in order, exactly once, to whom may see it. */
class EventFeedTest extends ServiceTest {

  @Test
  void withoutAfterTheFeedStartsAtTheHead() {
    Scenario s = newTenant();
    String head = Feeds.head(http, s.admin);
    assertTrue(head.matches("[0-9]+"), head);
    assertEquals(List.of(), Feeds.readAll(http, s.admin, head).events());
  }

  @Test
  void everyChangeIsAnEventAndConversationEventsCarryTheConversationAsItWasThen() {
    Scenario s = newTenant();
    String cursor = Feeds.head(http, s.admin);
    String inbox = s.inbox();
    Scenario.Person operator = s.availableOperator(inbox);
    JsonObject created = s.conversation(inbox);
    String id = created.getString("id");
    JsonObject allocated = Calls.allocate(s, operator.token()).json();
    JsonObject label = Calls.label(s, inbox, "vip", "#ff0000");
    JsonObject labelled = Calls.attach(s, operator.token(), id, label.getString("id")).json();
    JsonObject resolved = Calls.resolve(s, operator.token(), id).json();
    assertEquals(200, http.patch("/operators/" + operator.id(), s.admin, new JsonObject().put("role", "MANAGER")).status());

    Feeds.Read read = Feeds.readAll(http, s.admin, cursor);
    assertEquals(List.of("INBOX_CREATED", "OPERATOR_CREATED", "SUBSCRIPTION_ADDED", "OPERATOR_STATUS_CHANGED",
      "CREATED", "ALLOCATED", "LABEL_CREATED", "LABEL_ADDED", "RESOLVED", "OPERATOR_UPDATED"), read.types());
    List<JsonObject> events = read.events();
    assertEquals(Calls.stable(created), Calls.stable(events.get(4).getJsonObject("conversation")));
    assertEquals(Calls.stable(allocated), Calls.stable(events.get(5).getJsonObject("conversation")));
    assertEquals(Calls.stable(labelled), Calls.stable(events.get(7).getJsonObject("conversation")));
    assertEquals(Calls.stable(resolved), Calls.stable(events.get(8).getJsonObject("conversation")));
    assertEquals(inbox, events.get(5).getString("inboxId"));
    assertEquals(id, events.get(5).getString("conversationId"));
    assertEquals(operator.id(), events.get(5).getString("operatorId"));
    assertEquals("MANAGER", events.get(9).getJsonObject("details").getString("role"));
    assertEquals(operator.id(), events.get(1).getJsonObject("details").getString("id"));
    for (int i = 1; i < events.size(); i++) {
      assertTrue(Long.parseLong(events.get(i).getString("cursor")) > Long.parseLong(events.get(i - 1).getString("cursor")));
    }
    assertEquals(List.of(), Feeds.readAll(http, s.admin, read.cursor()).events(), "nothing twice");
  }

  @Test
  void anEventWhoseTransactionCommitsLateIsNotSkipped() throws Exception {
    Scenario s = newTenant();
    String inbox = s.inbox();
    String cursor = Feeds.head(http, s.admin);
    try (Connection slow = app.jdbc()) {
      slow.setAutoCommit(false);
      // Takes its event id now, before the fast change below, and commits after it.
      try (PreparedStatement insert = slow.prepareStatement(
        "INSERT INTO domain_event (tenant_id, type, actor_role, inbox_id, details) VALUES (?, 'INBOX_UPDATED', 'ADMIN', ?, '{}')")) {
        insert.setObject(1, s.tenantId);
        insert.setObject(2, UUID.fromString(inbox));
        insert.executeUpdate();
      }
      JsonObject fast = s.conversation(inbox);
      Feeds.Read before = Feeds.readAll(http, s.admin, cursor);
      assertEquals(List.of("CREATED"), before.types());
      assertEquals(fast.getString("id"), before.events().get(0).getString("conversationId"));
      slow.commit();

      long deadline = System.currentTimeMillis() + 5_000;
      Feeds.Read after;
      do {
        after = Feeds.readAll(http, s.admin, before.cursor());
      } while (after.events().isEmpty() && System.currentTimeMillis() < deadline);
      assertEquals(List.of("INBOX_UPDATED"), after.types(), "the late event comes after the cursor that skipped past it");
      assertTrue(after.events().get(0).getLong("id") < before.events().get(0).getLong("id"), "its id is the older one");
    }
  }

  @Test
  void operatorsSeeTheirInboxesTheirConversationsAndThemselvesOnly() {
    Scenario s = newTenant();
    String mine = s.inbox();
    String other = s.inbox();
    Scenario.Person operator = s.availableOperator(mine);
    Scenario stranger = newTenant();
    String cursor = Feeds.head(http, s.admin);
    s.conversation(mine);
    s.conversation(other);
    String held = s.conversation(mine).getString("id");
    assertEquals(200, Calls.claim(s, operator.token(), held).status());
    // To an inbox it is not subscribed to: the owner is released, and still sees that it was.
    assertEquals(200, Calls.move(s, s.admin, held, other).status());
    // A queued one leaves their inbox: they see it go, and nothing of it afterwards.
    String leaving = s.conversation(mine).getString("id");
    assertEquals(200, Calls.move(s, s.admin, leaving, other).status());
    assertEquals(200, Calls.move(s, s.admin, leaving, s.inbox()).status());
    Scenario.Person colleague = s.person("OPERATOR");
    s.setStatus(colleague, "AVAILABLE");
    s.setStatus(operator, "OFFLINE");

    Feeds.Read seen = Feeds.readAll(http, operator.token(), cursor);
    assertEquals(List.of("CREATED", "CREATED", "ALLOCATED", "MOVED", "RELEASED", "CREATED", "MOVED",
      "OPERATOR_STATUS_CHANGED"), seen.types());
    assertEquals(leaving, seen.events().get(6).getString("conversationId"));
    assertEquals(other, seen.events().get(6).getString("inboxId"), "the move out of their inbox");
    assertEquals(13, Feeds.readAll(http, s.admin, cursor).events().size(), "a manager sees all of it");
    assertEquals(Feeds.readAll(http, s.admin, cursor).cursor(), seen.cursor(), "both end at the head");

    assertEquals(List.of(), Feeds.readAll(http, stranger.admin, cursor).events(), "another tenant sees nothing");
    assertEquals(List.of(), Feeds.readAll(http, stranger.service, cursor).events());
  }

  @Test
  void aMalformedCursorIs400() {
    Scenario s = newTenant();
    for (String bad : List.of("abc", "-1", "1.5", "99999999999999999999", "%20")) {
      Http.Response answer = http.get("/events?after=" + bad, s.admin);
      ProblemAssert.assertProblem(answer, 400);
    }
    ProblemAssert.assertProblem(http.get("/events?after=999999999999", s.admin), 400);
    ProblemAssert.assertProblem(http.get("/events?limit=501", s.admin), 400);
    ProblemAssert.assertProblem(http.get("/events?wait=31", s.admin), 400);
    assertEquals(401, http.get("/events", null).status());
    assertEquals(403, http.get("/events", app.platformToken()).status());
  }

  @Test
  void aLongPollAnswersAsSoonAsAnEventArrives() throws Exception {
    Scenario s = newTenant();
    String inbox = s.inbox();
    String cursor = Feeds.head(http, s.admin);
    long start = System.nanoTime();
    var waiting = http.send(HttpMethod.GET, "/events?wait=20&after=" + cursor, s.admin, null);
    Thread.sleep(500);
    assertTrue(!waiting.isComplete(), "an empty long poll waits");
    s.conversation(inbox);
    Http.Response answer = waiting.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertEquals(200, answer.status(), answer::toString);
    assertEquals("CREATED", answer.items().getJsonObject(0).getString("type"));
    assertTrue(millis < 3_000, "answered after " + millis + " ms");

    long idleStart = System.nanoTime();
    Http.Response idle = http.get("/events?wait=1&after=" + answer.json().getString("nextCursor"), s.admin);
    long idleMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - idleStart);
    assertEquals(0, idle.items().size());
    assertTrue(idleMillis >= 900 && idleMillis < 5_000, "waited " + idleMillis + " ms");
  }
}
