package io.inboxallocation.lifecycle;

import io.inboxallocation.auth.Actor;
import io.inboxallocation.conversation.Conversation;
import io.inboxallocation.db.Rows;
import io.inboxallocation.events.EventActor;
import io.inboxallocation.events.EventLog;
import io.inboxallocation.status.Availability;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.inboxallocation.conversation.ConversationState.ALLOCATED;
import static io.inboxallocation.conversation.ConversationState.QUEUED;
import static io.inboxallocation.conversation.ConversationState.RESOLVED;
import static io.inboxallocation.events.EventLog.Column.ACTOR_ID;
import static io.inboxallocation.events.EventLog.Column.ACTOR_ROLE;
import static io.inboxallocation.events.EventLog.Column.CONVERSATION;
import static io.inboxallocation.events.EventLog.Column.CONVERSATION_ID;
import static io.inboxallocation.events.EventLog.Column.DETAILS;
import static io.inboxallocation.events.EventLog.Column.FROM_STATE;
import static io.inboxallocation.events.EventLog.Column.INBOX_ID;
import static io.inboxallocation.events.EventLog.Column.OPERATOR_ID;
import static io.inboxallocation.events.EventLog.Column.PREVIOUS_OPERATOR_ID;
import static io.inboxallocation.events.EventLog.Column.REASON;
import static io.inboxallocation.events.EventLog.Column.TENANT_ID;
import static io.inboxallocation.events.EventLog.Column.TO_STATE;
import static io.inboxallocation.events.EventLog.Column.TYPE;

/**
 * The one place where a conversation's state, owner or inbox changes (docs/ARCHITECTURE.md, "Lifecycle"). Every
 * change is one statement of the same shape: a {@code target} CTE names the conversations and what each becomes,
 * {@code changed} writes them (re-checking on the written row that nobody changed it since it was chosen),
 * {@code cleared} drops the grace assignment of an owner who let go, and the event is appended. Callers that hold the
 * conversation's row lock decide first (see the allocation commands); the statements that choose their own rows lock
 * them here.
 *
 * <p>Parameters common to every statement: $1 tenant, $2 event type, $3 event reason, $4 actor id, $5 actor role,
 * $6 state after the change (null: unchanged); each statement's own start at $7.
 */
public final class Lifecycle {

  private static final String CHANGED = """
    changed AS (
      UPDATE conversation_ref c SET
        state = t.to_state, assigned_operator_id = t.to_owner, inbox_id = t.to_inbox, updated_at = now(),
        resolved_at = CASE WHEN t.to_state <> %1$s THEN NULL WHEN c.state = %1$s THEN c.resolved_at ELSE now() END
      FROM target t
      WHERE c.id = t.id AND c.state = t.from_state AND c.assigned_operator_id IS NOT DISTINCT FROM t.from_owner
      RETURNING c.*, t.from_state, t.from_owner, t.type, t.reason, t.actor_id, t.actor_role, t.details
    ), cleared AS (
      DELETE FROM grace_period_assignment g USING changed ch
      WHERE g.conversation_id = ch.id AND ch.assigned_operator_id IS DISTINCT FROM ch.from_owner
    ), assigned AS (
      UPDATE operator_status s SET last_assigned_at = now() FROM changed ch
      WHERE s.operator_id = ch.assigned_operator_id AND ch.state = %2$s
        AND ch.assigned_operator_id IS DISTINCT FROM ch.from_owner
    ), logged AS (
    """.formatted(RESOLVED.literal(), ALLOCATED.literal())
    + EventLog.append()
      .set(TENANT_ID, "c.tenant_id").set(INBOX_ID, "c.inbox_id").set(CONVERSATION_ID, "c.id")
      .set(TYPE, "c.type").set(REASON, "c.reason").set(ACTOR_ID, "c.actor_id").set(ACTOR_ROLE, "c.actor_role")
      .set(FROM_STATE, "c.from_state").set(TO_STATE, "c.state")
      .set(OPERATOR_ID, "c.assigned_operator_id").set(PREVIOUS_OPERATOR_ID, "c.from_owner").set(DETAILS, "c.details")
      .set(CONVERSATION, Conversation.JSON_TEXT)
      .from(Conversation.withTenant("changed") + "\n  ORDER BY " + queueOrder("c"))
    + "\n  RETURNING conversation\n)\n";

