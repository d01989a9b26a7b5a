package io.edgeuploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak: an application writing a WAL database (small transactions, bursts, runs of equal
 * timestamps, and deletion of rows already uploaded, which makes SQLite reuse rowids), the daemon
 * uploading to S3 every second, SIGKILLed at random moments and restarted, and the S3 server
 * stopped and restarted at random moments. At the end the uploader catches up and the table must
 * hold every row the application wrote exactly once, by the application's own key.
 *
 * <p>Short in the test suite; {@code chaos/run.sh MINUTES} runs it longer.
 */
class ChaosIT {
  private static final long SECONDS = Long.getLong("chaos.seconds", 45);
  private static final long SEED = Long.getLong("chaos.seed", System.nanoTime());

  @TempDir Path dir;

  @Test
  void everyRowExactlyOnceThroughKillsOutagesBurstsAndDeletes() throws Exception {
    Random random = new Random(SEED);
    TestDatabase db = new TestDatabase(dir);
    db.sql(
        "PRAGMA journal_mode=WAL",
        "CREATE TABLE events (id INTEGER PRIMARY KEY, k INTEGER NOT NULL, ts TEXT, v REAL)");
    try (S3ProxyServer s3 = S3ProxyServer.start(dir.resolve("s3"))) {
      String table = "s3://" + s3.createBucket("chaos") + "/events";
      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicLong written = new AtomicLong();
      AtomicLong deleted = new AtomicLong();
      AtomicReference<Exception> writerFailure = new AtomicReference<>();
      Thread writer =
          new Thread(
              () -> write(db, random.nextLong(), writing, written, deleted, writerFailure),
              "application");
      writer.start();
      Path log = dir.resolve("uploader.log");
      String[] run = UploaderProcess.argsOn(db, table, "chaos-node", "run", "--interval", "1");
      int kills = 0;
      int outages = 0;
      long began = System.nanoTime();
      long until = began + TimeUnit.SECONDS.toNanos(SECONDS);
      Process daemon = UploaderProcess.start(log, s3.env(), run);
      try {
        // At least four blows, however slow the machine: the loop outlasts SECONDS if need be.
        while (System.nanoTime() < until || kills + outages < 4) {
          // Each blow lands at a random moment after the daemon has committed since the last one,
          // so that a slow start (JVM, S3 client, a shared machine) is not struck down every time.
          awaitCommitAfter(log, commits(log), TimeUnit.SECONDS.toNanos(30));
          Thread.sleep(random.nextInt(4000));
          if (random.nextInt(3) == 0) {
            s3.stop();
            outages++;
            Thread.sleep(500 + random.nextInt(3000));
            s3.resume();
          } else {
            daemon.destroyForcibly(); // SIGKILL
            daemon.waitFor(10, TimeUnit.SECONDS);
            kills++;
            daemon = UploaderProcess.start(log, s3.env(), run);
          }
        }
      } finally {
        writing.set(false);
        writer.join();
        daemon.destroyForcibly();
        daemon.waitFor(10, TimeUnit.SECONDS);
      }
      assertEquals(null, writerFailure.get(), "the application was never refused");
      assertEquals(
          0,
          UploaderProcess.run(
              log, s3.env(), UploaderProcess.argsOn(db, table, "chaos-node", "once")),
          UploaderProcess.logText(log));

      List<Map<String, Object>> rows = new DeltaTableReader(table, s3.env()).rows();
      Set<Long> keys = new HashSet<>();
      for (Map<String, Object> r : rows) {
        assertTrue(keys.add((Long) r.get("k")), "key " + r.get("k") + " twice; seed " + SEED);
      }
      assertEquals(written.get(), keys.size(), "every row the application wrote; seed " + SEED);
      for (long k = 1; k <= written.get(); k++) {
        assertTrue(keys.contains(k), "key " + k + " missing; seed " + SEED);
      }
      System.out.printf(
          "chaos: %d s, %d rows written, %d deleted after upload, %d SIGKILLs, %d S3 outages,"
              + " %d commits, seed %d%n",
          TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began),
          written.get(),
          deleted.get(),
          kills,
          outages,
          commits(log),
          SEED);
      assertTrue(kills + outages > 3 && deleted.get() > 0, "the chaos happened");
    }
  }

  /**
   * The application: rows in small transactions and bursts, sometimes several with the same
   * timestamp, and every few seconds a delete of what the uploader has committed (read from its
   * state file, which is written only after a commit lands).
   */
  private void write(
      TestDatabase db,
      long seed,
      AtomicBoolean writing,
      AtomicLong written,
      AtomicLong deleted,
      AtomicReference<Exception> failure) {
    Random random = new Random(seed);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.file)) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA busy_timeout = 10000");
      }
      PreparedStatement insert =
          c.prepareStatement("INSERT INTO events (k, ts, v) VALUES (?, ?, ?)");
      long lastDelete = System.nanoTime();
      while (writing.get()) {
        int burst = random.nextInt(20) == 0 ? 500 : 1 + random.nextInt(5);
        String ts = Instant.now().toString();
        c.setAutoCommit(false);
        for (int i = 0; i < burst; i++) {
          if (random.nextInt(4) != 0) ts = Instant.now().toString(); // else: same timestamp
          insert.setLong(1, written.incrementAndGet());
          insert.setString(2, ts);
          insert.setDouble(3, random.nextDouble());
          insert.executeUpdate();
        }
        c.commit();
        c.setAutoCommit(true);
        if (System.nanoTime() - lastDelete > TimeUnit.SECONDS.toNanos(3)) {
          long uploaded = committedRowid(db);
          if (uploaded > 0) {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM events WHERE id <= ?")) {
              del.setLong(1, uploaded);
              deleted.addAndGet(del.executeUpdate());
            }
          }
          lastDelete = System.nanoTime();
        }
        Thread.sleep(random.nextInt(20));
      }
    } catch (Exception e) {
      failure.set(e);
    }
  }

  private static long committedRowid(TestDatabase db) {
    try (Stream<Path> files = Files.list(db.state)) {
      Path state =
          files.filter(f -> f.toString().endsWith(".cursor.json")).findFirst().orElse(null);
      if (state == null) return 0;
      return new ObjectMapper()
          .readTree(Files.readAllBytes(state))
          .path("cursor")
          .path("rowid")
          .asLong();
    } catch (Exception notYet) {
      return 0;
    }
  }

  private static int commits(Path log) throws IOException {
    return count(UploaderProcess.logText(log), "event=commit table=");
  }

  private static void awaitCommitAfter(Path log, int before, long timeoutNanos)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeoutNanos;
    while (commits(log) <= before && System.nanoTime() < deadline) Thread.sleep(100);
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) n++;
    return n;
  }
}
