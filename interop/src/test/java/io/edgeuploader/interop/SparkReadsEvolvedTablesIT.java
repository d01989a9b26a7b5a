package io.edgeuploader.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeuploader.UploaderProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark with delta-spark reads a table whose schema evolved: a node's application added a column
 * (the uploader added it, column mapping on) while another node, still on the old version, kept
 * appending. The new column has its values, NULL for older rows and the old node's; the old columns
 * are intact; the history shows the schema change; no physical name shows.
 */
class SparkReadsEvolvedTablesIT {
  private static SparkSession spark;

  @TempDir Path dir;

  @BeforeAll
  static void startSpark() {
    spark = LocalSpark.session();
  }

  private static void sql(Path db, String... statements) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      for (String q : statements) s.execute(q);
    }
  }

  private void once(Path db, Path table, String node, String... extra) throws Exception {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "once",
                "--sqlite",
                db.toString(),
                "--table-path",
                table.toString(),
                "--state-dir",
                dir.resolve(node + "-state").toString(),
                "--node-id",
                node,
                "--batch-rows",
                "50"));
    args.addAll(List.of(extra));
    run(dir.resolve(node + ".log"), args.toArray(new String[0]));
  }

  private static void run(Path log, String... args) throws Exception {
    assertEquals(0, UploaderProcess.run(log, Map.of(), args), UploaderProcess.logText(log));
  }

  @Test
  void aColumnAddedByOneNodeReadsBackWithNullsForOlderRowsAndOldNodes() throws Exception {
    Path table = dir.resolve("delta");
    Path newer = dir.resolve("newer.db");
    Path older = dir.resolve("older.db");
    for (Path db : List.of(newer, older)) {
      sql(
          db,
          "CREATE TABLE readings (id INTEGER PRIMARY KEY, ts TEXT, temperature REAL, label TEXT)",
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100)"
              + " INSERT INTO readings SELECT i, strftime('%Y-%m-%dT%H:%M:%SZ', 1700000000 + i,"
              + " 'unixepoch'), i / 4.0, '"
              + db.getFileName()
              + "' || i FROM n");
    }
    once(newer, table, "edge-new");
    once(older, table, "edge-old");
    // The newer application's firmware update: a sensor, a column.
    sql(
        newer,
        "ALTER TABLE readings ADD COLUMN pressure REAL",
        "WITH RECURSIVE n(i) AS (SELECT 101 UNION ALL SELECT i + 1 FROM n WHERE i < 150)"
            + " INSERT INTO readings SELECT i, strftime('%Y-%m-%dT%H:%M:%SZ', 1700000000 + i,"
            + " 'unixepoch'), i / 4.0, 'newer.db' || i, 1000 + i FROM n");
    sql(
        older,
        "WITH RECURSIVE n(i) AS (SELECT 101 UNION ALL SELECT i + 1 FROM n WHERE i < 130)"
            + " INSERT INTO readings SELECT i, strftime('%Y-%m-%dT%H:%M:%SZ', 1700000000 + i,"
            + " 'unixepoch'), i / 4.0, 'older.db' || i FROM n");
    once(newer, table, "edge-new");
    once(older, table, "edge-old");

    var df = spark.read().format("delta").load(table.toString());
    List<String> columns = Arrays.asList(df.columns());
    assertTrue(columns.contains("pressure"), columns.toString());
    assertFalse(columns.stream().anyMatch(c -> c.startsWith("col-")), "no physical name shows");
    assertEquals(280, df.count());
    for (Row r :
        df.selectExpr("_node_id", "id", "temperature", "label", "pressure", "_rescued_data")
            .collectAsList()) {
      long id = r.getLong(1);
      String node = r.getString(0);
      assertEquals(id / 4.0, r.getDouble(2), 1e-9, "old columns intact");
      assertEquals((node.equals("edge-new") ? "newer.db" : "older.db") + id, r.getString(3));
      if (node.equals("edge-new") && id > 100) assertEquals(1000.0 + id, r.getDouble(4), 1e-9);
      else assertTrue(r.isNullAt(4), node + " " + id + ": NULL for older rows and old nodes");
      assertNull(r.get(5), "nothing rescued");
    }
    List<String> operations =
        spark
            .sql("DESCRIBE HISTORY delta.`" + table + "`")
            .select("operation")
            .collectAsList()
            .stream()
            .map(r -> r.getString(0))
            .toList();
    assertTrue(operations.contains("Manual Update"), "the schema change: " + operations);
    Row detail = spark.sql("DESCRIBE DETAIL delta.`" + table + "`").first();
    assertEquals(2, detail.<Integer>getAs("minReaderVersion").intValue(), detail.toString());
  }

  /**
   * The backfill the README gives for values rescued before a column existed
   * (deploy/databricks/backfill_rescued_columns.sql), run as written on such a table.
   */
  @Test
  void theBackfillSnippetMovesRescuedValuesIntoTheNewColumn() throws Exception {
    Path table = dir.resolve("delta");
    Path db = dir.resolve("sensors.db");
    sql(
        db,
        "CREATE TABLE readings (id INTEGER PRIMARY KEY, ts TEXT, temperature REAL)",
        "INSERT INTO readings VALUES (1, '2024-01-01T00:00:00Z', 1)");
    once(db, table, "edge", "--schema-evolution", "rescue");
    sql(
        db,
        "ALTER TABLE readings ADD COLUMN pressure REAL",
        "INSERT INTO readings VALUES (2, '2024-01-01T00:00:01Z', 2, 1002)",
        "INSERT INTO readings VALUES (3, '2024-01-01T00:00:02Z', 'n/a', 1003)");
    once(db, table, "edge"); // no column mapping yet: rescued
    run(dir.resolve("upgrade.log"), "upgrade-table", "--table-path", table.toString());
    sql(db, "INSERT INTO readings VALUES (4, '2024-01-01T00:00:03Z', 4, 1004)");
    once(db, table, "edge");

    String snippet =
        Files.readString(Path.of("..", "deploy", "databricks", "backfill_rescued_columns.sql"));
    int start = snippet.indexOf("UPDATE");
    String update = snippet.substring(start, snippet.indexOf(";", start));
    spark.sql(update.replace("edge.sensor_readings", "delta.`" + table + "`"));

    var rows =
        spark
            .read()
            .format("delta")
            .load(table.toString())
            .selectExpr("id", "pressure", "_rescued_data")
            .orderBy("id")
            .collectAsList();
    assertTrue(rows.get(0).isNullAt(1), "no pressure then");
    assertEquals(1002.0, rows.get(1).getDouble(1), 1e-9, "moved out of _rescued_data");
    assertNull(rows.get(1).get(2));
    assertEquals(1003.0, rows.get(2).getDouble(1), 1e-9);
    assertEquals("{\"temperature\":\"n/a\"}", rows.get(2).getString(2), "other values stay");
    assertEquals(1004.0, rows.get(3).getDouble(1), 1e-9);
  }
}
