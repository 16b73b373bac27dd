package io.inboxallocation.reliability;

import io.inboxallocation.Service;
import io.inboxallocation.auth.Role;
import io.inboxallocation.testing.Calls;
import io.inboxallocation.testing.Forge;
import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Invariants;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.Snapshot;
import io.inboxallocation.testing.Tenants;
import io.inboxallocation.testing.TestService;
import io.inboxallocation.testing.Wire;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile input, property-based (jqwik): requests generated from a hand-written mirror of openapi.yaml's operations,
 * valid and invalid (wrong types, missing and extra fields, huge strings and numbers, unicode edge cases, SQL / JSON
 * injection, foreign and malformed ids, wrong content types, oversized bodies, duplicated query parameters), sent
 * with tenant B's tokens (sometimes none or garbage). Never a 5xx; every 4xx is a problem+json whose status matches;
 * tenant A is untouched; the invariants hold.
 */
class HostileInputTest {

  // ---------------------------------------------------------------- the contract, by hand (mirrors openapi.yaml)

  enum Kind { INBOX, OPERATOR, CONVERSATION, LABEL, SUBSCRIPTION, TENANT, WEBHOOK, NAME, PHONE, ROLE, STATUS, WEIGHT,
    GRACE, COUNT, TIMESTAMP, COLOR, EXTERNAL_ID, LABEL_NAME, STATE, SORT, LIMIT, CURSOR, URL, DELIVERY_STATUS }

  record Op(String method, String path, Map<String, Kind> body, List<String> required, Map<String, Kind> query) {
    boolean hasBody() {
      return body != null;
    }
  }

