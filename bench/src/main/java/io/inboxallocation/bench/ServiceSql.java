package io.inboxallocation.bench;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SQL the service runs, read from the service jar itself (reflection on the constants, in a class loader of its
 * own), so the EXPLAIN checks always use the current text and the committed pgbench scripts can be compared with
 * what they would be generated as today: any difference is reported as drift.
 */
final class ServiceSql {

  final String authLookup;
  final String lockCallerStatus;
  final String capacityLoad;
  final String allocateNext;
  final String lockConversation;
  final String transition;
  final String ingestUpdate;
  final String ingestInsert;
  /** Reconstructed from ConversationQueries.list for state=QUEUED&sort=priority&limit=50 and an OPERATOR caller. */
  final String poll;

  private ServiceSql(Map<String, String> c) {
    authLookup = c.get("LOOKUP");
    lockCallerStatus = c.get("LOCK_CALLER_STATUS");
    capacityLoad = c.get("CAPACITY_LOAD");
    allocateNext = c.get("ALLOCATE_NEXT");
    lockConversation = c.get("LOCK_CONVERSATION");
    transition = c.get("TRANSITION");
    ingestUpdate = c.get("UPDATE");
    ingestInsert = c.get("INSERT");
    poll = c.get("POLL");
  }

  static ServiceSql load(Path serviceJar) throws Exception {
    Map<String, String> c = new LinkedHashMap<>();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {serviceJar.toUri().toURL()},
      ClassLoader.getPlatformClassLoader())) {
      // The caller's access (role, subscribed inboxes): AccessCache.LOOKUP, read past the node's cache while the tenant
      // has writes of this node in flight (under the write scenarios' load, on nearly every request).
      c.put("LOOKUP", constant(loader, "io.inboxallocation.auth.AccessCache", "LOOKUP"));
      String alloc = "io.inboxallocation.allocation.AllocationSql";
      c.put("LOCK_CALLER_STATUS", constant(loader, alloc, "LOCK_CALLER_STATUS"));
      c.put("LOCK_CONVERSATION", constant(loader, alloc, "LOCK_CONVERSATION"));
      c.put("CAPACITY_LOAD", constant(loader, "io.inboxallocation.assignment.Capacity", "LOAD"));
      String lifecycle = "io.inboxallocation.lifecycle.Lifecycle";
      c.put("ALLOCATE_NEXT", constant(loader, lifecycle, "NEXT_QUEUED"));
      c.put("TRANSITION", constant(loader, lifecycle, "ONE"));
      c.put("INSERT", constant(loader, lifecycle, "CREATE"));
      c.put("UPDATE", constant(loader, "io.inboxallocation.conversation.IngestCommands", "UPDATE"));

      // ConversationQueries.list(): selectFrom("conversation_ref") + " WHERE c.tenant_id = $1",
      // then (operator caller) " AND " + Visibility.conversation("$2"), then the state literal, then
      // ORDER BY sort.orderBy, then " LIMIT " + (limit + 1).
      Class<?> conversation = Class.forName("io.inboxallocation.conversation.Conversation", false, loader);
      String select = (String) conversation.getMethod("selectFrom", String.class).invoke(null, "conversation_ref");
      Class<?> visibility = Class.forName("io.inboxallocation.auth.Visibility", false, loader);
      String visible = (String) visibility.getMethod("conversation", String.class).invoke(null, "$2");
      Class<?> sort = Class.forName("io.inboxallocation.conversation.ConversationMessages$Sort", true, loader);
      Object priority = null;
      for (Object constant : sort.getEnumConstants()) {
        if (((Enum<?>) constant).name().equals("PRIORITY")) {
          priority = constant;
        }
      }
      Field orderBy = sort.getDeclaredField("orderBy");
      orderBy.setAccessible(true);
      c.put("POLL", select + " WHERE c.tenant_id = $1 AND " + visible
        + " AND c.state = 'QUEUED' ORDER BY " + orderBy.get(priority) + " LIMIT " + (50 + 1));
    }
    return new ServiceSql(c);
  }

  private static String constant(ClassLoader loader, String className, String field) throws Exception {
    Class<?> type = Class.forName(className, true, loader);
    Field f = type.getDeclaredField(field);
    f.setAccessible(true);
    return (String) f.get(null);
  }

  /** Replaces $n by the pgbench expression given for n; every placeholder must be mapped. */
  static String bind(String sql, Map<Integer, String> params) {
    Matcher m = Pattern.compile("\\$(\\d+)").matcher(sql);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement = params.get(Integer.parseInt(m.group(1)));
      if (replacement == null) {
        throw new IllegalStateException("no pgbench value for $" + m.group(1) + " in:\n" + sql);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** "$1 -> :tenant, $2 -> :op" style map. */
  static Map<Integer, String> params(String... values) {
    Map<Integer, String> map = new LinkedHashMap<>();
    for (int i = 0; i < values.length; i++) {
      map.put(i + 1, values[i]);
    }
    return map;
  }

  /** The pgbench scripts as the current service SQL yields them (file name -> text). */
  Map<String, String> pgbenchScripts() {
    Map<String, String> scripts = new LinkedHashMap<>();
    String header = """
      -- GENERATED by bench (ServiceSql.pgbenchScripts) from the SQL constants of target/inbox-allocation.jar.
      -- Do not edit by hand: run `bench/run.sh --regen-pgbench` after changing the service SQL. The harness compares
      -- this file with what it would generate today and reports DRIFT when they differ.
      -- Substitutions: $n placeholders become pgbench variables (-M prepared sends them as parameters again);
      -- a parameter the service binds to NULL is written as the literal NULL.
      """;
    String pickOperator = """
      \\set n :client_id % :nops + 1
      -- harness only (not service SQL): operator id of this client; dummy conversation id if the queue is empty
      SELECT id AS op, '00000000-0000-0000-0000-000000000000' AS id, 'ALLOCATED' AS state, id AS assigned_operator_id
      FROM bench_operator WHERE tenant_id = :tenant AND n = :n \\gset
      """;
    String lookupOperator = mirror("io.inboxallocation.auth.AccessCache.LOOKUP (per HTTP request while this node has"
      + " not yet read back its own writes to the tenant, as under this load)", bind(authLookup, params(":tenant", ":op")))
      + ";\n";

    StringBuilder alloc = new StringBuilder(header)
      .append("-- One allocate + resolve cycle of one operator, as POST /allocation/allocate then POST /allocation/resolve.\n")
      .append("-- Variables from -D: tenant, nops (concurrent operators), role=OPERATOR, resolved=RESOLVED.\n")
      .append(pickOperator)
      .append("-- POST /allocation/allocate\n")
      .append(lookupOperator)
      .append("BEGIN;\n")
      .append(mirror("io.inboxallocation.allocation.AllocationSql.LOCK_CALLER_STATUS",
        bind(lockCallerStatus, params(":tenant", ":op")))).append(";\n")
      .append(mirror("io.inboxallocation.assignment.Capacity.LOAD (Capacity.requireRoom)",
        bind(capacityLoad, params(":op")))).append(";\n")
      .append(mirror("io.inboxallocation.lifecycle.Lifecycle.NEXT_QUEUED (Transition.AUTO_ALLOCATE)",
        bind(allocateNext, params(":tenant", "'ALLOCATED'", "'AUTO'", ":op", ":role", "'ALLOCATED'", ":op"))))
      .append(" \\aset\n")
      .append("COMMIT;\n")
      .append("-- POST /allocation/resolve {conversationId}\n")
      .append(lookupOperator)
      .append("BEGIN;\n")
      .append(mirror("io.inboxallocation.allocation.AllocationSql.LOCK_CONVERSATION",
        bind(lockConversation, params(":tenant", ":id", ":op")))).append(" \\aset\n")
      .append(mirror("io.inboxallocation.lifecycle.Lifecycle.ONE (Transition.RESOLVE: owner, inbox, details NULL)",
        bind(transition, params(":tenant", ":resolved", "NULL", ":op", ":role", ":resolved", ":id", "NULL", "NULL",
          "NULL")))).append(";\n")
      .append("COMMIT;\n");
    scripts.put("allocate_resolve.sql", alloc.toString());

    String poll = header
      + "-- One GET /conversations?state=QUEUED&sort=priority&limit=50 by an OPERATOR.\n"
      + "-- Variables from -D: tenant, nops (client c plays the tenant's operator c % nops + 1).\n"
      + "-- No AccessCache.LOOKUP: with no write in flight the node authorises a read from its access cache, no SQL.\n"
      + pickOperator
      + mirror("io.inboxallocation.conversation.ConversationQueries.list (state=QUEUED, sort=PRIORITY, limit=50,"
      + " OPERATOR caller: Visibility.conversation(\"$2\"), ConversationMessages.Sort.PRIORITY.orderBy)",
      bind(this.poll, params(":tenant", ":op"))) + ";\n";
    scripts.put("poll.sql", poll);

    Map<Integer, String> upsert = params(":tenant", ":inbox", ":k", ":phone", ":ts", ":mc", ":svc", ":svcrole");
    Map<Integer, String> insert = params(":tenant", "'CREATED'", "NULL", ":svc", ":svcrole", "'QUEUED'",
      "gen_random_uuid()", ":inbox", ":k", ":phone", ":ts", ":mc");
    String update = mirror("io.inboxallocation.conversation.IngestCommands.UPDATE", bind(ingestUpdate, upsert))
      + ";\n";
    String ingest = header
      + "-- One POST /conversations upsert by the SERVICE token: 70% updates of an existing externalConversationId\n"
      + "-- (seeded ids are 1..q), 30% new ids (UPDATE misses, then INSERT), as IngestCommands.upsert does.\n"
      + "-- Variables from -D: tenant, inbox, q, phone, ts, svc, svcrole=SERVICE.\n"
      + "-- $7 of the INSERT (the new row's id, UUID.randomUUID() in the service) is gen_random_uuid() here.\n"
      + "\\set r random(1, 100)\n"
      + "\\set mc random(1, 50)\n"
      + mirror("io.inboxallocation.auth.AccessCache.LOOKUP (SERVICE caller: operator id NULL; per request while"
      + " this node has writes to the tenant in flight)",
      bind(authLookup, params(":tenant", "NULL"))) + ";\n"
      + "\\if :r <= 70\n"
      + "\\set k random(1, :q)\n"
      + update
      + "\\else\n"
      + "\\set k random(10000000000, 99999999999)\n"
      + update
      + mirror("io.inboxallocation.lifecycle.Lifecycle.CREATE (Transition.CREATE)", bind(ingestInsert, insert))
      + ";\n"
      + "\\endif\n";
    scripts.put("ingest.sql", ingest);
    return scripts;
  }

  private static String mirror(String constant, String sql) {
    return "-- mirrors " + constant + "\n" + sql.strip();
  }

  /** Files under {@code dir} that differ from what would be generated now. */
  List<String> drift(Path dir) throws IOException {
    List<String> drifted = new ArrayList<>();
    for (Map.Entry<String, String> e : pgbenchScripts().entrySet()) {
      Path file = dir.resolve(e.getKey());
      if (!Files.exists(file) || !Files.readString(file).equals(e.getValue())) {
        drifted.add(e.getKey());
      }
    }
    return drifted;
  }

  void writeScripts(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (Map.Entry<String, String> e : pgbenchScripts().entrySet()) {
      Files.writeString(dir.resolve(e.getKey()), e.getValue());
    }
  }
}
