package io.inboxallocation.orchestrator;

import io.inboxallocation.testing.Calls;
import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.Scenario.Person;
import io.inboxallocation.testing.Tenants;
import io.inboxallocation.testing.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.UUID;

import static io.inboxallocation.testing.ProblemAssert.assertBadField;
import static io.inboxallocation.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /conversations/{id}/history} and {@code /contact} against a real HTTP server standing in for the
 * orchestrator: what is passed on, how each failure of the orchestrator is answered, the contact cache, and that
 * visibility is exactly that of {@code GET /conversations/{id}}.
 */
@ExtendWith(VertxExtension.class)
class HistoryAndContactTest {

  private static final int TIMEOUT_MILLIS = 300;

  private static FakeOrchestrator orchestrator;
  private static TestService app;
  private static Http http;
  private static Scenario s;
  private static String inbox;
  private static String conversation;

  @BeforeAll
  static void start(Vertx vertx) {
    orchestrator = FakeOrchestrator.start(vertx);
    app = TestService.start(vertx, orchestrator.environment(TIMEOUT_MILLIS, 10_000));
    http = app.http;
    s = Tenants.create(app);
    inbox = s.inbox();
    conversation = s.conversation(inbox).getString("id");
  }

  @AfterAll
  static void stop() {
    app.vertx.close().await();
    app.dropDatabase();
  }

  /**
   * A success before each test: the failures one test provokes never add up with the next test's to five in a row,
   * which would open the circuit breaker ({@link OrchestratorBreakerTest} is about that).
   */
  @BeforeEach
  void healthyOrchestrator() {
    orchestrator.healthy();
    Http.Response history = http.get(history(conversation), s.admin);
    assertEquals(200, history.status(), history::toString);
    orchestrator.forgetCalls();
  }

  @Test
  void historyIsTheOrchestratorsPageWithTheTokenTheEncodedIdAndTheCursorAndLimitPassedOn() {
    String id = s.conversation(inbox, new JsonObject().put("externalConversationId", "wa/1 2+3")).getString("id");

    Http.Response page = http.get(history(id) + "?cursor=" + Calls.q("a+b/c=") + "&limit=20", s.admin);

    assertEquals(200, page.status(), page::toString);
    assertEquals(FakeOrchestrator.PAGE, page.json());
    FakeOrchestrator.Call call = orchestrator.lastCall();
    assertAll(call.toString(),
      () -> assertNull(call.violation()),
      () -> assertEquals("/conversations/wa%2F1%202%2B3/messages", call.path()),
      () -> assertEquals("Bearer " + FakeOrchestrator.TOKEN, call.authorization()),
      () -> assertEquals("a+b/c=", call.query().get("cursor")),
      () -> assertEquals("20", call.query().get("limit")));

    Http.Response first = http.get(history(id), s.admin);
    assertEquals(200, first.status(), first::toString);
    assertTrue(orchestrator.lastCall().query().isEmpty(), "no cursor nor limit when none was given");
  }

  @Test
  void aLimitOrCursorOutsideTheContractIs400AndTheOrchestratorIsNotAsked() {
    assertBadField(http.get(history(conversation) + "?limit=0", s.admin), "limit");
    assertBadField(http.get(history(conversation) + "?limit=101", s.admin), "limit");
    assertBadField(http.get(history(conversation) + "?limit=ten", s.admin), "limit");
    assertBadField(http.get(history(conversation) + "?cursor=", s.admin), "cursor");
    assertEquals(List.of(), orchestrator.calls());
  }

  @Test
  void aLastPageHasANullCursorWhetherTheOrchestratorSaysNullOrNothing() {
    for (String body : List.of("{\"items\":[],\"nextCursor\":null}", "{\"items\":[]}")) {
      orchestrator.answer(200, body);
      Http.Response page = http.get(history(conversation), s.admin);
      assertEquals(200, page.status(), page::toString);
      assertEquals(new JsonObject().put("items", List.of()).putNull("nextCursor"), page.json(), body);
    }
  }

  @Test
  void contactIsTheOrchestratorsContactOfTheCustomerPhoneNumberInE164() {
    String phone = Scenario.randomPhone();
    String id = s.conversation(inbox, new JsonObject().put("customerPhoneNumber", phone)).getString("id");

    Http.Response contact = http.get(contact(id), s.admin);

    assertEquals(200, contact.status(), contact::toString);
    assertEquals(new JsonObject().put("name", "Maria").put("call", 1), contact.json());
    FakeOrchestrator.Call call = orchestrator.lastCall();
    assertAll(call.toString(),
      () -> assertNull(call.violation()),
      () -> assertEquals("/contacts/by-phone/%2B" + phone.substring(1), call.path()),
      () -> assertEquals("Bearer " + FakeOrchestrator.TOKEN, call.authorization()));
  }

  @Test
  void anOrchestratorSlowerThanTheTimeoutIs504InTime() {
    orchestrator.answerAfter(5 * TIMEOUT_MILLIS, 200, FakeOrchestrator.PAGE.encode());
    long started = System.nanoTime();

    Http.Response answer = http.get(history(conversation), s.admin);

    long tookMillis = (System.nanoTime() - started) / 1_000_000;
    assertProblem(answer, 504);
    assertTrue(tookMillis < 3 * TIMEOUT_MILLIS, "answered after " + tookMillis + " ms");
  }

  @Test
  void anOrchestratorErrorIs502() {
    orchestrator.answer(500, "{\"error\":\"boom\"}");
    assertProblem(http.get(history(conversation), s.admin), 502);
    orchestrator.answer(503, "");
    assertProblem(http.get(contact(fresh()), s.admin), 502);
  }

