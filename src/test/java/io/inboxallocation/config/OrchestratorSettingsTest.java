package io.inboxallocation.config;

import io.inboxallocation.config.AppConfig.OrchestratorSettings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The orchestrator's settings: their defaults, and a URL that is not an absolute http(s) one refused at start-up. */
class OrchestratorSettingsTest {

  @Test
  void defaultsAreNoOrchestratorTwoSecondsOneMinuteAndTenSeconds() {
    assertEquals(new OrchestratorSettings(null, null, Duration.ofMillis(2_000), Duration.ofSeconds(60),
      Duration.ofMillis(10_000)), AppConfig.from(Map.of()).orchestrator());
  }

  @Test
  void everySettingIsRead() {
    OrchestratorSettings settings = AppConfig.from(Map.of("ORCHESTRATOR_URL", " https://orch.example.com/api/ ",
      "ORCHESTRATOR_TOKEN", "secret", "ORCHESTRATOR_TIMEOUT_MS", "300", "CONTACT_CACHE_SECONDS", "0",
      "ORCHESTRATOR_BREAKER_OPEN_MS", "500")).orchestrator();
    assertEquals(new OrchestratorSettings("https://orch.example.com/api", "secret", Duration.ofMillis(300),
      Duration.ZERO, Duration.ofMillis(500)), settings);
  }

  @Test
  void aUrlThatIsNotAbsoluteHttpIsRefused() {
    for (String url : new String[] {"orch.example.com", "ftp://orch.example.com", "http://", "http://bad host"}) {
      IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> AppConfig.from(Map.of("ORCHESTRATOR_URL", url)), url);
      assertTrue(refused.getMessage().contains("ORCHESTRATOR_URL"), refused.getMessage());
    }
  }
}
