package io.edgeuploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The application keeps inserting while passes run; every row lands once, in both modes. */
class ConcurrentWriterTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"WAL", "DELETE"})
  void rowsWrittenDuringUploadsAllLandOnce(String journalMode) throws Exception {
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "PRAGMA journal_mode=" + journalMode,
                "CREATE TABLE t (id INTEGER PRIMARY KEY, ts INTEGER, v REAL)");
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicLong written = new AtomicLong();
    AtomicReference<Exception> failure = new AtomicReference<>();
    Thread writer =
        new Thread(
            () -> {
              try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.file);
                  Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout = 10000");
                try (PreparedStatement ps =
                    c.prepareStatement("INSERT INTO t (ts, v) VALUES (?, ?)")) {
                  while (writing.get()) {
                    c.setAutoCommit(false);
                    for (int i = 0; i < 20; i++) {
                      ps.setLong(1, System.currentTimeMillis());
                      ps.setDouble(2, i);
                      ps.executeUpdate();
                    }
                    c.commit();
                    c.setAutoCommit(true);
                    written.addAndGet(20);
                    Thread.sleep(2);
                  }
                }
              } catch (Exception e) {
                failure.set(e);
              }
            });
    writer.start();
    int passes = 0;
    try (Uploader u =
        Uploader.open(
            db.config(
                io.edgeuploader.config.ConfigKey.TIMESTAMP_COLUMN,
                "ts",
                io.edgeuploader.config.ConfigKey.BATCH_ROWS,
                3000))) {
      long until = System.nanoTime() + 4_000_000_000L;
      while (System.nanoTime() < until) {
        u.uploadPending(() -> false);
        passes++;
      }
      writing.set(false);
      writer.join();
      u.uploadPending(() -> false);
    }
    assertEquals(null, failure.get(), "the writer was never refused");
    assertTrue(passes > 1 && written.get() > 1000, passes + " passes, " + written + " rows");
    CrashIT.assertExactlyOnce(db, "t");
  }
}
