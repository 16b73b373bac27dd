package io.inboxallocation.allocation;

import io.inboxallocation.testing.Calls;
import io.inboxallocation.testing.Db;
import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.Scenario.Person;
import io.inboxallocation.testing.ServiceTest;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Many operators at once: nobody gets a conversation twice, and exactly one claimer wins. */
class AllocationConcurrencyTest extends ServiceTest {

  @Test
  void twentyFiveOperatorsDrainAQueueOfAHundredWithoutDuplicates() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Set<String> queued = new HashSet<>();
    List<Future<Http.Response>> upserts = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      upserts.add(s.http.send(HttpMethod.POST, "/conversations", s.service, Calls.upsertBody(inbox,
        "ext-" + Calls.randomId(), Scenario.randomPhone()).put("messageCount", i % 7)));
    }
    Future.all(upserts).await();
    upserts.forEach(u -> {
      assertEquals(201, u.result().status(), u.result()::toString);
      queued.add(u.result().id());
    });
    List<Person> operators = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      operators.add(s.availableOperator(inbox));
    }

    Map<String, ConcurrentLinkedQueue<String>> received = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
    List<Future<Void>> loops = new ArrayList<>();
    for (Person operator : operators) {
      received.put(operator.id(), new ConcurrentLinkedQueue<>());
      loops.add(allocateUntilEmpty(s, operator, received.get(operator.id()), unexpected, 0));
    }
    Future.all(loops).await();

    assertTrue(unexpected.isEmpty(), () -> "unexpected answers: " + unexpected);
    List<String> all = new ArrayList<>();
    received.values().forEach(all::addAll);
    assertEquals(100, all.size(), "conversations given out");
    assertEquals(queued, new HashSet<>(all), "each conversation exactly once");
    Map<String, Db.Row> expected = new HashMap<>();
    received.forEach((owner, ids) -> ids.forEach(id -> expected.put(id, new Db.Row("ALLOCATED", owner))));
    assertEquals(expected, Db.conversations(app, s.tenantId), "stored owners are the receivers");
  }

  /** One operator's loop: allocate until 204, recording what it got; anything but 200/204 is noted. */
  private static Future<Void> allocateUntilEmpty(Scenario s, Person operator, ConcurrentLinkedQueue<String> got,
                                                 ConcurrentLinkedQueue<String> unexpected, int round) {
    if (round > 150) {
      unexpected.add(operator.id() + " never got 204");
      return Future.succeededFuture();
    }
    return s.http.send(HttpMethod.POST, "/allocation/allocate", operator.token(), new JsonObject())
      .compose(answer -> {
        if (answer.status() == 204) {
          return Future.succeededFuture();
        }
        if (answer.status() == 200) {
          JsonObject c = answer.json();
          if (!operator.id().equals(c.getString("assignedOperatorId")) || !"ALLOCATED".equals(c.getString("state"))) {
            unexpected.add(answer.toString());
          }
          got.add(c.getString("id"));
        } else {
          unexpected.add(answer.toString());
        }
        return allocateUntilEmpty(s, operator, got, unexpected, round + 1);
      });
  }

  @Test
  void fifteenSimultaneousClaimsHaveExactlyOneWinner() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    String id = s.conversation(inbox).getString("id");
    List<Person> operators = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      operators.add(s.availableOperator(inbox));
    }

    List<Future<Http.Response>> claims = new ArrayList<>();
    for (Person operator : operators) {
      claims.add(s.http.send(HttpMethod.POST, "/allocation/claim", operator.token(),
        new JsonObject().put("conversationId", id)));
    }
    Future.all(claims).await();

    List<String> winners = new ArrayList<>();
    for (int i = 0; i < operators.size(); i++) {
      Http.Response answer = claims.get(i).result();
      if (answer.status() == 200) {
        winners.add(operators.get(i).id());
        assertEquals(operators.get(i).id(), answer.json().getString("assignedOperatorId"));
      } else {
        assertEquals(409, answer.status(), answer::toString);
      }
    }
    assertEquals(1, winners.size(), () -> "winners: " + winners);
    assertEquals(new Db.Row("ALLOCATED", winners.get(0)), Db.conversation(app, id));
    assertEquals(1, Calls.eventTypes(s, id).stream().filter("ALLOCATED"::equals).count());
  }

  @Test
  void concurrentResolveAndDeallocateLeaveOneConsistentOutcome() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Person owner = s.availableOperator(inbox);
    String id = Calls.claimed(s, owner, inbox).getString("id");
    Person manager = s.person("MANAGER");

    List<Future<Http.Response>> answers = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String action = i % 2 == 0 ? "/allocation/resolve" : "/allocation/deallocate";
      answers.add(s.http.send(HttpMethod.POST, action, i % 3 == 0 ? owner.token() : manager.token(),
        new JsonObject().put("conversationId", id)));
    }
    Future.all(answers).await();

    for (Future<Http.Response> answer : answers) {
      int status = answer.result().status();
      assertTrue(status == 200 || status == 409 || status == 403, answer.result()::toString);
    }
    Db.Row row = Db.conversation(app, id);
    assertTrue(row.equals(new Db.Row("RESOLVED", null)) || row.equals(new Db.Row("QUEUED", null)), row::toString);
    // exactly one transition out of ALLOCATED happened, and the log agrees with the stored state
    var events = Calls.events(s, id);
    JsonObject last = events.getJsonObject(events.size() - 1);
    assertEquals(row.state(), last.getString("toState"), events::encode);
    assertEquals(1, events.stream().filter(e -> "ALLOCATED".equals(((JsonObject) e).getString("fromState"))).count(),
      events::encode);
  }
}