  @Test
  void malformedJsonOrTheWrongShapeIs502() {
    assertBadAnswer(history(conversation), "{\"items\": [1, 2");
    assertBadAnswer(history(conversation), "{\"items\": {}, \"nextCursor\": null}");
    assertBadAnswer(history(conversation), "{\"items\": [], \"nextCursor\": 7}");
    assertBadAnswer(contact(fresh()), "[{\"name\": \"Maria\"}]");
  }

  private static void assertBadAnswer(String path, String body) {
    orchestrator.answer(200, body);
    JsonObject problem = assertProblem(http.get(path, s.admin), 502);
    assertTrue(problem.getString("detail").contains("orchestrator"), problem::encode);
  }

  @Test
  void unknownToTheOrchestratorIs404() {
    orchestrator.answer(404, "{}");
    assertTrue(assertProblem(http.get(history(conversation), s.admin), 404).getString("detail")
      .contains("orchestrator"));
    assertProblem(http.get(contact(fresh()), s.admin), 404);
  }

  @Test
  void anotherClientErrorOrARedirectOfTheOrchestratorIs502AndTheRedirectIsNotFollowed() {
    orchestrator.answer(401, "{}");
    JsonObject refused = assertProblem(http.get(history(conversation), s.admin), 502);
    assertTrue(refused.getString("detail").contains("401"), refused::encode);

    orchestrator.redirect();
    assertProblem(http.get(contact(fresh()), s.admin), 502);
    assertEquals(2, orchestrator.calls().size(), () -> "the redirect was followed: " + orchestrator.calls());
  }

  @Test
  void anUnreachableOrchestratorIs502() {
    orchestrator.down();
    try {
      assertProblem(http.get(history(conversation), s.admin), 502);
      assertProblem(http.get(contact(fresh()), s.admin), 502);
    } finally {
      orchestrator.up();
    }
    assertEquals(200, http.get(history(conversation), s.admin).status());
  }

  @Test
  void contactsAreCachedPerTenantAndPhoneNumberAndFailuresAreNot() {
    String phone = Scenario.randomPhone();
    String mine = s.conversation(inbox, new JsonObject().put("customerPhoneNumber", phone)).getString("id");
    Scenario other = Tenants.create(app);
    String theirs = other.conversation(other.inbox(), new JsonObject().put("customerPhoneNumber", phone))
      .getString("id");

    orchestrator.answer(404, "{}");
    assertProblem(http.get(contact(mine), s.admin), 404);
    orchestrator.healthy();
    Http.Response first = http.get(contact(mine), s.admin);
    Http.Response again = http.get(contact(mine), s.admin);
    Http.Response otherTenant = http.get(contact(theirs), other.admin);

    assertEquals(200, first.status(), first::toString);
    assertEquals(first.json(), again.json(), "the second read within the time to live is the cached contact");
    assertEquals(200, otherTenant.status(), otherTenant::toString);
    assertNotEquals(first.json(), otherTenant.json(), "another tenant's read of the same number is its own");
    assertEquals(3, orchestrator.calls().size(), () -> "the 404, then one call per tenant: " + orchestrator.calls());
  }

  @Test
  void whoMayReadHistoryAndContactIsWhoMayReadTheConversation() {
    String theirInbox = s.inbox();
    String visible = s.conversation(inbox).getString("id");
    Person subscribed = s.availableOperator(inbox);
    Person unsubscribed = s.availableOperator(theirInbox);
    Person formerlySubscribed = s.availableOperator(inbox);
    String held = Calls.claimed(s, formerlySubscribed, inbox).getString("id");
    assertEquals(204, http.delete("/operator-inbox-subscriptions/" + subscriptionOf(formerlySubscribed), s.admin)
      .status());
    Scenario foreign = Tenants.create(app);
    String platform = app.platformToken();

    expect(200, visible, subscribed.token());
    expect(200, held, formerlySubscribed.token());
    expect(404, visible, unsubscribed.token());
    expect(404, visible, foreign.admin);
    expect(404, visible, foreign.service);
    expect(404, UUID.randomUUID().toString(), s.admin);
    expect(403, visible, platform);
    expect(200, fresh(), s.service);
  }

  /**
   * History and contact answer the status GET /conversations/{id} answers, and ask the orchestrator only on a 200 (each
   * 200 on a conversation whose contact is not cached yet).
   */
  private static void expect(int status, String conversationId, String token) {
    orchestrator.forgetCalls();
    int get = http.get("/conversations/" + conversationId, token).status();
    Http.Response history = http.get(history(conversationId), token);
    Http.Response contact = http.get(contact(conversationId), token);
    assertAll("conversation " + conversationId,
      () -> assertEquals(status, get, "GET /conversations/{id}"),
      () -> assertEquals(status, history.status(), history::toString),
      () -> assertEquals(status, contact.status(), contact::toString),
      () -> assertEquals(status == 200 ? 2 : 0, orchestrator.calls().size(), () -> "calls " + orchestrator.calls()));
  }

  private static String subscriptionOf(Person operator) {
    Http.Response subscriptions = http.get("/operator-inbox-subscriptions?operatorId=" + operator.id(), s.admin);
    assertEquals(200, subscriptions.status(), subscriptions::toString);
    return subscriptions.items().getJsonObject(0).getString("id");
  }

  /** A new conversation, with a customer phone number of its own: no contact of it is cached. */
  private static String fresh() {
    return s.conversation(inbox).getString("id");
  }

  private static String history(String conversationId) {
    return "/conversations/" + conversationId + "/history";
  }

  private static String contact(String conversationId) {
    return "/conversations/" + conversationId + "/contact";
  }
}
