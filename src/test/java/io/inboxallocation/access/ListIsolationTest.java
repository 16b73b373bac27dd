package io.inboxallocation.access;

import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.ServiceTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lists show the caller's tenant rows and never another tenant's, even when both have data matching the query. */
class ListIsolationTest extends ServiceTest {

  /**
   * @param path     the list request of tenant {@code a}
   * @param make     creates the kind of row the list shows in a tenant, returning its id
   * @param idField  the item member holding that id
   * @param token    who lists
   */
  record Listing(Function<TenantData, String> path, Function<TenantData, String> make, String idField,
                 Function<TenantData, String> token) {
  }

  static Stream<Arguments> listings() {
    Function<TenantData, String> admin = t -> t.s.admin;
    return Stream.<Arguments>of(
      listing("operators", t -> "/operators", TenantData::operator, "id", admin),
      listing("inboxes", t -> "/inboxes", TenantData::inbox, "id", admin),
      listing("inboxes of an operator", t -> "/inboxes", TenantData::inbox, "id", t -> t.operatorPerson().token()),
      listing("subscriptions", t -> "/operator-inbox-subscriptions", TenantData::subscription, "id", admin),
      listing("conversations", t -> "/conversations", TenantData::conversation, "id", admin),
      listing("conversations for the orchestrator", t -> "/conversations", TenantData::conversation, "id",
        t -> t.s.service),
      listing("conversations by customer phone", t -> "/conversations?customerPhoneNumber=" + encoded(t.phone),
        TenantData::conversation, "id", admin),
      listing("search by phone", t -> "/conversations/search/by-phone?phoneNumber=" + encoded(t.phone),
        TenantData::conversation, "id", admin),
      listing("labels", t -> "/labels", TenantData::label, "id", admin),
      listing("grace period", t -> "/grace-period", TenantData::graceConversation, "conversationId", admin));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("listings")
  void listShowsOnlyOwnTenant(String name, Listing listing) {
    String sharedPhone = Scenario.randomPhone();
    TenantData a = new TenantData(newTenant(), sharedPhone);
    TenantData b = new TenantData(newTenant(), sharedPhone);
    String own = listing.make().apply(a);
    String foreign = listing.make().apply(b);
    a.operator(); // the operator whose token may list

    Http.Response response = http.get(listing.path().apply(a), listing.token().apply(a));
    assertEquals(200, response.status(), response::toString);
    List<JsonObject> items = response.items().stream().map(JsonObject.class::cast).toList();
    List<String> ids = items.stream().map(item -> item.getString(listing.idField())).toList();
    assertTrue(ids.contains(own), () -> "own row " + own + " missing from " + response);
    assertFalse(ids.contains(foreign), () -> "other tenant's row " + foreign + " in " + response);
    for (JsonObject item : items) {
      if (item.containsKey("tenantId")) {
        assertEquals(a.tenantId(), item.getString("tenantId"), () -> "foreign tenantId in " + item);
      }
    }
  }

  private static String encoded(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static Arguments listing(String name, Function<TenantData, String> path, Function<TenantData, String> make,
                                   String idField, Function<TenantData, String> token) {
    return Arguments.of(name, new Listing(path, make, idField, token));
  }
}
