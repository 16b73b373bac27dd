package io.inboxallocation.feed;

import io.inboxallocation.testing.Calls;
import io.inboxallocation.testing.Cluster;
import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Parallel;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.Socket;
import io.inboxallocation.testing.Tenants;
import io.inboxallocation.testing.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three nodes on one database, writers on all of them at once: every socket and every feed reader, on every node,
 * sees every event of the tenant exactly once, in the feed's order, and each conversation's events in the order they
 * were committed.
 */
class FeedAcrossNodesTest {

  static final int NODES = 3;
  static final Duration LOAD = Duration.ofSeconds(6);

  static Cluster cluster;
  static TestService app;
  static List<Http> nodes;
  static List<Vertx> vertxes;

  @BeforeAll
  static void startNodes() {
    cluster = Cluster.start(NODES);
    app = cluster.app;
    nodes = cluster.nodes;
    vertxes = cluster.vertxes;
  }

  @AfterAll
  static void stopNodes() {
    cluster.stop();
  }

  @Test
  void everySocketAndEveryReaderOnEveryNodeSeesEveryEventOnceAndInOrder() throws Exception {
    Scenario s = Tenants.create(app);
    List<String> inboxes = Parallel.map(3, 3, i -> s.inbox());
    List<Scenario.Person> operators = Parallel.map(9, 3, i -> s.availableOperator(inboxes.get(i % 3)));
    String start = nodes.get(0).get("/events", s.admin).json().getString("nextCursor");

    List<Socket> sockets = new ArrayList<>();
    List<List<JsonObject>> readers = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    List<Thread> writers = new ArrayList<>();
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicBoolean reading = new AtomicBoolean(true);
    for (int n = 0; n < NODES; n++) {
      Socket socket = Socket.open(vertxes.get(n), nodes.get(n).port(), s.admin);
      assertEquals(start, socket.subscribe(start));
      sockets.add(socket);
      List<JsonObject> read = new CopyOnWriteArrayList<>();
      readers.add(read);
      Http node = nodes.get(n);
      threads.add(new Thread(() -> follow(node, s.admin, start, read, reading), "reader-" + n));
    }
    for (int w = 0; w < NODES * 2; w++) {
      Http node = nodes.get(w % NODES);
      writers.add(new Thread(() -> {
        while (writing.get()) {
          String inbox = inboxes.get(ThreadLocalRandom.current().nextInt(3));
          node.post("/conversations", s.service, Calls.upsertBody(inbox, "ext-" + Calls.randomId(), Scenario.randomPhone()));
        }
      }, "feeder-" + w));
    }
    for (int o = 0; o < operators.size(); o++) {
      Http node = nodes.get(o % NODES);
      Scenario.Person operator = operators.get(o);
      writers.add(new Thread(() -> {
        while (writing.get()) {
          Http.Response allocated = node.post("/allocation/allocate", operator.token(), new JsonObject());
          if (allocated.status() == 200 && !allocated.body().isEmpty()) {
            node.post("/allocation/resolve", operator.token(),
              new JsonObject().put("conversationId", allocated.json().getString("id")));
          }
        }
      }, "operator-" + o));
    }
    threads.forEach(Thread::start);
    writers.forEach(Thread::start);
    Thread.sleep(LOAD.toMillis());
    writing.set(false);
    for (Thread writer : writers) {
      writer.join(30_000);
    }

    try {
      List<Long> expected = committed(s, Long.parseLong(start));
      assertTrue(expected.size() > 300, "enough events to mean something: " + expected.size());
      List<List<Long>> pushed = new ArrayList<>();
      for (Socket socket : sockets) {
        pushed.add(eventIds(socket, expected.size(), Duration.ofSeconds(15)));
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (readers.stream().anyMatch(read -> read.size() < expected.size()) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      for (int n = 0; n < NODES; n++) {
        assertEquals(expected, pushed.get(n), "socket on node " + n + differences(expected, pushed.get(n)));
        List<Long> read = readers.get(n).stream().map(e -> e.getLong("id")).toList();
        assertEquals(expected, read, "reader on node " + n + differences(expected, read));
      }
    } finally {
      reading.set(false);
      for (Thread thread : threads) {
        thread.join(10_000);
      }
      sockets.forEach(Socket::close);
    }
    // Ids are taken under the conversation's row lock: per conversation, commit order is id order.
    Map<String, Long> last = new HashMap<>();
    for (JsonObject event : readers.get(0)) {
      String conversation = event.getString("conversationId");
      if (conversation != null) {
        Long previous = last.put(conversation, event.getLong("id"));
        assertTrue(previous == null || previous < event.getLong("id"), "conversation " + conversation + " out of order");
      }
    }
  }

  /** The ids of the events the socket received, until {@code count} came and then a quiet 300 ms, or the timeout. */
  private static List<Long> eventIds(Socket socket, int count, Duration timeout) {
    List<Long> ids = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      JsonObject frame = socket.poll(Duration.ofMillis(ids.size() < count ? 200 : 300));
      if (frame == null && ids.size() >= count) {
        break;
      }
      if (frame != null) {
        assertEquals("event", frame.getString("type"), frame::encode);
        ids.add(frame.getJsonObject("event").getLong("id"));
      }
    }
    return ids;
  }

  private static String differences(List<Long> expected, List<Long> got) {
    List<Long> missing = new ArrayList<>(expected);
    missing.removeAll(got);
    List<Long> extra = new ArrayList<>(got);
    extra.removeAll(expected);
    return ": " + got.size() + " of " + expected.size() + ", missing " + missing.stream().limit(10).toList()
      + ", unexpected " + extra.stream().limit(10).toList();
  }

  private static void follow(Http node, String token, String from, List<JsonObject> into, AtomicBoolean reading) {
    String cursor = from;
    while (reading.get()) {
      Http.Response page = node.get("/events?wait=1&limit=200&after=" + cursor, token);
      assertEquals(200, page.status(), page::toString);
      page.items().forEach(item -> into.add((JsonObject) item));
      cursor = page.json().getString("nextCursor");
    }
  }

  private static List<Long> committed(Scenario s, long after) throws Exception {
    try (Connection db = app.jdbc(); PreparedStatement query = db.prepareStatement(
      "SELECT id FROM domain_event WHERE tenant_id = ? AND position > ? ORDER BY position")) {
      // Everything is committed now: number what the relays have not numbered yet, as they will.
      db.createStatement().execute("SELECT sequence_domain_events(1000000)");
      query.setObject(1, s.tenantId);
      query.setLong(2, after);
      List<Long> ids = new ArrayList<>();
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          ids.add(rows.getLong(1));
        }
      }
      return ids;
    }
  }
}
