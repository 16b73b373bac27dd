package io.inboxallocation.conversation;

import io.inboxallocation.testing.Calls;
import io.inboxallocation.testing.Calls.Phone;
import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.ServiceTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.inboxallocation.testing.Calls.conversationAged;
import static io.inboxallocation.testing.Calls.listIds;
import static io.inboxallocation.testing.Calls.q;
import static io.inboxallocation.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /conversations/{id}, listing filters and sorts, operator visibility, and search by phone. */
class ConversationQueryTest extends ServiceTest {

  @Test
  void getByIdIsScopedToTenantAndSubscriptions() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    String id = s.conversation(inbox).getString("id");
    Scenario.Person subscribed = s.availableOperator(inbox);
    Scenario.Person outsider = s.availableOperator(s.inbox());
    Scenario other = newTenant();

    for (String token : List.of(s.admin, s.service, s.person("MANAGER").token(), subscribed.token())) {
      assertEquals(id, Calls.get(s, token, id).getString("id"));
    }
    assertProblem(http.get("/conversations/" + id, outsider.token()), 404);
    assertProblem(http.get("/conversations/" + id, other.admin), 404);
    assertProblem(http.get("/conversations/" + UUID.randomUUID(), s.admin), 404);
    assertProblem(http.get("/conversations/" + id + "/events", outsider.token()), 404);
    assertProblem(http.get("/conversations/" + id + "/events", other.admin), 404);
  }

  @Test
  void filtersSelectExactlyTheMatchingConversations() {
    Scenario s = newTenant();
    String inboxA = s.inbox();
    String inboxB = s.inbox();
    Scenario.Person owner = s.availableOperator(inboxA, inboxB);
    Phone phone = Phone.random();
    String queuedA = s.conversation(inboxA, new JsonObject().put("customerPhoneNumber", phone.digits())).getString("id");
    String allocatedA = Calls.claimed(s, owner, inboxA).getString("id");
    String resolvedA = Calls.resolved(s, owner, inboxA).getString("id");
    String queuedB = s.conversation(inboxB, new JsonObject().put("customerPhoneNumber", phone.e164())).getString("id");
    String allocatedB = Calls.claimed(s, owner, inboxB).getString("id");
    String label = Calls.label(s, inboxA, "vip", null).getString("id");
    for (String id : List.of(queuedA, resolvedA)) {
      assertEquals(200, Calls.attach(s, s.admin, id, label).status());
    }
    Scenario other = newTenant();
    other.conversation(other.inbox(), new JsonObject().put("customerPhoneNumber", phone.e164())); // noise elsewhere

    assertAll(
      () -> assertIds(s, "", queuedA, allocatedA, resolvedA, queuedB, allocatedB),
      () -> assertIds(s, "inboxId=" + inboxA, queuedA, allocatedA, resolvedA),
      () -> assertIds(s, "inboxId=" + inboxB, queuedB, allocatedB),
      () -> assertIds(s, "state=QUEUED", queuedA, queuedB),
      () -> assertIds(s, "state=ALLOCATED", allocatedA, allocatedB),
      () -> assertIds(s, "state=RESOLVED", resolvedA),
      () -> assertIds(s, "assignedOperatorId=" + owner.id(), allocatedA, allocatedB),
      () -> assertIds(s, "assignedOperatorId=" + UUID.randomUUID()),
      () -> assertIds(s, "labelId=" + label, queuedA, resolvedA),
      () -> assertIds(s, "customerPhoneNumber=" + q(phone.formatted()), queuedA, queuedB),
      () -> assertIds(s, "customerPhoneNumber=" + q(phone.digits()), queuedA, queuedB),
      () -> assertIds(s, "customerPhoneNumber=" + q(phone.e164()), queuedA, queuedB),
      () -> assertIds(s, "inboxId=" + inboxB + "&state=QUEUED", queuedB),
      () -> assertIds(s, "inboxId=" + inboxA + "&labelId=" + label + "&state=RESOLVED", resolvedA));
  }

  private static void assertIds(Scenario s, String query, String... expected) {
    assertEquals(Set.of(expected), Set.copyOf(listIds(s, s.admin, query)), "GET /conversations?" + query);
  }

  @Test
  void newestAndOldestSortByLastActivity() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    // last activity: lastMessageAt, else createdAt (now, so the newest of all)
    String noMessages = s.conversation(inbox).getString("id");
    String a = conversationAged(s, inbox, 1, 300).getString("id");
    String b = conversationAged(s, inbox, 9, 30).getString("id");
    String c = conversationAged(s, inbox, 0, 3000).getString("id");
    String d = conversationAged(s, inbox, 4, 120).getString("id");

    List<String> newest = List.of(noMessages, b, d, a, c);
    assertEquals(newest, listIds(s, s.admin, ""), "default sort is newest");
    assertEquals(newest, listIds(s, s.admin, "sort=newest"));
    List<String> oldest = new java.util.ArrayList<>(newest);
    java.util.Collections.reverse(oldest);
    assertEquals(oldest, listIds(s, s.admin, "sort=oldest"));
  }

  @Test
  void prioritySortFollowsTheAllocationOrder() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Calls.patchTenant(s, new JsonObject().put("messageCountWeight", 100).put("delayWeight", 1));
    // scores: 100 ln(1+n) + age
    String a = conversationAged(s, inbox, 0, 500).getString("id");   // 500
    String b = conversationAged(s, inbox, 20, 10).getString("id");   // 314
    String c = conversationAged(s, inbox, 2, 300).getString("id");   // 410
    String d = conversationAged(s, inbox, 100, 200).getString("id"); // 661

    assertEquals(List.of(d, a, c, b), listIds(s, s.admin, "sort=priority"));
    assertEquals(List.of(d, a, c, b), listIds(s, s.admin, "sort=priority&state=QUEUED"));
  }

  @Test
  void operatorsSeeOnlyTheirSubscribedInboxes() {
    Scenario s = newTenant();
    String mine = s.inbox();
    String theirs = s.inbox();
    Phone phone = Phone.random();
    String visible = s.conversation(mine, new JsonObject().put("customerPhoneNumber", phone.e164())).getString("id");
    s.conversation(theirs, new JsonObject().put("customerPhoneNumber", phone.e164()));
    Scenario.Person operator = s.availableOperator(mine);

    assertEquals(List.of(visible), listIds(s, operator.token(), ""));
    assertEquals(2, listIds(s, s.person("MANAGER").token(), "").size());
    Http.Response search = http.get("/conversations/search/by-phone?phoneNumber=" + q(phone.e164()), operator.token());
    assertEquals(200, search.status(), search::toString);
    assertEquals(List.of(visible), Calls.ids(search.items()));
  }

  @Test
  void searchByPhoneMatchesExactlyAcrossFormatsNewestFirst() {
    Scenario s = newTenant();
    String inboxA = s.inbox();
    String inboxB = s.inbox();
    Phone phone = Phone.random();
    String old = s.conversation(inboxA, aged(phone.formatted(), 900)).getString("id");
    String newest = s.conversation(inboxB, aged(phone.digits(), 5)).getString("id");
    String middle = s.conversation(inboxA, aged(phone.e164(), 60)).getString("id");
    // near misses: another area code with the same subscriber number, one digit different
    s.conversation(inboxA, aged(phone.e164().replace("+5511", "+5521"), 1));
    String last = phone.e164().substring(phone.e164().length() - 1);
    s.conversation(inboxA, aged(phone.e164().substring(0, phone.e164().length() - 1)
      + (last.equals("0") ? "1" : "0"), 1));
    Scenario other = newTenant();
    other.conversation(other.inbox(), new JsonObject().put("customerPhoneNumber", phone.e164()));

    assertAll(Stream.of(phone.formatted(), phone.digits(), phone.e164(), "+55 (11) 98"
      + phone.digits().substring(6, 9) + " " + phone.digits().substring(9)).<Executable>map(spelling -> () -> {
        Http.Response found = http.get("/conversations/search/by-phone?phoneNumber=" + q(spelling), s.admin);
        assertEquals(200, found.status(), () -> "search " + spelling + ": " + found);
        assertEquals(List.of(newest, middle, old), Calls.ids(found.items()), "search " + spelling);
      }));
    String partial = phone.e164().substring(0, phone.e164().length() - 3);
    Http.Response none = http.get("/conversations/search/by-phone?phoneNumber=" + q(partial), s.admin);
    assertEquals(200, none.status(), none::toString);
    assertEquals(List.of(), Calls.ids(none.items()), "no partial match");
  }

  private static JsonObject aged(String phone, long secondsAgo) {
    return new JsonObject().put("customerPhoneNumber", phone).put("lastMessageAt", Calls.ago(secondsAgo).toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"limit=0", "limit=101", "sort=random", "state=OPEN", "inboxId=nope",
    "assignedOperatorId=123", "labelId=x"})
  void invalidListingParametersAre400(String query) {
    Scenario s = newTenant();
    assertProblem(Calls.list(s, s.admin, query), 400);
  }

  @Test
  void limitCapsThePageSize() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    List<String> created = Stream.generate(() -> s.conversation(inbox).getString("id")).limit(4)
      .collect(Collectors.toList());
    Http.Response page = Calls.list(s, s.admin, "limit=3");
    assertEquals(200, page.status(), page::toString);
    assertEquals(3, page.items().size());
    assertTrue(page.json().getValue("nextCursor") instanceof String, page::toString);
    assertEquals(4, listIds(s, s.admin, "").size());
    Http.Response defaults = Calls.list(s, s.admin, "");
    assertEquals(Set.copyOf(created), Set.copyOf(Calls.ids(defaults.items())));
    assertEquals(null, defaults.json().getValue("nextCursor"), defaults::toString);
  }
}
