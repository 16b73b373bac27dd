package io.inboxallocation.demo;

import io.inboxallocation.auth.Role;
import io.inboxallocation.config.AppConfig;
import io.inboxallocation.db.Database;
import io.inboxallocation.demo.DemoApi.Caller;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The demo tenant, made through the service's own commands: 3 inboxes with labels, a manager, an admin and 8
 * operators with subscriptions, and a few hundred conversations of which most are resolved, some allocated and the
 * rest waiting, with a spread of message counts and waiting times. Every step first looks for what an earlier run
 * made, so a second start (or one after an interrupted seed) finds the same tenant.
 */
final class DemoSeed {

  static final String TENANT = "Demo";
  static final int CONVERSATIONS = 260;
  private static final double RESOLVED_SHARE = 0.65;
  private static final double LABELLED_SHARE = 0.3;
  private static final int DEFAULT_MAX_CONCURRENT = 4;
  /** Waiting times are exponential around this, capped at a few hours: most customers wait minutes, a few long. */
  private static final Duration MEAN_WAIT = Duration.ofMinutes(20);
  private static final Duration LONGEST_WAIT = Duration.ofHours(3);

  record InboxPlan(String name, String phone, int share, Map<String, String> labels) {
  }

  record PersonPlan(String name, Role role, List<String> inboxes, boolean available, boolean simulated,
                    Integer maxConcurrent, int allocated) {
  }

  static final List<InboxPlan> INBOXES = List.of(
    new InboxPlan("Sales", "+551140040001", 45, labels("VIP", "#b91c1c", "Quote", "#1d4ed8")),
    new InboxPlan("Support", "+551140040002", 35, labels("Bug", "#7c3aed", "Urgent", "#c2410c")),
    new InboxPlan("Billing", "+551140040003", 20, labels("Refund", "#b45309", "Invoice", "#047857")));

  static final PersonPlan MANAGER = new PersonPlan("Marina Costa", Role.MANAGER, List.of(), true, false, null, 0);
  static final PersonPlan ADMIN = new PersonPlan("Rafael Almeida", Role.ADMIN, List.of(), true, false, null, 0);
  static final List<PersonPlan> OPERATORS = List.of(
    new PersonPlan("Ana Souza", Role.OPERATOR, List.of("Sales", "Support"), true, false, null, 2),
    new PersonPlan("Bruno Lima", Role.OPERATOR, List.of("Support", "Billing"), true, false, null, 1),
    new PersonPlan("Carla Mendes", Role.OPERATOR, List.of("Sales"), true, true, null, 2),
    new PersonPlan("Diego Rocha", Role.OPERATOR, List.of("Sales", "Support"), true, true, 6, 3),
    new PersonPlan("Elisa Martins", Role.OPERATOR, List.of("Support"), true, true, null, 2),
    new PersonPlan("Felipe Araújo", Role.OPERATOR, List.of("Billing", "Support"), true, true, null, 2),
    new PersonPlan("Gabriela Nunes", Role.OPERATOR, List.of("Sales", "Billing"), false, true, null, 0),
    new PersonPlan("Hugo Teixeira", Role.OPERATOR, List.of("Support"), false, true, null, 0));

  private final DemoApi api;
  /** Seeded: the same demo data on every fresh database. */
  private final Random random = new Random(12);

  DemoSeed(DemoApi api) {
    this.api = api;
  }

  DemoTenant findOrCreate(AppConfig config) {
    Caller platform = new Caller(Role.PLATFORM_ADMIN, null, "demo");
    UUID existing = existingTenant(config);
    UUID tenantId = existing != null ? existing
      : UUID.fromString(api.post(platform, "/tenants", new JsonObject().put("name", TENANT)).getString("id"));
    Caller service = new Caller(Role.SERVICE, tenantId, "demo-orchestrator");
    Map<String, String> operatorIds = ids(api.get(service, "/operators").getJsonArray("items"), "name");

    String adminId = operatorIds.computeIfAbsent(ADMIN.name(), name -> api.post(platform, "/operators",
      new JsonObject().put("name", name).put("role", ADMIN.role().name()).put("tenantId", tenantId.toString()))
      .getString("id"));
    Caller admin = new Caller(Role.ADMIN, tenantId, adminId);
    if (existing == null) {
      api.patch(admin, "/tenants/me", new JsonObject().put("defaultMaxConcurrent", DEFAULT_MAX_CONCURRENT));
    }
    Map<String, String> inboxIds = inboxes(admin);
    for (PersonPlan plan : people()) {
      String id = operatorIds.computeIfAbsent(plan.name(), name -> create(admin, plan));
      plan.inboxes().forEach(inbox -> api.post(admin, "/operator-inbox-subscriptions",
        new JsonObject().put("operatorId", id).put("inboxId", inboxIds.get(inbox))));
      setStatus(admin, id, "AVAILABLE");
    }
    if (api.get(service, "/conversations?limit=1").getJsonArray("items").isEmpty()) {
      new Conversations(tenantId, service, admin, inboxIds, operatorIds).seed();
    }
    people().stream().filter(plan -> !plan.available())
      .forEach(plan -> setStatus(admin, operatorIds.get(plan.name()), "OFFLINE"));

    return new DemoTenant(tenantId,
      new DemoTenant.Person(operatorIds.get(MANAGER.name()), MANAGER.name(), false),
      new DemoTenant.Person(adminId, ADMIN.name(), false),
      OPERATORS.stream().map(plan -> new DemoTenant.Person(operatorIds.get(plan.name()), plan.name(), plan.simulated()))
        .toList(),
      INBOXES.stream().map(plan -> new DemoTenant.Inbox(inboxIds.get(plan.name()), plan.name())).toList());
  }

