package io.edgeuploader.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeuploader.config.ConfigKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line as users' scripts see it: output, one-line errors and exit codes. */
class CliTest extends CommandLineTest {
  @Test
  void onceUploadsAndStatusReportsAsTextAndJson() throws Exception {
    db.sql(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT)",
        "INSERT INTO t (ts) VALUES ('2024-01-01T00:00:00Z'), ('2024-01-01T00:00:09Z')");
    assertEquals(0, run(withPaths("status", "--json")));
    JsonNode before = new ObjectMapper().readTree(out());
    assertEquals(2, before.get("pending_rows").asLong());
    assertEquals(-1, before.get("delta_version").asLong());

    assertEquals(0, run(withPaths("once")));
    assertTrue(out().contains("uploaded 2 rows"), out());

    db.sql("INSERT INTO t (ts) VALUES ('2024-01-01T00:00:10Z')");
    assertEquals(0, run(withPaths("status", "--json")));
    JsonNode s = new ObjectMapper().readTree(out());
    for (String key :
        List.of(
            "table",
            "timestamp_column",
            "watermark",
            "delta_version",
            "delta_rows",
            "pending_rows")) {
      assertTrue(s.has(key), key + " in " + s);
    }
    assertEquals("t", s.get("table").asText());
    assertEquals("ts", s.get("timestamp_column").asText());
    assertEquals("2024-01-01T00:00:09Z", s.get("watermark").asText());
    assertEquals(1, s.get("delta_version").asLong());
    assertEquals(2, s.get("delta_rows").asLong());
    assertEquals(1, s.get("pending_rows").asLong());

