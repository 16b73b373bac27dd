package io.inboxallocation.allocation;

import io.inboxallocation.testing.Calls;
import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.Scenario.Person;
import io.inboxallocation.testing.ServiceTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static io.inboxallocation.testing.Calls.allocate;
import static io.inboxallocation.testing.Calls.instant;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Allocation order: score = messageCountWeight * ln(1 + messageCount) + delayWeight * seconds since last activity,
 * highest first, over the whole queue, with each tenant's own weights.
 */
class PriorityTest extends ServiceTest {

  /** A queued conversation as created. */
  private record Queued(String id, int messageCount, Instant lastMessageAt) {
    double score(double countWeight, double delayWeight, Instant now) {
      return countWeight * Math.log(1 + messageCount)
        + delayWeight * Duration.between(lastMessageAt, now).toMillis() / 1000.0;
    }
  }

  /** (messageCount, seconds since the last message): the order differs for every weighting used below. */
  private static final int[][] MIX = {{0, 1000}, {100, 10}, {10, 200}, {1000, 600}, {3, 700}, {50, 100}};

  private static List<Queued> enqueue(Scenario s, String inbox, int[][] mix) {
    List<Queued> queued = new ArrayList<>();
    for (int[] row : mix) {
      JsonObject c = Calls.conversationAged(s, inbox, row[0], row[1]);
      queued.add(new Queued(c.getString("id"), row[0], instant(c.getString("lastMessageAt"))));
    }
    return queued;
  }

  private static List<String> expectedOrder(List<Queued> queued, double countWeight, double delayWeight) {
    Instant now = Instant.now();
    return queued.stream()
      .sorted(Comparator.comparingDouble((Queued q) -> -q.score(countWeight, delayWeight, now))
        .thenComparing(Queued::lastMessageAt).thenComparing(Queued::id))
      .map(Queued::id).toList();
  }

  /** Allocates until 204, checking each answer's priorityScore against the formula; returns the ids in order. */
  private static List<String> drain(Scenario s, Person operator, List<Queued> queued, double countWeight,
                                    double delayWeight) {
    List<String> order = new ArrayList<>();
    for (int i = 0; i <= queued.size(); i++) {
      Http.Response answer = allocate(s, operator.token());
      if (answer.status() == 204) {
        return order;
      }
      assertEquals(200, answer.status(), answer::toString);
      String id = answer.id();
      order.add(id);
      Queued q = queued.stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
      assertEquals(q.score(countWeight, delayWeight, Instant.now()), answer.json().getDouble("priorityScore"),
        2.0 + delayWeight * 2, () -> "priorityScore of " + answer);
    }
    throw new AssertionError("queue of " + queued.size() + " never ran dry");
  }

  @Test
  void eachTenantAllocatesByItsOwnWeights() {
    Scenario byCount = newTenant();
    Scenario byDelay = newTenant();
    Calls.patchTenant(byCount, new JsonObject().put("messageCountWeight", 1000).put("delayWeight", 0));
    Calls.patchTenant(byDelay, new JsonObject().put("messageCountWeight", 0).put("delayWeight", 1));
    String countInbox = byCount.inbox();
    String delayInbox = byDelay.inbox();
    List<Queued> countQueue = enqueue(byCount, countInbox, MIX);
    List<Queued> delayQueue = enqueue(byDelay, delayInbox, MIX);
    Person countOperator = byCount.availableOperator(countInbox);
    Person delayOperator = byDelay.availableOperator(delayInbox);

    // most messages first; longest waiting first
    List<String> countOrder = List.of(countQueue.get(3).id(), countQueue.get(1).id(), countQueue.get(5).id(),
      countQueue.get(2).id(), countQueue.get(4).id(), countQueue.get(0).id());
    List<String> delayOrder = List.of(delayQueue.get(0).id(), delayQueue.get(4).id(), delayQueue.get(3).id(),
      delayQueue.get(2).id(), delayQueue.get(5).id(), delayQueue.get(1).id());
    assertEquals(countOrder, expectedOrder(countQueue, 1000, 0));
    assertEquals(delayOrder, expectedOrder(delayQueue, 0, 1));
    assertEquals(countOrder, Calls.listIds(byCount, byCount.admin, "sort=priority"));
    assertEquals(delayOrder, Calls.listIds(byDelay, byDelay.admin, "sort=priority"));

    // interleaved, so each tenant's order is kept while the other allocates
    List<String> countGot = new ArrayList<>();
    List<String> delayGot = new ArrayList<>();
    for (int i = 0; i < MIX.length; i++) {
      countGot.add(allocate(byCount, countOperator.token()).id());
      delayGot.add(allocate(byDelay, delayOperator.token()).id());
    }
    assertEquals(countOrder, countGot);
    assertEquals(delayOrder, delayGot);
    assertEquals(204, allocate(byCount, countOperator.token()).status());
    assertEquals(204, allocate(byDelay, delayOperator.token()).status());
  }

  @Test
  void defaultWeightsMixMessageCountAndWaiting() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    List<Queued> queued = enqueue(s, inbox, MIX);
    Person operator = s.availableOperator(inbox);

    List<String> expected = expectedOrder(queued, 60, 1);
    // 60 ln(1001) + 600 > 1000 > 60 ln(4) + 700 > 60 ln(11) + 200 > 60 ln(51) + 100 > 60 ln(101) + 10
    assertEquals(List.of(queued.get(3).id(), queued.get(0).id(), queued.get(4).id(), queued.get(2).id(),
      queued.get(5).id(), queued.get(1).id()), expected);
    assertEquals(expected, drain(s, operator, queued, 60, 1));
  }

  @Test
  void changingTheWeightsReranksTheQueue() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    List<Queued> queued = enqueue(s, inbox, MIX);
    Person operator = s.availableOperator(inbox);
    assertEquals(expectedOrder(queued, 60, 1), Calls.listIds(s, s.admin, "sort=priority"));

    Calls.patchTenant(s, new JsonObject().put("messageCountWeight", 1000).put("delayWeight", 0));

    List<String> expected = expectedOrder(queued, 1000, 0);
    assertEquals(expected, Calls.listIds(s, s.admin, "sort=priority"));
    assertEquals(expected, drain(s, operator, queued, 1000, 0));
  }

  @Test
  void aQueueLongerThanAHundredIsServedInExactOrderWithoutStarvingAnyone() {
    Scenario s = newTenant();
    Calls.patchTenant(s, new JsonObject().put("messageCountWeight", 5).put("delayWeight", 1));
    String inbox = s.inbox();
    int size = 150;
    // distinct waits 30 s apart (more than 5 ln(21) apart), shuffled, except that the customer waiting longest
    // arrives last: a "most recent 100" window would never see them
    List<Integer> waits = new ArrayList<>();
    for (int i = 1; i < size; i++) {
      waits.add(i * 30);
    }
    Random random = new Random(42);
    Collections.shuffle(waits, random);
    waits.add(size * 30);
    int[][] mix = new int[size][];
    for (int i = 0; i < size; i++) {
      mix[i] = new int[] {random.nextInt(21), waits.get(i)};
    }
    List<Queued> queued = enqueue(s, inbox, mix);
    Person operator = s.availableOperator(inbox);

    List<String> expected = expectedOrder(queued, 5, 1);
    assertEquals(queued.get(size - 1).id(), expected.get(0));
    List<String> served = drain(s, operator, queued, 5, 1);

    assertEquals(queued.get(size - 1).id(), served.get(0), "the longest waiting customer, enqueued last, goes first");
    assertEquals(expected, served);
  }
}
