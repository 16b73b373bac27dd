package io.inboxallocation.access;

import java.util.UUID;

/** The ids a request can name: a real tenant's ({@link TenantData}) or ones nobody has ({@link Random}). */
interface Ids {

  String tenantId();

  String operator();

  String inbox();

  String subscription();

  String conversation();

  /** A conversation ALLOCATED to the operator. */
  String allocated();

  String label();

  /** Ids nobody has. */
  record Random(String tenantId, String operator, String inbox, String subscription, String conversation,
                String allocated, String label)
    implements Ids {

    static Random make() {
      return new Random(rnd(), rnd(), rnd(), rnd(), rnd(), rnd(), rnd());
    }

    static String rnd() {
      return UUID.randomUUID().toString();
    }
  }
}
