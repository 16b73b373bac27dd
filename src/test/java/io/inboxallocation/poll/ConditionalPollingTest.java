package io.inboxallocation.poll;

import io.inboxallocation.Service;
import io.inboxallocation.testing.Calls;
import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.ServiceTest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ETags and 304s: a current tag costs no SQL statement at all, a change shows at once on the node that made it and
 * within a second on another, and so do demotions, unsubscriptions and deletions (the node-local access cache).
 */
class ConditionalPollingTest extends ServiceTest {

  private static final Duration ONE_SECOND = Duration.ofSeconds(1);

  private static Vertx otherVertx;
  /** A second node on the same database. */
  private static Http nodeB;

  @BeforeAll
  static void startSecondNode() {
    otherVertx = Vertx.vertx();
    Service node = Service.start(otherVertx, app.config).await();
    nodeB = new Http(otherVertx, node.port());
  }

  @AfterAll
  static void stopSecondNode() {
    otherVertx.close().await();
  }

  @Test
  void theConditionalReadsAnswerWithAStrongTagAnd304WhileItIsCurrent() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    String conversation = s.conversation(inbox).getString("id");
    for (String path : List.of("/conversations", "/conversations?state=QUEUED&sort=priority&inboxId=" + inbox,
      "/conversations/" + conversation, "/inboxes", "/operators")) {
      Http.Response first = tagged(http, path, s.admin);
      String etag = first.headers().get("ETag");
      assertTrue(etag.startsWith("\"") && etag.endsWith("\""), etag);
      assertEquals("no-cache", first.headers().get("Cache-Control"));
      Http.Response again = http.getIfNoneMatch(path, s.admin, etag);
      assertEquals(304, again.status(), path);
      assertEquals("", again.body());
      assertEquals(etag, again.headers().get("ETag"));
      assertEquals(200, http.getIfNoneMatch(path, s.admin, "\"something-else\"").status());
    }
    String etag = tagged(http, "/inboxes", s.admin).headers().get("ETag");
    assertNotEquals(etag, tagged(http, "/inboxes?", s.admin).headers().get("ETag"), "another request, another tag");
  }

  @Test
  void aCurrentTagIsAnsweredWithoutAnySqlStatement() throws Exception {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Scenario.Person operator = s.availableOperator(inbox);
    s.conversation(inbox);
    String path = "/conversations?state=QUEUED&sort=priority";
    String etag = tagged(http, path, operator.token()).headers().get("ETag");
    try (Connection db = app.jdbc(); Statement sql = db.createStatement()) {
      sql.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
      long before = statements(sql);
      for (int i = 0; i < 200; i++) {
        assertEquals(304, http.getIfNoneMatch(path, operator.token(), etag).status());
      }
      assertEquals(before, statements(sql), "200 polls answered 304 without a statement, authorisation included");
      assertEquals(200, http.get(path, operator.token()).status());
      assertTrue(statements(sql) > before, "the counter does count a poll without the tag");
    }
  }

  @Test
  void aChangeThroughThisNodeIsNeverAnswered304() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    String conversation = s.conversation(inbox).getString("id");
    for (int i = 0; i < 20; i++) {
      String listTag = tagged(http, "/conversations", s.admin).headers().get("ETag");
      String oneTag = tagged(http, "/conversations/" + conversation, s.admin).headers().get("ETag");
      assertEquals(201, Calls.upsert(s, Calls.upsertBody(inbox, "ext-" + i, Scenario.randomPhone())).status());
      assertEquals(200, http.getIfNoneMatch("/conversations", s.admin, listTag).status(), "at once, round " + i);
      assertEquals(200, http.getIfNoneMatch("/conversations/" + conversation, s.admin, oneTag).status(),
        "another conversation changed, but the tag is the tenant's");
    }
  }

  @Test
  void anOperatorsTagFollowsWhatTheyCanSeeNotTheWholeTenant() {
    Scenario s = newTenant();
    String mine = s.inbox();
    String other = s.inbox();
    Scenario.Person operator = s.availableOperator(mine);
    String inMine = s.conversation(mine).getString("id");
    String path = "/conversations?state=QUEUED";
    String etag = settledTag(http, path, operator.token());

    assertEquals(201, Calls.upsert(s, Calls.upsertBody(other, "elsewhere", Scenario.randomPhone())).status());
    assertEquals(304, http.getIfNoneMatch(path, operator.token(), etag).status(), "a change they cannot see");

    assertEquals(200, Calls.move(s, s.admin, inMine, other).status());
    Http.Response moved = http.getIfNoneMatch(path, operator.token(), etag);
    assertEquals(200, moved.status(), "a conversation moved out of their inbox");
    assertEquals(List.of(), ids(moved));

    etag = settledTag(http, path, operator.token());
    String managerTag = settledTag(http, path, s.admin);
    assertEquals(201, Calls.upsert(s, Calls.upsertBody(other, "elsewhere too", Scenario.randomPhone())).status());
    assertEquals(304, http.getIfNoneMatch(path, operator.token(), etag).status());
    assertEquals(200, http.getIfNoneMatch(path, s.admin, managerTag).status(), "a manager sees every inbox");

    String arrived = s.conversation(mine).getString("id");
    Http.Response changed = http.getIfNoneMatch(path, operator.token(), etag);
    assertEquals(200, changed.status(), "a change in their inbox");
    assertEquals(List.of(arrived), ids(changed));
  }

  @Test
  void aChangeThroughAnotherNodeShowsWithinOneSecond() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    String conversation = s.conversation(inbox).getString("id");
    Scenario.Person operator = s.availableOperator(inbox);
    String etag = settledTag(nodeB, "/conversations/" + conversation, s.admin);
    long start = System.nanoTime();
    assertEquals(200, Calls.claim(s, operator.token(), conversation).status());
    Http.Response changed = untilNot304(nodeB, "/conversations/" + conversation, s.admin, etag);
    assertTrue(System.nanoTime() - start < ONE_SECOND.toNanos(), "took " + (System.nanoTime() - start) / 1_000_000 + " ms");
    assertEquals("ALLOCATED", changed.json().getString("state"));
  }

  @Test
  void demotionUnsubscriptionAndDeletionTakeEffectAtOnceHereAndWithinOneSecondElsewhere() {
    Scenario s = newTenant();
    String mine = s.inbox();
    String other = s.inbox();
    Scenario.Person manager = s.person("MANAGER");
    String subscription = s.subscribe(manager.id(), mine);
    String inMine = s.conversation(mine).getString("id");
    String inOther = s.conversation(other).getString("id");
    assertEquals(Set.of(inMine, inOther), Set.copyOf(ids(tagged(http, "/conversations", manager.token()))));
    assertEquals(Set.of(inMine, inOther), Set.copyOf(ids(tagged(nodeB, "/conversations", manager.token()))));

    assertEquals(200, http.patch("/operators/" + manager.id(), s.admin, new JsonObject().put("role", "OPERATOR")).status());
    assertEquals(List.of(inMine), ids(http.get("/conversations", manager.token())), "demoted at once on this node");
    awaitWithinOneSecond(() -> ids(nodeB.get("/conversations", manager.token())).equals(List.of(inMine)),
      "demoted on the other node");

    assertEquals(204, http.delete("/operator-inbox-subscriptions/" + subscription, s.admin).status());
    assertEquals(List.of(), ids(http.get("/conversations", manager.token())), "unsubscribed at once on this node");
    awaitWithinOneSecond(() -> ids(nodeB.get("/conversations", manager.token())).isEmpty(),
      "unsubscribed on the other node");

    assertEquals(204, http.delete("/operators/" + manager.id(), s.admin).status());
    assertEquals(401, http.get("/conversations", manager.token()).status(), "deleted at once on this node");
    awaitWithinOneSecond(() -> nodeB.get("/conversations", manager.token()).status() == 401,
      "deleted on the other node");
  }

  /** A 200 with an ETag: right after a write the node may not vouch for a version yet (no tag), briefly. */
  private static Http.Response tagged(Http node, String path, String token) {
    long deadline = System.nanoTime() + ONE_SECOND.toNanos();
    while (true) {
      Http.Response answer = node.get(path, token);
      assertEquals(200, answer.status(), answer::toString);
      if (answer.headers().get("ETag") != null || System.nanoTime() > deadline) {
        assertNotNull(answer.headers().get("ETag"), "a tag within a second of the last write");
        return answer;
      }
    }
  }

  /**
   * A tag the node answers 304 to: the other node learns of this test's set-up writes within a second, and a tag it
   * gave before that is rightly replaced.
   */
  private static String settledTag(Http node, String path, String token) {
    long deadline = System.nanoTime() + ONE_SECOND.toNanos();
    while (true) {
      String etag = tagged(node, path, token).headers().get("ETag");
      int status = node.getIfNoneMatch(path, token, etag).status();
      if (status == 304 || System.nanoTime() > deadline) {
        assertEquals(304, status, "the same tag again within a second of the last write");
        return etag;
      }
    }
  }

  private static Http.Response untilNot304(Http node, String path, String token, String etag) {
    long deadline = System.nanoTime() + 2 * ONE_SECOND.toNanos();
    while (true) {
      Http.Response answer = node.getIfNoneMatch(path, token, etag);
      if (answer.status() != 304 || System.nanoTime() > deadline) {
        assertEquals(200, answer.status(), answer::toString);
        return answer;
      }
    }
  }

  private static void awaitWithinOneSecond(java.util.function.BooleanSupplier condition, String what) {
    long start = System.nanoTime();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() - start < ONE_SECOND.toNanos(), what + ": not within 1 s");
    }
  }

  private static List<String> ids(Http.Response listing) {
    assertEquals(200, listing.status(), listing::toString);
    return Calls.ids(listing.items());
  }

  /**
   * Statements this test's database ran, but for the background work of the nodes (feed relay and retention, grace
   * sweep, idempotency purge, push assignment's sweep, webhook dispatcher, queue metrics).
   */
  private static long statements(Statement sql) throws Exception {
    try (ResultSet rows = sql.executeQuery("""
      SELECT coalesce(sum(calls), 0) FROM pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND query NOT ILIKE '%domain_event%' AND query NOT ILIKE '%event_feed%'
        AND query NOT ILIKE '%grace_period_assignment%' AND query NOT ILIKE '%idempotency%'
        AND query NOT ILIKE '%assignment_mode%' AND query NOT ILIKE '%webhook%' AND query NOT ILIKE '%oldest_seconds%'
        AND query NOT ILIKE '%pg_stat_statements%'""")) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