  /** The changed conversation as the API shows it, as its event recorded it (rendered once). */
  private static final String RESULT = "SELECT conversation FROM logged";

  /** One conversation by id ($7), to owner $8, inbox $9 (null: same) with event details $10. The caller holds its lock. */
  static final String ONE = change("",
    target("$8::uuid", "coalesce($9::uuid, c.inbox_id)", "coalesce($10::jsonb, '{}'::jsonb)", """
      FROM conversation_ref c
      WHERE c.tenant_id = $1 AND c.id = $7"""),
    RESULT);

  /**
   * Auto-allocation to operator $7: the head of each subscribed inbox's queue (one probe per inbox on the partial
   * index conversation_queue_by_inbox), then the best of those heads. SKIP LOCKED: racing operators never wait for,
   * nor receive, the same conversation.
   */
  static final String NEXT_QUEUED = change("",
    target("$7::uuid", "c.inbox_id", "'{}'::jsonb", """
      FROM operator_inbox_subscription s
      CROSS JOIN LATERAL (
        SELECT q.id, q.state, q.assigned_operator_id, q.inbox_id, q.priority_rank, q.last_activity_at
        FROM conversation_ref q
        WHERE q.inbox_id = s.inbox_id AND q.state = %s
        ORDER BY %s
        LIMIT 1
        FOR UPDATE SKIP LOCKED
      ) c
      WHERE s.tenant_id = $1 AND s.operator_id = $7
      ORDER BY %s
      LIMIT 1""".formatted(QUEUED.literal(), queueOrder("q"), queueOrder("c"))),
    RESULT);

  /**
   * Push assignment: conversation $7[i] to operator $8[i], all at once. The caller holds the conversations' row locks
   * and the operators' status row locks, and has checked their capacity.
   */
  static final String ASSIGN_EACH = change("",
    target("a.owner", "c.inbox_id", "'{}'::jsonb", """
      FROM unnest($7::uuid[], $8::uuid[]) AS a(id, owner)
      JOIN conversation_ref c ON c.id = a.id
      WHERE c.tenant_id = $1"""),
    "SELECT count(*) AS assigned FROM logged");

  /** A resolved conversation ($7) whose customer wrote at $8, after it was resolved, goes back to the queue. */
  static final String REOPEN = change("",
    target("NULL::uuid", "c.inbox_id", "'{}'::jsonb", """
      FROM conversation_ref c
      WHERE c.tenant_id = $1 AND c.id = $7 AND c.state = %s AND c.resolved_at < $8""".formatted(RESOLVED.literal())),
    RESULT);

  /** Every conversation of operator $7 back to the queue. */
  static final String RELEASE_ALL_OF = change("",
    target("NULL::uuid", "c.inbox_id", "'{}'::jsonb", """
      FROM conversation_ref c
      WHERE c.tenant_id = $1 AND c.assigned_operator_id = $7 AND c.state = %s
      FOR UPDATE""".formatted(ALLOCATED.literal())),
    "SELECT count(*) AS released FROM changed");

  /**
   * Grace expiry, for tenant $1 or (null) all: a batch of due assignments (SKIP LOCKED, so sweepers on several nodes
   * never take the same row) is deleted, and the conversations whose owner is still $7 (OFFLINE) and still owns them
   * go back to the queue.
   */
  static final String EXPIRE_GRACE = change("""
      due AS (
        SELECT g.id FROM grace_period_assignment g
        WHERE g.expires_at <= now() AND ($1::uuid IS NULL OR g.tenant_id = $1)
        ORDER BY g.expires_at
        LIMIT %d
        FOR UPDATE SKIP LOCKED
      ), removed AS (
        DELETE FROM grace_period_assignment g USING due WHERE g.id = due.id
        RETURNING g.conversation_id, g.operator_id
      ),
      """.formatted(GraceRun.BATCH),
    target("NULL::uuid", "c.inbox_id", "'{}'::jsonb", """
      FROM removed r
      JOIN conversation_ref c ON c.id = r.conversation_id AND c.assigned_operator_id = r.operator_id
      JOIN operator_status s ON s.operator_id = r.operator_id AND s.status = $7"""),
    "SELECT (SELECT count(*) FROM removed) AS processed, (SELECT count(*) FROM changed) AS requeued");

