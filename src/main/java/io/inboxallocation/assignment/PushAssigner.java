package io.inboxallocation.assignment;

import io.inboxallocation.bus.Bus;
import io.inboxallocation.db.Rows;
import io.inboxallocation.events.EventType;
import io.inboxallocation.feed.FeedBatch;
import io.inboxallocation.feed.FeedEvent;
import io.inboxallocation.feed.FeedRelay;
import io.inboxallocation.lifecycle.Lifecycle;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.inboxallocation.conversation.ConversationState.QUEUED;

/**
 * Automatic assignment for tenants in PUSH mode, on every node (docs/ARCHITECTURE.md, "Automatic assignment"). A round
 * for a tenant runs when the feed shows a change that may let a queued conversation meet a free operator, and on a
 * sweep every {@code PUSH_SWEEP_INTERVAL_MS}, the safety net. One round at a time per tenant across nodes (an advisory
 * lock; a node that finds it taken tries again shortly); within a node, a round asked for while one runs runs after it.
 */
public final class PushAssigner extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(PushAssigner.class);

  /** Conversations one round assigns at most; a full round is followed by another at once. */
  static final int ROUND = 200;
  private static final long BUSY_RETRY_MILLIS = 20;

  /** The changes after which a queued conversation may find a free operator. */
  private static final Set<EventType> TRIGGERS = EnumSet.of(EventType.CREATED, EventType.REOPENED,
    EventType.RELEASED, EventType.MOVED, EventType.RESOLVED, EventType.REASSIGNED, EventType.OPERATOR_STATUS_CHANGED,
    EventType.OPERATOR_UPDATED, EventType.SUBSCRIPTION_ADDED, EventType.TENANT_UPDATED);

  private static final String PUSH_TENANTS = "SELECT id FROM tenant WHERE assignment_mode = 'PUSH'";
  private static final String MODE = "SELECT assignment_mode FROM tenant WHERE id = $1";
  /** The tenant's round, if no other node is running it, and whether the tenant is (still) in PUSH mode. */
  private static final String TRY_LOCK = """
    SELECT pg_try_advisory_xact_lock(hashtextextended('push-assignment:' || t.id::text, 0)) AS locked,
           t.assignment_mode = 'PUSH' AS push
    FROM tenant t WHERE t.id = $1""";

  /**
   * The tenant's AVAILABLE operators with their limit and inboxes, their status rows locked in a fixed order: nobody
   * else gives them work until this round commits, and what {@link #LOAD} counts next stays true.
   */
  private static final String OPERATORS = "SELECT s.operator_id, s.last_assigned_at, "
    + Capacity.limitOf("s.operator_id") + " AS capacity, "
    + "array(SELECT x.inbox_id FROM operator_inbox_subscription x WHERE x.operator_id = s.operator_id) AS inboxes "
    + "FROM operator_status s WHERE s.tenant_id = $1 AND s.status = 'AVAILABLE' ORDER BY s.operator_id FOR UPDATE OF s";

  /** A statement of its own, after the locks: its snapshot counts every assignment committed before them. */
  private static final String LOAD = "SELECT o.id, " + Capacity.activeOf("o.id") + " AS active FROM unnest($1::uuid[]) AS o(id)";

  /** The queue in allocation order, in inboxes where someone has room; SKIP LOCKED: claims in flight are left alone. */
  private static final String QUEUE = """
    SELECT c.id, c.inbox_id FROM conversation_ref c
    WHERE c.tenant_id = $1 AND c.state = %s AND c.inbox_id = ANY($2::uuid[])
    ORDER BY %s
    LIMIT %d
    FOR UPDATE OF c SKIP LOCKED""".formatted(QUEUED.literal(), Lifecycle.queueOrder("c"), ROUND);

  private final Pool pool;
  private final Duration sweepInterval;
  // Confined to this verticle's event loop.
  private final Set<UUID> pushTenants = new HashSet<>();
  private final Set<UUID> running = new HashSet<>();
  private final Set<UUID> again = new HashSet<>();
  private boolean failing;

  public PushAssigner(Pool pool, Duration sweepInterval) {
    this.pool = pool;
    this.sweepInterval = sweepInterval;
  }

  @Override
  public Future<?> start() {
    Bus.subscribe(vertx, FeedBatch.class, this::follow);
    vertx.setPeriodic(sweepInterval.toMillis(), tick -> sweep());
    return refresh();
  }

  private void follow(FeedBatch batch) {
    Set<UUID> due = new HashSet<>();
    for (FeedEvent event : batch.events()) {
      if (event.type() == EventType.TENANT_UPDATED) {
        pool.preparedQuery(MODE).execute(Tuple.of(event.tenantId())).onSuccess(rows -> {
          if ("PUSH".equals(Rows.firstOrNull(rows, row -> row.getString("assignment_mode")))) {
            pushTenants.add(event.tenantId());
            request(event.tenantId());
          } else {
            pushTenants.remove(event.tenantId());
          }
        });
      } else if (TRIGGERS.contains(event.type()) && pushTenants.contains(event.tenantId())) {
        due.add(event.tenantId());
      }
    }
    due.forEach(this::request);
  }

  private void sweep() {
    refresh().onSuccess(done -> Set.copyOf(pushTenants).forEach(this::request));
  }

  private Future<Void> refresh() {
    return pool.query(PUSH_TENANTS).execute().map(rows -> {
      pushTenants.clear();
      rows.forEach(row -> pushTenants.add(row.getUUID("id")));
      return null;
    });
  }

  private void request(UUID tenantId) {
    if (!running.add(tenantId)) {
      again.add(tenantId);
      return;
    }
    pool.withTransaction(conn -> round(conn, tenantId)).onComplete(assigned -> {
      running.remove(tenantId);
      if (assigned.failed()) {
        if (!failing) {
          LOG.warn("push assignment for tenant {} failed ({}); retrying on the next change or sweep", tenantId,
            assigned.cause().getMessage());
        }
        failing = true;
        return;
      }
      failing = false;
      if (assigned.result() != null && assigned.result() > 0) {
        // Like a write through the API: the relay reads it back at once rather than on its next tick.
        Bus.publish(vertx, FeedRelay.Poke.NOW);
      }
      if (assigned.result() == null) {
        // Another node holds the tenant's round: it may have started before the change that asked for this one.
        vertx.setTimer(BUSY_RETRY_MILLIS, later -> request(tenantId));
      } else if (again.remove(tenantId) || assigned.result() == ROUND) {
        request(tenantId);
      }
    });
  }

  /** One round: the number of conversations assigned; null when another node is running the tenant's round. */
  private Future<Integer> round(SqlConnection conn, UUID tenantId) {
    return conn.preparedQuery(TRY_LOCK).execute(Tuple.of(tenantId)).compose(rows -> {
      Row tenant = Rows.firstOrNull(rows, row -> row);
      if (tenant == null || !tenant.getBoolean("push")) {
        return Future.succeededFuture(0);
      }
      if (!tenant.getBoolean("locked")) {
        return Future.succeededFuture(null);
      }
      return conn.preparedQuery(OPERATORS).execute(Tuple.of(tenantId))
        .map(available -> Rows.all(available, Candidate::from))
        .compose(candidates -> candidates.isEmpty() ? Future.succeededFuture(0) : assign(conn, tenantId, candidates));
    });
  }

  private Future<Integer> assign(SqlConnection conn, UUID tenantId, List<Candidate> candidates) {
    UUID[] ids = candidates.stream().map(Candidate::id).toArray(UUID[]::new);
    return conn.preparedQuery(LOAD).execute(Tuple.tuple().addArrayOfUUID(ids)).compose(loads -> {
      Map<UUID, Long> active = new HashMap<>();
      loads.forEach(row -> active.put(row.getUUID("id"), row.getLong("active")));
      List<Candidate> withRoom = new ArrayList<>();
      Set<UUID> inboxes = new HashSet<>();
      for (Candidate candidate : candidates) {
        candidate.active = active.getOrDefault(candidate.id(), 0L);
        if (candidate.hasRoom()) {
          withRoom.add(candidate);
          inboxes.addAll(candidate.inboxes);
        }
      }
      if (withRoom.isEmpty() || inboxes.isEmpty()) {
        return Future.succeededFuture(0);
      }
      return conn.preparedQuery(QUEUE)
        .execute(Tuple.of(tenantId).addArrayOfUUID(inboxes.toArray(UUID[]::new))).compose(queue -> {
        List<UUID> conversations = new ArrayList<>();
        List<UUID> owners = new ArrayList<>();
        long assignedSoFar = 0;
        for (Row row : queue) {
          Candidate chosen = Candidate.fairest(withRoom, row.getUUID("inbox_id"));
          if (chosen != null) {
            chosen.take(++assignedSoFar);
            conversations.add(row.getUUID("id"));
            owners.add(chosen.id());
          }
        }
        return conversations.isEmpty() ? Future.succeededFuture(0)
          : Lifecycle.push(conn, tenantId, conversations, owners).map(Long::intValue);
      });
    });
  }

  /**
   * An AVAILABLE operator this round may give work to. Fairness: fewest active conversations first, then the one whose
   * last assignment is oldest (never assigned: first), then the smallest id.
   */
  private static final class Candidate {

    private static final Comparator<Candidate> FAIREST = Comparator.<Candidate>comparingLong(c -> c.active)
      .thenComparingLong(c -> c.lastAssigned)
      .thenComparing(Candidate::id);

    private final UUID id;
    private final Integer capacity;
    private final Set<UUID> inboxes;
    /** Epoch microseconds of the last assignment; within this round, later than any stored time. */
    private long lastAssigned;
    private long active;

    private Candidate(UUID id, Integer capacity, Set<UUID> inboxes, long lastAssigned) {
      this.id = id;
      this.capacity = capacity;
      this.inboxes = inboxes;
      this.lastAssigned = lastAssigned;
    }

    static Candidate from(Row row) {
      Instant last = Rows.instant(row, "last_assigned_at");
      long micros = last == null ? Long.MIN_VALUE
        : last.getEpochSecond() * 1_000_000 + last.getNano() / 1_000;
      return new Candidate(row.getUUID("operator_id"), row.getInteger("capacity"),
        Set.of(row.getArrayOfUUIDs("inboxes")), micros);
    }

    UUID id() {
      return id;
    }

    boolean hasRoom() {
      return capacity == null || active < capacity;
    }

    /** One more conversation for this operator, the {@code order}-th of this round. */
    void take(long order) {
      active++;
      lastAssigned = Long.MAX_VALUE / 2 + order;
    }

    static Candidate fairest(List<Candidate> candidates, UUID inbox) {
      Candidate best = null;
      for (Candidate candidate : candidates) {
        if (candidate.hasRoom() && candidate.inboxes.contains(inbox)
          && (best == null || FAIREST.compare(candidate, best) < 0)) {
          best = candidate;
        }
      }
      return best;
    }
  }
}
