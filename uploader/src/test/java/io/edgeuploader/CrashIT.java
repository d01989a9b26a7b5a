package io.edgeuploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeuploader.cli.SampleDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Exactly once through crashes of the real process: stopped dead at each step of a commit, and
 * killed with SIGKILL at random moments of a backfill while the application keeps writing.
 */
class CrashIT {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(
      value = CrashPoint.class,
      names = {"AFTER_PARQUET", "AFTER_COMMIT", "DURING_STATE_SAVE"})
  void aCrashAtAnyStepOfACommitLosesAndDuplicatesNothing(CrashPoint point) throws Exception {
    TestDatabase db = new TestDatabase(dir);
    Path log = dir.resolve("uploader.log");
    // Two commits land normally first, so a state cache exists when the crash comes.
    SampleDatabase.append(db.file, 3000, Instant.parse("2024-01-01T00:00:00Z"), 1);
    assertEquals(
        0,
        UploaderProcess.run(
            log, Map.of(), UploaderProcess.args(db, "once", "--batch-rows", "2000")),
        UploaderProcess.logText(log));
    SampleDatabase.append(db.file, 2000, Instant.parse("2024-02-01T00:00:00Z"), 2);
    String crashAt = point.name().toLowerCase().replace('_', '-');
    int code =
        UploaderProcess.run(
            log,
            Map.of(CrashPoint.ENV, crashAt),
            UploaderProcess.args(db, "once", "--batch-rows", "2000"));
    assertEquals(
        137, code, "the process stopped dead at " + crashAt + ": " + UploaderProcess.logText(log));

    assertEquals(
        0,
        UploaderProcess.run(
            log, Map.of(), UploaderProcess.args(db, "once", "--batch-rows", "2000")),
        UploaderProcess.logText(log));
    assertExactlyOnce(db);
    if (point == CrashPoint.AFTER_PARQUET) {
      // The crashed commit's file is an orphan: on disk, never referenced by the log.
      try (var files = Files.list(db.table)) {
        long parquet = files.filter(f -> f.toString().endsWith(".parquet")).count();
        assertEquals(4, parquet, "2 + 1 committed files and 1 orphan");
      }
    }
    if (point == CrashPoint.AFTER_COMMIT || point == CrashPoint.DURING_STATE_SAVE) {
      assertTrue(
          UploaderProcess.logText(log).contains("event=state_stale"),
          "the stale cache was noticed and the table's cursor used");
    }
  }

  /** The same crashes for a partitioned table: a commit there spans several files. */
  @ParameterizedTest
  @EnumSource(
      value = CrashPoint.class,
      names = {"AFTER_PARQUET", "AFTER_COMMIT", "DURING_STATE_SAVE"})
  void aCrashMidCommitOfAPartitionedTableLosesAndDuplicatesNothing(CrashPoint point)
      throws Exception {
    TestDatabase db = new TestDatabase(dir);
    Path log = dir.resolve("uploader.log");
    String[] once =
        UploaderProcess.args(db, "once", "--batch-rows", "2000", "--partition-by", "date,node_id");
    // one row a second from 23:30: each commit spans two dates
    SampleDatabase.append(db.file, 3000, Instant.parse("2024-01-01T23:30:00Z"), 1);
    assertEquals(0, UploaderProcess.run(log, Map.of(), once), UploaderProcess.logText(log));
    SampleDatabase.append(db.file, 4000, Instant.parse("2024-01-02T23:30:00Z"), 2);
    String crashAt = point.name().toLowerCase().replace('_', '-');
    assertEquals(137, UploaderProcess.run(log, Map.of(CrashPoint.ENV, crashAt), once));
    assertEquals(0, UploaderProcess.run(log, Map.of(), once), UploaderProcess.logText(log));
    assertExactlyOnce(db);
    for (Map<String, Object> row : db.reader().rows()) {
      long micros = (Long) row.get("ts");
      assertEquals(
          (int) Math.floorDiv(micros, 86_400_000_000L), row.get("_event_date"), row.toString());
    }
  }

