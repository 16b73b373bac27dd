package io.inboxallocation.testing;

/** Tenant creation for test classes that start their own service instead of extending {@link ServiceTest}. */
public final class Tenants {

  private Tenants() {
  }

  public static Scenario create(TestService app) {
    return Scenario.create(app);
  }
}
