package io.inboxallocation.webhook;

import io.inboxallocation.testing.TestService;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** A service for the webhook tests: private networks allowed (the receivers are local), a schedule of seconds. */
@ExtendWith(VertxExtension.class)
abstract class WebhookServiceTest {

  static TestService app;

  @BeforeAll
  static void start(Vertx vertx) {
    app = TestService.start(vertx, Webhooks.settings());
  }

  @AfterAll
  static void stop() {
    app.dropDatabase();
  }
}
