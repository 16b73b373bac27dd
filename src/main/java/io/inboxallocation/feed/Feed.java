package io.inboxallocation.feed;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.Map;
import java.util.Set;
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
  /** Per tenant, the last event that is not about one conversation (any of those may change any caller's view). */
  private final Map<UUID, Long> sharedVersions = new ConcurrentHashMap<>();
  /** Per inbox, the last conversation event in it (or moved out of it); inbox ids are unique across tenants. */
  private final Map<UUID, Long> inboxVersions = new ConcurrentHashMap<>();
  /** Per operator, the last event of a conversation they held or hold. */
  private final Map<UUID, Long> operatorVersions = new ConcurrentHashMap<>();
  /** Per tenant, the relay cycle that reads back this node's last answered write to it. */
  private final Map<UUID, Long> writes = new ConcurrentHashMap<>();
  private final AtomicLong cyclesStarted = new AtomicLong();
  private volatile long cyclesCompleted;
  private volatile long lastCycleAt;
  /** When the last completed cycle started: everything committed before then has been relayed. */
  private volatile long relayedThrough = System.currentTimeMillis();
  private volatile long startPosition = -1;

  /** The relay's cycle count; a cycle that starts after a write sees it. */
  long startCycle() {
    return cyclesStarted.incrementAndGet();
  }

  void completeCycle(long cycle, long startedAt, long now) {
    cyclesCompleted = cycle;
    relayedThrough = startedAt;
    lastCycleAt = now;
  }

  /** How stale this node's view of the feed may be: what committed since then may not have been relayed yet. */
  public double lagSeconds(long now) {
    return Math.max(0, now - relayedThrough) / 1000.0;
  }

  void startAt(long position) {
    startPosition = position;
  }

  void advance(FeedEvent event) {
    Long position = event.position();
    tenantVersions.merge(event.tenantId(), position, Math::max);
    if (event.conversationId() == null) {
      sharedVersions.merge(event.tenantId(), position, Math::max);
      return;
    }
    for (UUID inbox : new UUID[] {event.inboxId(), event.fromInboxId()}) {
      if (inbox != null) {
        inboxVersions.merge(inbox, position, Math::max);
      }
    }
    for (UUID operator : new UUID[] {event.operatorId(), event.previousOperatorId()}) {
      if (operator != null) {
        operatorVersions.merge(operator, position, Math::max);
      }
    }
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
    return positionOf(tenantVersions, tenantId);
  }

  /**
   * The position of the last event that can have changed what this operator sees of conversations (the same rule as
   * {@link io.inboxallocation.auth.Visibility}): in one of their inboxes, of a conversation they held or hold, or not
   * about one conversation at all (a subscription, a role, a label's name...). -1 as for {@link #version}. Positions
   * only grow, so this changes whenever such an event arrives; a tenant with many inboxes then re-reads only where
   * something changed.
   */
  public long conversationVersion(UUID tenantId, UUID operatorId, Set<UUID> inboxes, long now) {
    if (!trusted(tenantId, now)) {
      return -1;
    }
    long version = Math.max(positionOf(sharedVersions, tenantId), positionOf(operatorVersions, operatorId));
    for (UUID inbox : inboxes) {
      version = Math.max(version, positionOf(inboxVersions, inbox));
    }
    return version;
  }

  private long positionOf(Map<UUID, Long> versions, UUID key) {
    Long version = versions.get(key);
    return version != null ? version : startPosition;
  }

  /** Whether this node's relay is following the feed: started, and a cycle completed within the last second. */
  public boolean following(long now) {
    return startPosition >= 0 && now - lastCycleAt <= STALE_AFTER_MILLIS;
  }

  /** Whether node-local knowledge of the tenant (its version, cached access rights) is current. */
  public boolean trusted(UUID tenantId, long now) {
    if (!following(now)) {
      return false;
    }
    Long cycle = writes.get(tenantId);
    return cycle == null || cyclesCompleted >= cycle;
  }
}