  /**
   * The oldest tenant named Demo. The only read the API has no operation for (tenants are not listed), so it is
   * the one thing the demo asks the database directly; everything it writes goes through the API.
   */
  private static UUID existingTenant(AppConfig config) {
    PgConnectOptions db = config.database();
    try (Connection connection = DriverManager.getConnection(Database.jdbcUrl(config, db.getDatabase()),
      db.getUser(), db.getPassword());
         PreparedStatement query = connection.prepareStatement(
           "SELECT id FROM tenant WHERE name = ? ORDER BY created_at, id LIMIT 1")) {
      query.setString(1, TENANT);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next() ? rows.getObject("id", UUID.class) : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot look for the demo tenant: " + e.getMessage(), e);
    }
  }

  private static List<PersonPlan> people() {
    List<PersonPlan> people = new ArrayList<>(List.of(MANAGER));
    people.addAll(OPERATORS);
    return people;
  }

  private String create(Caller admin, PersonPlan plan) {
    String id = api.post(admin, "/operators", new JsonObject().put("name", plan.name()).put("role", plan.role().name()))
      .getString("id");
    if (plan.maxConcurrent() != null) {
      api.patch(admin, "/operators/" + id, new JsonObject().put("maxConcurrent", plan.maxConcurrent()));
    }
    return id;
  }

  /** The planned inboxes by name, with their labels, made where missing. */
  private Map<String, String> inboxes(Caller admin) {
    Map<String, String> ids = ids(api.get(admin, "/inboxes").getJsonArray("items"), "displayName");
    for (InboxPlan plan : INBOXES) {
      String inboxId = ids.computeIfAbsent(plan.name(), name -> api.post(admin, "/inboxes",
        new JsonObject().put("phoneNumber", plan.phone()).put("displayName", name)).getString("id"));
      Map<String, String> labels = ids(api.get(admin, "/labels?inboxId=" + inboxId).getJsonArray("items"), "name");
      plan.labels().forEach((name, color) -> labels.computeIfAbsent(name, missing -> api.post(admin, "/labels",
        new JsonObject().put("inboxId", inboxId).put("name", name).put("color", color)).getString("id")));
    }
    return ids;
  }

  private void setStatus(Caller admin, String operatorId, String status) {
    api.call(admin, HttpMethod.PUT, "/operator-status/" + operatorId,
      new JsonObject().put("status", status), 200);
  }

  private static <T> List<T> await(List<Future<T>> calls) {
    Future.all(calls).await();
    return calls.stream().map(Future::result).toList();
  }

  private static Map<String, String> ids(JsonArray items, String nameField) {
    return items.stream().map(JsonObject.class::cast)
      .collect(Collectors.toMap(item -> item.getString(nameField), item -> item.getString("id"), (a, b) -> a,
        HashMap::new));
  }

