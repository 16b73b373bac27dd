package io.inboxallocation.auth;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Who may see what, kept on this node so that a request needs no SQL to be authorised: per operator their stored role
 * and subscribed inboxes; per tenant that it exists. The feed relay evicts what an event changes (role, deletion,
 * subscriptions); a node that writes to a tenant bypasses the cache until the relay has read its write back
 * ({@code fresh}), so a change takes effect at once where it was made and within a second elsewhere.
 */
public final class AccessCache {

  /** Beyond this many entries the cache starts over: a bound on memory, not a policy. */
  static final int MAX_ENTRIES = 100_000;

  static final String LOOKUP = """
    SELECT t.id AS tenant_id, o.role,
           (SELECT coalesce(array_agg(s.inbox_id), '{}') FROM operator_inbox_subscription s WHERE s.operator_id = o.id)
             AS inboxes
    FROM tenant t
    LEFT JOIN operator o ON o.tenant_id = t.id AND o.id = $2
    WHERE t.id = $1""";

  /** What one caller may see; {@code role} null for a token of no operator (SERVICE): only the tenant counts. */
  public record Access(Role role, Set<UUID> inboxes) {
  }

  private record Key(UUID tenantId, UUID operatorId) {
  }

  private final SqlClient db;
  private final Map<Key, Access> entries = new ConcurrentHashMap<>();
  private final Map<UUID, AtomicLong> generations = new ConcurrentHashMap<>();

  public AccessCache(SqlClient db) {
    this.db = db;
  }

  /**
   * The access of an operator ({@code operatorId} null: of the tenant's non-operator callers); null when the tenant
   * or the operator does not exist. {@code fresh}: read the database, whatever is cached.
   */
  public Future<Access> get(UUID tenantId, UUID operatorId, boolean fresh) {
    Key key = new Key(tenantId, operatorId);
    Access cached = fresh ? null : entries.get(key);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    long generation = generation(tenantId).get();
    return db.preparedQuery(LOOKUP).execute(Tuple.of(tenantId, operatorId)).map(rows -> {
      Row row = rows.iterator().hasNext() ? rows.iterator().next() : null;
      if (row == null || (operatorId != null && row.getString("role") == null)) {
        return null;
      }
      Access access = operatorId == null ? new Access(null, Set.of())
        : new Access(Role.valueOf(row.getString("role")), Set.of(row.getArrayOfUUIDs("inboxes")));
      // Stored only if nothing about the tenant was evicted meanwhile: else this read may predate that change.
      if (generation(tenantId).get() == generation) {
        if (entries.size() >= MAX_ENTRIES) {
          entries.clear();
        }
        entries.put(key, access);
      }
      return access;
    });
  }

  /** What is cached of this operator's access now, or null: never a database read. */
  public Access cached(UUID tenantId, UUID operatorId) {
    return entries.get(new Key(tenantId, operatorId));
  }

  /** The operator's role, existence or subscriptions changed. */
  public void evict(UUID tenantId, UUID operatorId) {
    generation(tenantId).incrementAndGet();
    entries.remove(new Key(tenantId, operatorId));
  }

  /** Something that concerns every operator of the tenant changed (an inbox and its subscriptions were deleted). */
  public void evictTenant(UUID tenantId) {
    generation(tenantId).incrementAndGet();
    entries.keySet().removeIf(key -> key.tenantId().equals(tenantId));
  }

  private AtomicLong generation(UUID tenantId) {
    return generations.computeIfAbsent(tenantId, id -> new AtomicLong());
  }
}
