package io.edgeuploader.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeuploader.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableDetectorTest {
  @TempDir Path dir;

  private SourceTable describe(TestDatabase db) {
    try (SqliteSource s = SqliteSource.open(db.file, Duration.ofSeconds(1))) {
      return TableDetector.describe(s, Optional.empty(), Optional.empty());
    }
  }

  @Test
  void findsEpochMillisByValuesEvenWithAPlainName() {
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "CREATE TABLE m (id INTEGER PRIMARY KEY, counter INTEGER, at_ms INTEGER)",
                "INSERT INTO m (counter, at_ms) VALUES (1, 1700000000000), (2, 1700000000500)");
    SourceTable t = describe(db);
    assertEquals("at_ms", t.timestamp().name());
    assertEquals(EpochUnit.MILLIS, t.timestamp().unit());
    assertTrue(t.timestamp().reason().contains("epoch millis"), t.timestamp().reason());
  }

  @Test
  void prefersADeclaredTimestampAndExplainsTheOthers() {
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "CREATE TABLE e (id INTEGER PRIMARY KEY, created_at TEXT, event_time TIMESTAMP)",
                "INSERT INTO e (created_at, event_time) VALUES ('2024-01-01', '2024-01-01 10:00:00')");
    SourceTable t = describe(db);
    assertEquals("event_time", t.timestamp().name());
    assertTrue(
        t.timestamp().reason().contains("also considered [created_at]"), t.timestamp().reason());
  }

  @Test
  void readsRealJulianDays() {
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "CREATE TABLE j (id INTEGER PRIMARY KEY, v REAL, jd REAL)",
                "INSERT INTO j (v, jd) VALUES (1.5, julianday('2024-01-01 00:00:00'))");
    assertEquals("jd", describe(db).timestamp().name());
  }

  @Test
  void aNameAloneIsNotEnoughWhenTheValuesAreCounters() {
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "CREATE TABLE c (id INTEGER PRIMARY KEY, ts INTEGER, when_text TEXT)",
                "INSERT INTO c (ts, when_text) VALUES (1, '2024-01-01T00:00:00Z'),"
                    + " (2, '2024-01-01T00:00:01Z')");
    assertEquals("when_text", describe(db).timestamp().name());
  }

  @Test
  void picksTheOnlyTableWithATimestampAmongSeveral() {
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "CREATE TABLE config (k TEXT, v TEXT)",
                "CREATE TABLE readings (id INTEGER PRIMARY KEY, ts TEXT)",
                "INSERT INTO readings (ts) VALUES ('2024-01-01T00:00:00Z')");
    SourceTable t = describe(db);
    assertEquals("readings", t.name());
    assertTrue(t.reason().contains("the only table with a timestamp column"), t.reason());
  }

  @Test
  void aShadowedRowidIsAddressedByItsAlias() {
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "CREATE TABLE s (rowid TEXT, ts TEXT)",
                "INSERT INTO s VALUES ('a', '2024-01-01T00:00:00Z')");
    assertEquals("_rowid_", describe(db).rowidName());
  }
}
