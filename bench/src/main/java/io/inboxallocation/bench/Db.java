package io.inboxallocation.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Blocking JDBC for everything around the load: database lifecycle, seeding, the refill, verification. */
final class Db implements AutoCloseable {

  static final int INBOXES = 50;
  static final int OPERATORS = 200;
  static final int SUBSCRIPTIONS_PER_OPERATOR = 5;
  // the "poll (few inboxes)" shape: a tenant of its own, every operator subscribed to every inbox
  static final int FEW_INBOXES = 5;
  static final int FEW_INBOX_OPERATORS = 50;
  static final int FEW_INBOX_QUEUE = 10_000;

  /** A seeded tenant; operators and inboxes in bench_operator / bench_inbox order (n = index + 1). */
  record Tenant(UUID id, List<UUID> operators, List<UUID> inboxes, int subscriptionsPerOperator) {
    String shape() {
      return String.format("%d inboxes, %d operators subscribed to %s", inboxes.size(), operators.size(),
        subscriptionsPerOperator == inboxes.size() ? "all " + subscriptionsPerOperator : subscriptionsPerOperator + " each");
    }
  }

  final String host;
  final int port;
  final String user;
  final String name;
  final Connection conn;

  /** The tenant of every scenario but "poll (few inboxes)". */
  Tenant tenant;
  Tenant fewInboxes;

  Db(String host, int port, String user, String name) throws SQLException {
    this.host = host;
    this.port = port;
    this.user = user;
    this.name = name;
    this.conn = connect(name);
  }

