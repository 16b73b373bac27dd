package io.inboxallocation.orchestrator;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The contact cache on its own clock: time to live, none kept at zero, per tenant, and its bound. */
class ContactCacheTest {

  private static final String PHONE = "+5511988887777";

  private final AtomicLong now = new AtomicLong(1_000);
  private final UUID tenant = UUID.randomUUID();

  @Test
  void aContactIsKeptForItsTimeToLiveAndNoLonger() {
    ContactCache cache = new ContactCache(Duration.ofNanos(100), 10, now::get);
    JsonObject maria = contact("Maria");
    cache.put(tenant, PHONE, maria);

    now.addAndGet(99);
    assertEquals(maria, cache.get(tenant, PHONE));
    now.addAndGet(1);
    assertNull(cache.get(tenant, PHONE));
  }

  @Test
  void zeroKeepsNothing() {
    ContactCache cache = new ContactCache(Duration.ZERO, 10, now::get);
    cache.put(tenant, PHONE, contact("Maria"));
    assertNull(cache.get(tenant, PHONE));
  }

  @Test
  void tenantsDoNotShareEntries() {
    ContactCache cache = new ContactCache(Duration.ofSeconds(60), 10, now::get);
    UUID other = UUID.randomUUID();
    cache.put(tenant, PHONE, contact("Maria"));
    assertNull(cache.get(other, PHONE));
    cache.put(other, PHONE, contact("João"));
    assertEquals(contact("Maria"), cache.get(tenant, PHONE));
    assertEquals(contact("João"), cache.get(other, PHONE));
  }

  @Test
  void aFullCacheDropsTheOldestEntry() {
    ContactCache cache = new ContactCache(Duration.ofSeconds(60), 3, now::get);
    for (int i = 0; i < 3; i++) {
      cache.put(tenant, "+551100000000" + i, contact("c" + i));
      now.incrementAndGet();
    }
    cache.put(tenant, "+5511000000000", contact("c0 again"));
    cache.put(tenant, "+5511000000003", contact("c3"));

    assertNull(cache.get(tenant, "+5511000000001"), "the oldest entry, once c0 was written again");
    assertEquals(contact("c0 again"), cache.get(tenant, "+5511000000000"));
    assertEquals(contact("c2"), cache.get(tenant, "+5511000000002"));
    assertEquals(contact("c3"), cache.get(tenant, "+5511000000003"));
  }

  private static JsonObject contact(String name) {
    return new JsonObject().put("name", name);
  }
}
