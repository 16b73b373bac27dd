package io.inboxallocation.webhook;

import io.inboxallocation.testing.Calls;
import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.ServiceTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.inboxallocation.testing.ProblemAssert.assertBadField;
import static io.inboxallocation.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The endpoints' API, on a service with the default WEBHOOK_ALLOW_PRIVATE_NETWORKS (false). */
class WebhookApiTest extends ServiceTest {

  private static final String PUBLIC_URL = "https://93.184.215.14/hooks"; // an address, so no DNS is needed

  @Test
  void anAdminRegistersListsChangesAndDeletesEndpointsAndOnlyTheCreationShowsTheSecret() {
    Scenario s = newTenant();
    Http.Response created = http.post("/webhooks", s.admin, new JsonObject().put("url", PUBLIC_URL)
      .put("eventTypes", new JsonArray().add("conversation.allocated").add("conversation.resolved"))
      .put("description", "orchestrator"));
    assertEquals(201, created.status(), created::toString);
    JsonObject webhook = created.json();
    String secret = webhook.getString("secret");
    assertTrue(secret.startsWith("whsec_"), secret);
    int keyBytes = Base64.getDecoder().decode(secret.substring("whsec_".length())).length;
    assertTrue(keyBytes >= 24 && keyBytes <= 64, "key of " + keyBytes + " bytes");
    assertEquals(List.of("conversation.allocated", "conversation.resolved"),
      webhook.getJsonArray("eventTypes").getList());
    assertTrue(webhook.getBoolean("enabled"));
    String path = "/webhooks/" + webhook.getString("id");

    JsonObject listed = http.get("/webhooks", s.admin).items().getJsonObject(0);
    assertFalse(listed.containsKey("secret"), "no secret in lists");
    assertFalse(http.get(path, s.admin).json().containsKey("secret"), "nor in a read");
    assertEquals(secret, http.get(path + "/secret", s.admin).json().getString("secret"));

    Http.Response patched = http.patch(path, s.admin, new JsonObject().putNull("eventTypes").put("enabled", false)
      .putNull("description"));
    assertEquals(200, patched.status(), patched::toString);
    assertNull(patched.json().getValue("eventTypes"), "null: every type");
    assertNull(patched.json().getValue("description"));
    assertFalse(patched.json().getBoolean("enabled"));
    assertEquals(PUBLIC_URL, patched.json().getString("url"), "left as it was");

    assertEquals(204, http.delete(path, s.admin).status());
    assertProblem(http.get(path, s.admin), 404);
    assertEquals(0, http.get("/webhooks", s.admin).items().size());
  }

  @Test
  void onlyTheTenantsAdminSeesItsEndpointsAndAForeignIdIsA404() {
    Scenario s = newTenant();
    Scenario other = newTenant();
    String path = "/webhooks/" + Webhooks.register(s, PUBLIC_URL).getString("id");
    for (String role : new String[] {"OPERATOR", "MANAGER"}) {
      String token = s.person(role).token();
      assertProblem(http.get("/webhooks", token), 403);
      assertProblem(http.post("/webhooks", token, new JsonObject().put("url", PUBLIC_URL)), 403);
    }
    assertProblem(http.get("/webhooks", s.service), 403);
    for (Http.Response foreign : List.of(http.get(path, other.admin), http.get(path + "/secret", other.admin),
      http.get(path + "/deliveries", other.admin), http.post(path + "/test", other.admin, null),
      http.post(path + "/rotate-secret", other.admin, null), http.delete(path, other.admin),
      http.patch(path, other.admin, new JsonObject().put("enabled", false)),
      http.post(path + "/recover", other.admin, new JsonObject().put("since", "2026-01-01T00:00:00Z")))) {
      assertProblem(foreign, 404);
    }
    assertTrue(http.get(path, s.admin).json().getBoolean("enabled"), "untouched by the other tenant");
  }

  @Test
  void urlsMustBeAbsoluteHttpAndNotOnPrivateNetworks() {
    Scenario s = newTenant();
    for (String url : new String[] {"ftp://93.184.215.14/x", "/relative", "http://", "https://user:pw@93.184.215.14/x",
      "http://127.0.0.1:8080/hooks", "http://localhost/hooks", "http://10.1.2.3/hooks", "http://192.168.0.10/hooks",
      "http://172.16.5.5/hooks", "http://169.254.169.254/latest/meta-data", "http://[::1]/hooks",
      "http://[fd00::1]/hooks", "http://0.0.0.0/hooks", "http://100.64.0.1/hooks"}) {
      assertBadField(http.post("/webhooks", s.admin, new JsonObject().put("url", url)), "url");
    }
    assertBadField(http.post("/webhooks", s.admin, new JsonObject().put("url", PUBLIC_URL)
      .put("eventTypes", new JsonArray().add("conversation.exploded"))), "eventTypes/0");
    String path = "/webhooks/" + Webhooks.register(s, PUBLIC_URL).getString("id");
    assertBadField(http.patch(path, s.admin, new JsonObject().put("url", "http://10.0.0.1/")), "url");
    assertEquals(1, http.get("/webhooks", s.admin).items().size(), "nothing refused was stored");
  }

  @Test
  void theAddressCheckKnowsThePrivateRanges() throws Exception {
    for (String address : new String[] {"127.0.0.1", "10.0.0.1", "172.31.255.255", "192.168.1.1", "169.254.1.1",
      "100.127.0.1", "::1", "fe80::1", "fc00::1", "0.0.0.0"}) {
      assertTrue(WebhookUrls.isPrivate(InetAddress.getByName(address)), address);
    }
    for (String address : new String[] {"93.184.215.14", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111"}) {
      assertFalse(WebhookUrls.isPrivate(InetAddress.getByName(address)), address);
    }
  }

  @Test
  void deliveriesArePagedNewestFirstAndFilteredByStatus() {
    Scenario s = newTenant();
    String path = "/webhooks/" + Webhooks.register(s, PUBLIC_URL).getString("id");
    for (int i = 0; i < 5; i++) {
      assertEquals(202, http.post(path + "/test", s.admin, null).status());
    }
    Set<Long> seen = new HashSet<>();
    long previous = Long.MAX_VALUE;
    String cursor = null;
    do {
      Http.Response page = http.get(path + "/deliveries?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), s.admin);
      assertEquals(200, page.status(), page::toString);
      for (Object item : page.items()) {
        long id = ((JsonObject) item).getLong("id");
        assertTrue(id < previous, "newest first");
        previous = id;
        seen.add(id);
        assertEquals("webhook.test", ((JsonObject) item).getString("type"));
        assertNull(((JsonObject) item).getValue("eventId"));
      }
      cursor = page.json().getString("nextCursor");
    } while (cursor != null);
    assertEquals(5, seen.size());
    // 93.184.215.14 is not ours: the attempts fail (or time out) and stay PENDING on the schedule.
    Calls.await(Duration.ofSeconds(3), () -> "attempted", () -> http.get(path + "/deliveries?status=PENDING", s.admin)
      .items().stream().allMatch(d -> ((JsonObject) d).getInteger("attempts") >= 1));
    assertEquals(0, http.get(path + "/deliveries?status=SUCCEEDED", s.admin).items().size());
    assertBadField(http.get(path + "/deliveries?status=LOST", s.admin), "status");
    assertBadField(http.get(path + "/deliveries?cursor=abc", s.admin), "cursor");
    assertBadField(http.get(path + "/deliveries?limit=0", s.admin), "limit");
  }
}
