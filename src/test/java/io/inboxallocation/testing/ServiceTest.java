package io.inboxallocation.testing;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Base of the HTTP tests: one service and one fresh database per test class (vertx-junit5 gives the class its Vertx
 * and closes it afterwards). Tests isolate themselves from each other by creating their own tenant ({@link Scenario}).
 */
@ExtendWith(VertxExtension.class)
public abstract class ServiceTest {

  protected static TestService app;
  protected static Http http;

  @BeforeAll
  static void startService(Vertx vertx) {
    app = TestService.start(vertx);
    http = app.http;
  }

  @AfterAll
  static void dropDatabase() {
    app.vertx.close().await();
    app.dropDatabase();
  }

  protected Scenario newTenant() {
    return Scenario.create(app);
  }
}
