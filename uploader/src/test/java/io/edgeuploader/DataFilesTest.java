package io.edgeuploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeuploader.config.ConfigKey;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Parquet files the uploader writes itself: values, Delta statistics, file sizes. */
class DataFilesTest {
  @TempDir Path dir;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The add actions of one commit, each with its stats parsed. */
  private static List<JsonNode> adds(TestDatabase db, long version) throws Exception {
    Path commit = db.table.resolve("_delta_log").resolve(String.format("%020d.json", version));
    List<JsonNode> adds = new ArrayList<>();
    for (String line : Files.readAllLines(commit)) {
      JsonNode action = JSON.readTree(line);
      if (action.has("add")) {
        JsonNode add = action.get("add");
        ((com.fasterxml.jackson.databind.node.ObjectNode) add)
            .set("stats", JSON.readTree(add.get("stats").asText()));
        adds.add(add);
      }
    }
    return adds;
  }

  @Test
  void decimalsOfEveryWidthAndStatisticsReadersSkipFilesBy() throws Exception {
    String longNote = "a note longer than thirty-two characters";
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT, v REAL, name TEXT, note TEXT,"
                    + " ok BOOLEAN, day DATE, small DECIMAL(5,2), mid DECIMAL(15,2),"
                    + " big DECIMAL(25,3))",
                "INSERT INTO t VALUES (1, '2024-01-01T00:00:00Z', -1.5, 'alpha', 'short', 1,"
                    + " '2024-01-01', -123.45, -1234567890123.45, -1.5e21)",
                "INSERT INTO t VALUES (2, '2024-01-02T00:00:00Z', 2.5, 'beta', '"
                    + longNote
                    + "', 0, '2024-03-01', 999.99, 1.5, 9.25e20)",
                "INSERT INTO t VALUES (3, '2024-01-03T00:00:00Z', NULL, NULL, NULL, NULL, NULL,"
                    + " NULL, NULL, NULL)");
    db.uploadOnce();

    List<Map<String, Object>> rows = db.reader().rows();
    rows.sort(Comparator.comparing(r -> (Long) r.get("id")));
    assertEquals(new BigDecimal("-123.45"), rows.get(0).get("small"));
    assertEquals(new BigDecimal("-1234567890123.45"), rows.get(0).get("mid"));
    // SQLite holds numbers beyond 64 bits as REAL (NUMERIC affinity): these are exact doubles.
    assertEquals(new BigDecimal("-1500000000000000000000.000"), rows.get(0).get("big"));
    assertEquals(new BigDecimal("925000000000000000000.000"), rows.get(1).get("big"));
    assertEquals(longNote, rows.get(1).get("note"));
    assertEquals((int) LocalDate.parse("2024-03-01").toEpochDay(), rows.get(1).get("day"));

    List<JsonNode> adds = adds(db, 1);
    assertEquals(1, adds.size());
    JsonNode stats = adds.get(0).get("stats");
    assertEquals(3, stats.get("numRecords").asLong());
    JsonNode min = stats.get("minValues");
    JsonNode max = stats.get("maxValues");
    JsonNode nulls = stats.get("nullCount");
    assertEquals(1, min.get("id").asLong());
    assertEquals(3, max.get("id").asLong());
    assertEquals(-1.5, min.get("v").asDouble());
    assertEquals(2.5, max.get("v").asDouble());
    assertEquals("alpha", min.get("name").asText());
    assertEquals("beta", max.get("name").asText());
    assertEquals("2024-01-01", min.get("day").asText());
    assertEquals("2024-03-01", max.get("day").asText());
    assertTrue(min.get("ts").asText().startsWith("2024-01-01T00:00:00.000"), min.toString());
    assertTrue(max.get("ts").asText().startsWith("2024-01-03T00:00:00.000"), max.toString());
    assertEquals(0, new BigDecimal("-123.45").compareTo(min.get("small").decimalValue()));
    assertEquals(0, new BigDecimal("999.99").compareTo(max.get("small").decimalValue()));
    assertEquals(0, new BigDecimal("1.5").compareTo(max.get("mid").decimalValue()));
    assertEquals(0, new BigDecimal("-1.5e21").compareTo(min.get("big").decimalValue()));
    assertFalse(min.has("note"), "a bound over 32 characters would have to be rounded");
    assertFalse(min.has("ok"), "no bounds for booleans, as Delta's own writers");
    assertEquals(0, nulls.get("id").asLong());
    assertEquals(1, nulls.get("v").asLong());
    assertEquals(1, nulls.get("note").asLong());
    assertEquals(1, nulls.get("ok").asLong());
    assertEquals(1, nulls.get("big").asLong());
  }

  @Test
  void aCommitIsSplitIntoFilesOfTheTargetSize() throws Exception {
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, ts INTEGER, v REAL, note TEXT)",
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)"
                    + " INSERT INTO t SELECT i, 1700000000 + i, random() / 7.0, hex(randomblob(8))"
                    + " FROM n");
    db.uploadOnce(ConfigKey.TARGET_FILE_SIZE, "256KB");

    List<JsonNode> adds = adds(db, 1);
    assertTrue(adds.size() > 4, "one commit, " + adds.size() + " files");
    long records = 0;
    for (JsonNode add : adds) {
      records += add.get("stats").get("numRecords").asLong();
      assertTrue(add.get("size").asLong() < 2 * 1024 * 1024, add.toString());
    }
    assertEquals(200_000, records);
    List<Map<String, Object>> rows = db.reader().rows();
    assertEquals(200_000, rows.size());
    assertEquals(200_000, rows.stream().map(r -> r.get("id")).distinct().count());
  }
}
