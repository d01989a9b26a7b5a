package io.edgeuploader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeuploader.config.ConfigKey;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploaderTest {
  @TempDir Path dir;

  private static long micros(String iso) {
    Instant i = Instant.parse(iso);
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
  }

  private static List<Long> ids(List<Map<String, Object>> rows) {
    return rows.stream().map(r -> (Long) r.get("id")).sorted().collect(Collectors.toList());
  }

  @Test
  void uploadsEveryTypeWithValuesNullsTimestampsAndRescuedData() throws Exception {
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "CREATE TABLE readings (id INTEGER PRIMARY KEY, ts DATETIME, v REAL, name TEXT,"
                    + " raw BLOB, ok BOOLEAN, day DATE, price DECIMAL(10,2), n NUMERIC, anything)",
                "INSERT INTO readings VALUES (1, '2024-05-01 12:00:00', 1.5, 'a', x'00ff', 1,"
                    + " '2024-05-01', 12.34, 7, 'x')",
                "INSERT INTO readings VALUES (2, '2024-05-01T12:00:01.123456+02:00', 'n/a', NULL, NULL,"
                    + " 0, 'soon', 1.005, 2.5, 42)",
                "INSERT INTO readings VALUES (3, NULL, NULL, 'c', NULL, NULL, NULL, NULL, NULL, NULL)",
                "INSERT INTO readings VALUES (4, 'garbage', 2, 'd', 'not a blob', 2, NULL, NULL, NULL,"
                    + " x'01')");
    PassResult result = db.uploadOnce();
    assertEquals(4, result.rows());
    assertEquals(1, result.commits());

    List<Map<String, Object>> rows = db.reader().rows();
    rows.sort(Comparator.comparing(r -> (Long) r.get("id")));
    assertEquals(4, rows.size());
    Map<String, Object> r1 = rows.get(0);
    assertEquals(micros("2024-05-01T12:00:00Z"), r1.get("ts"));
    assertEquals(1.5, r1.get("v"));
    assertEquals("a", r1.get("name"));
    assertArrayEquals(new byte[] {0, (byte) 0xff}, (byte[]) r1.get("raw"));
    assertEquals(true, r1.get("ok"));
    assertEquals((int) LocalDate.parse("2024-05-01").toEpochDay(), r1.get("day"));
    assertEquals(new BigDecimal("12.34"), r1.get("price"));
    assertEquals(7.0, r1.get("n"));
    assertEquals("x", r1.get("anything"));
    assertEquals("test-node", r1.get("_node_id"));
    assertNull(r1.get("_rescued_data"));

    Map<String, Object> r2 = rows.get(1);
    assertEquals(micros("2024-05-01T10:00:01.123456Z"), r2.get("ts"));
    assertNull(r2.get("v"));
    assertNull(r2.get("day"));
    assertNull(r2.get("price"), "1.005 does not fit DECIMAL(10,2) without rounding");
    assertEquals("42", r2.get("anything"));
    assertEquals(false, r2.get("ok"));
    assertEquals("{\"v\":\"n/a\",\"day\":\"soon\",\"price\":1.005}", r2.get("_rescued_data"));

    Map<String, Object> r3 = rows.get(2);
    assertNull(r3.get("ts"));
    assertNull(r3.get("_rescued_data"), "NULL is a value, not a conversion failure");

    Map<String, Object> r4 = rows.get(3);
    assertNull(r4.get("ts"));
    assertNull(r4.get("raw"));
    assertNull(r4.get("ok"));
    assertNull(r4.get("anything"));
    assertEquals(
        "{\"ts\":\"garbage\",\"raw\":\"not a blob\",\"ok\":2,\"anything\":{\"base64\":\"AQ==\"}}",
        r4.get("_rescued_data"));
    assertEquals(2.0, r4.get("v"), "an INTEGER in a REAL column is a double");
  }

  @Test
  void aSecondPassWithNothingNewMakesNoCommit() {
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT)",
                "INSERT INTO t (ts) VALUES ('2024-01-01T00:00:00Z'), ('2024-01-01T00:00:01Z')");
    db.uploadOnce();
    long version = db.reader().version();
    assertEquals(0, db.uploadOnce().rows());
    assertEquals(version, db.reader().version());
  }

  @Test
  void equalLateAndNullTimestampsAreAllUploadedOnce() {
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT)",
                "INSERT INTO t (ts) VALUES ('2024-01-01T00:00:05Z'), ('2024-01-01T00:00:05Z'),"
                    + " ('2024-01-01T00:00:05Z')");
    db.uploadOnce();
    db.sql(
        // same timestamp as the last uploaded one
        "INSERT INTO t (ts) VALUES ('2024-01-01T00:00:05Z')",
        // late: older than the watermark, by a minute and by a year
        "INSERT INTO t (ts) VALUES ('2024-01-01T00:00:00Z'), ('2023-01-01T00:00:00Z')",
        "INSERT INTO t (ts) VALUES (NULL)");
    assertEquals(4, db.uploadOnce().rows());
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), ids(db.reader().rows()));
  }

  @Test
  void rowsDeletedByTheApplicationAreNotReuploadedAndReusedRowidsAreNotMissed() {
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT, v REAL)",
                "INSERT INTO t (ts, v) VALUES ('2024-01-01T00:00:01Z', 1), ('2024-01-01T00:00:02Z', 2),"
                    + " ('2024-01-01T00:00:03Z', 3)");
    db.uploadOnce();
    // The app deletes what was uploaded, the newest row included, and writes again: SQLite
    // hands out rowids 1 and 2 again, one of them with a timestamp equal to the watermark.
    db.sql(
        "DELETE FROM t",
        "INSERT INTO t (ts, v) VALUES ('2024-01-01T00:00:03Z', 30), ('2024-01-01T00:00:04Z', 40)");
    assertEquals(2, db.count("SELECT max(rowid) FROM t"));
    assertEquals(2, db.uploadOnce().rows());
    // Partial deletion of old rows keeps the newest: nothing is re-uploaded.
    db.sql(
        "DELETE FROM t WHERE id = 1", "INSERT INTO t (ts, v) VALUES ('2024-01-01T00:00:05Z', 50)");
    assertEquals(1, db.uploadOnce().rows());
    // Everything deleted and nothing new: nothing to do, and then new rows restart at rowid 1.
    db.sql("DELETE FROM t");
    assertEquals(0, db.uploadOnce().rows());
    db.sql("INSERT INTO t (ts, v) VALUES ('2024-01-01T00:00:06Z', 60)");
    assertEquals(1, db.uploadOnce().rows());

    List<Double> values =
        db.reader().rows().stream()
            .map(r -> (Double) r.get("v"))
            .sorted()
            .collect(Collectors.toList());
    assertEquals(List.of(1.0, 2.0, 3.0, 30.0, 40.0, 50.0, 60.0), values);
  }

  @Test
  void reusedRowidsAreFoundEvenWhenTheLocalStateIsLost() throws Exception {
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT, v REAL)",
                "INSERT INTO t (ts, v) VALUES ('2024-01-01T00:00:01Z', 1), ('2024-01-01T00:00:02Z', 2)");
    db.uploadOnce();
    db.sql("DELETE FROM t", "INSERT INTO t (ts, v) VALUES ('2024-01-01T00:01:00Z', 3)");
    deleteRecursively(db.state);
    assertEquals(1, db.uploadOnce().rows());
    assertEquals(3, db.reader().rows().size());
  }

  @Test
  void largeBackfillsAreSplitIntoCommitsAndGetCheckpoints() {
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, ts INTEGER, v REAL)",
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500)"
                    + " INSERT INTO t (ts, v) SELECT 1700000000 + i, i * 0.5 FROM n");
    PassResult result = db.uploadOnce(ConfigKey.BATCH_ROWS, 200);
    assertEquals(2500, result.rows());
    assertEquals(13, result.commits());
    List<Map<String, Object>> rows = db.reader().rows();
    assertEquals(2500, rows.size());
    assertEquals(2500, rows.stream().map(r -> r.get("id")).distinct().count());
    assertTrue(
        Files.exists(db.table.resolve("_delta_log/00000000000000000010.checkpoint.parquet")),
        "Kernel's post-commit hook writes a checkpoint every 10 commits");
    Map<String, Object> first =
        rows.stream().filter(r -> (Long) r.get("id") == 1).findFirst().orElseThrow();
    assertEquals(1_700_000_001_000_000L, first.get("ts"), "epoch seconds become micros");
  }

  @Test
  void aColumnAddedToSqliteLaterIsCarriedInRescuedData() {
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT)",
                "INSERT INTO t (ts) VALUES ('2024-01-01T00:00:00Z')");
    // schema_evolution: rescue, the behaviour of release 0.1 (add_columns is SchemaEvolutionTest's)
    db.uploadOnce(ConfigKey.SCHEMA_EVOLUTION, "rescue");
    db.sql(
        "ALTER TABLE t ADD COLUMN extra TEXT",
        "INSERT INTO t (ts, extra) VALUES ('2024-01-01T00:00:01Z', 'hello')");
    assertEquals(1, db.uploadOnce(ConfigKey.SCHEMA_EVOLUTION, "rescue").rows());
    Map<String, Object> row =
        db.reader().rows().stream().filter(r -> (Long) r.get("id") == 2).findFirst().orElseThrow();
    assertEquals("{\"extra\":\"hello\"}", row.get("_rescued_data"));
  }

  @Test
  void anIncompatibleExistingTableIsRefusedClearly() {
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT, v REAL)",
                "INSERT INTO t (ts, v) VALUES ('2024-01-01T00:00:00Z', 1)");
    db.uploadOnce();
    TestDatabase other =
        new TestDatabase(dir)
            .sql(
                "CREATE TABLE t2 (id INTEGER PRIMARY KEY, ts TEXT, v TEXT)",
                "INSERT INTO t2 (ts, v) VALUES ('2024-01-01T00:00:00Z', 'x')");
    // In rescue mode a column of another type is refused; add_columns rescues its values.
    UserError e =
        assertThrows(
            UserError.class,
            () ->
                other.uploadOnce(
                    ConfigKey.TABLE,
                    "t2",
                    ConfigKey.NODE_ID,
                    "other",
                    ConfigKey.SCHEMA_EVOLUTION,
                    "rescue"));
    assertEquals(ExitCode.SINK, e.exitCode());
    assertTrue(
        e.getMessage().contains("column 'v' is double in the table but string"), e.getMessage());
  }

  @Test
  void parquetFilesAreZstdCompressedWithoutChecksumSideFiles() throws Exception {
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT, v REAL)",
                "INSERT INTO t (ts, v) VALUES ('2024-01-01T00:00:00Z', 1.5)");
    db.uploadOnce();
    List<Path> files;
    try (var list = Files.list(db.table)) {
      files = list.filter(f -> !Files.isDirectory(f)).collect(Collectors.toList());
    }
    assertEquals(1, files.size(), "one data file and no .crc beside it: " + files);
    var conf = new org.apache.hadoop.conf.Configuration();
    try (var reader =
        org.apache.parquet.hadoop.ParquetFileReader.open(
            org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(files.get(0).toUri()), conf))) {
      for (var column : reader.getFooter().getBlocks().get(0).getColumns()) {
        assertEquals(
            org.apache.parquet.hadoop.metadata.CompressionCodecName.ZSTD,
            column.getCodec(),
            column.getPath().toString());
      }
    }
  }

  @Test
  void theSourceFileIsNeverModified() throws Exception {
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT)",
                "INSERT INTO t (ts) VALUES ('2024-01-01T00:00:00Z')");
    byte[] before = sha256(db.file);
    long modified = Files.getLastModifiedTime(db.file).toMillis();
    db.uploadOnce();
    db.uploadOnce();
    assertArrayEquals(before, sha256(db.file));
    assertEquals(modified, Files.getLastModifiedTime(db.file).toMillis());
  }

  static byte[] sha256(Path file) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
  }

  static void deleteRecursively(Path p) throws Exception {
    if (!Files.exists(p)) return;
    try (var walk = Files.walk(p)) {
      walk.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
    }
  }
}
