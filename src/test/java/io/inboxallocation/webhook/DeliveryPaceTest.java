package io.inboxallocation.webhook;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pace's rules, sample by sample (WebhookYieldTest shows them at work in a node). */
class DeliveryPaceTest {

  private static final double FLOOR = 32;

  @Test
  void fewRequestsLeaveDeliveriesUnlimited() {
    DeliveryPace pace = new DeliveryPace(16, FLOOR);
    for (int i = 0; i < 50; i++) {
      pace.started(100);
      assertFalse(pace.sample(15));
    }
    assertFalse(pace.limited());
  }

  @Test
  void requestsPilingUpHalveTheRateOfTheLastSecondDownToTheFloor() {
    DeliveryPace pace = new DeliveryPace(16, FLOOR);
    for (int i = 0; i < 30; i++) {
      pace.started(100); // 1,000 deliveries/s
      pace.sample(0);
    }
    int samples = 0;
    while (!pace.limited() && samples < 100) {
      pace.started(100);
      pace.sample(60);
      samples++;
    }
    assertTrue(samples >= 20 && samples <= 25, "limited once the average stayed above 16 for 2 s: " + samples);
    assertTrue(pace.allowedPerSecond() < 500 && pace.allowedPerSecond() > 100, "about half the last second's rate: "
      + pace.allowedPerSecond());
    for (int i = 0; i < 20; i++) {
      pace.sample(60);
    }
    assertEquals(FLOOR, pace.allowedPerSecond());
    assertEquals(16, pace.perCycle(500), "the floor per cycle of 500 ms");
  }

  @Test
  void aPileUpOfASecondLeavesDeliveriesUnlimited() {
    DeliveryPace pace = new DeliveryPace(16, FLOOR);
    for (int burst = 0; burst < 5; burst++) {
      // A second of 200 requests in flight (a pause), the average above 16 for 0.7 s more, then a quiet second.
      for (int i = 0; i < 10; i++) {
        pace.sample(200);
      }
      for (int i = 0; i < 10; i++) {
        pace.sample(0);
      }
    }
    assertFalse(pace.limited());
  }

  @Test
  void theRateHoldsBetweenHalfTheThresholdAndItAndGrowsBackToUnlimitedBelow() {
    DeliveryPace pace = new DeliveryPace(16, FLOOR);
    for (int i = 0; i < 30; i++) {
      pace.sample(60);
    }
    assertEquals(FLOOR, pace.allowedPerSecond());
    for (int i = 0; i < 30; i++) {
      pace.sample(12);
    }
    assertEquals(FLOOR, pace.allowedPerSecond(), "between 8 and 16 in flight: held");
    int samples = 0;
    boolean lifted = false;
    while (!lifted && samples < 100) {
      lifted = pace.sample(0);
      samples++;
    }
    assertTrue(lifted, "the sample that lifts the limit says so");
    assertFalse(pace.limited());
    assertTrue(samples > 20 && samples < 40, "a quarter more per sample, from 32/s past 4,096/s: " + samples);
  }

  @Test
  void aThresholdOfZeroNeverLimits() {
    DeliveryPace pace = new DeliveryPace(0, FLOOR);
    for (int i = 0; i < 20; i++) {
      pace.sample(1_000);
    }
    assertFalse(pace.limited());
  }
}
