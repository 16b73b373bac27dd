package io.inboxallocation.access;

import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A tenant's rows, each created through the API the first time a test asks for it (so a test only depends on the
 * capabilities it uses): an inbox, an operator subscribed to it and AVAILABLE, a queued conversation, a label, and on
 * request a conversation in grace (claimed by the operator, who then went OFFLINE).
 */
final class TenantData implements Ids {

  final Scenario s;
  final String phone;
  private final Map<String, String> made = new LinkedHashMap<>();

  TenantData(Scenario s, String customerPhone) {
    this.s = s;
    this.phone = customerPhone;
  }

  @Override
  public String tenantId() {
    return s.tenantId.toString();
  }

  @Override
  public String inbox() {
    return once("inbox", s::inbox);
  }

  Scenario.Person operatorPerson() {
    String id = operator();
    return new Scenario.Person(id, made.get("operatorToken"));
  }

  @Override
  public String operator() {
    return once("operator", () -> {
      Scenario.Person person = s.person("OPERATOR");
      made.put("operatorToken", person.token());
      made.put("subscription", s.subscribe(person.id(), inbox()));
      s.setStatus(person, "AVAILABLE");
      return person.id();
    });
  }

  @Override
  public String subscription() {
    operator();
    return made.get("subscription");
  }

  @Override
  public String conversation() {
    return once("conversation", () -> s.conversation(inbox(), new JsonObject().put("customerPhoneNumber", phone))
      .getString("id"));
  }

  @Override
  public String allocated() {
    return once("allocated", () -> {
      String id = s.conversation(inbox(), new JsonObject().put("customerPhoneNumber", phone)).getString("id");
      Http.Response claimed = s.http.post("/allocation/claim", operatorPerson().token(),
        new JsonObject().put("conversationId", id));
      assertEquals(200, claimed.status(), claimed::toString);
      return id;
    });
  }

  @Override
  public String label() {
    return once("label", () -> {
      Http.Response created = s.http.post("/labels", s.admin,
        new JsonObject().put("inboxId", inbox()).put("name", "label-" + UUID.randomUUID()).put("color", "#1f77b4"));
      assertEquals(201, created.status(), created::toString);
      return created.id();
    });
  }

  /** The ALLOCATED conversation after its operator went OFFLINE: one grace assignment. */
  String graceConversation() {
    return once("graceConversation", () -> {
      String id = allocated();
      s.setStatus(operatorPerson(), "OFFLINE");
      return id;
    });
  }

  /** The tenant's admin, subscribed to the inbox and AVAILABLE (so it may claim there). */
  void readyAdmin() {
    once("adminReady", () -> {
      s.subscribe(s.adminId, inbox());
      s.setStatus(new Scenario.Person(s.adminId, s.admin), "AVAILABLE");
      return "yes";
    });
  }

  /**
   * What the tenant's own admin sees of everything made so far, plus its lists: the state an attack from another
   * tenant must leave unchanged. Priority scores move with the clock and are left out.
   */
  JsonObject snapshot() {
    JsonObject snapshot = new JsonObject();
    snapshot.put("tenant", read("/tenants/me"));
    for (String list : new String[] {"/operators", "/inboxes", "/operator-inbox-subscriptions", "/conversations",
      "/labels", "/grace-period"}) {
      snapshot.put(list, read(list));
    }
    made.forEach((kind, id) -> {
      switch (kind) {
        case "operator" -> {
          snapshot.put("operator", read("/operators/" + id));
          snapshot.put("status", read("/operator-status/" + id));
        }
        case "inbox" -> snapshot.put("inbox", read("/inboxes/" + id));
        case "conversation", "allocated", "graceConversation" -> {
          snapshot.put(kind, read("/conversations/" + id));
          snapshot.put(kind + "Events", read("/conversations/" + id + "/events"));
        }
        case "label" -> snapshot.put("label", read("/labels/" + id));
        default -> {
        }
      }
    });
    return snapshot;
  }

  private JsonObject read(String path) {
    Http.Response response = s.http.get(path, s.admin);
    JsonObject entry = new JsonObject().put("status", response.status());
    if (response.status() == 200) {
      entry.put("body", withoutScores(response.json()));
    }
    return entry;
  }

  private static Object withoutScores(Object value) {
    if (value instanceof JsonObject object) {
      object.remove("priorityScore");
      object.forEach(entry -> withoutScores(entry.getValue()));
    } else if (value instanceof JsonArray array) {
      array.forEach(TenantData::withoutScores);
    }
    return value;
  }

  private String once(String kind, Supplier<String> make) {
    String existing = made.get(kind);
    if (existing == null) {
      existing = make.get();
      made.put(kind, existing);
    }
    return existing;
  }
}
