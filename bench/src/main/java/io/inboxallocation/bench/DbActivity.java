package io.inboxallocation.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What PostgreSQL had done up to a moment: WAL (bytes, full-page images), checkpoints, buffers written by backends,
 * and per statement of the bench database (pg_stat_statements, when the server preloads it). Two of them make a
 * phase's database profile, per operation of its load: where a phase spent more than its control did.
 */
record DbActivity(long walBytes, long walFullPageImages, long checkpoints, long buffersByBackends,
                  Map<Long, StatementTotals> statements) {

  /** One statement's running totals. */
  record StatementTotals(String query, long calls, double milliseconds, long blocksRead, long walBytes) {
  }

  private static final int TOP_STATEMENTS = 8;

  private static final String SERVER = """
    SELECT w.wal_bytes::bigint, w.wal_fpi, b.checkpoints_timed + b.checkpoints_req, b.buffers_backend
    FROM pg_stat_wal w, pg_stat_bgwriter b""";

  private static final String STATEMENTS = """
    SELECT queryid, left(regexp_replace(query, '\\s+', ' ', 'g'), 120), calls, total_exec_time, shared_blks_read,
           wal_bytes::bigint
    FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())""";

  /** Makes pg_stat_statements readable in the bench database if the server preloads it; false if it does not. */
  static boolean enable(Db db) {
    try {
      if (!db.scalar("SHOW shared_preload_libraries").contains("pg_stat_statements")) {
        return false;
      }
      db.exec("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  static DbActivity now(Db db, boolean withStatements) throws SQLException {
    try (Statement st = db.conn.createStatement()) {
      long[] server = new long[4];
      try (ResultSet rs = st.executeQuery(SERVER)) {
        rs.next();
        for (int i = 0; i < server.length; i++) {
          server[i] = rs.getLong(i + 1);
        }
      }
      Map<Long, StatementTotals> statements = new HashMap<>();
      if (withStatements) {
        try (ResultSet rs = st.executeQuery(STATEMENTS)) {
          while (rs.next()) {
            statements.merge(rs.getLong(1), new StatementTotals(rs.getString(2), rs.getLong(3), rs.getDouble(4),
              rs.getLong(5), rs.getLong(6)), (a, b) -> new StatementTotals(a.query(), a.calls() + b.calls(),
              a.milliseconds() + b.milliseconds(), a.blocksRead() + b.blocksRead(), a.walBytes() + b.walBytes()));
          }
        }
      }
      return new DbActivity(server[0], server[1], server[2], server[3], statements);
    }
  }

  /**
   * What happened between {@code before} and this, per operation ({@code operations}: the load's requests in the
   * window): WAL bytes and full-page images, the checkpoints, and the statements that took the most time.
   */
  JsonObject since(DbActivity before, long operations) {
    double ops = Math.max(1, operations);
    JsonArray top = new JsonArray();
    statements.entrySet().stream()
      .map(e -> delta(e.getValue(), before.statements().get(e.getKey())))
      .filter(s -> s.calls() > 0)
      .sorted(Comparator.comparingDouble(StatementTotals::milliseconds).reversed())
      .limit(TOP_STATEMENTS)
      .forEach(s -> top.add(new JsonObject().put("query", s.query()).put("callsPerOp", Load.round(s.calls() / ops))
        .put("usPerOp", Load.round(s.milliseconds() * 1000 / ops))
        .put("usPerCall", Load.round(s.milliseconds() * 1000 / s.calls()))
        .put("blocksReadPerOp", Load.round(s.blocksRead() / ops))
        .put("walBytesPerOp", Load.round(s.walBytes() / ops))));
    double statementUs = statementUs(before, query -> true);
    return new JsonObject().put("operations", operations)
      .put("walBytesPerOp", Load.round((walBytes - before.walBytes()) / ops))
      .put("walFullPageImagesPerOp", Load.round((walFullPageImages - before.walFullPageImages()) / ops))
      .put("checkpoints", checkpoints - before.checkpoints())
      .put("buffersByBackendsPerOp", Load.round((buffersByBackends - before.buffersByBackends()) / ops))
      .put("statementUsPerOp", Load.round(statementUs / ops))
      .put("statements", top);
  }

  /** The time the statements {@code matching} took between {@code before} and this, in microseconds. */
  double statementUs(DbActivity before, Predicate<String> matching) {
    return statements.entrySet().stream().filter(e -> matching.test(e.getValue().query()))
      .mapToDouble(e -> delta(e.getValue(), before.statements().get(e.getKey())).milliseconds()).sum() * 1000;
  }

  private static StatementTotals delta(StatementTotals now, StatementTotals before) {
    return before == null ? now : new StatementTotals(now.query(), now.calls() - before.calls(),
      now.milliseconds() - before.milliseconds(), now.blocksRead() - before.blocksRead(),
      now.walBytes() - before.walBytes());
  }
}
