package io.inboxallocation.status;

import io.inboxallocation.testing.Calls;
import io.inboxallocation.testing.Db;
import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.Scenario.Person;
import io.inboxallocation.testing.Tenants;
import io.inboxallocation.testing.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.inboxallocation.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** POST /grace-period/process, with the periodic sweeper slowed to ten minutes so only the endpoint acts. */
@ExtendWith(VertxExtension.class)
class GraceProcessTest {

  private static TestService app;

  @BeforeAll
  static void start(Vertx vertx) {
    app = TestService.start(vertx, Map.of("GRACE_SWEEP_INTERVAL_MS", "600000"));
  }

  @AfterAll
  static void drop() {
    app.dropDatabase();
  }

  /** A tenant with the grace window whose operator owned {@code count} conversations and went OFFLINE. */
  private record Setup(Scenario s, Person operator, List<String> owned) {
    static Setup offline(int graceSeconds, int count) {
      Scenario s = Tenants.create(app);
      Calls.patchTenant(s, new JsonObject().put("gracePeriodSeconds", graceSeconds));
      String inbox = s.inbox();
      Person operator = s.availableOperator(inbox);
      List<String> owned = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        owned.add(Calls.claimed(s, operator, inbox).getString("id"));
      }
      s.setStatus(operator, "OFFLINE");
      return new Setup(s, operator, owned);
    }

    JsonObject process(String token) {
      Http.Response run = post(s, token);
      assertEquals(200, run.status(), run::toString);
      return run.json();
    }

    void assertOwned(String state, String owner) {
      owned.forEach(id -> assertEquals(new Db.Row(state, owner), Db.conversation(app, id)));
    }
  }

  /** The contract gives this operation no request body, so none is sent. */
  private static Http.Response post(Scenario s, String token) {
    return s.http.send(HttpMethod.POST, "/grace-period/process", token, null).await();
  }

  private static JsonObject counts(int processed, int requeued) {
    return new JsonObject().put("processed", processed).put("requeued", requeued);
  }

  @Test
  void processRequeuesTheExpiredAssignmentsOfTheCallersTenantOnly() {
    Setup mine = Setup.offline(0, 2);
    Setup theirs = Setup.offline(0, 1);
    Http.Response pending = mine.s().http.get("/grace-period", mine.s().admin);
    assertEquals(2, pending.items().size(), pending::toString);
    mine.assertOwned("ALLOCATED", mine.operator().id());

    assertEquals(counts(2, 2), mine.process(mine.s().person("MANAGER").token()));

    mine.assertOwned("QUEUED", null);
    for (String id : mine.owned()) {
      List<String> types = Calls.eventTypes(mine.s(), id);
      assertEquals("RELEASED", types.get(types.size() - 1));
      assertEquals("GRACE_EXPIRED", Calls.events(mine.s(), id).getJsonObject(types.size() - 1).getString("reason"));
    }
    assertEquals(0, mine.s().http.get("/grace-period", mine.s().admin).items().size());
    theirs.assertOwned("ALLOCATED", theirs.operator().id());
    assertEquals(counts(0, 0), mine.process(mine.s().admin));

    assertEquals(counts(1, 1), theirs.process(theirs.s().admin));
    theirs.assertOwned("QUEUED", null);
  }

  @Test
  void unexpiredAssignmentsAreNotProcessed() {
    Setup t = Setup.offline(30, 2);

    assertEquals(counts(0, 0), t.process(t.s().admin));

    assertEquals(2, t.s().http.get("/grace-period", t.s().admin).items().size());
    t.assertOwned("ALLOCATED", t.operator().id());
  }

  @Test
  void cancelledAssignmentsAreNotProcessed() {
    Setup t = Setup.offline(0, 2);
    t.s().setStatus(t.operator(), "AVAILABLE");

    assertEquals(counts(0, 0), t.process(t.s().admin));
    t.assertOwned("ALLOCATED", t.operator().id());
  }

  @Test
  void processIsForManagersAndAdmins() {
    Setup t = Setup.offline(0, 1);
    assertProblem(post(t.s(), t.operator().token()), 403);
    assertProblem(post(t.s(), t.s().service), 403);
    t.assertOwned("ALLOCATED", t.operator().id());
  }
}
