package io.edgeuploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeuploader.cli.SampleDatabase;
import io.edgeuploader.config.ConfigKey;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input corpus: inputs edge databases really contain, each with its expected outcome.
 * Either the rows land with a documented mapping (checked in the Delta table) or the uploader
 * refuses with a clear error; nothing is dropped silently.
 */
class BadInputTest {
  @TempDir Path dir;

  private static List<Map<String, Object>> byId(TestDatabase db) {
    List<Map<String, Object>> rows = db.reader().rows();
    rows.sort(Comparator.comparing(r -> (Long) r.get("id")));
    return rows;
  }

  @Test
  void invalidUtf8TextIsRescuedAsBytesNotMangled() throws Exception {
    TestDatabase db =
        new TestDatabase(dir).sql("CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT, s TEXT)");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.file);
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO t (ts, s) VALUES ('2024-01-01T00:00:00Z', CAST(? AS TEXT))")) {
      ps.setBytes(1, new byte[] {'o', 'k', (byte) 0xff, (byte) 0xfe});
      ps.executeUpdate();
    }
    db.sql("INSERT INTO t (ts, s) VALUES ('2024-01-01T00:00:01Z', 'été ✓')");
    db.uploadOnce();
    List<Map<String, Object>> rows = byId(db);
    assertNull(rows.get(0).get("s"));
    assertEquals(
        "{\"s\":{\"invalid_utf8_base64\":\"b2v//g==\"}}", rows.get(0).get("_rescued_data"));
    assertEquals("été ✓", rows.get(1).get("s"));
  }

  @Test
  void nonFiniteRealsHugeIntegersAndOutOfRangeDates() {
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT, r REAL, n INTEGER, d DATE)",
                // 9e999 is +Infinity in SQLite; 1e20 does not fit a 64-bit integer, so SQLite
                // stores it as REAL even in an INTEGER column; the 30-digit text stays TEXT.
                "INSERT INTO t VALUES (1, '1900-01-01T00:00:00Z', 9e999, 1e20, '1969-07-20')",
                "INSERT INTO t VALUES (2, '10000-01-01T00:00:00Z', -9e999,"
                    + " '123456789012345678901234567890', '0999-12-31')",
                "INSERT INTO t VALUES (3, '9999-12-31T23:59:59Z', 0.0 / 0, 9223372036854775807,"
                    + " '9999-12-31')");
    db.uploadOnce(ConfigKey.TIMESTAMP_COLUMN, "ts");
    List<Map<String, Object>> rows = byId(db);
    assertEquals(-2_208_988_800_000_000L, rows.get(0).get("ts"), "before 1970 is fine");
    assertEquals(Double.POSITIVE_INFINITY, rows.get(0).get("r"));
    assertNull(rows.get(0).get("n"));
    assertEquals("{\"n\":1.0E20}", rows.get(0).get("_rescued_data"));
    assertEquals((int) java.time.LocalDate.parse("1969-07-20").toEpochDay(), rows.get(0).get("d"));
    assertNull(rows.get(1).get("ts"), "year 10000 is beyond what Delta readers accept");
    assertEquals(Double.NEGATIVE_INFINITY, rows.get(1).get("r"));
    // INTEGER affinity already made the 30-digit text a REAL when SQLite stored it: the rescue
    // keeps what SQLite holds.
    assertEquals(
        "{\"ts\":\"10000-01-01T00:00:00Z\",\"n\":1.2345678901234568E29}",
        rows.get(1).get("_rescued_data"));
    assertEquals((int) java.time.LocalDate.parse("0999-12-31").toEpochDay(), rows.get(1).get("d"));
    assertNull(rows.get(2).get("r"), "SQLite stores NaN as NULL");
    assertEquals(Long.MAX_VALUE, rows.get(2).get("n"));
    assertEquals(253_402_300_799_000_000L, rows.get(2).get("ts"));
  }

  @Test
  void aTimestampColumnMixingFormatsKeepsWhatItCannotRead() {
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, ts)",
                "INSERT INTO t VALUES (1, '2024-01-01 00:00:00'), (2, 1704067200),"
                    + " (3, 2460310.5), (4, 'yesterday'), (5, x'00')");
    db.uploadOnce(ConfigKey.TIMESTAMP_COLUMN, "ts");
    List<Map<String, Object>> rows = byId(db);
    long jan1 = 1_704_067_200_000_000L;
    assertEquals(jan1, rows.get(0).get("ts"));
    assertEquals(jan1, rows.get(1).get("ts"), "epoch seconds");
    assertEquals(jan1, rows.get(2).get("ts"), "Julian day");
    assertEquals("{\"ts\":\"yesterday\"}", rows.get(3).get("_rescued_data"));
    assertEquals("{\"ts\":{\"base64\":\"AA==\"}}", rows.get(4).get("_rescued_data"));
  }

  @Test
  void hugeTextAndBlobValuesLand() throws Exception {
    TestDatabase db =
        new TestDatabase(dir)
            .sql("CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT, doc TEXT, img BLOB)");
    byte[] blob = new byte[24 * 1024 * 1024];
    new java.util.Random(1).nextBytes(blob);
    String doc = "x".repeat(20 * 1024 * 1024);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.file);
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO t (ts, doc, img) VALUES ('2024-01-01T00:00:00Z', ?, ?)")) {
      ps.setString(1, doc);
      ps.setBytes(2, blob);
      ps.executeUpdate();
    }
    db.uploadOnce();
    Map<String, Object> row = db.reader().rows().get(0);
    assertEquals(doc.length(), ((String) row.get("doc")).length());
    assertTrue(java.util.Arrays.equals(blob, (byte[]) row.get("img")));
  }

  @Test
  void columnNamesWithSpacesQuotesDotsAndNonAscii() {
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT, \"my value\" REAL,"
                    + " \"quo\"\"te\" TEXT, \"a.b\" INTEGER, \"température\" REAL)",
                "INSERT INTO t VALUES (1, '2024-01-01T00:00:00Z', 1.5, 'q', 7, 21.5)");
    db.uploadOnce();
    Map<String, Object> row = db.reader().rows().get(0);
    assertEquals(1.5, row.get("my_value"), "a space is not allowed in Delta names: '_'");
    assertEquals("q", row.get("quo\"te"));
    assertEquals(7L, row.get("a.b"));
    assertEquals(21.5, row.get("température"));
  }

  @Test
  void columnsWhoseDeltaNamesWouldCollideAreRefused() {
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT, \"a b\" REAL, a_B REAL)",
                "INSERT INTO t VALUES (1, '2024-01-01T00:00:00Z', 1, 2)");
    UserError e = assertThrows(UserError.class, db::uploadOnce);
    assertEquals(ExitCode.SOURCE, e.exitCode());
    assertTrue(
        e.getMessage().contains("'a b' and 'a_B' would both be Delta column"), e.getMessage());
  }

  @Test
  void anEmptyTableCreatesNothingAndATableWithoutColumnsOfItsOwnIsRefused() {
    TestDatabase db = new TestDatabase(dir).sql("CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT)");
    assertEquals(0, db.uploadOnce().rows());
    assertTrue(!Files.exists(db.table), "no table for no rows");
    db.sql("CREATE TABLE r (id INTEGER PRIMARY KEY, _node_id TEXT, ts TEXT)");
    UserError e =
        assertThrows(
            UserError.class,
            () -> db.uploadOnce(ConfigKey.TABLE, "r", ConfigKey.TABLE_PATH, dir.resolve("r")));
    assertTrue(e.getMessage().contains("_node_id, which the uploader adds itself"), e.getMessage());
  }

  @Test
  void aTruncatedDatabaseIsRefusedClearly() throws Exception {
    TestDatabase db = new TestDatabase(dir);
    SampleDatabase.append(db.file, 20_000, java.time.Instant.parse("2024-01-01T00:00:00Z"), 1);
    db.sql("PRAGMA wal_checkpoint(TRUNCATE)", "PRAGMA journal_mode=DELETE");
    try (RandomAccessFile f = new RandomAccessFile(db.file.toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }
    UserError e = assertThrows(UserError.class, db::uploadOnce);
    assertEquals(ExitCode.SOURCE, e.exitCode());
    assertTrue(e.getMessage().contains("complete, readable SQLite database"), e.getMessage());
  }
}