    assertEquals(0, run(withPaths("status")));
    assertTrue(out().contains("pending_rows:"), out());
  }

  @Test
  void aTablesListUploadsEachTableToItsOwnDeltaTableWithItsOwnCursor() throws Exception {
    db.sql(
        "CREATE TABLE readings (id INTEGER PRIMARY KEY, ts TEXT, v REAL)",
        "CREATE TABLE events (id INTEGER PRIMARY KEY, at INTEGER, what TEXT)",
        "INSERT INTO readings (ts, v) VALUES ('2024-01-01T00:00:00Z', 1), ('2024-01-01T00:00:01Z', 2)",
        "INSERT INTO events (at, what) VALUES (1704067200, 'boot')");
    Path lake = dir.resolve("lake");
    Path config = dir.resolve("tables.yaml");
    Files.writeString(
        config,
        "sqlite: "
            + db.file
            + "\nstate_dir: "
            + db.state
            + "\nnode_id: n1\ntables:\n"
            + "  - table: readings\n    table_path: "
            + lake.resolve("readings")
            + "\n  - table: events\n    timestamp_column: at\n    table_path: "
            + lake.resolve("events")
            + "\n");
    assertEquals(0, run("once", "--config", config.toString()), err());
    assertTrue(out().contains("uploaded 2 rows from readings"), out());
    assertTrue(out().contains("uploaded 1 row from events"), out());
    assertEquals(2, new io.edgeuploader.DeltaTableReader(lake.resolve("readings")).rows().size());
    assertEquals(1, new io.edgeuploader.DeltaTableReader(lake.resolve("events")).rows().size());

    db.sql("INSERT INTO events (at, what) VALUES (1704067201, 'alarm')");
    assertEquals(0, run("once", "--config", config.toString()), err());
    assertTrue(out().contains("nothing new in readings"), out());
    assertTrue(out().contains("uploaded 1 row from events"), out());

    assertEquals(0, run("status", "--json", "--config", config.toString()));
    List<JsonNode> status = new ArrayList<>();
    for (String line : out().strip().split("\n")) status.add(new ObjectMapper().readTree(line));
    assertEquals(2, status.size(), out());
    assertEquals("readings", status.get(0).get("table").asText());
    assertEquals(1, status.get(0).get("delta_version").asLong());
    assertEquals("events", status.get(1).get("table").asText());
    assertEquals("at", status.get(1).get("timestamp_column").asText());
    assertEquals(2, status.get(1).get("delta_version").asLong());
    assertEquals(2, status.get(1).get("uploaded_rows").asLong());

    assertUserError(
        2,
        "conflicts with the 'tables:' list",
        "once",
        "--config",
        config.toString(),
        "--table-path",
        "/elsewhere");
    Files.writeString(config, "sqlite: " + db.file + "\ntables:\n  - table: readings\n");
    assertUserError(
        2, "needs both 'table' and 'table_path'", "once", "--config", config.toString());
  }

  @Test
  void dryRunShowsTheDecisionsAndWritesNothing() throws Exception {
    db.sql(
        "CREATE TABLE readings (id INTEGER PRIMARY KEY, recorded_at DATETIME, v REAL)",
        "INSERT INTO readings (recorded_at, v) VALUES ('2024-01-01 00:00:00', 1)");
    for (String command : List.of("once", "run")) {
      assertEquals(0, run(withPaths(command, "--dry-run")));
      String o = out();
      assertTrue(o.contains("Table:            readings (the only table"), o);
      assertTrue(o.contains("Timestamp column: recorded_at (declared type DATETIME"), o);
      assertTrue(o.contains("recorded_at    DATETIME             -> timestamp"), o);
      assertTrue(o.contains("Rows to upload:   1"), o);
      assertTrue(o.contains("nothing was written"), o);
    }
    assertFalse(Files.exists(db.table), "no Delta table");
    assertFalse(Files.exists(db.state), "no state");
  }

  @Test
  void exampleConfigIsTheCommittedFileAndLoads() throws Exception {
    assertEquals(0, run("example-config"));
    Path committed = Path.of("..", "config", "uploader-config.yaml.example");
    assertEquals(Files.readString(committed), out());
    Path copy = dir.resolve("c.yaml");
    Files.writeString(copy, out().replace("/var/lib/sensors/sensors.db", db.file.toString()));
    db.sql("CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT)");
    assertEquals(0, run("once", "--dry-run", "--config", copy.toString()), err());
  }

  @Test
  void exampleConfigDocumentsEverySetting() throws Exception {
    String example = Files.readString(Path.of("..", "config", "uploader-config.yaml.example"));
    for (ConfigKey key : ConfigKey.values()) {
      assertTrue(
          example.contains("\n" + key.yamlKey + ":") || example.contains("# " + key.yamlKey + ":"),
          key.yamlKey + " in the example config");
      assertTrue(example.contains(key.envVar), key.envVar + " in the example config");
    }
  }

  @Test
  void helpExplainsEveryCommand() {
    assertEquals(0, run("--help"));
    for (String c : List.of("run", "once", "status", "example-config", "demo", "Exit codes")) {
      assertTrue(out().contains(c), c + " in " + out());
    }
    List<String> everyCommand =
        List.of(
            "--sqlite",
            "--table-path",
            "--state-dir",
            "--node-id",
            "--timestamp-column",
            "--table",
            "--config");
    Map<String, List<String>> uses =
        Map.of(
            "run", List.of("--interval", "--batch-rows", "--metrics-port"),
            "once", List.of("--batch-rows", "--partition-by"),
            "status", List.of());
    Map<String, List<String>> ignores =
        Map.of(
            "run", List.of(),
            "once", List.of("--interval", "--metrics-port"),
            "status", List.of("--interval", "--batch-rows", "--metrics-port", "--partition-by"));
    for (String c : List.of("run", "once", "status")) {
      assertEquals(0, run(c, "--help"));
      for (String flag : everyCommand) {
        assertTrue(out().contains(flag), c + " --help lists " + flag);
      }
      for (String flag : uses.get(c)) {
        assertTrue(out().contains(flag + "="), c + " --help lists " + flag);
      }
      for (String flag : ignores.get(c)) {
        assertFalse(out().contains(flag + "="), c + " --help leaves out " + flag + ": " + out());
      }
    }
    assertEquals(0, run("--version"));
    assertTrue(out().startsWith("uploader "), out());
  }

  @Test
  void configMistakesExitWith2() throws Exception {
    assertUserError(2, "no SQLite database given", "once", "--table-path", "x");
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "sqlite: a.db\ntable_path: [unclosed\n");
    assertUserError(2, "bad.yaml is not valid YAML at line", "once", "--config", bad.toString());
    Files.writeString(bad, "sqlite: a.db\ntable_pth: /x\n");
    assertUserError(
        2,
        "unknown key 'table_pth' (did you mean 'table_path'?)",
        "once",
        "--config",
        bad.toString());
    assertUserError(2, "config file not found", "once", "--config", "/nonexistent.yaml");
    assertUserError(
        2,
        "'soon' is not a positive duration",
        "once",
        "--sqlite",
        "a",
        "--table-path",
        "b",
        "--interval",
        "soon");
    assertEquals(2, run("once", "--no-such-flag"));
    assertTrue(err().contains("Unknown option: '--no-such-flag'"), err());
  }

  @Test
  void sourceMistakesExitWith3() throws Exception {
    assertUserError(3, "SQLite database not found: " + db.file, withPaths("once"));
    Files.writeString(db.file, "this is a CSV file, not a database\n");
    assertUserError(3, "is not a SQLite database (bad header)", withPaths("once"));
    Files.delete(db.file);
    Files.createFile(db.file);
    assertUserError(3, "is not a SQLite database (the file is empty)", withPaths("once"));
    Files.delete(db.file);
    db.sql("PRAGMA user_version = 1");
    assertUserError(3, "has no tables yet", withPaths("once"));
    db.sql(
        "CREATE TABLE a (id INTEGER PRIMARY KEY, ts TEXT)",
        "CREATE TABLE b (id INTEGER PRIMARY KEY, created_at TEXT)");
    assertUserError(3, "choose one with --table", withPaths("once"));
    assertUserError(3, "has no table 'c' (tables: [a, b])", withPaths("once", "--table", "c"));
    db.sql(
        "CREATE TABLE plain (id INTEGER PRIMARY KEY, v REAL)", "INSERT INTO plain (v) VALUES (1)");
    assertUserError(
        3,
        "has no column 'when'",
        withPaths("once", "--table", "plain", "--timestamp-column", "when"));
    db.sql("CREATE TABLE kv (k TEXT PRIMARY KEY, ts TEXT) WITHOUT ROWID");
    assertUserError(3, "WITHOUT ROWID", withPaths("once", "--table", "kv"));
  }

  @Test
  void stateAndSinkMistakesExitWith5And4() throws Exception {
    db.sql(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT)",
        "INSERT INTO t (ts) VALUES ('2024-01-01T00:00:00Z')");
    Path aFile = dir.resolve("a-file");
    Files.writeString(aFile, "x");
    // Tests run as root, so permissions cannot make a directory unwritable; a path through a
    // regular file cannot be created by anyone.
    assertUserError(
        5,
        "state directory " + aFile.resolve("state") + " is not writable",
        "once",
        "--sqlite",
        db.file.toString(),
        "--table-path",
        db.table.toString(),
        "--state-dir",
        aFile.resolve("state").toString());
    assertUserError(
        4,
        "creating the Delta table at " + aFile.resolve("table"),
        "once",
        "--sqlite",
        db.file.toString(),
        "--table-path",
        aFile.resolve("table").toString(),
        "--state-dir",
        db.state.toString());
  }

  @Test
  void tableCommandsNeedADeltaTable() throws Exception {
    for (String command : List.of("maintain", "upgrade-table")) {
      assertUserError(
          2,
          command + " works on a Delta table: give --table-path",
          command,
          "--sqlite",
          db.file.toString(),
          "--landing-path",
          dir.resolve("landing").toString());
      assertUserError(
          4, "no Delta table at " + db.table, command, "--table-path", db.table.toString());
    }
    assertUserError(
        4,
        "no Delta table at " + db.table,
        "status",
        "--fleet",
        "--table-path",
        db.table.toString());
  }

  @Test
  void debugShowsTheStackTrace() {
    assertEquals(3, run(withPaths("once", "--debug")));
    assertTrue(err().contains("\tat "), err());
  }
}
