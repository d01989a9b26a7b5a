package io.edgeuploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema changes with the real jar: a dead stop between a schema change and the rows that use it,
 * one inside the upgrade of a table, and a fleet on two versions of its application appending to
 * one table on S3 at the same time.
 */
class SchemaEvolutionIT {
  @TempDir Path dir;

  private static void readings(TestDatabase db, int from, int to, boolean withPressure) {
    db.sql(
        "CREATE TABLE IF NOT EXISTS readings (id INTEGER PRIMARY KEY, ts TEXT, temperature REAL"
            + (withPressure ? ", pressure REAL" : "")
            + ")",
        "WITH RECURSIVE n(i) AS (SELECT "
            + from
            + " UNION ALL SELECT i + 1 FROM n WHERE i < "
            + to
            + ") INSERT INTO readings (id, ts, temperature"
            + (withPressure ? ", pressure" : "")
            + ") SELECT i, strftime('%Y-%m-%dT%H:%M:%SZ', 1700000000 + i, 'unixepoch'), i / 10.0"
            + (withPressure ? ", 1000 + i" : "")
            + " FROM n");
  }

  private static List<Long> ids(List<Map<String, Object>> rows) {
    return rows.stream().map(r -> (Long) r.get("id")).sorted().toList();
  }

  @Test
  void aStopBetweenTheSchemaChangeAndItsRowsLosesAndDuplicatesNothing() throws Exception {
    TestDatabase db = new TestDatabase(dir);
    Path log = dir.resolve("uploader.log");
    readings(db, 1, 500, false);
    String[] once = UploaderProcess.args(db, "once", "--batch-rows", "200");
    assertEquals(0, UploaderProcess.run(log, Map.of(), once), UploaderProcess.logText(log));
    db.sql("ALTER TABLE readings ADD COLUMN pressure REAL");
    db.sql(
        "WITH RECURSIVE n(i) AS (SELECT 501 UNION ALL SELECT i + 1 FROM n WHERE i < 800)"
            + " INSERT INTO readings (id, ts, temperature, pressure) SELECT i,"
            + " strftime('%Y-%m-%dT%H:%M:%SZ', 1700000000 + i, 'unixepoch'), 1, 1000 + i FROM n");
    Map<String, String> crash = Map.of(CrashPoint.ENV, "after-columns-added");
    assertEquals(137, UploaderProcess.run(log, crash, once), UploaderProcess.logText(log));
    assertEquals(0, UploaderProcess.run(log, Map.of(), once), UploaderProcess.logText(log));
    List<Map<String, Object>> rows = db.reader().rows();
    assertEquals(800, rows.size());
    assertEquals(800, ids(rows).stream().distinct().count());
    long pressures =
        db.reader().snapshot().getSchema().fields().stream()
            .filter(f -> f.getName().equals("pressure"))
            .count();
    assertEquals(1, pressures);
    for (Map<String, Object> r : rows) {
      long id = (Long) r.get("id");
      assertEquals(id > 500 ? (Object) (1000.0 + id) : null, r.get("pressure"), r.toString());
    }
  }

