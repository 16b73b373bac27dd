package io.inboxallocation.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The consistency rules of the stored state, checked in SQL over one snapshot (REPEATABLE READ). Each method returns
 * the violations found (empty = consistent), described well enough to find the row. Run it when the service is quiet.
 */
public final class Invariants {

  private Invariants() {
  }

  /** Every rule over the whole database of the test service. */
  public static List<String> check(TestService app) {
    return check(app, null);
  }

  /** Every rule, restricted to one tenant (null: all tenants). */
  public static List<String> check(TestService app, UUID tenantId) {
    try (Connection connection = app.jdbc()) {
      return check(connection, tenantId);
    } catch (SQLException e) {
      throw new IllegalStateException("invariant check failed to run", e);
    }
  }

  public static List<String> check(Connection connection, UUID tenantId) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    try {
      List<String> violations = new ArrayList<>();
      String tenant = tenantId == null ? null : tenantId.toString();
      rule(connection, violations, tenant, "owner does not match state", """
        SELECT 'conversation ' || id || ' state ' || state || ' owner ' || coalesce(assigned_operator_id::text, 'none')
        FROM conversation_ref c
        WHERE (c.state = 'ALLOCATED') <> (c.assigned_operator_id IS NOT NULL) AND %s""", "c");
      rule(connection, violations, tenant, "owner is not an operator of the tenant", """
        SELECT 'conversation ' || c.id || ' owner ' || c.assigned_operator_id
        FROM conversation_ref c LEFT JOIN operator o ON o.id = c.assigned_operator_id AND o.tenant_id = c.tenant_id
        WHERE c.assigned_operator_id IS NOT NULL AND o.id IS NULL AND %s""", "c");
      rule(connection, violations, tenant, "owner neither subscribed nor named by the latest allocation", """
        SELECT 'conversation ' || c.id || ' owner ' || c.assigned_operator_id
        FROM conversation_ref c
        WHERE c.state = 'ALLOCATED' AND %s
          AND NOT EXISTS (SELECT 1 FROM operator_inbox_subscription s
                          WHERE s.operator_id = c.assigned_operator_id AND s.inbox_id = c.inbox_id)
          AND (SELECT e.operator_id FROM domain_event e
               WHERE e.conversation_id = c.id AND e.type IN ('ALLOCATED', 'REASSIGNED')
               ORDER BY e.id DESC LIMIT 1) IS DISTINCT FROM c.assigned_operator_id""", "c");
      rule(connection, violations, tenant, "grace assignment not of an ALLOCATED conversation of an OFFLINE operator", """
        SELECT 'grace ' || g.id || ' conversation ' || g.conversation_id || ' operator ' || g.operator_id
               || ' (conversation ' || coalesce(c.state, 'missing') || ' owner ' || coalesce(c.assigned_operator_id::text, 'none')
               || ', operator ' || coalesce(st.status, 'no status') || ')'
        FROM grace_period_assignment g
        LEFT JOIN conversation_ref c ON c.id = g.conversation_id
        LEFT JOIN operator_status st ON st.operator_id = g.operator_id
        WHERE %s AND (c.id IS NULL OR c.tenant_id <> g.tenant_id OR c.state <> 'ALLOCATED'
                      OR c.assigned_operator_id IS DISTINCT FROM g.operator_id OR st.status IS DISTINCT FROM 'OFFLINE')""",
        "g");
      rule(connection, violations, tenant, "label of another inbox on a conversation", """
        SELECT 'conversation ' || c.id || ' (inbox ' || c.inbox_id || ') label ' || l.id || ' (inbox ' || l.inbox_id || ')'
        FROM conversation_label cl
        JOIN conversation_ref c ON c.id = cl.conversation_id
        JOIN label l ON l.id = cl.label_id
        WHERE %s AND (l.inbox_id <> c.inbox_id OR l.tenant_id <> c.tenant_id OR cl.tenant_id <> c.tenant_id)""", "c");
      violations.addAll(replay(connection, tenant));
      violations.addAll(doubleOwnership(connection, tenantId));
      connection.commit();
      return violations;
    } finally {
      connection.rollback();
      connection.setAutoCommit(autoCommit);
    }
  }

  /**
   * The audit log replays to the stored state: CREATED first; the last event with a to_state gives the state; when
   * ALLOCATED, the owner is the operator of that last state-changing event; every event has the conversation's tenant.
   */
  private static List<String> replay(Connection connection, String tenant) throws SQLException {
    Map<String, String[]> rows = new HashMap<>();
    try (PreparedStatement statement = connection.prepareStatement(
      "SELECT id::text, state, assigned_operator_id::text, tenant_id::text FROM conversation_ref c WHERE "
        + tenantFilter("c", tenant))) {
      bind(statement, tenant);
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          rows.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3), rs.getString(4)});
        }
      }
    }
    List<String> violations = new ArrayList<>();
    Map<String, Replayed> replayed = new HashMap<>();
    try (PreparedStatement statement = connection.prepareStatement("""
      SELECT e.id, e.conversation_id::text, e.type, e.to_state, e.operator_id::text, e.tenant_id::text
      FROM domain_event e WHERE e.conversation_id IN (SELECT id FROM conversation_ref c WHERE %s)
      ORDER BY e.conversation_id, e.id""".formatted(tenantFilter("c", tenant)))) {
      bind(statement, tenant);
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          String conversation = rs.getString(2);
          Replayed state = replayed.get(conversation);
          if (state == null) {
            state = new Replayed();
            replayed.put(conversation, state);
            if (!"CREATED".equals(rs.getString(3))) {
              violations.add("replay: conversation " + conversation + " starts with " + rs.getString(3)
                + " (event " + rs.getLong(1) + "), not CREATED");
            }
          }
          if (!Objects.equals(rs.getString(6), rows.get(conversation)[2])) {
            violations.add("replay: event " + rs.getLong(1) + " of conversation " + conversation
              + " carries tenant " + rs.getString(6));
          }
          if (rs.getString(4) != null) {
            state.state = rs.getString(4);
            state.operator = rs.getString(5);
            state.eventId = rs.getLong(1);
          }
        }
      }
    }
    rows.forEach((id, row) -> {
      Replayed state = replayed.get(id);
      if (state == null) {
        violations.add("replay: conversation " + id + " has no events");
      } else if (!Objects.equals(state.state, row[0])) {
        violations.add("replay: conversation " + id + " is " + row[0] + " but its events end in " + state.state
          + " (event " + state.eventId + ")");
      } else if ("ALLOCATED".equals(row[0]) && !Objects.equals(state.operator, row[1])) {
        violations.add("replay: conversation " + id + " is owned by " + row[1] + " but its last state change (event "
          + state.eventId + ") names " + state.operator);
      }
    });
    return violations;
  }

  /**
   * No conversation ever had two owners at once: walking its events in order, an ALLOCATED event may only follow a
   * state where nobody owned it (an ownership opens with ALLOCATED / REASSIGNED and closes with RELEASED / RESOLVED /
   * REASSIGNED / a MOVED or other event leaving ALLOCATED).
   */
  public static List<String> doubleOwnership(Connection connection, UUID tenantId) throws SQLException {
    String tenant = tenantId == null ? null : tenantId.toString();
    List<String> violations = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement("""
      SELECT e.id, e.conversation_id::text, e.type, e.to_state, e.operator_id::text
      FROM domain_event e WHERE %s AND e.to_state IS NOT NULL
      ORDER BY e.conversation_id, e.id""".formatted(tenantFilter("e", tenant)))) {
      bind(statement, tenant);
      try (ResultSet rs = statement.executeQuery()) {
        String conversation = null;
        String owner = null;
        while (rs.next()) {
          if (!rs.getString(2).equals(conversation)) {
            conversation = rs.getString(2);
            owner = null;
          }
          String type = rs.getString(3);
          if ("ALLOCATED".equals(type) && owner != null) {
            violations.add("two owners: conversation " + conversation + " ALLOCATED to " + rs.getString(5)
              + " (event " + rs.getLong(1) + ") while owned by " + owner);
          }
          owner = "ALLOCATED".equals(rs.getString(4)) ? rs.getString(5) : null;
        }
      }
    }
    return violations;
  }

  private static void rule(Connection connection, List<String> violations, String tenant, String name, String sql,
                           String alias) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql.formatted(tenantFilter(alias, tenant)))) {
      bind(statement, tenant);
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          violations.add(name + ": " + rs.getString(1));
        }
      }
    }
  }

  private static String tenantFilter(String alias, String tenant) {
    return tenant == null ? "true" : alias + ".tenant_id = ?::uuid";
  }

  private static void bind(PreparedStatement statement, String tenant) throws SQLException {
    if (tenant != null) {
      statement.setString(1, tenant);
    }
  }

  private static final class Replayed {
    String state;
    String operator;
    long eventId;
  }
}