  Connection connect(String database) throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + database
      + "?connectTimeout=5&ApplicationName=ia-bench", user, System.getenv("PGPASSWORD"));
  }

  static void create(String host, int port, String user, String name) throws SQLException {
    try (Connection admin = DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres",
      user, System.getenv("PGPASSWORD")); Statement st = admin.createStatement()) {
      st.execute("CREATE DATABASE \"" + name + "\"");
    }
  }

  static void drop(String host, int port, String user, String name) throws SQLException {
    try (Connection admin = DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres",
      user, System.getenv("PGPASSWORD")); Statement st = admin.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
    }
  }

  void exec(String sql) throws SQLException {
    try (Statement st = conn.createStatement()) {
      st.execute(sql);
    }
  }

  /** The first column of every row, as text. */
  List<String> column(String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    }
    return values;
  }

  String scalar(String sql) throws SQLException {
    try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /**
   * The lookup tables pgbench uses (bench_inbox, bench_operator: (tenant_id, n) -> id) and two tenants: the main one
   * and the "poll (few inboxes)" one.
   */
  void seedStaff() throws SQLException {
    exec("CREATE TABLE bench_inbox (tenant_id uuid, n int, id uuid NOT NULL, PRIMARY KEY (tenant_id, n))");
    exec("CREATE TABLE bench_operator (tenant_id uuid, n int, id uuid NOT NULL, PRIMARY KEY (tenant_id, n))");
    tenant = seedTenant("bench tenant", INBOXES, OPERATORS, SUBSCRIPTIONS_PER_OPERATOR);
    fewInboxes = seedTenant("bench tenant (few inboxes)", FEW_INBOXES, FEW_INBOX_OPERATORS, FEW_INBOXES);
  }

  /** A tenant (default weights), its inboxes, operators (all AVAILABLE) and subscriptions. */
  private Tenant seedTenant(String tenantName, int inboxCount, int operatorCount, int subscriptions) throws SQLException {
    UUID id = UUID.randomUUID();
    String t = "'" + id + "'";
    exec("INSERT INTO tenant (id, name) VALUES (" + t + ", '" + tenantName + "')");
    exec("INSERT INTO bench_inbox SELECT " + t + ", i, gen_random_uuid() FROM generate_series(1, " + inboxCount + ") i");
    exec("INSERT INTO bench_operator SELECT " + t + ", i, gen_random_uuid() FROM generate_series(1, " + operatorCount
      + ") i");
    exec("INSERT INTO inbox (id, tenant_id, phone_number, display_name) SELECT id, tenant_id,"
      + " '+5511300' || lpad(n::text, 5, '0'), 'Bench inbox ' || n FROM bench_inbox WHERE tenant_id = " + t);
    exec("INSERT INTO operator (id, tenant_id, name, role) SELECT id, tenant_id, 'bench operator ' || n, 'OPERATOR'"
      + " FROM bench_operator WHERE tenant_id = " + t);
    exec("INSERT INTO operator_status (operator_id, tenant_id, status) SELECT id, tenant_id, 'AVAILABLE'"
      + " FROM bench_operator WHERE tenant_id = " + t);
    // Operator n: inboxes (7n + 11k) mod I + 1 for k = 0..S-1: S distinct inboxes (11 is prime to I = 50 and to
    // I = 5), overlapping sets; with S = I, every inbox.
    exec("INSERT INTO operator_inbox_subscription (id, tenant_id, operator_id, inbox_id) "
      + "SELECT gen_random_uuid(), o.tenant_id, o.id, i.id FROM bench_operator o "
      + "CROSS JOIN generate_series(0, " + (subscriptions - 1) + ") k "
      + "JOIN bench_inbox i ON i.tenant_id = o.tenant_id AND i.n = (7 * o.n + 11 * k) % " + inboxCount + " + 1 "
      + "WHERE o.tenant_id = " + t);
    return new Tenant(id, ids("bench_operator", id), ids("bench_inbox", id), subscriptions);
  }

  /**
   * The "push shift" tenant (issue 10), seeded like the others: {@code inboxCount} inboxes, {@code operatorCount}
   * operators (OPERATOR, AVAILABLE) each subscribed to {@code subscriptions} of them ((7n + 11k) mod I + 1). Its
   * assignment mode and capacity are set over HTTP by the scenario, not here.
   */
  Tenant seedPushShiftTenant(int inboxCount, int operatorCount, int subscriptions) throws SQLException {
    return seedTenant("bench tenant (push shift)", inboxCount, operatorCount, subscriptions);
  }

  /** One ADMIN operator of {@code tenantId} (no status, no subscription: never eligible for work); SQL, no events. */
  UUID seedAdmin(UUID tenantId, String adminName) throws SQLException {
    UUID id = UUID.randomUUID();
    try (PreparedStatement st = conn.prepareStatement(
      "INSERT INTO operator (id, tenant_id, name, role) VALUES (?, ?, ?, 'ADMIN')")) {
      st.setObject(1, id);
      st.setObject(2, tenantId);
      st.setString(3, adminName);
      st.executeUpdate();
    }
    return id;
  }

  /** One conversation event, as the push-shift replay needs it. */
  record ShiftEvent(long position, String type, String reason, UUID conversationId, UUID inboxId, UUID operatorId,
                    UUID previousOperatorId, long occurredAtMicros) {
  }

  /** The tenant's conversation events in feed order (position; id for any not numbered yet). */
  List<ShiftEvent> conversationEvents(UUID tenantId) throws SQLException {
    List<ShiftEvent> rows = new ArrayList<>();
    try (PreparedStatement st = conn.prepareStatement("""
      SELECT coalesce(position, -1), type, reason, conversation_id, inbox_id, operator_id, previous_operator_id,
             (extract(epoch FROM occurred_at) * 1000000)::bigint
      FROM domain_event WHERE tenant_id = ? AND conversation_id IS NOT NULL
      ORDER BY position NULLS LAST, id""")) {
      st.setObject(1, tenantId);
      st.setFetchSize(10_000);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          rows.add(new ShiftEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getObject(4, UUID.class),
            rs.getObject(5, UUID.class), rs.getObject(6, UUID.class), rs.getObject(7, UUID.class), rs.getLong(8)));
        }
      }
    }
    return rows;
  }

  /** Operator -> the inboxes it is subscribed to, for every operator of the tenant that has a status row. */
  Map<UUID, List<UUID>> subscriptions(UUID tenantId) throws SQLException {
    Map<UUID, List<UUID>> out = new java.util.LinkedHashMap<>();
    try (PreparedStatement st = conn.prepareStatement("""
      SELECT s.operator_id, array_agg(oi.inbox_id::text ORDER BY oi.inbox_id) FILTER (WHERE oi.inbox_id IS NOT NULL)
      FROM operator_status s LEFT JOIN operator_inbox_subscription oi ON oi.operator_id = s.operator_id
      WHERE s.tenant_id = ? GROUP BY s.operator_id ORDER BY s.operator_id""")) {
      st.setObject(1, tenantId);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          List<UUID> inboxes = new ArrayList<>();
          java.sql.Array a = rs.getArray(2);
          if (a != null) {
            for (String s : (String[]) a.getArray()) {
              inboxes.add(UUID.fromString(s));
            }
          }
          out.put(rs.getObject(1, UUID.class), inboxes);
        }
      }
    }
    return out;
  }

  /** The tenant's conversations by state. */
  Map<String, Long> conversationStates(UUID tenantId) throws SQLException {
    Map<String, Long> out = new java.util.TreeMap<>();
    try (PreparedStatement st = conn.prepareStatement(
      "SELECT state, count(*) FROM conversation_ref WHERE tenant_id = ? GROUP BY state")) {
      st.setObject(1, tenantId);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    return out;
  }

  /** The database's clock, µs since the epoch (the clock occurred_at is written with). */
  long nowMicros() throws SQLException {
    return Long.parseLong(scalar("SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint"));
  }

  /**
   * {@code n} MANAGER operators of the main tenant (no subscriptions, no status: managers see every inbox), for the
   * WebSocket scenarios; not in bench_operator, so pgbench never plays them. Inserted through SQL: no events.
   */
  List<UUID> seedManagers(int n) throws SQLException {
    List<UUID> ids = new ArrayList<>();
    try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(
      "INSERT INTO operator (id, tenant_id, name, role) SELECT gen_random_uuid(), '" + tenant.id() + "',"
        + " 'bench manager ' || i, 'MANAGER' FROM generate_series(1, " + n + ") i RETURNING id")) {
      while (rs.next()) {
        ids.add(rs.getObject(1, UUID.class));
      }
    }
    return ids;
  }

  /** Waits until the feed's sequencer has numbered every committed event; false after {@code timeoutMs}. */
  boolean awaitSequenced(long timeoutMs) throws SQLException, InterruptedException {
    long end = System.currentTimeMillis() + timeoutMs;
    while (true) {
      if ("0".equals(scalar("SELECT count(*) FROM domain_event WHERE position IS NULL"))) {
        return true;
      }
      if (System.currentTimeMillis() > end) {
        return false;
      }
      Thread.sleep(20);
    }
  }

  /** One feed event as the delivery check needs it: its commit-time proxies and the writer's key. */
  record FeedRow(long position, long occurredAtMicros, String type, String conversationKey) {
  }

  /** The tenant's events with a feed position in (after, upTo], in feed order. */
  List<FeedRow> feedEvents(UUID tenantId, long after, long upTo) throws SQLException {
    List<FeedRow> rows = new ArrayList<>();
    try (PreparedStatement st = conn.prepareStatement("""
      SELECT position, (extract(epoch FROM occurred_at) * 1000000)::bigint, type,
             conversation_id::text || '|' || (conversation::json ->> 'updatedAt')
      FROM domain_event WHERE tenant_id = ? AND position > ? AND position <= ? ORDER BY position""")) {
      st.setObject(1, tenantId);
      st.setLong(2, after);
      st.setLong(3, upTo);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          rows.add(new FeedRow(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4)));
        }
      }
    }
    return rows;
  }

  /** The highest feed position of the tenant's events, or {@code fallback} when it has none. */
  long lastPosition(UUID tenantId, long fallback) throws SQLException {
    String v = scalar("SELECT max(position) FROM domain_event WHERE tenant_id = '" + tenantId + "'");
    return v == null ? fallback : Long.parseLong(v);
  }

  private List<UUID> ids(String lookupTable, UUID tenantId) throws SQLException {
    List<UUID> ids = new ArrayList<>();
    try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(
      "SELECT id FROM " + lookupTable + " WHERE tenant_id = '" + tenantId + "' ORDER BY n")) {
      while (rs.next()) {
        ids.add(rs.getObject(1, UUID.class));
      }
    }
    return ids;
  }

  /** Empties the queue (of every tenant) and gives the main tenant {@code q} QUEUED conversations. */
  void seedQueue(long q) throws SQLException {
    truncateQueue();
    insertQueued(tenant, q);
    exec("VACUUM ANALYZE");
  }

  /**
   * TRUNCATE takes its locks one table at a time while the service's timers (grace expiry, metrics) read the same
   * tables in another order: PostgreSQL may pick the TRUNCATE as a deadlock's victim. Then it is tried again.
   */
  private void truncateQueue() throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try {
        exec("TRUNCATE conversation_ref, domain_event CASCADE");
        return;
      } catch (SQLException e) {
        if (!"40P01".equals(e.getSQLState()) || attempt == 5) {
          throw e;
        }
      }
    }
  }

  /** The queue of the "poll (few inboxes)" tenant, beside the main tenant's (after the last {@link #seedQueue}). */
  void seedFewInboxQueue() throws SQLException {
    insertQueued(fewInboxes, FEW_INBOX_QUEUE);
    exec("VACUUM ANALYZE");
  }

  /**
   * {@code q} QUEUED conversations of tenant {@code t}: external ids '1'..'q', random inbox, message count geometric
   * (p = 0.15, mean ~6.7, capped at 200), last message within the last 4 hours (skewed to recent), priority_rank from
   * the tenant's weights as the service computes it.
   */
  private void insertQueued(Tenant t, long q) throws SQLException {
    exec("SET synchronous_commit = off");
    long chunk = 250_000;
    for (long from = 1; from <= q; from += chunk) {
      long to = Math.min(q, from + chunk - 1);
      exec("INSERT INTO conversation_ref (id, tenant_id, inbox_id, external_conversation_id, customer_phone_number,"
        + " state, last_message_at, message_count, priority_rank, created_at, updated_at)"
        + " SELECT gen_random_uuid(), t.id, bi.id, s.g::text, '+55119' || lpad((s.g % 100000000)::text, 8, '0'),"
        + " 'QUEUED', s.lm, s.mc, priority_rank(t.message_count_weight, t.delay_weight, s.mc, s.lm),"
        + " s.lm - random() * interval '2 hours', s.lm"
        + " FROM (SELECT g, 1 + floor(random() * " + t.inboxes().size() + ")::int AS inbox_n,"
        + "         least(200, 1 + floor(ln(1 - random()) / ln(0.85)))::int AS mc,"
        + "         now() - (random() ^ 2) * interval '4 hours' AS lm"
        + "       FROM generate_series(" + from + ", " + to + ") g) s"
        + " JOIN bench_inbox bi ON bi.tenant_id = '" + t.id() + "' AND bi.n = s.inbox_n"
        + " CROSS JOIN tenant t WHERE t.id = '" + t.id() + "'");
    }
    exec("SET synchronous_commit = on");
  }

  /**
   * Keeps the queue depth: every tick, inserts as many fresh QUEUED conversations as were ALLOCATED since the last
   * tick (counted from domain_event), so a run at Q = 1,000 measures a queue of ~1,000, not an emptying one.
   */
  final class Refill implements AutoCloseable {
    private final Thread thread;
    private volatile boolean stop;
    long inserted;
    private long seq;

    Refill(long startSeq) throws SQLException {
      this.seq = startSeq;
      Connection c = connect(name);
      // The count reads the primary key from the last id seen. Without statistics (no autovacuum here) the planner
      // took "id > ?" for a third of the table and scanned all of it: 145 ms every 100 ms, a quarter of the database's
      // time in the allocate phases.
      try (Statement st = c.createStatement()) {
        st.execute("SET enable_seqscan = off");
        st.execute("SET enable_bitmapscan = off");
      }
      long[] lastId = {lastEventId(c)};
      thread = new Thread(() -> {
        try (c; PreparedStatement count = c.prepareStatement(
          "SELECT count(*) FILTER (WHERE type = 'ALLOCATED'), max(id) FROM domain_event WHERE tenant_id = ? AND id > ?");
             PreparedStatement insert = c.prepareStatement(
               "INSERT INTO conversation_ref (id, tenant_id, inbox_id, external_conversation_id, customer_phone_number,"
                 + " state, last_message_at, message_count, priority_rank)"
                 + " SELECT gen_random_uuid(), t.id, bi.id, 'r' || (?::bigint + g), '+55119' || lpad(g::text, 8, '0'),"
                 + " 'QUEUED', now(), s.mc, priority_rank(t.message_count_weight, t.delay_weight, s.mc, now())"
                 + " FROM generate_series(1, ?) g"
                 + " CROSS JOIN LATERAL (SELECT 1 + floor(random() * " + tenant.inboxes().size() + ")::int + 0 * g"
                 + "   AS inbox_n, (least(200, 1 + floor(ln(1 - random()) / ln(0.85))) + 0 * g)::int AS mc) s"
                 + " JOIN tenant t ON t.id = ? JOIN bench_inbox bi ON bi.tenant_id = t.id AND bi.n = s.inbox_n")) {
          while (!stop) {
            Thread.sleep(100);
            count.setObject(1, tenant.id());
            count.setLong(2, lastId[0]);
            long allocated;
            try (ResultSet rs = count.executeQuery()) {
              rs.next();
              allocated = rs.getLong(1);
              long max = rs.getLong(2);
              if (!rs.wasNull()) {
                lastId[0] = max;
              }
            }
            if (allocated > 0) {
              insert.setLong(1, seq);
              insert.setLong(2, allocated);
              insert.setObject(3, tenant.id());
              insert.executeUpdate();
              seq += allocated;
              inserted += allocated;
            }
          }
        } catch (Exception e) {
          if (!stop) {
            System.out.println("  refill stopped: " + e);
          }
        }
      }, "refill");
      thread.setDaemon(true);
      thread.start();
    }

    long nextSeq() {
      return seq;
    }

    @Override
    public void close() throws InterruptedException {
      stop = true;
      thread.join(5_000);
    }
  }

  long lastEventId() throws SQLException {
    return lastEventId(conn);
  }

  /** Events by type written after event id {@code after} (what a pgbench run did). */
  Map<String, Long> eventsSince(long after) throws SQLException {
    Map<String, Long> out = new java.util.TreeMap<>();
    try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(
      "SELECT type, count(*) FROM domain_event WHERE id > " + after + " GROUP BY type")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getLong(2));
      }
    }
    return out;
  }

  private long lastEventId(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT coalesce(max(id), 0) FROM domain_event")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The allocation check's outcome. */
  record AllocationCheck(long allocatedEvents, long conversations, long doubleAllocated, long repliesChecked,
                         long repliesWithoutEvent, long operatorMismatch, List<String> examples) {
    boolean ok() {
      return doubleAllocated == 0 && repliesWithoutEvent == 0 && operatorMismatch == 0;
    }
  }

  /**
   * From domain_event: per conversation, the number of ALLOCATED events. Strict (allocate scenario): at most one
   * each, since every allocation is resolved right after. Otherwise (mixed, where reopening and releases are legal):
   * at most one more than its REOPENED + RELEASED events. And every HTTP reply (conversation -> assignedOperatorId)
   * must match the operator_id of an ALLOCATED event of that conversation.
   */
  AllocationCheck checkAllocations(Map<UUID, UUID> replies, boolean strict) throws SQLException {
    Map<UUID, List<UUID>> byConversation = new HashMap<>();
    long events = 0;
    long doubles = 0;
    List<String> examples = new ArrayList<>();
    try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("""
      SELECT conversation_id, array_agg(operator_id::text ORDER BY id) FILTER (WHERE type = 'ALLOCATED') AS owners,
             count(*) FILTER (WHERE type IN ('REOPENED', 'RELEASED')) AS requeues
      FROM domain_event GROUP BY conversation_id
      HAVING count(*) FILTER (WHERE type = 'ALLOCATED') > 0""")) {
      while (rs.next()) {
        UUID conversation = rs.getObject(1, UUID.class);
        String[] owners = (String[]) rs.getArray(2).getArray();
        long requeues = rs.getLong(3);
        List<UUID> list = new ArrayList<>();
        for (String o : owners) {
          list.add(o == null ? null : UUID.fromString(o));
        }
        byConversation.put(conversation, list);
        events += owners.length;
        long allowed = strict ? 1 : 1 + requeues;
        if (owners.length > allowed) {
          doubles++;
          if (examples.size() < 10) {
            examples.add("conversation " + conversation + " ALLOCATED " + owners.length + " times to "
              + String.join(", ", java.util.Arrays.asList(owners)) + " (requeues " + requeues + ")");
          }
        }
      }
    }
    long missing = 0;
    long mismatch = 0;
    for (Map.Entry<UUID, UUID> reply : replies.entrySet()) {
      List<UUID> owners = byConversation.get(reply.getKey());
      if (owners == null) {
        missing++;
        if (examples.size() < 10) {
          examples.add("reply " + reply.getKey() + " -> " + reply.getValue() + " has no ALLOCATED event");
        }
      } else if (!owners.contains(reply.getValue())) {
        mismatch++;
        if (examples.size() < 10) {
          examples.add("reply " + reply.getKey() + " -> " + reply.getValue() + " but events say " + owners);
        }
      }
    }
    return new AllocationCheck(events, byConversation.size(), doubles, replies.size(), missing, mismatch, examples);
  }

  @Override
  public void close() throws SQLException {
    conn.close();
  }
}
