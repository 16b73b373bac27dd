package io.inboxallocation.allocation;

import io.inboxallocation.testing.Calls;
import io.inboxallocation.testing.Db;
import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.Scenario.Person;
import io.inboxallocation.testing.ServiceTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.UUID;

import static io.inboxallocation.testing.Calls.claim;
import static io.inboxallocation.testing.Calls.command;
import static io.inboxallocation.testing.Calls.deallocate;
import static io.inboxallocation.testing.Calls.instant;
import static io.inboxallocation.testing.Calls.resolve;
import static io.inboxallocation.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** claim, resolve and deallocate: every legal transition, every illegal one, idempotent repeats, who may act. */
class AllocationTransitionsTest extends ServiceTest {

  /** A tenant with one inbox and one AVAILABLE operator subscribed to it. */
  private record Setup(Scenario s, String inbox, Person operator) {
    static Setup create(Scenario s) {
      String inbox = s.inbox();
      return new Setup(s, inbox, s.availableOperator(inbox));
    }

    String queued() {
      return s.conversation(inbox).getString("id");
    }

    String allocated() {
      return Calls.claimed(s, operator, inbox).getString("id");
    }

    String resolved() {
      return Calls.resolved(s, operator, inbox).getString("id");
    }

    /** OWNER (the operator), MANAGER (a new one, not subscribed, OFFLINE) or ADMIN. */
    String token(String who) {
      return switch (who) {
        case "OWNER" -> operator.token();
        case "MANAGER" -> s.person("MANAGER").token();
        case "ADMIN" -> s.admin;
        default -> throw new IllegalArgumentException(who);
      };
    }
  }

  private Setup setup() {
    return Setup.create(newTenant());
  }

  @Test
  void claimAllocatesAQueuedConversationToTheCaller() {
    Setup t = setup();
    String id = t.queued();

    Http.Response claimed = claim(t.s(), t.operator().token(), id);

    assertEquals(200, claimed.status(), claimed::toString);
    assertEquals("ALLOCATED", claimed.json().getString("state"));
    assertEquals(t.operator().id(), claimed.json().getString("assignedOperatorId"));
    assertEquals(new Db.Row("ALLOCATED", t.operator().id()), Db.conversation(app, id));
  }

  @Test
  void claimByTheOwnerAgainIsUnchanged() {
    Setup t = setup();
    String id = t.allocated();
    Calls.assertUnchanged(t.s(), id, () -> claim(t.s(), t.operator().token(), id));
  }

  @Test
  void claimOfAConversationOwnedBySomeoneElseOrResolvedIs409() {
    Setup t = setup();
    Person rival = t.s().availableOperator(t.inbox());
    String owned = t.allocated();
    String resolved = t.resolved();

    assertProblem(claim(t.s(), rival.token(), owned), 409);
    assertProblem(claim(t.s(), rival.token(), resolved), 409);
    assertProblem(claim(t.s(), t.operator().token(), resolved), 409);
    assertEquals(new Db.Row("ALLOCATED", t.operator().id()), Db.conversation(app, owned));
    assertEquals("RESOLVED", Db.conversation(app, resolved).state());
  }

  @Test
  void claimWhileOfflineIs409() {
    Setup t = setup();
    Person offline = t.s().person("OPERATOR");
    t.s().subscribe(offline.id(), t.inbox());
    String id = t.queued();

    assertProblem(claim(t.s(), offline.token(), id), 409);
    assertEquals(new Db.Row("QUEUED", null), Db.conversation(app, id));
  }

