package io.edgeuploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeuploader.config.ConfigKey;
import io.edgeuploader.sink.DeltaSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tables already in the field: those release 0.1.0 wrote (src/test/resources/fixtures, with their
 * SQLite sources) keep taking rows exactly once, in rescue mode without any change to the table,
 * with the new default (no column mapping, so new columns are rescued and the protocol stays), and
 * after the explicit upgrade with a new column.
 */
class FieldTablesTest {
  private static final Path RELEASE_0_1 = Path.of("src/test/resources/fixtures/release-0.1.0");

  @TempDir Path dir;

  private TestDatabase copy(String fixture) throws Exception {
    Path from = RELEASE_0_1.resolve(fixture);
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : all.toList()) {
        Path to = dir.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(to);
        else Files.copy(p, to);
      }
    }
    return new TestDatabase(dir, "sensors.db");
  }

  private Object[] settings(String fixture, Object... more) {
    List<Object> s = new ArrayList<>(List.of(ConfigKey.NODE_ID, "fixture-node"));
    if (fixture.equals("partitioned")) {
      s.addAll(
          List.of(
              ConfigKey.PARTITION_BY, "date,node_id",
              ConfigKey.AUDIT_COLUMNS, "node_id,ingested_at,source_rowid"));
    }
    s.addAll(List.of(more));
    return s.toArray();
  }

  private void insert(TestDatabase db, int from, int to, String extraColumn) {
    db.sql(
        "WITH RECURSIVE n(i) AS (SELECT "
            + from
            + " UNION ALL SELECT i + 1 FROM n WHERE i < "
            + to
            + ") INSERT INTO readings (id, ts, sensor, temperature, status"
            + (extraColumn == null ? "" : ", " + extraColumn)
            + ") SELECT i, strftime('%Y-%m-%dT%H:%M:%SZ', '2024-03-02T06:00:00', '+' || i || '"
            + " seconds'), 'sensor-' || (i % 4), 20.0, 'OK'"
            + (extraColumn == null ? "" : ", 1000 + i")
            + " FROM n");
  }

  private static void assertEveryRowOnce(TestDatabase db, List<Map<String, Object>> rows, int n) {
    assertEquals(n, rows.size());
    assertEquals(n, rows.stream().map(r -> r.get("id")).distinct().count(), "no row twice");
    assertEquals(n, db.count("SELECT count(*) FROM readings"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"plain", "partitioned"})
  void aRelease01TableTakesRowsOnceBeforeAndAfterTheUpgrade(String fixture) throws Exception {
    TestDatabase db = copy(fixture);
    String protocol =
        new DeltaTableReader(dir.resolve("delta")).snapshot().getProtocol().toString();

    // Rescue mode, the table untouched: only the new rows, continuing the old cursor.
    insert(db, 331, 361, null);
    assertEquals(31, db.uploadOnce(settings(fixture, ConfigKey.SCHEMA_EVOLUTION, "rescue")).rows());
    assertEveryRowOnce(db, db.reader().rows(), 361);

    // The new default on an old table: a new column is rescued, the protocol stays.
    db.sql("ALTER TABLE readings ADD COLUMN pressure REAL");
    insert(db, 362, 370, "pressure");
    assertEquals(9, db.uploadOnce(settings(fixture)).rows());
    assertEquals(protocol, db.reader().snapshot().getProtocol().toString(), "no silent upgrade");
    Map<String, Object> rescued = row(db, 370);
    assertEquals("{\"pressure\":1370.0}", rescued.get("_rescued_data"));

    // After the explicit upgrade the column is added; what was rescued stays where it is.
    assertTrue(
        new DeltaSink("readings", db.config(settings(fixture)).table(), Map.of())
            .upgrade()
            .orElseThrow());
    insert(db, 371, 380, "pressure");
    assertEquals(10, db.uploadOnce(settings(fixture)).rows());
    assertEquals(1380.0, row(db, 380).get("pressure"));
    assertNull(row(db, 380).get("_rescued_data"));
    assertEquals("{\"pressure\":1370.0}", row(db, 370).get("_rescued_data"));
    assertNull(row(db, 100).get("pressure"), "rows from release 0.1 read NULL there");
    assertEveryRowOnce(db, db.reader().rows(), 380);
    long rescuedTemperatures =
        db.reader().rows().stream()
            .filter(r -> String.valueOf(r.get("_rescued_data")).contains("temperature"))
            .count();
    assertEquals(6, rescuedTemperatures, "release 0.1's rescued values are still there");
  }

  private static Map<String, Object> row(TestDatabase db, long id) {
    return db.reader().rows().stream()
        .filter(r -> (Long) r.get("id") == id)
        .findFirst()
        .orElseThrow();
  }
}
