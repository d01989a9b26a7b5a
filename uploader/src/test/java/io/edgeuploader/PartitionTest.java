package io.edgeuploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeuploader.config.ConfigKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionTest {
  @TempDir Path dir;

  private static List<JsonNode> adds(TestDatabase db) throws Exception {
    List<JsonNode> adds = new ArrayList<>();
    try (var files = Files.list(db.table.resolve("_delta_log"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
        for (String line : Files.readAllLines(f)) {
          JsonNode action = new ObjectMapper().readTree(line);
          if (action.has("add")) adds.add(action.get("add"));
        }
      }
    }
    return adds;
  }

  private static int day(String date) {
    return (int) LocalDate.parse(date).toEpochDay();
  }

  @Test
  void partitionedByDateAndNodeEachRowLandsInItsPartition() throws Exception {
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT, v REAL)",
                "INSERT INTO t VALUES (1, '2024-01-01T23:59:59Z', 1)",
                "INSERT INTO t VALUES (2, '2024-01-02T00:00:00Z', 2)",
                "INSERT INTO t VALUES (3, '2024-01-01T12:00:00+02:00', 3)",
                "INSERT INTO t VALUES (4, NULL, 4)",
                "INSERT INTO t VALUES (5, 'not a time', 5)");
    db.uploadOnce(ConfigKey.PARTITION_BY, "date,node_id");

    Map<Long, Map<String, Object>> byId = new java.util.HashMap<>();
    for (Map<String, Object> r : db.reader().rows()) byId.put((Long) r.get("id"), r);
    assertEquals(5, byId.size());
    assertEquals(day("2024-01-01"), byId.get(1L).get("_event_date"));
    assertEquals(day("2024-01-02"), byId.get(2L).get("_event_date"));
    assertEquals(day("2024-01-01"), byId.get(3L).get("_event_date"), "10:00 UTC");
    assertNull(byId.get(4L).get("_event_date"), "no timestamp, the NULL partition");
    assertNull(byId.get(5L).get("_event_date"));
    for (Map<String, Object> r : byId.values()) assertEquals("test-node", r.get("_node_id"));

    Set<String> partitions = new HashSet<>();
    for (JsonNode add : adds(db)) {
      JsonNode values = add.get("partitionValues");
      partitions.add(
          values.get("_event_date").asText("null") + "/" + values.get("_node_id").asText());
      assertTrue(add.get("path").asText().startsWith("_event_date="), "Hive-style layout: " + add);
    }
    assertEquals(
        Set.of("2024-01-01/test-node", "2024-01-02/test-node", "null/test-node"), partitions);
  }

  @Test
  void manyDatesInOneCommitKeepFewFilesOpenAndLoseNothing() throws Exception {
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, ts INTEGER, v REAL)",
                // 30 dates, interleaved so that partitions close and come back
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)"
                    + " INSERT INTO t SELECT i, 1704067200 + (i % 30) * 86400 + i, i FROM n");
    db.uploadOnce(ConfigKey.PARTITION_BY, "date", ConfigKey.TIMESTAMP_COLUMN, "ts");
    List<Map<String, Object>> rows = db.reader().rows();
    assertEquals(3000, rows.size());
    assertEquals(3000, rows.stream().map(r -> r.get("id")).distinct().count());
    for (Map<String, Object> r : rows) {
      long ts = (Long) r.get("ts");
      int expected =
          (int)
              Instant.ofEpochSecond(0, ts * 1000).atZone(ZoneOffset.UTC).toLocalDate().toEpochDay();
      assertEquals(expected, r.get("_event_date"), r.toString());
    }
    assertTrue(adds(db).size() >= 30, "at least one file per date");
  }

  @Test
  void partitioningIsChosenWhenTheTableIsCreated() throws Exception {
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT)",
                "INSERT INTO t VALUES (1, '2024-01-01T00:00:00Z')");
    db.uploadOnce();
    db.sql("INSERT INTO t VALUES (2, '2024-01-02T00:00:00Z')");
    UserError e =
        assertThrows(UserError.class, () -> db.uploadOnce(ConfigKey.PARTITION_BY, "date"));
    assertEquals(ExitCode.SINK, e.exitCode());
    assertTrue(e.getMessage().contains("partitioned by []"), e.getMessage());

    UserError config =
        assertThrows(
            UserError.class,
            () -> db.config(ConfigKey.PARTITION_BY, "node_id", ConfigKey.AUDIT_COLUMNS, "none"));
    assertEquals(ExitCode.CONFIG, config.exitCode());
    assertTrue(config.getMessage().contains("add node_id to audit_columns"), config.getMessage());
  }
}
