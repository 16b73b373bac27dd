package io.inboxallocation.ops;

import io.inboxallocation.bus.RequestLoad;
import io.inboxallocation.feed.Feed;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one node alone can tell: how far behind the feed it may be, the push sessions it holds open, and the API
 * requests it is serving.
 */
public final class NodeMetrics {

  private NodeMetrics() {
  }

  public static void register(MeterRegistry registry, Feed feed, AtomicInteger openSockets, RequestLoad load) {
    Gauge.builder("inbox_allocation_feed_lag_seconds", feed, f -> f.lagSeconds(System.currentTimeMillis()))
      .description("How stale this node's view of the event feed may be: events committed since then may not have"
        + " reached its WebSockets, long polls and conditional reads yet").baseUnit("seconds").register(registry);
    Gauge.builder("inbox_allocation_websockets_open", openSockets, AtomicInteger::get)
      .description("WebSocket push sessions open on this node").register(registry);
    Gauge.builder("inbox_allocation_requests_in_flight", load, RequestLoad::inFlight)
      .description("API requests this node's command and query verticles are serving").register(registry);
  }
}
