package io.inboxallocation.reliability;

import io.inboxallocation.testing.Calls;
import io.inboxallocation.testing.Invariants;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.ServiceTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The consistency checker itself: quiet on a healthy tenant, loud on rows corrupted on purpose. */
class InvariantsTest extends ServiceTest {

  @Test
  void healthyTenantHasNoViolationsAndCorruptionsAreCaught() throws Exception {
    Scenario s = newTenant();
    String inbox = s.inbox();
    String otherInbox = s.inbox();
    Scenario.Person operator = Calls.available(s, "OPERATOR", inbox);
    String queued = s.conversation(inbox).getString("id");
    String owned = Calls.claimed(s, operator, inbox).getString("id");
    Calls.resolved(s, operator, inbox);
    JsonObject labelHere = Calls.label(s, inbox, "here", "#112233");
    JsonObject labelThere = Calls.label(s, otherInbox, "there", null);
    assertEquals(200, Calls.attach(s, s.admin, queued, labelHere.getString("id")).status());

    List<String> clean = Invariants.check(app, s.tenantId);
    System.out.println("[invariants] healthy tenant: violations=" + clean.size());
    assertEquals(List.of(), clean, "a tenant built through the API is consistent");

    // Corruption 1: a label of another inbox attached behind the service's back.
    exec(s, "INSERT INTO conversation_label (conversation_id, label_id, tenant_id) VALUES (?::uuid, ?::uuid, ?::uuid)",
      queued, labelThere.getString("id"), s.tenantId.toString());
    List<String> labelViolation = Invariants.check(app, s.tenantId);
    System.out.println("[invariants] after cross-inbox label: " + labelViolation);
    assertTrue(labelViolation.stream().anyMatch(v -> v.startsWith("label of another inbox") && v.contains(queued)),
      () -> "cross-inbox label not reported: " + labelViolation);
    exec(s, "DELETE FROM conversation_label WHERE conversation_id = ?::uuid AND label_id = ?::uuid",
      queued, labelThere.getString("id"));

    // Corruption 2: a second ALLOCATED event for an owned conversation (log says two owners; state disagrees).
    exec(s, "INSERT INTO domain_event (tenant_id, conversation_id, type, reason, actor_role, from_state, to_state, operator_id)"
      + " VALUES (?::uuid, ?::uuid, 'ALLOCATED', 'CLAIM', 'ADMIN', 'QUEUED', 'ALLOCATED', ?::uuid)",
      s.tenantId.toString(), owned, s.adminId);
    List<String> eventViolation = Invariants.check(app, s.tenantId);
    System.out.println("[invariants] after forged ALLOCATED event: " + eventViolation);
    assertTrue(eventViolation.stream().anyMatch(v -> v.startsWith("two owners") && v.contains(owned)),
      () -> "two owners not reported: " + eventViolation);
    assertTrue(eventViolation.stream().anyMatch(v -> v.startsWith("replay") && v.contains(owned)),
      () -> "replay mismatch not reported: " + eventViolation);

    // Corruption 3: a queued conversation whose log says it was resolved.
    exec(s, "UPDATE conversation_ref SET state = 'RESOLVED', resolved_at = now() WHERE id = ?::uuid", queued);
    List<String> stateViolation = Invariants.check(app, s.tenantId);
    assertTrue(stateViolation.stream().anyMatch(v -> v.startsWith("replay") && v.contains(queued)),
      () -> "state not matching the log not reported: " + stateViolation);

    // Corruption 4: a grace assignment for an AVAILABLE operator.
    exec(s, "INSERT INTO grace_period_assignment (id, tenant_id, conversation_id, operator_id, expires_at, reason)"
      + " VALUES (gen_random_uuid(), ?::uuid, ?::uuid, ?::uuid, now() + interval '1 hour', 'OPERATOR_OFFLINE')",
      s.tenantId.toString(), owned, operator.id());
    List<String> graceViolation = Invariants.check(app, s.tenantId);
    System.out.println("[invariants] violations after 4 corruptions: " + graceViolation.size());
    assertTrue(graceViolation.stream().anyMatch(v -> v.startsWith("grace assignment") && v.contains(owned)),
      () -> "grace of an AVAILABLE operator not reported: " + graceViolation);
  }

  private static void exec(Scenario s, String sql, String... params) throws Exception {
    try (Connection connection = app.jdbc(); PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        statement.setString(i + 1, params[i]);
      }
      statement.executeUpdate();
    }
  }
}
