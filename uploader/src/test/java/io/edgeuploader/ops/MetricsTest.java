package io.edgeuploader.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MetricsTest {
  /** A clock the test moves by hand. */
  private static final class ManualClock extends Clock {
    Instant now = Instant.parse("2024-01-01T00:00:00Z");

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void readyOnlyWhileEveryTableKeepsSucceeding() {
    ManualClock clock = new ManualClock();
    Metrics m = new Metrics(clock);
    Duration within = Duration.ofMinutes(3);
    assertEquals(Optional.of("no pass has finished yet"), m.notReadyBecause(within));

    m.passSucceeded("a", 0, Optional.empty());
    m.passFailed("b", "store", "b: connection refused");
    m.passSucceeded("a", 0, Optional.empty());
    String reason = m.notReadyBecause(within).orElseThrow();
    assertTrue(reason.contains("table b failed: b: connection refused"), reason);

    clock.now = clock.now.plusSeconds(10);
    m.passSucceeded("b", 0, Optional.empty());
    assertEquals(Optional.empty(), m.notReadyBecause(within));

    clock.now = clock.now.plus(within).plusSeconds(1);
    assertTrue(m.notReadyBecause(within).orElseThrow().contains("has not succeeded since"));
  }
}
