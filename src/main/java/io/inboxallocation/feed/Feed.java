package io.inboxallocation.feed;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What this node knows of the feed, shared by its verticles: how far the relay has read, the position of each tenant's
 * last event (the version behind ETags), and which tenants this node has just written to. Until the relay has read
 * past a local write, that tenant's version and cached access rights are not trusted (docs/ARCHITECTURE.md,
 * "Conditional polling").
 */
public final class Feed {

  /** A relay that has not completed a cycle for this long is treated as lagging: nothing is trusted. */
  static final long STALE_AFTER_MILLIS = 1_000;

  private final Map<UUID, Long> tenantVersions = new ConcurrentHashMap<>();
  /** Per tenant, the relay cycle that reads back this node's last answered write to it. */
  private final Map<UUID, Long> writes = new ConcurrentHashMap<>();
  private final AtomicLong cyclesStarted = new AtomicLong();
  private volatile long cyclesCompleted;
  private volatile long lastCycleAt;
  private volatile long startPosition = -1;

  /** The relay's cycle count; a cycle that starts after a write sees it. */
  long startCycle() {
    return cyclesStarted.incrementAndGet();
  }

  void completeCycle(long cycle, long now) {
    cyclesCompleted = cycle;
    lastCycleAt = now;
  }

  void startAt(long position) {
    startPosition = position;
  }

  void advance(FeedEvent event) {
    tenantVersions.merge(event.tenantId(), event.position(), Math::max);
  }

  /**
   * A request of this node has changed (or tried to change) the tenant's data and is about to answer: from now until
   * a relay cycle that starts after this has completed, this node does not vouch for the tenant. A request that is
   * still running needs no such care: a read concurrent with a write may see the data before or after it.
   */
  public void wrote(UUID tenantId) {
    writes.merge(tenantId, cyclesStarted.get() + 1, Math::max);
  }

  /**
   * Completes once this node has read back every write to the tenant that it answered so far, or after
   * {@code maxWaitMillis} (a lagging relay); at once when there is none. Checked on short timers rather than by
   * waiters the relay completes, so that nothing is left behind when the relay stops.
   */
  public Future<Void> caughtUp(Vertx vertx, UUID tenantId, long maxWaitMillis) {
    Long cycle = writes.get(tenantId);
    if (cycle == null || cyclesCompleted >= cycle) {
      return Future.succeededFuture();
    }
    Promise<Void> caughtUp = Promise.promise();
    long deadline = System.currentTimeMillis() + maxWaitMillis;
    vertx.setPeriodic(1, check -> {
      if (cyclesCompleted >= cycle || System.currentTimeMillis() >= deadline) {
        vertx.cancelTimer(check);
        caughtUp.complete();
      }
    });
    return caughtUp.future();
  }

  /**
   * The position of the tenant's last event, or -1 when this node cannot vouch for it now (a local write not yet read
   * back, or a relay that is behind). Nothing changed in a tenant while its version stays the same.
   */
  public long version(UUID tenantId, long now) {
    if (!trusted(tenantId, now)) {
      return -1;
    }
    Long version = tenantVersions.get(tenantId);
    return version != null ? version : startPosition;
  }

  /** Whether node-local knowledge of the tenant (its version, cached access rights) is current. */
  public boolean trusted(UUID tenantId, long now) {
    if (startPosition < 0 || now - lastCycleAt > STALE_AFTER_MILLIS) {
      return false;
    }
    Long cycle = writes.get(tenantId);
    return cycle == null || cyclesCompleted >= cycle;
  }
}
