package io.inboxallocation.orchestrator;

import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Contacts by tenant and phone number, each kept for the same time (CONTACT_CACHE_SECONDS; zero: none kept), at most
 * {@code capacity} of them. Entries are in insertion order, which with one time-to-live is also expiry order: a full
 * cache drops the oldest, and expired ones are dropped from the front. Only its verticle's event loop uses it.
 */
final class ContactCache {

  private record Key(UUID tenantId, String phoneNumber) {
  }

  private record Entry(JsonObject contact, long expiresAt) {
  }

  private final long ttlNanos;
  private final LongSupplier nanoClock;
  private final Map<Key, Entry> entries;

  ContactCache(Duration ttl, int capacity, LongSupplier nanoClock) {
    this.ttlNanos = ttl.toNanos();
    this.nanoClock = nanoClock;
    this.entries = new LinkedHashMap<>() {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
        return size() > capacity;
      }
    };
  }

  /** The contact, or null when none is kept or it expired. */
  JsonObject get(UUID tenantId, String phoneNumber) {
    Entry entry = entries.get(new Key(tenantId, phoneNumber));
    return entry == null || expired(entry, nanoClock.getAsLong()) ? null : entry.contact();
  }

  void put(UUID tenantId, String phoneNumber, JsonObject contact) {
    if (ttlNanos <= 0) {
      return;
    }
    long now = nanoClock.getAsLong();
    Iterator<Entry> oldest = entries.values().iterator();
    while (oldest.hasNext() && expired(oldest.next(), now)) {
      oldest.remove();
    }
    Key key = new Key(tenantId, phoneNumber);
    // Removed first so that the new entry goes to the end: insertion order stays expiry order.
    entries.remove(key);
    entries.put(key, new Entry(contact, now + ttlNanos));
  }

  private static boolean expired(Entry entry, long now) {
    return entry.expiresAt() - now <= 0;
  }
}
