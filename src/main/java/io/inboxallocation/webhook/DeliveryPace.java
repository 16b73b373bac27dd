package io.inboxallocation.webhook;

/**
 * How many deliveries a node may start: as many as it can while its API requests are few, fewer while they pile up,
 * as vacuum gives way to queries (docs/ARCHITECTURE.md, "Deliveries give way to requests"). The requests in flight
 * are averaged over about half a second. Once the average has stayed above the threshold for two seconds (a load, not
 * a hiccup: a pause of the JVM or of the disk piles requests up too, and slowing deliveries then would only delay
 * them), the allowed rate halves at every sample above it (starting from the rate of the last second), down to a floor
 * that keeps the backlog moving; at or below half the threshold it grows by a quarter per sample, back to no limit
 * within a few seconds; in between it holds. Halving quickly and growing slowly keeps the catch-up after a load from
 * bringing the load back. Confined to the dispatcher's event loop.
 */
final class DeliveryPace {

  static final long SAMPLE_MILLIS = 100;
  /** The weight of the newest sample in the averages: about half a second's memory. */
  private static final double SAMPLE_WEIGHT = 0.3;
  /** Samples in a row above the threshold before the rate is limited: two seconds. */
  private static final int SUSTAINED_SAMPLES = 20;
  private static final double GROWTH = 1.25;
  /** Past this rate (per second) there is no limit. */
  private static final double UNLIMITED_ABOVE = 4_096;

  private final int threshold;
  private final double floorPerSecond;
  private double requestsInFlight;
  private double startedPerSecond;
  private int startedSinceSample;
  private int samplesAbove;
  private double allowedPerSecond = Double.POSITIVE_INFINITY;

  /**
   * {@code threshold}: requests in flight above which deliveries slow down (0: never); {@code floorPerSecond}: the
   * slowest they go.
   */
  DeliveryPace(int threshold, double floorPerSecond) {
    this.threshold = threshold;
    this.floorPerSecond = floorPerSecond;
  }

  /** Every {@value #SAMPLE_MILLIS} ms: the requests in flight now. True when this sample lifted the limit. */
  boolean sample(int inFlight) {
    startedPerSecond += SAMPLE_WEIGHT * (startedSinceSample * 1000.0 / SAMPLE_MILLIS - startedPerSecond);
    startedSinceSample = 0;
    if (threshold <= 0) {
      return false;
    }
    requestsInFlight += SAMPLE_WEIGHT * (inFlight - requestsInFlight);
    if (requestsInFlight > threshold) {
      if (++samplesAbove >= SUSTAINED_SAMPLES) {
        allowedPerSecond = Math.max(floorPerSecond, Math.min(allowedPerSecond, startedPerSecond) / 2);
      }
      return false;
    }
    samplesAbove = 0;
    if (limited() && requestsInFlight <= threshold / 2.0) {
      allowedPerSecond *= GROWTH;
      if (allowedPerSecond > UNLIMITED_ABOVE) {
        allowedPerSecond = Double.POSITIVE_INFINITY;
        return true;
      }
    }
    return false;
  }

  void started(int deliveries) {
    startedSinceSample += deliveries;
  }

  boolean limited() {
    return allowedPerSecond != Double.POSITIVE_INFINITY;
  }

  /** While limited: how many deliveries (and events to fan out) one cycle of {@code periodMillis} may take. */
  int perCycle(long periodMillis) {
    return (int) Math.max(1, Math.round(allowedPerSecond * periodMillis / 1000.0));
  }

  double allowedPerSecond() {
    return allowedPerSecond;
  }
}
