package io.edgeuploader.cli;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Random;

/**
 * A sensor database like the ones the uploader is made for: a WAL-mode table of readings with an
 * ISO-8601 timestamp, a few REAL readings (one of them sometimes 'n/a', as real sensors write it)
 * and a short status. Used by the demo and the tests.
 */
public final class SampleDatabase {
  public static final String TABLE = "sensor_readings";

  private SampleDatabase() {}

  /** Creates the table if needed and appends {@code rows} readings, one per second from start. */
  public static void append(Path file, int rows, Instant start, long seed) throws SQLException {
    Random random = new Random(seed);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath())) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute(
            "CREATE TABLE IF NOT EXISTS "
                + TABLE
                + " (id INTEGER PRIMARY KEY,"
                + " ts TEXT NOT NULL, sensor_id TEXT, temperature REAL, humidity REAL, status TEXT)");
      }
      c.setAutoCommit(false);
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO "
                  + TABLE
                  + " (ts, sensor_id, temperature, humidity, status) VALUES (?, ?, ?, ?, ?)")) {
        for (int i = 0; i < rows; i++) {
          ps.setString(1, start.plusSeconds(i).toString());
          ps.setString(2, "sensor-" + (1 + random.nextInt(8)));
          ps.setDouble(3, Math.round((15 + 10 * random.nextDouble()) * 100) / 100.0);
          if (random.nextInt(1000) == 0) ps.setString(4, "n/a");
          else ps.setDouble(4, Math.round(100 * (30 + 40 * random.nextDouble())) / 100.0);
          ps.setString(5, random.nextInt(50) == 0 ? "WARN" : "OK");
          ps.addBatch();
        }
        ps.executeBatch();
      }
      c.commit();
    }
  }
}
