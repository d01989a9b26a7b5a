package io.edgeuploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeuploader.config.ConfigKey;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploadLoopTest {
  @TempDir Path dir;

  @Test
  void aLockedDatabaseIsRetriedWithBackoffAndCaughtUpAfterwards() throws Exception {
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "PRAGMA journal_mode=DELETE",
                "CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT)",
                "INSERT INTO t (ts) VALUES ('2024-01-01T00:00:00Z'), ('2024-01-01T00:00:01Z')");
    List<Duration> sleeps = new ArrayList<>();
    AtomicBoolean stop = new AtomicBoolean();
    try (Uploader uploader =
            Uploader.open(db.config(ConfigKey.BUSY_TIMEOUT, "100ms", ConfigKey.INTERVAL, "60"));
        Connection app = DriverManager.getConnection("jdbc:sqlite:" + db.file);
        Statement s = app.createStatement()) {
      // The application holds an exclusive lock: in rollback-journal mode readers must wait.
      s.execute("BEGIN EXCLUSIVE");
      UploadLoop loop =
          new UploadLoop(
              List.of(uploader),
              Duration.ofSeconds(60),
              stop::get,
              d -> {
                sleeps.add(d);
                try {
                  if (sleeps.size() == 3) s.execute("COMMIT");
                  if (sleeps.size() == 5) stop.set(true);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              },
              new Random(1));
      loop.run();
    }
    // Three failed passes back off 1, 2, 4 s (±20 %), then the interval resumes.
    assertEquals(5, sleeps.size());
    assertBetween(sleeps.get(0), 800, 1200);
    assertBetween(sleeps.get(1), 1600, 2400);
    assertBetween(sleeps.get(2), 3200, 4800);
    assertEquals(Duration.ofSeconds(60), sleeps.get(3));
    assertEquals(2, db.reader().rows().size());
  }

  @Test
  void anUnchangedDatabaseIsNotScannedAgain() throws Exception {
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT)",
                "INSERT INTO t (ts) VALUES ('2024-01-01T00:00:00Z')");
    try (Uploader uploader = Uploader.open(db.config())) {
      uploader.uploadPending(() -> false);
      assertEquals(false, uploader.sourceChanged());
      db.sql("INSERT INTO t (ts) VALUES ('2024-01-01T00:00:01Z')");
      assertEquals(true, uploader.sourceChanged());
    }
  }

  @Test
  void backoffIsCappedAtTheLargerOfTheIntervalAndFiveMinutes() {
    UploadLoop loop =
        new UploadLoop(null, Duration.ofSeconds(10), () -> true, d -> {}, new Random(7));
    assertBetween(loop.backoff(30), 240_000, 360_000);
    UploadLoop slow = new UploadLoop(null, Duration.ofHours(1), () -> true, d -> {}, new Random(7));
    assertBetween(slow.backoff(30), 2_880_000, 4_320_000);
  }

  /**
   * A failure nobody recognises is retried, but after 30 minutes of nothing else the daemon stops
   * (exit code 1) so that a supervisor and an operator see it. The failure is injected through a
   * file system class that cannot work (a storage option, as a user could set one).
   */
  @Test
  void onlyUnexpectedFailuresForThirtyMinutesStopTheDaemon() throws Exception {
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT)",
                "INSERT INTO t (ts) VALUES ('2024-01-01T00:00:00Z')");
    Path config = dir.resolve("c.yaml");
    java.nio.file.Files.writeString(
        config,
        "sqlite: "
            + db.file
            + "\ntable_path: "
            + db.table
            + "\nstate_dir: "
            + db.state
            + "\nnode_id: n\nstorage_options:\n  fs.file.impl: java.lang.String\n");
    var settings =
        io.edgeuploader.config.ConfigLoader.load(
            java.util.Optional.of(config), java.util.Map.of(), java.util.Map.of());
    java.util.concurrent.atomic.AtomicReference<java.time.Instant> now =
        new java.util.concurrent.atomic.AtomicReference<>(
            java.time.Instant.parse("2024-01-01T00:00:00Z"));
    java.time.Clock clock =
        new java.time.Clock() {
          @Override
          public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
          }

          @Override
          public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public java.time.Instant instant() {
            return now.get();
          }
        };
    List<Duration> sleeps = new ArrayList<>();
    try (Uploader uploader = Uploader.open(settings)) {
      UploadLoop loop =
          new UploadLoop(
              List.of(uploader),
              Duration.ofSeconds(60),
              () -> false,
              d -> {
                sleeps.add(d);
                now.set(now.get().plus(d));
              },
              new Random(3),
              clock);
      UnexpectedError e =
          org.junit.jupiter.api.Assertions.assertThrows(UnexpectedError.class, loop::run);
      assertTrue(
          e.getMessage().contains("nothing but unexpected errors for 30 minutes"), e.getMessage());
    }
    Duration waited = sleeps.stream().reduce(Duration.ZERO, Duration::plus);
    assertTrue(sleeps.size() >= 5, "retried with backoff first: " + sleeps);
    assertTrue(waited.compareTo(UploadLoop.UNEXPECTED_LIMIT) >= 0, waited.toString());
    assertTrue(waited.compareTo(UploadLoop.UNEXPECTED_LIMIT.plusMinutes(6)) < 0, waited.toString());
  }

  private static void assertBetween(Duration d, long minMillis, long maxMillis) {
    assertTrue(d.toMillis() >= minMillis && d.toMillis() <= maxMillis, d.toString());
  }
}