  @Test
  void claimOutsideTheCallersInboxes() {
    Setup t = setup();
    String id = t.queued();
    Person stranger = t.s().availableOperator(t.s().inbox());
    Person manager = Calls.available(t.s(), "MANAGER");

    assertProblem(claim(t.s(), stranger.token(), id), 404); // invisible to an operator
    assertProblem(claim(t.s(), manager.token(), id), 409);  // visible to a manager, but not subscribed
    assertEquals(new Db.Row("QUEUED", null), Db.conversation(app, id));

    t.s().subscribe(manager.id(), t.inbox());
    Http.Response claimed = claim(t.s(), manager.token(), id);
    assertEquals(200, claimed.status(), claimed::toString);
    assertEquals(manager.id(), claimed.json().getString("assignedOperatorId"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"OWNER", "MANAGER", "ADMIN"})
  void resolveClosesAnAllocatedConversation(String who) {
    Setup t = setup();
    String id = t.allocated();
    Instant before = Instant.now().minusSeconds(1);

    Http.Response resolved = resolve(t.s(), t.token(who), id);

    assertEquals(200, resolved.status(), resolved::toString);
    assertEquals("RESOLVED", resolved.json().getString("state"));
    Instant resolvedAt = instant(resolved.json().getString("resolvedAt"));
    assertTrue(resolvedAt.isAfter(before) && resolvedAt.isBefore(Instant.now().plusSeconds(1)), resolvedAt::toString);
    assertEquals("RESOLVED", Db.conversation(app, id).state());
    assertTrue(Calls.eventTypes(t.s(), id).contains("RESOLVED"));
  }

  @Test
  void resolveOfAResolvedConversationIsUnchanged() {
    Setup t = setup();
    String id = t.resolved();
    Calls.assertUnchanged(t.s(), id, () -> resolve(t.s(), t.operator().token(), id));
    Calls.assertUnchanged(t.s(), id, () -> resolve(t.s(), t.s().admin, id));
  }

  @Test
  void resolveOfAQueuedConversationIs409() {
    Setup t = setup();
    String id = t.queued();
    assertProblem(resolve(t.s(), t.s().admin, id), 409);
    assertEquals(new Db.Row("QUEUED", null), Db.conversation(app, id));
  }

  @ParameterizedTest
  @ValueSource(strings = {"OWNER", "MANAGER", "ADMIN"})
  void deallocatePutsTheConversationBackInTheQueue(String who) {
    Setup t = setup();
    String id = t.allocated();

    Http.Response released = deallocate(t.s(), t.token(who), id);

    assertEquals(200, released.status(), released::toString);
    assertEquals("QUEUED", released.json().getString("state"));
    assertNull(released.json().getValue("assignedOperatorId"));
    assertEquals(new Db.Row("QUEUED", null), Db.conversation(app, id));
  }

  @Test
  void deallocateOfAQueuedConversationIsUnchanged() {
    Setup t = setup();
    String id = t.queued();
    Calls.assertUnchanged(t.s(), id, () -> deallocate(t.s(), t.s().admin, id));
  }

  @Test
  void deallocateOfAResolvedConversationIs409() {
    Setup t = setup();
    String id = t.resolved();
    assertProblem(deallocate(t.s(), t.operator().token(), id), 409);
    assertProblem(deallocate(t.s(), t.s().admin, id), 409);
    assertEquals("RESOLVED", Db.conversation(app, id).state());
  }

  @ParameterizedTest
  @ValueSource(strings = {"resolve", "deallocate"})
  void anotherOperatorWhoSeesTheConversationGets403(String action) {
    Setup t = setup();
    Person colleague = t.s().availableOperator(t.inbox());
    String id = t.allocated();

    assertProblem(command(t.s(), action, colleague.token(), id), 403);
    assertEquals(new Db.Row("ALLOCATED", t.operator().id()), Db.conversation(app, id));
  }

  @ParameterizedTest
  @ValueSource(strings = {"claim", "resolve", "deallocate", "reassign", "move-inbox"})
  void unknownOrForeignConversationIs404(String action) {
    Setup t = setup();
    Scenario other = newTenant();
    String foreign = other.conversation(other.inbox()).getString("id");
    for (String id : new String[] {UUID.randomUUID().toString(), foreign}) {
      JsonObject body = new JsonObject().put("conversationId", id);
      if (action.equals("reassign")) {
        body.put("newOperatorId", t.operator().id());
      } else if (action.equals("move-inbox")) {
        body.put("newInboxId", t.inbox());
      }
      assertProblem(http.post("/allocation/" + action, action.equals("claim") ? t.operator().token() : t.s().admin,
        body), 404);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"allocate", "claim", "resolve", "deallocate", "reassign", "move-inbox"})
  void serviceAndPlatformAdminMayNotAllocate(String action) {
    Setup t = setup();
    String id = t.queued();
    JsonObject body = action.equals("allocate") ? new JsonObject() : new JsonObject().put("conversationId", id);
    if (action.equals("reassign")) {
      body.put("newOperatorId", t.operator().id());
    } else if (action.equals("move-inbox")) {
      body.put("newInboxId", t.s().inbox());
    }
    assertProblem(http.post("/allocation/" + action, t.s().service, body), 403);
    assertProblem(http.post("/allocation/" + action, app.platformToken(), body), 403);
    assertEquals(new Db.Row("QUEUED", null), Db.conversation(app, id));
  }
}
