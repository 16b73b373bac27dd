package io.inboxallocation.demo;

import io.inboxallocation.auth.Role;
import io.inboxallocation.auth.Tokens;
import io.inboxallocation.testing.Feeds;
import io.inboxallocation.testing.ServiceTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `demo`: the tenant is made through the API once and found again, and the simulated traffic works through it. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoTest extends ServiceTest {

  @Test
  @Order(1)
  void theDemoTenantIsSeededOnceAndFoundAgainOnTheNextStart() {
    DemoTenant first = Demo.seed(app.vertx, app.config, http.port());
    String manager = app.token(Role.MANAGER, first.id(), first.manager().id());
    Map<String, Long> seeded = states(manager);

    DemoTenant again = Demo.seed(app.vertx, app.config, http.port());

    assertEquals(first, again, "the same tenant, people and inboxes");
    assertEquals(seeded, states(manager), "no conversation added or changed by the second start");
    assertEquals(3, http.get("/inboxes", manager).items().size());
    assertEquals(6, http.get("/labels", manager).items().size());
    assertEquals(10, http.get("/operators", manager).items().size());
    assertEquals(2, first.people().size());
    assertEquals(DemoSeed.CONVERSATIONS, seeded.values().stream().mapToLong(Long::longValue).sum());
    assertTrue(seeded.get("RESOLVED") > seeded.get("QUEUED"), () -> "mostly resolved, some waiting: " + seeded);
    assertTrue(seeded.get("ALLOCATED") > 0, seeded::toString);
  }

  /** After the seed (the first test): the traffic adds conversations of its own. */
  @Test
  @Order(2)
  void theSimulatedTrafficReportsConversationsAndWorksThemButLeavesThePeopleAlone() {
    DemoTenant demo = Demo.seed(app.vertx, app.config, http.port());
    String manager = app.token(Role.MANAGER, demo.id(), demo.manager().id());
    String cursor = Feeds.head(http, manager);
    DemoTraffic traffic = new DemoTraffic(new DemoApi(app.vertx, Tokens.auth(app.vertx, app.config.jwtSecret()),
      http.port()), demo);
    for (int step = 0; step < 20; step++) {
      traffic.step();
    }
    List<JsonObject> events = Feeds.readAll(http, manager, cursor).events();
    Set<String> types = events.stream().map(event -> event.getString("type")).collect(Collectors.toSet());
    assertTrue(types.contains("CREATED") || types.contains("UPDATED"), () -> "the orchestrator reported: " + types);
    assertTrue(types.contains("ALLOCATED") || types.contains("RESOLVED"), () -> "the operators worked: " + types);
    Set<String> people = demo.people().stream().map(DemoTenant.Person::id).collect(Collectors.toSet());
    assertFalse(events.stream().map(event -> event.getString("actorId")).anyMatch(people::contains),
      "the operators whose links are printed are left to people");
  }

  /** How many conversations of the tenant are in each state. */
  private Map<String, Long> states(String token) {
    Map<String, Long> counts = new TreeMap<>();
    for (String state : List.of("QUEUED", "ALLOCATED", "RESOLVED")) {
      long count = 0;
      String cursor = null;
      do {
        JsonObject page = http.get("/conversations?limit=100&state=" + state
          + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)), token).json();
        count += page.getJsonArray("items").size();
        cursor = page.getString("nextCursor");
      } while (cursor != null);
      counts.put(state, count);
    }
    return counts;
  }
}
