package io.inboxallocation.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A list of waits such as {@code 5s,5m,30m,2h}: a number and a unit (ms, s, m, h, d) each. */
public final class RetrySchedule {

  private static final Pattern STEP = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private RetrySchedule() {
  }

  public static List<Duration> parse(String name, String value) {
    List<Duration> steps = Arrays.stream(value.split(",")).map(String::trim).filter(step -> !step.isEmpty())
      .map(step -> step(name, step)).toList();
    if (steps.isEmpty()) {
      throw new IllegalArgumentException(name + " needs at least one wait, e.g. 5s,5m,30m");
    }
    return steps;
  }

  private static Duration step(String name, String step) {
    Matcher matcher = STEP.matcher(step.toLowerCase(Locale.ROOT));
    if (!matcher.matches()) {
      throw new IllegalArgumentException(name + ": '" + step + "' is not a wait such as 500ms, 5s, 5m, 2h or 1d");
    }
    long amount = Long.parseLong(matcher.group(1));
    return switch (matcher.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }
}
