package io.inboxallocation.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Every stored row of one tenant (JDBC), as text, table by table: equal snapshots mean nothing of that tenant changed.
 * Idempotency records are keyed by caller, not tenant column, and are included by their scope prefix.
 */
public final class Snapshot {

  private static final Map<String, String> TABLES = new LinkedHashMap<>();

  static {
    TABLES.put("tenant", "SELECT * FROM tenant WHERE id = ?::uuid ORDER BY id");
    TABLES.put("operator", "SELECT * FROM operator WHERE tenant_id = ?::uuid ORDER BY id");
    TABLES.put("operator_status", "SELECT * FROM operator_status WHERE tenant_id = ?::uuid ORDER BY operator_id");
    TABLES.put("inbox", "SELECT * FROM inbox WHERE tenant_id = ?::uuid ORDER BY id");
    TABLES.put("subscription", "SELECT * FROM operator_inbox_subscription WHERE tenant_id = ?::uuid ORDER BY id");
    TABLES.put("conversation", "SELECT * FROM conversation_ref WHERE tenant_id = ?::uuid ORDER BY id");
    TABLES.put("label", "SELECT * FROM label WHERE tenant_id = ?::uuid ORDER BY id");
    TABLES.put("conversation_label", "SELECT * FROM conversation_label WHERE tenant_id = ?::uuid ORDER BY conversation_id, label_id");
    TABLES.put("grace", "SELECT * FROM grace_period_assignment WHERE tenant_id = ?::uuid ORDER BY id");
    TABLES.put("webhook", "SELECT * FROM webhook WHERE tenant_id = ?::uuid ORDER BY id");
    // Without the feed position: the sequencer numbers committed events a moment after their commit.
    TABLES.put("event", """
      SELECT id, tenant_id, conversation_id, type, reason, actor_id, actor_role, from_state, to_state, operator_id,
             previous_operator_id, details, occurred_at, txid, inbox_id, conversation
      FROM domain_event WHERE tenant_id = ?::uuid ORDER BY id""");
    TABLES.put("idempotency", "SELECT scope, key, request_hash, status FROM idempotency_key WHERE scope LIKE ? || '%' ORDER BY scope, key");
  }

  private Snapshot() {
  }

  public static Map<String, List<String>> of(TestService app, UUID tenantId) {
    try (Connection connection = app.jdbc()) {
      return of(connection, tenantId);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Map<String, List<String>> of(Connection connection, UUID tenantId) throws SQLException {
    Map<String, List<String>> snapshot = new LinkedHashMap<>();
    for (Map.Entry<String, String> table : TABLES.entrySet()) {
      List<String> rows = new ArrayList<>();
      try (PreparedStatement statement = connection.prepareStatement(table.getValue())) {
        statement.setString(1, tenantId.toString());
        try (ResultSet rs = statement.executeQuery()) {
          ResultSetMetaData meta = rs.getMetaData();
          while (rs.next()) {
            StringBuilder row = new StringBuilder();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
              row.append(meta.getColumnName(i)).append('=').append(rs.getString(i)).append(' ');
            }
            rows.add(row.toString());
          }
        }
      }
      snapshot.put(table.getKey(), rows);
    }
    return snapshot;
  }

  /** A readable difference (empty when equal). */
  public static String diff(Map<String, List<String>> before, Map<String, List<String>> after) {
    StringBuilder out = new StringBuilder();
    for (String table : before.keySet()) {
      List<String> removed = new ArrayList<>(before.get(table));
      removed.removeAll(after.get(table));
      List<String> added = new ArrayList<>(after.get(table));
      added.removeAll(before.get(table));
      removed.forEach(row -> out.append(table).append(" - ").append(row).append('\n'));
      added.forEach(row -> out.append(table).append(" + ").append(row).append('\n'));
    }
    return out.toString();
  }
}
