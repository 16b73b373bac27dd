package io.inboxallocation.conversation;

import io.inboxallocation.testing.Calls;
import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.ServiceTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.inboxallocation.testing.Calls.instant;
import static io.inboxallocation.testing.Calls.q;
import static io.inboxallocation.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keyset pagination of GET /conversations: completeness, stable order, inserts between pages, bad cursors. */
class ConversationPaginationTest extends ServiceTest {

  private static final int ROWS = 26;
  private static final int LIMIT = 7;

  /** 26 queued conversations, in groups of three sharing one lastMessageAt (ties must be broken by id). */
  private static List<JsonObject> seed(Scenario s, String inbox) {
    Instant base = Calls.ago(10_000);
    List<JsonObject> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      rows.add(Calls.conversation(s, inbox, 0, base.plusSeconds((i / 3) * 60L)));
    }
    return rows;
  }

  @ParameterizedTest
  @ValueSource(strings = {"newest", "oldest", "priority"})
  void everyRowExactlyOnceInAConsistentOrder(String sort) {
    Scenario s = newTenant();
    List<JsonObject> rows = seed(s, s.inbox());

    List<String> paged = Calls.walk(s, s.admin, "sort=" + sort, LIMIT);

    assertEquals(ROWS, paged.size(), () -> "rows: " + paged);
    assertEquals(ROWS, new HashSet<>(paged).size(), () -> "repeated rows: " + paged);
    assertEquals(Calls.listIds(s, s.admin, "sort=" + sort), paged, "pages agree with one big page");
    Map<String, Instant> activity = rows.stream().collect(Collectors.toMap(r -> r.getString("id"),
      r -> instant(r.getString("lastMessageAt"))));
    Comparator<String> byActivity = Comparator.comparing(activity::get);
    switch (sort) {
      case "newest" -> assertSorted(paged, byActivity.reversed());
      case "oldest" -> assertSorted(paged, byActivity);
      // equal message counts: longest waiting first, then the smallest id
      default -> assertEquals(paged.stream().sorted(byActivity.thenComparing(Function.identity())).toList(), paged);
    }
  }

  private static void assertSorted(List<String> ids, Comparator<String> order) {
    for (int i = 1; i < ids.size(); i++) {
      assertTrue(order.compare(ids.get(i - 1), ids.get(i)) <= 0, "out of order at " + i + ": " + ids);
    }
  }

  @Test
  void pagesHaveTheLimitAndTheLastHasNoCursor() {
    Scenario s = newTenant();
    seed(s, s.inbox());
    List<Integer> sizes = new ArrayList<>();
    String cursor = null;
    do {
      Http.Response page = Calls.list(s, s.admin, "limit=" + LIMIT + (cursor == null ? "" : "&cursor=" + q(cursor)));
      assertEquals(200, page.status(), page::toString);
      sizes.add(page.items().size());
      cursor = page.json().getString("nextCursor");
      assertTrue(sizes.size() < 10, "too many pages");
    } while (cursor != null);
    assertEquals(List.of(7, 7, 7, 5), sizes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"newest", "oldest", "priority"})
  void insertsBetweenPagesNeitherRepeatNorSkipTheOriginalRows(String sort) {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Set<String> original = seed(s, inbox).stream().map(r -> r.getString("id")).collect(Collectors.toSet());
    int[] round = {0};
    Instant base = Calls.ago(10_000);

    List<String> paged = Calls.walk(s, s.admin, "sort=" + sort, LIMIT, () -> {
      round[0]++;
      // one row at each end of the order and one in the middle of the original range
      Calls.conversation(s, inbox, 0, Calls.ago(1));
      Calls.conversation(s, inbox, 0, base.minusSeconds(1000L * round[0]));
      Calls.conversation(s, inbox, 0, base.plusSeconds(30L * round[0] * 4 + 30));
    });

    assertEquals(paged.size(), new HashSet<>(paged).size(), () -> "repeated rows: " + paged);
    List<String> originalsSeen = paged.stream().filter(original::contains).toList();
    assertEquals(original, new HashSet<>(originalsSeen), "every original row is listed");
    assertEquals(ROWS, originalsSeen.size());
  }

  @Test
  void aCursorOnlyWorksWithItsOwnSort() {
    Scenario s = newTenant();
    seed(s, s.inbox());
    String cursor = Calls.list(s, s.admin, "sort=newest&limit=3").json().getString("nextCursor");
    assertNotNull(cursor);

    Http.Response same = Calls.list(s, s.admin, "sort=newest&limit=3&cursor=" + q(cursor));
    assertEquals(200, same.status(), same::toString);
    assertEquals(3, same.items().size());
    assertProblem(Calls.list(s, s.admin, "sort=oldest&limit=3&cursor=" + q(cursor)), 400);
    assertProblem(Calls.list(s, s.admin, "sort=priority&limit=3&cursor=" + q(cursor)), 400);

    String priorityCursor = Calls.list(s, s.admin, "sort=priority&limit=3").json().getString("nextCursor");
    assertNotNull(priorityCursor);
    assertProblem(Calls.list(s, s.admin, "limit=3&cursor=" + q(priorityCursor)), 400);
  }

  @ParameterizedTest
  @ValueSource(strings = {"garbage", "AAAA", "eyJmb28iOiJiYXIifQ", "%00%01", "W10=", "null"})
  void garbageCursorIs400(String cursor) {
    Scenario s = newTenant();
    seed(s, s.inbox());
    assertProblem(Calls.list(s, s.admin, "cursor=" + cursor), 400);
  }

  @Test
  void emptyListingHasNoCursor() {
    Scenario s = newTenant();
    JsonObject page = Calls.list(s, s.admin, "").json();
    assertEquals(new JsonArray(), page.getJsonArray("items"));
    assertTrue(page.containsKey("nextCursor"));
    assertNull(page.getValue("nextCursor"));
  }
}
