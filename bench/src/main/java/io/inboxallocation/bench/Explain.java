package io.inboxallocation.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) of the service's statements, the way the service runs them: a named
 * prepared statement (PREPARE without types, like the Vert.x client's unnamed-type Parse), executed five times first
 * so the plan shown is the one PostgreSQL settles on (custom or generic) for the sixth execution onwards.
 * Writing statements run inside a transaction that is rolled back.
 */
final class Explain {

  /** One checked plan. */
  record Check(String name, boolean passed, List<String> findings, List<String> keyLines, JsonObject plan) {
    JsonObject json() {
      return new JsonObject().put("name", name).put("passed", passed).put("findings", new JsonArray(findings))
        .put("keyLines", new JsonArray(keyLines));
    }
  }

  private Explain() {
  }

  static List<Check> run(Db db, ServiceSql sql) throws SQLException {
    List<Check> checks = new ArrayList<>();
    UUID tenant = db.tenant.id();
    UUID op = db.tenant.operators().get(0);
    UUID inbox = db.tenant.inboxes().get(0);
    try (Connection c = db.connect(db.name)) {
      // Allocation: LOCK_CALLER_STATUS is a primary-key probe; the interesting one is Lifecycle.NEXT_QUEUED
      // ($1 tenant, $2..$6 event type, reason, actor, role, new state, $7 operator).
      String allocArgs = "('" + tenant + "', 'ALLOCATED', 'AUTO', '" + op + "', 'OPERATOR', 'ALLOCATED', '" + op + "')";
      JsonObject alloc = explain(c, "bench_alloc", sql.allocateNext, allocArgs, true);
      checks.add(check("allocate (Lifecycle.NEXT_QUEUED)", alloc, "conversation_queue_by_inbox", true));

      String pollArgs = "('" + tenant + "', '" + op + "')";
      JsonObject poll = explain(c, "bench_poll", sql.poll, pollArgs, false);
      checks.add(check("poll (ConversationQueries.list state=QUEUED sort=priority limit=50, OPERATOR)", poll,
        "conversation_queue_by_tenant", false));

      // $1..$8 of IngestCommands.UPDATE (tenant, inbox, external id, phone, last message at, count, actor id, role)
      String updateArgs = "('" + tenant + "', '" + inbox + "', '%s', '+5511987654321', now(), 3, 'bench-orchestrator',"
        + " 'SERVICE')";
      JsonObject ingest = explainIngest(c, sql.ingestUpdate, updateArgs);
      checks.add(check("ingest (IngestCommands.UPDATE)", ingest,
        "conversation_ref_tenant_id_external_conversation_id_key", false));
    }
    return checks;
  }

  private static JsonObject explain(Connection c, String name, String statement, String args, boolean write)
    throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("PREPARE " + name + " AS " + statement);
      try {
        if (write) {
          st.execute("BEGIN");
        }
        for (int i = 0; i < 5; i++) {
          st.execute("EXECUTE " + name + args);
        }
        try (ResultSet rs = st.executeQuery("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE " + name + args)) {
          rs.next();
          return new JsonArray(rs.getString(1)).getJsonObject(0);
        }
      } finally {
        if (write) {
          st.execute("ROLLBACK");
        }
        st.execute("DEALLOCATE " + name);
      }
    }
  }

  private static JsonObject explainIngest(Connection c, String statement, String argsTemplate) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("PREPARE bench_ingest AS " + statement);
      try {
        st.execute("BEGIN");
        for (int i = 1; i <= 5; i++) {
          st.execute("EXECUTE bench_ingest" + String.format(argsTemplate, i));
        }
        try (ResultSet rs = st.executeQuery("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE bench_ingest"
          + String.format(argsTemplate, 6))) {
          rs.next();
          return new JsonArray(rs.getString(1)).getJsonObject(0);
        }
      } finally {
        st.execute("ROLLBACK");
        st.execute("DEALLOCATE bench_ingest");
      }
    }
  }

  /**
   * Passes when some scan of conversation_ref uses {@code index} (for poll, any index is acceptable as long as the
   * expected one is reported), no Seq Scan reads conversation_ref, and for allocation each index probe returns at
   * most a couple of rows per loop with nothing removed by a filter (no walk past claimed rows).
   */
  private static Check check(String name, JsonObject explained, String index, boolean headProbe) {
    List<String> findings = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    JsonObject root = explained.getJsonObject("Plan");
    render(root, 0, lines);
    lines.add("Execution Time: " + explained.getValue("Execution Time") + " ms");
    List<JsonObject> nodes = new ArrayList<>();
    walk(root, nodes::add);
    boolean seq = false;
    boolean usesIndex = false;
    boolean otherIndex = false;
    boolean walked = false;
    for (JsonObject n : nodes) {
      String type = n.getString("Node Type");
      String relation = n.getString("Relation Name");
      if ("Seq Scan".equals(type) && "conversation_ref".equals(relation)) {
        seq = true;
      }
      if (type.contains("Index") && "conversation_ref".equals(relation)) {
        if (index.equals(n.getString("Index Name"))) {
          usesIndex = true;
          long loops = n.getLong("Actual Loops", 1L);
          double rowsPerLoop = n.getDouble("Actual Rows", 0.0);
          long removed = n.getLong("Rows Removed by Filter", 0L);
          findings.add(String.format("%s on %s: %.0f rows x %d loops, rows removed by filter %d, shared buffers hit %d read %d",
            type, index, rowsPerLoop, loops, removed, n.getLong("Shared Hit Blocks", 0L),
            n.getLong("Shared Read Blocks", 0L)));
          if (headProbe && (rowsPerLoop > 2 || removed > 0)) {
            walked = true;
          }
        } else {
          otherIndex = true;
          findings.add(type + " on other index " + n.getString("Index Name") + ": rows " + n.getValue("Actual Rows")
            + " x loops " + n.getValue("Actual Loops") + ", removed by filter " + n.getValue("Rows Removed by Filter", 0));
        }
      }
    }
    if (seq) {
      findings.add("Seq Scan on conversation_ref");
    }
    if (!usesIndex) {
      findings.add("expected index " + index + " is not used");
    }
    if (walked) {
      findings.add("the queue-head probe walked past rows (more than 2 rows per loop or rows removed by filter)");
    }
    boolean poll = index.equals("conversation_queue_by_tenant");
    boolean passed = !seq && !walked && (usesIndex || (poll && otherIndex));
    return new Check(name, passed, findings, lines, explained);
  }

  private static void walk(JsonObject node, Consumer<JsonObject> visit) {
    visit.accept(node);
    JsonArray children = node.getJsonArray("Plans");
    if (children != null) {
      for (int i = 0; i < children.size(); i++) {
        walk(children.getJsonObject(i), visit);
      }
    }
  }

  private static void render(JsonObject n, int depth, List<String> out) {
    StringBuilder line = new StringBuilder("  ".repeat(depth)).append(n.getString("Node Type"));
    if (n.getString("Index Name") != null) {
      line.append(" using ").append(n.getString("Index Name"));
    }
    if (n.getString("Relation Name") != null) {
      line.append(" on ").append(n.getString("Relation Name"));
    }
    if (n.getString("Subplan Name") != null) {
      line.append(" [").append(n.getString("Subplan Name")).append("]");
    }
    line.append(" (rows=").append(n.getValue("Actual Rows")).append(" loops=").append(n.getValue("Actual Loops"));
    if (n.containsKey("Rows Removed by Filter")) {
      line.append(" removed_by_filter=").append(n.getValue("Rows Removed by Filter"));
    }
    if (n.containsKey("Shared Hit Blocks")) {
      line.append(" hit=").append(n.getValue("Shared Hit Blocks"));
    }
    line.append(")");
    out.add(line.toString());
    JsonArray children = n.getJsonArray("Plans");
    if (children != null) {
      for (int i = 0; i < children.size(); i++) {
        render(children.getJsonObject(i), depth + 1, out);
      }
    }
  }
}
