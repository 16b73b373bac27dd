package io.inboxallocation.testing;

import io.inboxallocation.config.AppConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which PostgreSQL the tests use: the configured one, else a container, else one clear failure. */
class TestDatabaseTest {

  @Test
  void theConfiguredServerFirstThenAContainerElseOneClearMessage() {
    assertEquals(TestDatabase.Source.CONFIGURED, TestDatabase.choose(true, true));
    assertEquals(TestDatabase.Source.CONFIGURED, TestDatabase.choose(true, false));
    assertEquals(TestDatabase.Source.CONTAINER, TestDatabase.choose(false, true));
    IllegalStateException neither = assertThrows(IllegalStateException.class, () -> TestDatabase.choose(false, false));
    assertEquals(TestDatabase.NOTHING_TO_TEST_ON, neither.getMessage());
    assertTrue(neither.getMessage().contains("Start PostgreSQL 15") && neither.getMessage().contains("Docker"));
  }

  @Test
  void whetherAServerAnswersIsFoundOutByConnecting() {
    assertTrue(TestDatabase.answers(AppConfig.from(TestDatabase.environment())), "the server the tests run on");
    assertFalse(TestDatabase.answers(AppConfig.from(Map.of("PGHOST", "127.0.0.1", "PGPORT", "1"))), "nothing on port 1");
  }
}
