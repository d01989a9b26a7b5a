package io.edgeuploader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeuploader.config.ConfigKey;
import io.edgeuploader.source.EpochUnit;
import io.edgeuploader.source.TimestampParser;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A seeded property test of the type mapping: random values of every storage class go into columns
 * of every declared type, and each non-NULL value SQLite holds must end up in exactly one place:
 * its typed Delta column, equal to what SQLite holds, or _rescued_data, verbatim. Rerun a failing
 * seed to reproduce it.
 */
class MappingPropertyTest {
  private static final String[] COLUMNS = {
    "c_int INTEGER",
    "c_real REAL",
    "c_text TEXT",
    "c_blob BLOB",
    "c_bool BOOLEAN",
    "c_date DATE",
    "c_dec DECIMAL(12,3)",
    "c_num NUMERIC",
    "c_any",
    "c_when DATETIME"
  };
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** On a column-mapped table (add_columns, the default) and on one without (rescue). */
  @ParameterizedTest
  @CsvSource({"20261122, add_columns", "1, add_columns", "42, add_columns", "20261122, rescue"})
  void everyValueLandsInItsColumnOrInRescuedData(long seed, String evolution) throws Exception {
    Random random = new Random(seed);
    TestDatabase db = new TestDatabase(dir);
    StringBuilder ddl = new StringBuilder("CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT");
    for (String c : COLUMNS) ddl.append(", ").append(c);
    db.sql(ddl.append(")").toString());
    int n = COLUMNS.length;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.file);
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO t VALUES (?, '2024-01-01T00:00:00Z'" + ", ?".repeat(n) + ")")) {
      for (int row = 1; row <= 300; row++) {
        ps.setLong(1, row);
        for (int k = 0; k < n; k++) bindRandom(ps, k + 2, random);
        ps.executeUpdate();
      }
    }
    db.uploadOnce(ConfigKey.TIMESTAMP_COLUMN, "ts", ConfigKey.SCHEMA_EVOLUTION, evolution);
    assertEquals(
        evolution.equals("add_columns") ? "name" : "none",
        db.reader()
            .snapshot()
            .getTableProperties()
            .getOrDefault("delta.columnMapping.mode", "none"));

    Map<Long, Map<String, Object>> delta = new HashMap<>();
    for (Map<String, Object> r : db.reader().rows()) delta.put((Long) r.get("id"), r);
    assertEquals(300, delta.size(), "seed " + seed);
    StringBuilder select = new StringBuilder("SELECT id");
    for (String col : COLUMNS) {
      String name = col.split(" ")[0];
      select.append(", typeof(").append(name).append("), ").append(name);
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.file);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(select + " FROM t")) {
      while (rs.next()) {
        Map<String, Object> out = delta.get(rs.getLong(1));
        String rescuedText = (String) out.get("_rescued_data");
        JsonNode rescued =
            rescuedText == null ? JSON.createObjectNode() : JSON.readTree(rescuedText);
        for (int k = 0; k < n; k++) {
          String name = COLUMNS[k].split(" ")[0];
          String storage = rs.getString(2 + 2 * k);
          Object typed = out.get(name);
          String where =
              "seed " + seed + ", id " + rs.getLong(1) + ", " + name + " (" + storage + ")";
          if (storage.equals("null")) {
            assertTrue(typed == null && !rescued.has(name), where + ": NULL stays NULL");
            continue;
          }
          assertTrue(
              (typed != null) != rescued.has(name),
              where + ": in exactly one place; typed=" + typed + " rescued=" + rescued);
          if (typed != null && name.equals("c_when")) {
            Object v =
                storage.equals("integer")
                    ? (Object) rs.getLong(3 + 2 * k)
                    : storage.equals("real")
                        ? (Object) rs.getDouble(3 + 2 * k)
                        : rs.getString(3 + 2 * k);
            // Other timestamp columns than the chosen one read integers by their magnitude.
            long expected =
                v instanceof Long l
                    ? TimestampParser.toMicros(l, EpochUnit.forMagnitude(Math.abs(l)))
                    : TimestampParser.toMicros(v, EpochUnit.SECONDS);
            assertEquals(expected, typed, where);
          } else if (typed != null) {
            assertTypedEquals(rs, 3 + 2 * k, storage, typed, where);
          } else {
            assertRescuedEquals(rs, 3 + 2 * k, storage, rescued.get(name), where);
          }
        }
      }
    }
  }

  static void bindRandom(PreparedStatement ps, int index, Random r) throws Exception {
    switch (r.nextInt(9)) {
      case 0 -> ps.setNull(index, java.sql.Types.NULL);
      case 1 -> ps.setLong(index, r.nextInt(3) == 0 ? r.nextLong() : r.nextInt(3));
      case 2 ->
          ps.setDouble(
              index, r.nextBoolean() ? r.nextGaussian() * 1e6 : Math.rint(r.nextGaussian() * 100));
      case 3 -> ps.setString(index, String.valueOf(r.nextInt(10_000)));
      case 4 -> ps.setString(index, LocalDate.ofEpochDay(r.nextInt(40_000) - 10_000).toString());
      case 5 ->
          ps.setString(
              index, "2024-0" + (1 + r.nextInt(9)) + "-1" + r.nextInt(9) + "T12:34:56.789+02:00");
      case 6 ->
          ps.setString(
              index,
              new String[] {"n/a", "", "true", "ünïcödé ✓", "1e400", "12.3456"}[r.nextInt(6)]);
      case 7 -> {
        byte[] b = new byte[r.nextInt(8)];
        r.nextBytes(b);
        ps.setBytes(index, b);
      }
      default -> ps.setDouble(index, r.nextBoolean() ? Double.POSITIVE_INFINITY : r.nextDouble());
    }
  }

  /** What landed in the typed column equals what SQLite holds. */
  private static void assertTypedEquals(
      ResultSet rs, int column, String storage, Object typed, String where) throws Exception {
    switch (storage) {
      case "integer" -> {
        long v = rs.getLong(column);
        if (typed instanceof Long l) assertEquals(v, l, where);
        else if (typed instanceof Double d) assertEquals((double) v, d, where);
        else if (typed instanceof String s) assertEquals(Long.toString(v), s, where);
        else if (typed instanceof Boolean b) assertEquals(v == 1, b, where);
        else if (typed instanceof BigDecimal d)
          assertEquals(0, BigDecimal.valueOf(v).compareTo(d), where);
        else
          assertEquals(
              TimestampParser.toMicros(v, EpochUnit.forMagnitude(Math.abs(v))), typed, where);
      }
      case "real" -> {
        double v = rs.getDouble(column);
        if (typed instanceof Double d) assertEquals(v, d, where);
        else if (typed instanceof Long l) assertEquals(v, (double) l, where);
        else if (typed instanceof String s) assertEquals(v, Double.parseDouble(s), where);
        else if (typed instanceof BigDecimal d)
          assertEquals(0, BigDecimal.valueOf(v).compareTo(d), where);
        else assertEquals(TimestampParser.toMicros(v, EpochUnit.SECONDS), typed, where);
      }
      case "text" -> {
        String v = rs.getString(column);
        if (typed instanceof String s) assertEquals(v, s, where);
        else if (typed instanceof Integer days)
          assertEquals(LocalDate.parse(v).toEpochDay(), (long) days, where);
        else if (typed instanceof Boolean b) assertEquals(Boolean.parseBoolean(v.trim()), b, where);
        else if (typed instanceof BigDecimal d)
          assertEquals(0, new BigDecimal(v.trim()).compareTo(d), where);
        else assertEquals(TimestampParser.toMicros(v, EpochUnit.SECONDS), typed, where);
      }
      default -> assertArrayEquals(rs.getBytes(column), (byte[]) typed, where);
    }
  }

  /** What was rescued is what SQLite holds, in its JSON form. */
  private static void assertRescuedEquals(
      ResultSet rs, int column, String storage, JsonNode rescued, String where) throws Exception {
    switch (storage) {
      case "integer" -> assertEquals(rs.getLong(column), rescued.asLong(), where);
      case "real" -> {
        double v = rs.getDouble(column);
        if (Double.isFinite(v)) assertEquals(v, rescued.asDouble(), where);
        else assertEquals(Double.toString(v), rescued.asText(), where);
      }
      case "text" -> assertEquals(rs.getString(column), rescued.asText(), where);
      default ->
          assertArrayEquals(
              rs.getBytes(column),
              Base64.getDecoder().decode(rescued.get("base64").asText()),
              where);
    }
  }
}
