package io.inboxallocation.ops;

import io.inboxallocation.events.EventReason;
import io.inboxallocation.events.EventType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Allocations, releases and resolutions, counted by the node that numbers their events in the feed (each event is
 * numbered once in the cluster, after it committed; docs/ARCHITECTURE.md, "Metrics"): summed over the nodes, every
 * counter is exact. The histograms take the time the conversation spent queued before an allocation and allocated
 * before a resolution.
 */
public final class LifecycleMetrics {

  /** Histogram buckets: a queue wait or a handling time runs from seconds to a day. */
  private static final Duration[] BUCKETS = {Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(15),
    Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5),
    Duration.ofMinutes(10), Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(2), Duration.ofHours(6),
    Duration.ofHours(24)};

  private final Map<EventReason, Counter> allocations = new EnumMap<>(EventReason.class);
  private final Counter reassignments;
  private final Map<EventReason, Counter> releases = new EnumMap<>(EventReason.class);
  private final Counter resolutions;
  private final Counter graceExpired;
  private final Timer queueWait;
  private final Timer handle;

  public LifecycleMetrics(MeterRegistry registry) {
    for (EventReason mode : new EventReason[] {EventReason.AUTO, EventReason.CLAIM, EventReason.PUSH}) {
      allocations.put(mode, allocations(registry, tag(mode)));
    }
    reassignments = allocations(registry, "reassign");
    for (EventReason reason : new EventReason[] {EventReason.DEALLOCATE, EventReason.GRACE_EXPIRED,
      EventReason.OPERATOR_DELETED, EventReason.MOVED}) {
      releases.put(reason, Counter.builder("inbox_allocation_releases").tag("reason", tag(reason))
        .description("Conversations released back to the queue, by reason").register(registry));
    }
    resolutions = Counter.builder("inbox_allocation_resolutions").description("Conversations resolved")
      .register(registry);
    graceExpired = Counter.builder("inbox_allocation_grace_expired")
      .description("Conversations released because their OFFLINE owner's grace period ran out").register(registry);
    queueWait = histogram(registry, "inbox_allocation_queue_wait", "Time queued before an allocation");
    handle = histogram(registry, "inbox_allocation_handle", "Time allocated before a resolution");
  }

  /**
   * One numbered event of type ALLOCATED, REASSIGNED, RELEASED or RESOLVED; {@code seconds} is the time spent in the
   * state it leaves (queued or allocated), or null where that is not known.
   */
  public void record(EventType type, EventReason reason, Double seconds) {
    switch (type) {
      case ALLOCATED -> {
        allocations.get(reason).increment();
        observe(queueWait, seconds);
      }
      case REASSIGNED -> reassignments.increment();
      case RELEASED -> {
        releases.get(reason).increment();
        if (reason == EventReason.GRACE_EXPIRED) {
          graceExpired.increment();
        }
      }
      case RESOLVED -> {
        resolutions.increment();
        observe(handle, seconds);
      }
      default -> throw new IllegalArgumentException("not a lifecycle metric: " + type);
    }
  }

  private static void observe(Timer timer, Double seconds) {
    if (seconds != null) {
      timer.record(Duration.ofNanos((long) (seconds * 1e9)));
    }
  }

  private static Counter allocations(MeterRegistry registry, String mode) {
    return Counter.builder("inbox_allocation_allocations").tag("mode", mode)
      .description("Conversations given to an operator, by mode (auto, claim, push, reassign)").register(registry);
  }

  private static Timer histogram(MeterRegistry registry, String name, String description) {
    return Timer.builder(name).description(description).serviceLevelObjectives(BUCKETS).register(registry);
  }

  private static String tag(EventReason reason) {
    return reason.name().toLowerCase(Locale.ROOT);
  }
}