  /** A new conversation in inbox $8, unless one with the external id $9 exists (then no row). */
  static final String CREATE = """
    WITH created AS (
      INSERT INTO conversation_ref (id, tenant_id, inbox_id, external_conversation_id, customer_phone_number, state,
                                    last_message_at, message_count, priority_rank)
      SELECT $7::uuid, i.tenant_id, i.id, $9::text, $10::text, $6::text, $11::timestamptz, coalesce($12::integer, 0),
             priority_rank(t.message_count_weight, t.delay_weight, coalesce($12, 0), coalesce($11, now()))
      FROM inbox i JOIN tenant t ON t.id = i.tenant_id
      WHERE i.tenant_id = $1 AND i.id = $8
      ON CONFLICT (tenant_id, external_conversation_id) DO NOTHING
      RETURNING *
    ), logged AS (
    """
    + EventLog.append()
      .set(TENANT_ID, "c.tenant_id").set(INBOX_ID, "c.inbox_id").set(CONVERSATION_ID, "c.id")
      .set(TYPE, "$2::text").set(REASON, "$3::text").set(ACTOR_ID, "$4::text").set(ACTOR_ROLE, "$5::text")
      .set(TO_STATE, "c.state").set(DETAILS, "jsonb_build_object('inboxId', c.inbox_id)")
      .set(CONVERSATION, Conversation.JSON_TEXT)
      .from(Conversation.withTenant("created"))
    + "\n  RETURNING conversation\n)\n" + RESULT;

  /** Labels belong to an inbox: a conversation leaving one leaves its labels behind. */
  private static final String DETACH_LABELS = "DELETE FROM conversation_label WHERE conversation_id = $1 RETURNING label_id";

  private Lifecycle() {
  }

  /**
   * The queue's order over the conversations aliased {@code c}: highest priority first, then the longest waiting,
   * then the smallest id (the order of the queue indexes). Events written together are written in it too.
   */
  public static String queueOrder(String c) {
    return c + ".priority_rank DESC, " + c + ".last_activity_at, " + c + ".id";
  }

  /** The best QUEUED conversation of the operator's inboxes, allocated to them; null when there is none. */
  public static Future<Conversation> allocateNext(SqlClient tx, Actor operator) {
    return tx.preparedQuery(NEXT_QUEUED)
      .execute(common(operator.tenantId(), Transition.AUTO_ALLOCATE, EventActor.of(operator))
        .addValue(operator.operatorId()))
      .map(Lifecycle::conversation);
  }

  /** Assigns each conversation to the operator at the same index (see {@link #ASSIGN_EACH}); the number assigned. */
  public static Future<Long> push(SqlClient tx, UUID tenantId, List<UUID> conversations, List<UUID> operators) {
    return tx.preparedQuery(ASSIGN_EACH)
      .execute(common(tenantId, Transition.PUSH, EventActor.SYSTEM)
        .addValue(conversations.toArray(UUID[]::new)).addValue(operators.toArray(UUID[]::new)))
      .map(rows -> rows.iterator().next().getLong("assigned"));
  }

  /** A change of state and owner of one conversation whose row lock the caller's transaction holds. */
  public static Future<Conversation> change(SqlClient tx, Actor actor, UUID conversationId, Transition transition,
                                            UUID owner) {
    return one(tx, actor, conversationId, transition, owner, null, null);
  }

  /**
   * Moves a conversation (row lock held) to another inbox, leaving its labels behind; its owner keeps it only if
   * {@code ownerStays} (subscribed there), else it is released to the new inbox's queue.
   */
  public static Future<Conversation> move(SqlClient tx, Actor actor, UUID conversationId, UUID owner, UUID fromInbox,
                                          UUID toInbox, boolean ownerStays) {
    return tx.preparedQuery(DETACH_LABELS).execute(Tuple.of(conversationId))
      .compose(detached -> one(tx, actor, conversationId, Transition.MOVE, owner, toInbox, new JsonObject()
        .put("fromInboxId", fromInbox.toString()).put("toInboxId", toInbox.toString())
        .put("detachedLabelIds", labelIds(detached))))
      .compose(moved -> ownerStays || owner == null ? Future.succeededFuture(moved)
        : change(tx, actor, conversationId, Transition.RELEASE_ON_MOVE, null));
  }

