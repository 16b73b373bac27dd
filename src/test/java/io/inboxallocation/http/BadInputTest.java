package io.inboxallocation.http;

import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.ServiceTest;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.UUID;
import java.util.stream.Stream;

import static io.inboxallocation.testing.ProblemAssert.assertBadField;
import static io.inboxallocation.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Invalid input is a 400 problem (never a 500), naming the field at fault where there is one. All requests carry a
 * valid ADMIN token, so only the input is wrong.
 */
class BadInputTest extends ServiceTest {

  private static final String ID = "00000000-0000-4000-8000-000000000001";

  /**
   * method, path, raw JSON body (null: none; {inbox} stands for a real inbox of the tenant), the field the problem
   * must name (null: not asserted).
   */
  static Stream<Arguments> badRequests() {
    return Stream.<Arguments>of(
      bad("malformed JSON", HttpMethod.POST, "/inboxes", "{\"phoneNumber\": \"+5511999990000\",", null),
      bad("JSON array instead of an object", HttpMethod.POST, "/inboxes", "[]", null),
      bad("JSON string instead of an object", HttpMethod.PATCH, "/tenants/me", "\"name\"", null),
      bad("empty body where one is required", HttpMethod.POST, "/inboxes", "", null),
      bad("number for a string", HttpMethod.POST, "/inboxes",
        "{\"phoneNumber\": \"+5511999990000\", \"displayName\": 123}", "displayName"),
      bad("string for a number", HttpMethod.PATCH, "/tenants/me", "{\"messageCountWeight\": \"60\"}",
        "messageCountWeight"),
      bad("fraction for an integer", HttpMethod.PATCH, "/tenants/me", "{\"gracePeriodSeconds\": 2.5}",
        "gracePeriodSeconds"),
      bad("boolean for a string", HttpMethod.POST, "/operators", "{\"name\": true, \"role\": \"OPERATOR\"}", "name"),
      bad("null for a required string", HttpMethod.POST, "/operators", "{\"name\": null, \"role\": \"OPERATOR\"}",
        "name"),
      bad("unknown role", HttpMethod.POST, "/operators", "{\"name\": \"Ana\", \"role\": \"KING\"}", "role"),
      bad("role in lower case", HttpMethod.POST, "/operators", "{\"name\": \"Ana\", \"role\": \"admin\"}", "role"),
      bad("unknown status", HttpMethod.POST, "/operator-status/me", "{\"status\": \"BUSY\"}", "status"),
      bad("unknown status on PUT", HttpMethod.PUT, "/operator-status/" + ID, "{\"status\": \"BUSY\"}", "status"),
      bad("unknown body property", HttpMethod.POST, "/inboxes",
        "{\"phoneNumber\": \"+5511999990000\", \"displayName\": \"x\", \"priority\": 1}", null),
      bad("unknown property on status change", HttpMethod.POST, "/operator-status/me",
        "{\"status\": \"AVAILABLE\", \"operatorId\": \"" + ID + "\"}", null),
      bad("property on allocate", HttpMethod.POST, "/allocation/allocate", "{\"inboxId\": \"" + ID + "\"}", null),
      bad("missing displayName", HttpMethod.POST, "/inboxes", "{\"phoneNumber\": \"+5511999990000\"}", "displayName"),
      bad("missing phoneNumber", HttpMethod.POST, "/inboxes", "{\"displayName\": \"x\"}", "phoneNumber"),
      bad("missing conversationId", HttpMethod.POST, "/allocation/claim", "{}", "conversationId"),
      bad("missing newOperatorId", HttpMethod.POST, "/allocation/reassign", "{\"conversationId\": \"" + ID + "\"}",
        "newOperatorId"),
      bad("missing externalConversationId", HttpMethod.POST, "/conversations",
        "{\"inboxId\": \"" + ID + "\", \"customerPhoneNumber\": \"+5511999990000\"}", "externalConversationId"),
      bad("empty name", HttpMethod.POST, "/labels", "{\"inboxId\": \"" + ID + "\", \"name\": \"\"}", "name"),
      bad("bad colour", HttpMethod.POST, "/labels", "{\"inboxId\": \"" + ID + "\", \"name\": \"vip\", \"color\": \"red\"}",
        "color"),
      bad("negative messageCount", HttpMethod.POST, "/conversations", upsert("\"messageCount\": -1"), "messageCount"),
      bad("lastMessageAt not a date-time", HttpMethod.POST, "/conversations",
        upsert("\"lastMessageAt\": \"yesterday\""), "lastMessageAt"),
      bad("bad UUID in path", HttpMethod.GET, "/operators/not-a-uuid", null, "operatorId"),
      bad("bad UUID in path of DELETE", HttpMethod.DELETE, "/inboxes/1234", null, "inboxId"),
      bad("bad UUID in second path parameter", HttpMethod.POST, "/conversations/" + ID + "/labels/nope", null,
        "labelId"),
      bad("bad UUID in query", HttpMethod.GET, "/conversations?inboxId=nope", null, "inboxId"),
      bad("bad UUID in subscription filter", HttpMethod.GET, "/operator-inbox-subscriptions?inboxId=nope", null,
        "inboxId"),
      bad("bad UUID in label filter", HttpMethod.GET, "/labels?inboxId=nope", null, "inboxId"),
      bad("bad UUID in body", HttpMethod.POST, "/operator-inbox-subscriptions",
        "{\"operatorId\": \"nope\", \"inboxId\": \"" + ID + "\"}", "operatorId"),
      bad("bad UUID in command", HttpMethod.POST, "/allocation/resolve", "{\"conversationId\": \"42\"}",
        "conversationId"),
      bad("limit 0", HttpMethod.GET, "/conversations?limit=0", null, "limit"),
      bad("limit 101", HttpMethod.GET, "/conversations?limit=101", null, "limit"),
      bad("limit not a number", HttpMethod.GET, "/conversations?limit=ten", null, "limit"),
      bad("unknown sort", HttpMethod.GET, "/conversations?sort=sideways", null, "sort"),
      bad("unknown state filter", HttpMethod.GET, "/conversations?state=CLOSED", null, "state"),
      bad("garbage cursor", HttpMethod.GET, "/conversations?cursor=%21%21garbage%21%21", null, null),
      bad("missing required query parameter", HttpMethod.GET, "/conversations/search/by-phone", null, "phoneNumber"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void badInputIs400(String name, HttpMethod method, String path, String body, String field) {
    Scenario s = newTenant();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + s.admin);
    if (body != null) {
      headers.add("Content-Type", "application/json");
    }
    String sent = body != null && body.contains("{inbox}") ? body.replace("{inbox}", s.inbox()) : body;
    Http.Response response = http.raw(method, path, headers, sent == null ? null : Buffer.buffer(sent));
    if (field == null) {
      assertProblem(response, 400);
    } else {
      assertBadField(response, field);
    }
  }

  @Test
  void bodyOver64KiBIs400() {
    Scenario s = newTenant();
    String padding = "x".repeat(70 * 1024);
    Http.Response response = http.post("/inboxes", s.admin,
      new JsonObject().put("phoneNumber", Scenario.randomPhone()).put("displayName", padding));
    assertProblem(response, 400);
    assertEquals(0, http.get("/inboxes", s.admin).items().size());
  }

  @Test
  void bodyJustUnder64KiBIsReadAndValidated() {
    Scenario s = newTenant();
    // Fits the limit, so the answer comes from validation (displayName is at most 200 characters), naming the field.
    String padding = "x".repeat(60 * 1024);
    assertBadField(http.post("/inboxes", s.admin,
      new JsonObject().put("phoneNumber", Scenario.randomPhone()).put("displayName", padding)), "displayName");
  }

  @Test
  void rejectedInputChangesNothing() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    JsonObject before = http.get("/inboxes/" + inbox, s.admin).json();
    assertProblem(http.patch("/inboxes/" + inbox, s.admin, "{\"displayName\": \"new\", \"extra\": true}"), 400);
    assertProblem(http.patch("/inboxes/" + inbox, s.admin, "{\"displayName\": \"new\""), 400);
    assertEquals(before, http.get("/inboxes/" + inbox, s.admin).json());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/conversations/search/by-phone?phoneNumber=%2B5511999990000",
    "/conversations/search/by-phone?phoneNumber=5511999990000",
    "/conversations?customerPhoneNumber=%2B5511999990000", "/conversations?customerPhoneNumber=5511999990000"})
  void phoneNumbersInQueriesAreStringsEvenWhenNumeric(String path) {
    Scenario s = newTenant();
    String conversation = s.conversation(s.inbox(), new JsonObject().put("customerPhoneNumber", "+5511999990000"))
      .getString("id");
    Http.Response response = http.get(path, s.admin);
    assertEquals(200, response.status(), response::toString);
    assertEquals(conversation, response.items().getJsonObject(0).getString("id"), response::toString);
  }

  @Test
  void invalidUuidIs400NotA404ForEveryIdPath() {
    Scenario s = newTenant();
    for (String path : new String[] {"/operators/x", "/inboxes/x", "/conversations/x", "/conversations/x/events",
      "/labels/x", "/operator-status/x"}) {
      assertProblem(http.get(path, s.admin), 400);
    }
    String randomId = UUID.randomUUID().toString();
    assertProblem(http.get("/operators/" + randomId, s.admin), 404);
  }

  /** A conversation upsert into the tenant's inbox with one more member. */
  private static String upsert(String member) {
    return "{\"inboxId\": \"{inbox}\", \"externalConversationId\": \"e\", "
      + "\"customerPhoneNumber\": \"+5511999990000\", " + member + "}";
  }

  private static Arguments bad(String name, HttpMethod method, String path, String body, String field) {
    return Arguments.of(name, method, path, body, field);
  }
}