  @Test
  void repeatedSigkillDuringABackfillWithAConcurrentWriter() throws Exception {
    TestDatabase db = new TestDatabase(dir);
    SampleDatabase.append(db.file, 200_000, Instant.parse("2024-01-01T00:00:00Z"), 2);
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicLong written = new AtomicLong();
    Thread writer = new Thread(() -> keepWriting(db.file, writing, written), "app-writer");
    writer.start();
    Path log = dir.resolve("uploader.log");
    Random random = new Random(42);
    int kills = 0;
    try {
      for (int i = 0; i < 8; i++) {
        Process p =
            UploaderProcess.start(
                log,
                Map.of(),
                UploaderProcess.args(db, "run", "--interval", "1", "--batch-rows", "7000"));
        Thread.sleep(700 + random.nextInt(2500));
        p.destroyForcibly(); // SIGKILL
        p.waitFor(10, TimeUnit.SECONDS);
        kills++;
      }
    } finally {
      writing.set(false);
      writer.join();
    }
    assertEquals(
        0,
        UploaderProcess.run(log, Map.of(), UploaderProcess.args(db, "once")),
        UploaderProcess.logText(log));
    assertTrue(written.get() > 0, "the writer wrote while the uploader was killed");
    assertExactlyOnce(db);
    assertEquals(8, kills);
  }

  @Test
  void sigtermStopsTheDaemonWithinTenSeconds() throws Exception {
    TestDatabase db = new TestDatabase(dir);
    SampleDatabase.append(db.file, 300_000, Instant.parse("2024-01-01T00:00:00Z"), 3);
    Path log = dir.resolve("uploader.log");
    Process p =
        UploaderProcess.start(
            log,
            Map.of(),
            UploaderProcess.args(db, "run", "--interval", "1", "--batch-rows", "50000"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!UploaderProcess.logText(log).contains("event=commit") && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    long began = System.nanoTime();
    p.destroy(); // SIGTERM
    assertTrue(p.waitFor(10, TimeUnit.SECONDS), "stopped within 10 s");
    long millis = (System.nanoTime() - began) / 1_000_000;
    assertTrue(
        UploaderProcess.logText(log).contains("event=loop_stopped"),
        "stopped cleanly after " + millis + " ms: " + UploaderProcess.logText(log));
    assertEquals(0, UploaderProcess.run(log, Map.of(), UploaderProcess.args(db, "once")));
    assertExactlyOnce(db);
  }

  static void assertExactlyOnce(TestDatabase db) {
    assertExactlyOnce(db, SampleDatabase.TABLE);
  }

  /** Every source row is in the table once: same count, no id twice, same highest id. */
  static void assertExactlyOnce(TestDatabase db, String table) {
    List<Long> ids =
        db.reader().rows().stream()
            .map(r -> (Long) r.get("id"))
            .sorted()
            .collect(Collectors.toList());
    long distinct = ids.stream().distinct().count();
    assertEquals(ids.size(), distinct, "no row twice");
    assertEquals(db.count("SELECT count(*) FROM " + table), ids.size(), "every row once");
    assertEquals(db.count("SELECT max(id) FROM " + table), ids.get(ids.size() - 1));
  }

  /** The application: small transactions of a few rows, as sensors write them. */
  private static void keepWriting(Path file, AtomicBoolean writing, AtomicLong written) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA busy_timeout = 10000");
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO "
                  + SampleDatabase.TABLE
                  + " (ts, sensor_id, temperature, humidity, status) VALUES (?, 's', 1, 2, 'OK')")) {
        while (writing.get()) {
          for (int i = 0; i < 5; i++) {
            ps.setString(1, Instant.now().toString());
            ps.executeUpdate();
            written.incrementAndGet();
          }
          Thread.sleep(5);
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