  static Map<String, Kind> fields(Object... pairs) {
    Map<String, Kind> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put((String) pairs[i], (Kind) pairs[i + 1]);
    }
    return map;
  }

  static final List<Op> OPS = List.of(
    new Op("POST", "/tenants", fields("name", Kind.NAME), List.of("name"), null),
    new Op("GET", "/tenants/me", null, List.of(), null),
    new Op("PATCH", "/tenants/me", fields("name", Kind.NAME, "messageCountWeight", Kind.WEIGHT, "delayWeight", Kind.WEIGHT,
      "gracePeriodSeconds", Kind.GRACE), List.of(), null),
    new Op("POST", "/operators", fields("name", Kind.NAME, "role", Kind.ROLE, "tenantId", Kind.TENANT), List.of("name", "role"), null),
    new Op("GET", "/operators", null, List.of(), null),
    new Op("GET", "/operators/{operator}", null, List.of(), null),
    new Op("PATCH", "/operators/{operator}", fields("name", Kind.NAME, "role", Kind.ROLE), List.of(), null),
    new Op("DELETE", "/operators/{operator}", null, List.of(), null),
    new Op("POST", "/inboxes", fields("phoneNumber", Kind.PHONE, "displayName", Kind.NAME), List.of("phoneNumber", "displayName"), null),
    new Op("GET", "/inboxes", null, List.of(), null),
    new Op("GET", "/inboxes/{inbox}", null, List.of(), null),
    new Op("PATCH", "/inboxes/{inbox}", fields("phoneNumber", Kind.PHONE, "displayName", Kind.NAME), List.of(), null),
    new Op("DELETE", "/inboxes/{inbox}", null, List.of(), null),
    new Op("POST", "/operator-inbox-subscriptions", fields("operatorId", Kind.OPERATOR, "inboxId", Kind.INBOX),
      List.of("operatorId", "inboxId"), null),
    new Op("GET", "/operator-inbox-subscriptions", null, List.of(), fields("operatorId", Kind.OPERATOR, "inboxId", Kind.INBOX)),
    new Op("DELETE", "/operator-inbox-subscriptions/{subscription}", null, List.of(), null),
    new Op("POST", "/conversations", fields("inboxId", Kind.INBOX, "externalConversationId", Kind.EXTERNAL_ID,
      "customerPhoneNumber", Kind.PHONE, "lastMessageAt", Kind.TIMESTAMP, "messageCount", Kind.COUNT),
      List.of("inboxId", "externalConversationId", "customerPhoneNumber"), null),
    new Op("GET", "/conversations", null, List.of(), fields("inboxId", Kind.INBOX, "state", Kind.STATE,
      "assignedOperatorId", Kind.OPERATOR, "labelId", Kind.LABEL, "customerPhoneNumber", Kind.PHONE, "sort", Kind.SORT,
      "limit", Kind.LIMIT, "cursor", Kind.CURSOR)),
    new Op("GET", "/conversations/search/by-phone", null, List.of(), fields("phoneNumber", Kind.PHONE)),
    new Op("GET", "/conversations/{conversation}", null, List.of(), null),
    new Op("GET", "/conversations/{conversation}/events", null, List.of(), null),
    new Op("POST", "/conversations/{conversation}/labels/{label}", null, List.of(), null),
    new Op("DELETE", "/conversations/{conversation}/labels/{label}", null, List.of(), null),
    new Op("POST", "/allocation/allocate", fields(), List.of(), null),
    new Op("POST", "/allocation/claim", fields("conversationId", Kind.CONVERSATION), List.of("conversationId"), null),
    new Op("POST", "/allocation/resolve", fields("conversationId", Kind.CONVERSATION), List.of("conversationId"), null),
    new Op("POST", "/allocation/deallocate", fields("conversationId", Kind.CONVERSATION), List.of("conversationId"), null),
    new Op("POST", "/allocation/reassign", fields("conversationId", Kind.CONVERSATION, "newOperatorId", Kind.OPERATOR),
      List.of("conversationId", "newOperatorId"), null),
    new Op("POST", "/allocation/move-inbox", fields("conversationId", Kind.CONVERSATION, "newInboxId", Kind.INBOX),
      List.of("conversationId", "newInboxId"), null),
    new Op("POST", "/labels", fields("inboxId", Kind.INBOX, "name", Kind.LABEL_NAME, "color", Kind.COLOR), List.of("inboxId", "name"), null),
    new Op("GET", "/labels", null, List.of(), fields("inboxId", Kind.INBOX)),
    new Op("GET", "/labels/{label}", null, List.of(), null),
    new Op("PATCH", "/labels/{label}", fields("name", Kind.LABEL_NAME, "color", Kind.COLOR), List.of(), null),
    new Op("DELETE", "/labels/{label}", null, List.of(), null),
    new Op("GET", "/operator-status/me", null, List.of(), null),
    new Op("POST", "/operator-status/me", fields("status", Kind.STATUS), List.of("status"), null),
    new Op("GET", "/operator-status/{operator}", null, List.of(), null),
    new Op("PUT", "/operator-status/{operator}", fields("status", Kind.STATUS), List.of("status"), null),
    new Op("POST", "/webhooks", fields("url", Kind.URL, "description", Kind.NAME), List.of("url"), null),
    new Op("GET", "/webhooks", null, List.of(), null),
    new Op("GET", "/webhooks/{webhook}", null, List.of(), null),
    new Op("PATCH", "/webhooks/{webhook}", fields("url", Kind.URL, "description", Kind.NAME), List.of(), null),
    new Op("DELETE", "/webhooks/{webhook}", null, List.of(), null),
    new Op("GET", "/webhooks/{webhook}/secret", null, List.of(), null),
    new Op("POST", "/webhooks/{webhook}/rotate-secret", null, List.of(), null),
    new Op("GET", "/webhooks/{webhook}/deliveries", null, List.of(), fields("status", Kind.DELIVERY_STATUS,
      "limit", Kind.LIMIT)),
    new Op("POST", "/webhooks/{webhook}/recover", fields("since", Kind.TIMESTAMP), List.of("since"), null),
    new Op("POST", "/webhooks/{webhook}/test", null, List.of(), null),
    new Op("GET", "/grace-period", null, List.of(), null),
    new Op("POST", "/grace-period/process", fields(), List.of(), null),
    new Op("GET", "/health", null, List.of(), null));

  /** A literal JSON token written as is (numbers beyond double / long, -0, 1e309 ...). */
  record Raw(String json) {
  }

  static final List<Object> HOSTILE_STRINGS = List.of("", " ", "' OR '1'='1", "'; DROP TABLE conversation_ref; --",
    "\" OR \"\"=\"", "1); SELECT pg_sleep(10); --", "$1", "%s%s%s%n", "{\"$ne\": null}", "\"}, \"tenantId\": \"x",
    "\\", "\u0000", "a\u0000b", "\uD800", "\uDFFF", "x\uDBFFy", "\uD83D\uDE00\uD83D\uDC69\u200D\uD83D\uDCBB",
    "\u202Eevil\u202C", "\u200B", "\uFEFFbom", "e\u0301\u0301\u0301", "\u0130\u01C5", "../../etc/passwd", "%2e%2e%2f",
    "<script>alert(1)</script>", "${jndi:ldap://127.0.0.1/x}", "NaN", "null", "true", "-1", "\n\r\t",
    "+5511999990000", "+55 11 99999-0000", "123456789012345678901234567890123456789", "00000000-0000-0000-0000-00000000000G",
    "\u0661\u0662\u0663", "\uFF0B\uFF15\uFF15", "x".repeat(201), "\uD83D\uDE00".repeat(60));
  static final List<Object> HOSTILE_NUMBERS = List.of(new Raw("1e308"), new Raw("-1"), new Raw("9223372036854775808"),
    new Raw("9223372036854775807"), new Raw("2147483648"), new Raw("-0"), new Raw("0.5"), new Raw("1e309"),
    new Raw("-1e309"), new Raw("1E400"), new Raw("4.9e-324"), new Raw("604801"), new Raw("1000001"), new Raw("-2147483649"),
    new Raw("1" + "0".repeat(400)), new Raw("0.0000000000000000000000000001"));
  static final List<Object> WRONG_TYPES = List.of(true, false, new Raw("null"), List.of(), Map.of(), List.of(1, "a"),
    Map.of("a", Map.of("b", List.of())), 0, 12.5);

  // ---------------------------------------------------------------- the service and the two tenants

  static Vertx vertx;
  static Vertx nodeVertx;
  static TestService app;
  static Wire wire;
  static Scenario a;
  static Scenario b;
  static Map<Kind, List<String>> bIds;
  static Map<Kind, List<String>> aIds;
  static List<String> bTokens;
  static Map<String, List<String>> aBefore;
  static final AtomicInteger requests = new AtomicInteger();
  static final AtomicInteger serverErrors = new AtomicInteger();
  static final Map<Integer, AtomicInteger> statuses = new java.util.concurrent.ConcurrentHashMap<>();

  @BeforeContainer
  static void start() {
    vertx = Vertx.vertx();
    app = TestService.start(vertx);
    nodeVertx = Vertx.vertx();
    wire = new Wire(Service.start(nodeVertx, app.config).await().port(), Duration.ofSeconds(20));
    a = Tenants.create(app);
    aIds = tenantData(a, true);
    b = Tenants.create(app);
    bIds = tenantData(b, false);
    Scenario.Person bOperator = new Scenario.Person(bIds.get(Kind.OPERATOR).get(0), app.token(Role.OPERATOR, b.tenantId,
      bIds.get(Kind.OPERATOR).get(0)));
    bTokens = List.of(b.admin, b.admin, b.admin, b.service, bOperator.token(), app.token(Role.MANAGER, b.tenantId,
      bIds.get(Kind.OPERATOR).get(1)));
    aBefore = Snapshot.of(app, a.tenantId);
  }

  /** An inbox, operators (one subscribed and owning a conversation), conversations, a label, a subscription. */
  static Map<Kind, List<String>> tenantData(Scenario s, boolean withGrace) {
    Map<Kind, List<String>> ids = new LinkedHashMap<>();
    String inbox = s.inbox();
    Scenario.Person operator = Calls.available(s, "OPERATOR", inbox);
    Scenario.Person manager = Calls.available(s, "MANAGER", inbox);
    String queued = s.conversation(inbox, new JsonObject().put("messageCount", 3)).getString("id");
    String owned = Calls.claimed(s, operator, inbox).getString("id");
    String label = Calls.label(s, inbox, "vip", "#aa0000").getString("id");
    assertEquals(200, Calls.attach(s, s.admin, queued, label).status());
    String subscription = s.http.get("/operator-inbox-subscriptions?operatorId=" + operator.id(), s.admin)
      .items().getJsonObject(0).getString("id");
    if (withGrace) {
      s.setStatus(operator, "OFFLINE"); // a grace assignment (300 s) that must survive untouched
    }
    ids.put(Kind.INBOX, List.of(inbox));
    ids.put(Kind.OPERATOR, List.of(operator.id(), manager.id()));
    ids.put(Kind.CONVERSATION, List.of(queued, owned));
    ids.put(Kind.LABEL, List.of(label));
    ids.put(Kind.SUBSCRIPTION, List.of(subscription));
    ids.put(Kind.TENANT, List.of(s.tenantId.toString()));
    // Last, so that no event of the set-up is delivered (the address is not reachable from the tests anyway).
    Http.Response webhook = s.http.post("/webhooks", s.admin, new JsonObject().put("url", "https://93.184.215.14/hooks")
      .put("eventTypes", new JsonArray().add("conversation.resolved")));
    assertEquals(201, webhook.status(), webhook::toString);
    ids.put(Kind.WEBHOOK, List.of(webhook.id()));
    return ids;
  }

  @AfterProperty
  void tenantAIsUntouchedAndConsistent() {
    String diff = Snapshot.diff(aBefore, Snapshot.of(app, a.tenantId));
    List<String> violations = Invariants.check(app);
    System.out.printf("[hostile-input] after property: requests-so-far=%d statuses=%s 5xx=%d tenantA-rows-changed=%d"
        + " invariant-violations=%d%n", requests.get(), new java.util.TreeMap<>(statuses), serverErrors.get(),
      diff.lines().count(), violations.size());
    assertEquals("", diff, "tenant A changed by requests sent as tenant B");
    assertEquals(List.of(), violations, "invariants");
  }

  @AfterContainer
  static void stop() {
    if (nodeVertx != null) {
      nodeVertx.close().await();
    }
    if (vertx != null) {
      vertx.close().await();
    }
    if (app != null) {
      app.dropDatabase();
    }
  }

  // ---------------------------------------------------------------- requests

  record Request(String method, String path, Map<String, String> headers, String contentType, byte[] body, String note) {
    @Override
    public String toString() {
      String shown = body == null ? "" : new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
      return method + " " + (path.length() > 300 ? path.substring(0, 300) + "..." : path) + " [" + note + "] ct="
        + contentType + " body(" + (body == null ? 0 : body.length) + ")=" + shown;
    }
  }

  /** Fully random: any operation, mostly-valid values with hostile ones mixed in, any token. */
  @Provide
  Arbitrary<Request> anyRequest() {
    return Arbitraries.randomValue(random -> build(random, 0.25, true));
  }

  /** Every string field of the body (or path / query value) carries the same hostile string. */
  @Provide
  Arbitrary<Request> injectionEverywhere() {
    return Arbitraries.randomValue(random -> {
      Object hostile = pick(random, HOSTILE_STRINGS);
      Op op = pick(random, OPS);
      Map<String, Object> body = new LinkedHashMap<>();
      if (op.hasBody()) {
        op.body().forEach((name, kind) -> body.put(name, isStringKind(kind) ? hostile : valid(random, kind)));
      }
      String path = fillPath(random, op.path(), k -> (String) hostile);
      String query = op.query() == null ? "" : "?" + String.join("&", op.query().keySet().stream()
        .map(name -> name + "=" + encode((String) hostile)).toList());
      return new Request(op.method(), path + query, auth(b.admin), op.hasBody() ? "application/json" : null,
        op.hasBody() ? json(body).getBytes(StandardCharsets.UTF_8) : null, "hostile string in every field");
    });
  }

  /** Transport-level abuse: content types, oversized and non-UTF-8 bodies, deep nesting, duplicated parameters. */
  @Provide
  Arbitrary<Request> transportAbuse() {
    return Arbitraries.randomValue(random -> {
      Request base = build(random, 0.0, false);
      int trick = random.nextInt(9);
      return switch (trick) {
        case 0 -> new Request(base.method().equals("GET") ? "POST" : base.method(), base.path(), base.headers(),
          pick(random, List.of("text/plain", "application/x-www-form-urlencoded", "application/xml",
            "multipart/form-data; boundary=x", "application/json; charset=latin1", "application/json-patch+json",
            "application/problem+json", "*/*", "application/json;;;", "APPLICATION/JSON")),
          base.body() == null ? "{}".getBytes(StandardCharsets.UTF_8) : base.body(), "content type");
        case 1 -> new Request(base.method(), base.path(), base.headers(), "application/json",
          ("{\"name\":\"" + "x".repeat(64 * 1024 + random.nextInt(40 * 1024)) + "\"}").getBytes(StandardCharsets.UTF_8),
          "body over 64 KiB");
        case 2 -> new Request(base.method(), base.path(), base.headers(), "application/json",
          new byte[] {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', '}'},
          "invalid UTF-8");
        case 3 -> {
          int depth = 1 + random.nextInt(5000);
          yield new Request(base.method(), base.path(), base.headers(), "application/json",
            ("[".repeat(depth) + "]".repeat(depth)).getBytes(StandardCharsets.UTF_8), "nested arrays " + depth);
        }
        case 4 -> new Request("GET", "/conversations?limit=1&limit=2&state=QUEUED&state=RESOLVED&sort=newest&sort=priority"
          + "&inboxId=" + bIds.get(Kind.INBOX).get(0) + "&inboxId=" + aIds.get(Kind.INBOX).get(0), base.headers(), null, null,
          "duplicated query parameters");
        case 5 -> new Request(base.method(), base.path(), base.headers(), "application/json",
          pick(random, List.of("{", "}", "{\"a\":}", "[1,2", "{\"a\":1,\"a\":2}", "nul", "\"just a string\"", "123",
            "{'single':'quotes'}", "{\"a\":1}{\"b\":2}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":0x10}", "/* c */{}",
            "\uFEFF{}")).getBytes(StandardCharsets.UTF_8), "malformed JSON");
        case 6 -> new Request(base.method(), pick(random, List.of("/conversations/%00", "/conversations/..%2F..%2Ftenants",
          "/labels/%E0%A4%41", "/inboxes/%FF%FE", "/operators/" + "9".repeat(3000), "/conversations/%20",
          "/conversations//events", "/allocation/claim/", "/tenants/me/", "/TENANTS/ME", "/conversations?limit=%25",
          "/conversations?cursor=" + "A".repeat(600), "/conversations?limit=1e308", "/conversations?limit=9223372036854775808",
          "/conversations?limit=-1", "/conversations?customerPhoneNumber=%00")), base.headers(), base.contentType(),
          base.body(), "odd path");
        case 7 -> new Request(base.method(), base.path(), auth(pick(random, List.of("", "null", "undefined",
          "a.b.c", "e30.e30.", Forge.unsigned(Forge.claims(b.adminId, "ADMIN", b.tenantId)),
          Forge.signed(app.jwt(), Forge.claims(a.adminId, "ADMIN", a.tenantId).put("exp", Forge.now() - 1)),
          "x".repeat(8000)))), base.contentType(), base.body(), "garbage token");
        default -> new Request(base.method(), base.path(), Map.of("Authorization", pick(random, List.of("Bearer",
          "Basic YWRtaW46YWRtaW4=", "Bearer  " + b.admin, "bearer " + b.admin, b.admin, "Bearer " + b.admin + " extra"))),
          base.contentType(), base.body(), "malformed Authorization");
      };
    });
  }

  static Request build(Random random, double mutation, boolean anyToken) {
    Op op = pick(random, OPS);
    List<String> notes = new ArrayList<>();
    String path = fillPath(random, op.path(), kind -> id(random, kind, mutation, notes));
    if (op.query() != null && random.nextBoolean()) {
      List<String> params = new ArrayList<>();
      op.query().forEach((name, kind) -> {
        if (random.nextInt(3) == 0) {
          Object value = random.nextDouble() < mutation ? pick(random, HOSTILE_STRINGS) : valid(random, kind);
          params.add(name + "=" + encode(String.valueOf(value instanceof Raw raw ? raw.json() : value)));
          if (random.nextInt(10) == 0) {
            params.add(name + "=" + encode(String.valueOf(valid(random, kind))));
            notes.add("duplicated " + name);
          }
        }
      });
      if (!params.isEmpty()) {
        path += "?" + String.join("&", params);
      }
    }
    byte[] body = null;
    String contentType = null;
    if (op.hasBody()) {
      Map<String, Object> fields = new LinkedHashMap<>();
      op.body().forEach((name, kind) -> {
        boolean include = op.required().contains(name) ? random.nextDouble() >= mutation / 3 : random.nextBoolean();
        if (!include) {
          notes.add("no " + name);
          return;
        }
        if (random.nextDouble() < mutation) {
          int how = random.nextInt(3);
          Object value = how == 0 ? pick(random, HOSTILE_STRINGS) : how == 1 ? pick(random, HOSTILE_NUMBERS)
            : pick(random, WRONG_TYPES);
          notes.add(name + " hostile");
          fields.put(name, value);
        } else {
          fields.put(name, valid(random, kind));
        }
      });
      if (random.nextDouble() < mutation / 2) {
        fields.put(pick(random, List.of("extra", "tenantId", "id", "state", "assignedOperatorId", "__proto__", "")),
          pick(random, HOSTILE_STRINGS));
        notes.add("extra field");
      }
      if (random.nextDouble() < mutation / 10) {
        fields.put("huge", "y".repeat(random.nextInt(100 * 1024)));
        notes.add("huge string");
      }
      body = json(fields).getBytes(StandardCharsets.UTF_8);
      contentType = "application/json";
    }
    String token = b.admin;
    if (anyToken) {
      int t = random.nextInt(20);
      token = t < 16 ? pick(random, bTokens) : t < 18 ? null : "garbage." + UUID.randomUUID();
    }
    return new Request(op.method(), path, auth(token), contentType, body, String.join(", ", notes));
  }

  static String fillPath(Random random, String template, java.util.function.Function<Kind, String> ids) {
    String path = template;
    for (Kind kind : List.of(Kind.OPERATOR, Kind.INBOX, Kind.CONVERSATION, Kind.LABEL, Kind.SUBSCRIPTION, Kind.WEBHOOK)) {
      String placeholder = "{" + kind.name().toLowerCase() + "}";
      if (path.contains(placeholder)) {
        path = path.replace(placeholder, encode(ids.apply(kind)));
      }
    }
    return path;
  }

  /** B's id (valid), A's id (foreign), a random UUID, or (with the mutation rate) garbage. */
  static String id(Random random, Kind kind, double mutation, List<String> notes) {
    double dice = random.nextDouble();
    if (dice < mutation) {
      notes.add(kind + " id garbage");
      Object hostile = pick(random, HOSTILE_STRINGS);
      return hostile instanceof String text && !text.isEmpty() ? text : "not-a-uuid";
    }
    if (dice < mutation + 0.25) {
      notes.add(kind + " id of tenant A");
      return pick(random, aIds.get(kind));
    }
    if (dice < mutation + 0.35) {
      return UUID.randomUUID().toString();
    }
    return pick(random, bIds.get(kind));
  }

  static Object valid(Random random, Kind kind) {
    return switch (kind) {
      case INBOX, OPERATOR, CONVERSATION, LABEL, SUBSCRIPTION, TENANT, WEBHOOK ->
        random.nextInt(4) == 0 ? pick(random, aIds.get(kind)) : pick(random, bIds.get(kind));
      case NAME -> "name " + random.nextInt(1000);
      case LABEL_NAME -> "label-" + random.nextInt(50);
      case PHONE -> pick(random, List.of("+55 11 9" + (10_000_000 + random.nextInt(89_999_999)), "5511999990000",
        "005511999990000", "+1 650 253 0000"));
      case ROLE -> pick(random, List.of("OPERATOR", "MANAGER"));
      case STATUS -> pick(random, List.of("AVAILABLE", "OFFLINE"));
      case WEIGHT -> random.nextInt(1000);
      case GRACE -> random.nextInt(600) + 60;
      case COUNT -> random.nextInt(100);
      case TIMESTAMP -> java.time.Instant.now().minusSeconds(random.nextInt(100_000)).toString();
      case COLOR -> String.format("#%06x", random.nextInt(0xFFFFFF));
      case EXTERNAL_ID -> "ext-" + random.nextInt(200);
      case STATE -> pick(random, List.of("QUEUED", "ALLOCATED", "RESOLVED"));
      case SORT -> pick(random, List.of("newest", "oldest", "priority"));
      case LIMIT -> 1 + random.nextInt(100);
      case CURSOR -> "eyJ" + UUID.randomUUID();
      case URL -> "https://93.184.215.14/hooks/" + random.nextInt(100);
      case DELIVERY_STATUS -> pick(random, List.of("PENDING", "SUCCEEDED", "FAILED"));
    };
  }

  static boolean isStringKind(Kind kind) {
    return switch (kind) {
      case WEIGHT, GRACE, COUNT, LIMIT -> false;
      default -> true;
    };
  }

  static Map<String, String> auth(String token) {
    return token == null ? Map.of() : Map.of("Authorization", "Bearer " + token);
  }

  static <T> T pick(Random random, List<T> list) {
    return list.get(random.nextInt(list.size()));
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** JSON text; surrogates and control characters escaped as a backslash-u and four hex digits (so lone surrogates reach the server). */
  static String json(Object value) {
    StringBuilder out = new StringBuilder();
    write(out, value);
    return out.toString();
  }

  private static void write(StringBuilder out, Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof Raw raw) {
      out.append(raw.json());
    } else if (value instanceof String text) {
      out.append('"');
      for (char c : text.toCharArray()) {
        if (c == '"' || c == '\\') {
          out.append('\\').append(c);
        } else if (c < 0x20 || Character.isSurrogate(c)) {
          out.append(String.format("\\u%04x", (int) c));
        } else {
          out.append(c);
        }
      }
      out.append('"');
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        write(out, String.valueOf(entry.getKey()));
        out.append(':');
        write(out, entry.getValue());
      }
      out.append('}');
    } else if (value instanceof List<?> list) {
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        write(out, list.get(i));
      }
      out.append(']');
    } else {
      out.append(value);
    }
  }

  // ---------------------------------------------------------------- the properties

  static void assertWellAnswered(Request request) {
    Http.Response r = wire.send(request.method(), request.path(), request.headers(), request.contentType(), request.body());
    requests.incrementAndGet();
    statuses.computeIfAbsent(r.status(), k -> new AtomicInteger()).incrementAndGet();
    if (r.status() >= 500 || r.status() == Wire.NO_ANSWER) {
      serverErrors.incrementAndGet();
    }
    assertTrue(r.status() > 0 && r.status() < 500, () -> "5xx or no answer: " + request + " -> " + r);
    if (r.status() >= 400) {
      String contentType = String.valueOf(r.contentType());
      assertTrue(contentType.startsWith("application/problem+json"), () -> "4xx without problem+json: " + request + " -> "
        + r.status() + " " + contentType + " " + r.body());
      JsonObject problem;
      try {
        problem = r.json();
      } catch (DecodeException | ClassCastException e) {
        throw new AssertionError("4xx body is not a JSON object: " + request + " -> " + r);
      }
      assertEquals(r.status(), problem.getValue("status"), () -> "problem status: " + request + " -> " + r);
    }
  }

  @Property(tries = 1500, generation = GenerationMode.RANDOMIZED, shrinking = ShrinkingMode.OFF)
  void anyRequestAsTenantBIsAnsweredWell(@ForAll("anyRequest") Request request) {
    assertWellAnswered(request);
  }

  @Property(tries = 700, generation = GenerationMode.RANDOMIZED, shrinking = ShrinkingMode.OFF)
  void hostileStringsInEveryFieldAreAnsweredWell(@ForAll("injectionEverywhere") Request request) {
    assertWellAnswered(request);
  }

  @Property(tries = 500, generation = GenerationMode.RANDOMIZED, shrinking = ShrinkingMode.OFF)
  void transportAbuseIsAnsweredWell(@ForAll("transportAbuse") Request request) {
    assertWellAnswered(request);
  }
}
