package io.inboxallocation.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Reads of the stored state (JDBC on the test class's database), for assertions the API alone cannot make. */
public final class Db {

  private Db() {
  }

  /** A stored conversation row: state and owner (null when none). */
  public record Row(String state, String owner) {
  }

  public static Row conversation(TestService app, String conversationId) {
    Map<String, Row> rows = query(app,
      "SELECT id::text, state, assigned_operator_id::text FROM conversation_ref WHERE id = ?::uuid", conversationId);
    return rows.get(conversationId);
  }

  /** Every conversation of the tenant: id -> (state, owner). */
  public static Map<String, Row> conversations(TestService app, UUID tenantId) {
    return query(app,
      "SELECT id::text, state, assigned_operator_id::text FROM conversation_ref WHERE tenant_id = ?::uuid",
      tenantId.toString());
  }

  /** A single number from a query with string parameters. */
  public static long count(TestService app, String sql, String... params) {
    try (Connection connection = app.jdbc(); PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        statement.setString(i + 1, params[i]);
      }
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Row> query(TestService app, String sql, String param) {
    try (Connection connection = app.jdbc(); PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, param);
      Map<String, Row> rows = new HashMap<>();
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          rows.put(rs.getString(1), new Row(rs.getString(2), rs.getString(3)));
        }
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