  @Test
  void aStopInsideTheUpgradeLeavesTheTableAsItWasAndTheUpgradeCanBeMadeAgain() throws Exception {
    TestDatabase db = new TestDatabase(dir);
    Path log = dir.resolve("uploader.log");
    readings(db, 1, 300, false);
    String[] once = UploaderProcess.args(db, "once", "--schema-evolution", "rescue");
    assertEquals(0, UploaderProcess.run(log, Map.of(), once), UploaderProcess.logText(log));
    String[] upgrade = {"upgrade-table", "--table-path", db.table.toString()};
    Map<String, String> crash = Map.of(CrashPoint.ENV, "before-upgrade-commit");
    assertEquals(137, UploaderProcess.run(log, crash, upgrade), UploaderProcess.logText(log));
    assertEquals(
        "none",
        db.reader()
            .snapshot()
            .getTableProperties()
            .getOrDefault("delta.columnMapping.mode", "none"));
    assertEquals(0, UploaderProcess.run(log, Map.of(), upgrade), UploaderProcess.logText(log));
    assertEquals(
        "name", db.reader().snapshot().getTableProperties().get("delta.columnMapping.mode"));
    db.sql("ALTER TABLE readings ADD COLUMN pressure REAL");
    db.sql(
        "INSERT INTO readings (id, ts, temperature, pressure) VALUES (301, '2024-01-01T00:00:00Z', 1, 7)");
    assertEquals(0, UploaderProcess.run(log, Map.of(), UploaderProcess.args(db, "once")));
    List<Map<String, Object>> rows = db.reader().rows();
    assertEquals(301, rows.size());
    assertEquals(
        7.0,
        rows.stream()
            .filter(r -> (Long) r.get("id") == 301)
            .findFirst()
            .orElseThrow()
            .get("pressure"));
  }

  /**
   * Two nodes on the application's new version (with a pressure column) and two on the old one,
   * four processes released together onto one table on S3, many small commits each: one pressure
   * column, every row once, pressure where the node has it and NULL where it does not.
   */
  @Test
  void aFleetOnTwoVersionsOfItsApplicationSharesOneTable() throws Exception {
    try (S3ProxyServer s3 = S3ProxyServer.start(dir.resolve("s3"))) {
      String table = "s3://" + s3.createBucket("mixed") + "/readings";
      Path gate = dir.resolve("go");
      Map<String, String> env = new HashMap<>(s3.env());
      env.put(CommitGate.ENV, gate.toString());
      List<TestDatabase> dbs = new ArrayList<>();
      List<Process> nodes = new ArrayList<>();
      for (int n = 0; n < 4; n++) {
        TestDatabase db = new TestDatabase(Files.createDirectories(dir.resolve("node" + n)));
        readings(db, 1, 600, n < 2); // nodes 0 and 1 run the new version
        db.sql("UPDATE readings SET temperature = temperature + " + n); // rows of their own
        dbs.add(db);
        nodes.add(
            UploaderProcess.start(
                db.dir.resolve("uploader.log"),
                env,
                UploaderProcess.argsOn(db, table, "node-" + n, "once", "--batch-rows", "40")));
      }
      for (TestDatabase db : dbs) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!UploaderProcess.logText(db.dir.resolve("uploader.log"))
            .contains("event=commit_held")) {
          assertTrue(
              System.nanoTime() < deadline,
              UploaderProcess.logText(db.dir.resolve("uploader.log")));
          Thread.sleep(100);
        }
      }
      Files.createFile(gate);
      for (int n = 0; n < 4; n++) {
        Path log = dbs.get(n).dir.resolve("uploader.log");
        assertTrue(nodes.get(n).waitFor(300, TimeUnit.SECONDS), UploaderProcess.logText(log));
        assertEquals(0, nodes.get(n).exitValue(), UploaderProcess.logText(log));
      }
      DeltaTableReader reader = new DeltaTableReader(table, s3.env());
      long pressures =
          reader.snapshot().getSchema().fields().stream()
              .filter(f -> f.getName().equals("pressure"))
              .count();
      assertEquals(1, pressures, reader.snapshot().getSchema().toString());
      List<Map<String, Object>> rows = reader.rows();
      for (int n = 0; n < 4; n++) {
        String node = "node-" + n;
        List<Map<String, Object>> mine =
            rows.stream().filter(r -> node.equals(r.get("_node_id"))).toList();
        assertEquals(600, mine.size(), node);
        assertEquals(600, ids(mine).stream().distinct().count(), node + ": no row twice");
        for (Map<String, Object> r : mine) {
          if (n < 2) assertEquals(1000.0 + (Long) r.get("id"), r.get("pressure"), r.toString());
          else assertNull(r.get("pressure"), r.toString());
          assertNull(r.get("_rescued_data"), r.toString());
        }
      }
    }
  }
}