  private static Map<String, String> labels(String... namesAndColors) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (int i = 0; i < namesAndColors.length; i += 2) {
      labels.put(namesAndColors[i], namesAndColors[i + 1]);
    }
    return labels;
  }

  /** The conversations: reported by the orchestrator, most taken and resolved, some held, the rest waiting. */
  private final class Conversations {

    private final UUID tenantId;
    private final Caller service;
    private final Caller admin;
    private final Map<String, String> inboxIds;
    private final Map<String, String> operatorIds;

    Conversations(UUID tenantId, Caller service, Caller admin, Map<String, String> inboxIds,
                  Map<String, String> operatorIds) {
      this.tenantId = tenantId;
      this.service = service;
      this.admin = admin;
      this.inboxIds = inboxIds;
      this.operatorIds = operatorIds;
    }

    void seed() {
      Instant now = Instant.now();
      List<Future<DemoApi.Answer>> reported = new ArrayList<>();
      for (int i = 0; i < CONVERSATIONS; i++) {
        InboxPlan inbox = pick();
        long waited = (long) Math.min(LONGEST_WAIT.toSeconds(),
          -Math.log(1 - random.nextDouble()) * MEAN_WAIT.toSeconds());
        reported.add(api.send(service, HttpMethod.POST, "/conversations", new JsonObject()
          .put("inboxId", inboxIds.get(inbox.name()))
          .put("externalConversationId", "demo-seed-" + i)
          .put("customerPhoneNumber", customerPhone(random))
          .put("messageCount", messageCount(random))
          .put("lastMessageAt", now.minusSeconds(waited).toString()), 201));
      }
      List<JsonObject> queued = new ArrayList<>(await(reported).stream().map(DemoApi.Answer::body).toList());
      Collections.shuffle(queued, random);
      int resolved = (int) (CONVERSATIONS * RESOLVED_SHARE);
      // The history: each conversation claimed and resolved by an operator of its inbox. One operator works one
      // conversation at a time (their capacity counts), the operators side by side.
      Map<Caller, List<JsonObject>> history = new LinkedHashMap<>();
      for (JsonObject conversation : queued.subList(0, resolved)) {
        history.computeIfAbsent(anyAvailableServing(conversation.getString("inboxId")), who -> new ArrayList<>())
          .add(conversation);
      }
      await(history.entrySet().stream().map(work -> {
        Future<DemoApi.Answer> done = Future.succeededFuture();
        for (JsonObject conversation : work.getValue()) {
          JsonObject command = new JsonObject().put("conversationId", conversation.getString("id"));
          done = done.compose(previous -> api.send(work.getKey(), HttpMethod.POST, "/allocation/claim", command, 200))
            .compose(claimed -> api.send(work.getKey(), HttpMethod.POST, "/allocation/resolve", command, 200));
        }
        return done;
      }).toList());

      List<JsonObject> waiting = new ArrayList<>(queued.subList(resolved, queued.size()));
      for (PersonPlan plan : OPERATORS) {
        Caller operator = new Caller(Role.OPERATOR, tenantId, operatorIds.get(plan.name()));
        for (int held = 0; held < plan.allocated(); held++) {
          JsonObject conversation = waiting.stream().filter(c -> serves(plan, c.getString("inboxId"))).findFirst()
            .orElseThrow();
          waiting.remove(conversation);
          api.post(operator, "/allocation/claim", new JsonObject().put("conversationId", conversation.getString("id")));
        }
      }
      Map<String, List<String>> labelIds = INBOXES.stream().collect(Collectors.toMap(plan -> inboxIds.get(plan.name()),
        plan -> ids(api.get(admin, "/labels?inboxId=" + inboxIds.get(plan.name())).getJsonArray("items"), "name")
          .values().stream().sorted().toList()));
      List<Future<DemoApi.Answer>> labelled = new ArrayList<>();
      for (JsonObject conversation : queued.subList(resolved, queued.size())) {
        if (random.nextDouble() < LABELLED_SHARE) {
          List<String> inboxLabels = labelIds.get(conversation.getString("inboxId"));
          labelled.add(api.send(admin, HttpMethod.POST, "/conversations/" + conversation.getString("id") + "/labels/"
            + inboxLabels.get(random.nextInt(inboxLabels.size())), null, 200));
        }
      }
      await(labelled);
    }

    private InboxPlan pick() {
      int ticket = random.nextInt(INBOXES.stream().mapToInt(InboxPlan::share).sum());
      for (InboxPlan plan : INBOXES) {
        ticket -= plan.share();
        if (ticket < 0) {
          return plan;
        }
      }
      throw new IllegalStateException("shares add up");
    }

    /** A simulated operator who starts AVAILABLE and serves the inbox: the one who worked the resolved history. */
    private Caller anyAvailableServing(String inboxId) {
      List<PersonPlan> serving = OPERATORS.stream()
        .filter(plan -> plan.simulated() && plan.available() && serves(plan, inboxId)).toList();
      PersonPlan chosen = serving.get(random.nextInt(serving.size()));
      return new Caller(Role.OPERATOR, tenantId, operatorIds.get(chosen.name()));
    }

    private boolean serves(PersonPlan plan, String inboxId) {
      return plan.inboxes().stream().map(inboxIds::get).anyMatch(inboxId::equals);
    }
  }

  /** A Brazilian mobile number in one of a few area codes. */
  static String customerPhone(Random random) {
    int[] areas = {11, 11, 11, 21, 31, 41, 51};
    return "+55" + areas[random.nextInt(areas.length)] + "9" + String.format("%08d", random.nextInt(100_000_000));
  }

  /** Most customers write once or twice; a few write a lot. */
  static int messageCount(Random random) {
    return Math.min(40, 1 + (int) (-Math.log(1 - random.nextDouble()) * 3.5));
  }
}