  /** A resolved conversation whose customer wrote after it was resolved: back to the queue; null if that is not so. */
  public static Future<Conversation> reopen(SqlClient client, Actor actor, UUID conversationId, Instant messageAt) {
    return client.preparedQuery(REOPEN)
      .execute(common(actor.tenantId(), Transition.REOPEN, EventActor.of(actor)).addValue(conversationId)
        .addValue(Rows.timestamp(messageAt)))
      .map(Lifecycle::conversation);
  }

  /** Every conversation of an operator who is about to be deleted goes back to the queue. */
  public static Future<Void> releaseAllOf(SqlClient tx, Actor actor, UUID operatorId) {
    return tx.preparedQuery(RELEASE_ALL_OF)
      .execute(common(actor.tenantId(), Transition.OPERATOR_DELETED, EventActor.of(actor)).addValue(operatorId))
      .mapEmpty();
  }

  /** Expires due grace assignments: of one tenant, or of all ({@code tenantId} null, the sweeper's run). */
  public static Future<GraceRun> expireGrace(SqlClient client, UUID tenantId) {
    return client.preparedQuery(EXPIRE_GRACE)
      .execute(common(tenantId, Transition.GRACE_EXPIRY, EventActor.SYSTEM).addValue(Availability.OFFLINE.name()))
      .map(rows -> {
        Row row = rows.iterator().next();
        return new GraceRun(row.getLong("processed"), row.getLong("requeued"));
      });
  }

  /** A new QUEUED conversation; null when one with this external id already exists (a concurrent upsert won). */
  public static Future<Conversation> create(SqlClient client, Actor actor, NewConversation conversation) {
    return client.preparedQuery(CREATE)
      .execute(common(actor.tenantId(), Transition.CREATE, EventActor.of(actor))
        .addValue(UUID.randomUUID()).addValue(conversation.inboxId()).addValue(conversation.externalConversationId())
        .addValue(conversation.customerPhoneNumber())
        .addValue(Rows.timestamp(conversation.lastMessageAt()))
        .addValue(conversation.messageCount()))
      .map(Lifecycle::conversation);
  }

  /** What the orchestrator reports of a conversation it has not reported before. */
  public record NewConversation(UUID inboxId, String externalConversationId, String customerPhoneNumber,
                                Instant lastMessageAt, Integer messageCount) {
  }

  private static Future<Conversation> one(SqlClient tx, Actor actor, UUID conversationId, Transition transition,
                                          UUID owner, UUID inbox, JsonObject details) {
    return tx.preparedQuery(ONE)
      .execute(common(actor.tenantId(), transition, EventActor.of(actor))
        .addValue(conversationId).addValue(owner).addValue(inbox).addValue(details))
      .map(Lifecycle::conversation);
  }

  /** $1 to $6, see the class comment. */
  private static Tuple common(UUID tenantId, Transition transition, EventActor actor) {
    return Tuple.of(tenantId, transition.typeName(), transition.reasonName(), actor.id(), actor.role(),
      transition.toName());
  }

  /**
   * {@code target AS (...)}: per conversation {@code c} of {@code from}, what it becomes. The event type, reason and
   * actor and the new state are the statement's common parameters.
   */
  private static String target(String toOwner, String toInbox, String details, String from) {
    return """
      target AS (
        SELECT c.id, c.state AS from_state, c.assigned_operator_id AS from_owner,
               coalesce($6::text, c.state) AS to_state, %s AS to_owner, %s AS to_inbox,
               $2::text AS type, $3::text AS reason, $4::text AS actor_id, $5::text AS actor_role, %s AS details
      """.formatted(toOwner, toInbox, details) + from + "\n)";
  }

  private static String change(String before, String target, String result) {
    return "WITH " + before + target + ",\n" + CHANGED + result;
  }

  private static Conversation conversation(RowSet<Row> rows) {
    return rows.iterator().hasNext() ? Conversation.from(rows.iterator().next()) : null;
  }

  private static JsonArray labelIds(RowSet<Row> detached) {
    JsonArray ids = new JsonArray();
    detached.forEach(row -> ids.add(row.getUUID("label_id").toString()));
    return ids;
  }

  /** What one grace expiry run did. */
  public record GraceRun(long processed, long requeued) {
    /** Assignments one run takes at most; a full batch means more may be due at once. */
    public static final int BATCH = 500;
  }
}
