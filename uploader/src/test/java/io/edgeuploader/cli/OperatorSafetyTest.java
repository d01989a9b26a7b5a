package io.edgeuploader.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeuploader.DeltaTableReader;
import io.edgeuploader.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ordinary operator actions that used to duplicate rows silently, or fail unhelpfully. */
class OperatorSafetyTest extends CommandLineTest {
  private String[] as(String node, String command, String... extra) {
    List<String> args = new ArrayList<>(List.of(withPaths(command, extra)));
    args.set(args.indexOf("n1"), node);
    return args.toArray(new String[0]);
  }

  private long tableRows() {
    return new DeltaTableReader(db.table).rows().size();
  }

  @Test
  void aDatabaseTheTableHoldsUnderAnotherNodeIdIsRefusedUntilTheOperatorChooses() throws Exception {
    SampleDatabase.append(db.file, 500, Instant.parse("2024-01-01T00:00:00Z"), 1);
    assertEquals(0, run(as("edge-a", "once")), err());
    // The container came back with a new host name: the same rows must not go in again.
    String refusal =
        "already holds the rows of source.db table sensor_readings from node id 'edge-a'";
    assertUserError(2, refusal, as("edge-b", "once"));
    assertTrue(err().contains("--node-id edge-a") && err().contains("--new-source"), err());
    assertUserError(2, refusal, as("edge-b", "once", "--dry-run"));
    assertEquals(500, tableRows(), "nothing was uploaded twice");

    SampleDatabase.append(db.file, 20, Instant.parse("2024-02-01T00:00:00Z"), 2);
    assertEquals(0, run(as("edge-a", "once")), err());
    assertTrue(out().contains("uploaded 20 rows"), out());
    assertEquals(0, run(as("edge-b", "once", "--new-source")), err());
    assertTrue(out().contains("uploaded 520 rows"), "a second copy, on purpose: " + out());
    assertEquals(1040, tableRows());
  }

  @Test
  void nodesWhoseDatabasesShareAFileNameAreNeverTakenForEachOther() throws Exception {
    SampleDatabase.append(db.file, 300, Instant.parse("2024-01-01T00:00:00Z"), 1);
    assertEquals(0, run(as("edge-a", "once")), err());
    TestDatabase other = new TestDatabase(Files.createDirectories(dir.resolve("other")));
    SampleDatabase.append(other.file, 300, Instant.parse("2024-01-01T00:00:00Z"), 2);
    int code =
        run(
            "once",
            "--sqlite",
            other.file.toString(),
            "--table-path",
            db.table.toString(),
            "--state-dir",
            other.state.toString(),
            "--node-id",
            "edge-b");
    assertEquals(0, code, err());
    assertEquals(600, tableRows());
  }

  @Test
  void theDemosClosingHintRunsAsTheSameNode() throws Exception {
    Path demo = dir.resolve("demo");
    assertEquals(0, run("demo", "--dir", demo.toString(), "--rows", "300"), err());
    String hint = out().lines().filter(l -> l.startsWith("Next:")).findFirst().orElseThrow();
    assertTrue(hint.contains("--node-id demo-node"), hint);
    String[] args = hint.substring(hint.indexOf("--sqlite")).split(" ");
    List<String> once = new ArrayList<>(List.of("once"));
    once.addAll(List.of(args));
    assertEquals(0, run(once.toArray(new String[0])), err());
    assertTrue(out().contains("nothing new"), out());
  }

  @Test
  void anUpdateOfTheNewestRowIsNotUploadedAgain() {
    db.sql(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT, status TEXT)",
        "INSERT INTO t (ts, status) VALUES ('2024-01-01T00:00:00Z', 'OK'),"
            + " ('2024-01-01T00:00:01Z', 'OK')");
    assertEquals(0, run(withPaths("once")), err());
    db.sql("UPDATE t SET status = 'ACKNOWLEDGED' WHERE id = 2");
    assertEquals(0, run(withPaths("once")), err());
    assertTrue(out().contains("nothing new"), out());
    assertTrue(
        err().contains("event=uploaded_row_changed table=t rowid=2 decision=updated_in_place"),
        err());
    assertFalse(err().contains("new_rows_with_reused_rowids=1"), err());
    // Deleting the newest row and writing a new one gives its rowid again: that one is new.
    db.sql(
        "DELETE FROM t WHERE id = 2",
        "INSERT INTO t (ts, status) VALUES ('2024-01-01T00:00:05Z', 'OK')");
    assertEquals(0, run(withPaths("once")), err());
    assertTrue(out().contains("uploaded 1 row "), out());
    assertEquals(3, tableRows());
  }

  @Test
  void anAutoincrementTableNeverTakesAChangedRowForANewOne() {
    db.sql(
        "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, ts TEXT, v REAL)",
        "INSERT INTO t (ts, v) VALUES ('2024-01-01T00:00:00Z', 1), ('2024-01-01T00:00:01Z', 2)");
    assertEquals(0, run(withPaths("once")), err());
    db.sql("UPDATE t SET ts = '2024-01-01T00:00:09Z', v = 20 WHERE id = 2");
    assertEquals(0, run(withPaths("once")), err());
    assertTrue(out().contains("nothing new"), out());
    db.sql(
        "DELETE FROM t WHERE id = 2", "INSERT INTO t (ts, v) VALUES ('2024-01-01T00:00:03Z', 3)");
    assertEquals(0, run(withPaths("once")), err());
    assertTrue(out().contains("uploaded 1 row "), "rowid 3, never 2 again: " + out());
    assertEquals(3, tableRows());
  }

  @Test
  void aTableWithoutATimestampColumnUploadsWithAnEmptyWatermark() throws Exception {
    db.sql(
        "CREATE TABLE config (id INTEGER PRIMARY KEY, k TEXT, v TEXT)",
        "INSERT INTO config (k, v) VALUES ('mode', 'eco'), ('rate', '5')");
    assertEquals(0, run(withPaths("once", "--table", "config")), err());
    assertTrue(out().contains("uploaded 2 rows from config"), out());
    assertTrue(err().contains("timestamp_column=none"), err());
    assertEquals(0, run(withPaths("status", "--json", "--table", "config")), err());
    JsonNode s = new ObjectMapper().readTree(out());
    assertTrue(s.get("timestamp_column").isNull(), s.toString());
    assertTrue(s.get("watermark").isNull(), s.toString());
    assertEquals(2, s.get("delta_rows").asLong());
  }

  @Test
  void relativePathsInTheConfigFileAreRelativeToTheFile() throws Exception {
    Path etc = Files.createDirectories(dir.resolve("etc"));
    Path config = etc.resolve("uploader.yaml");
    Files.writeString(config, "sqlite: sensors.db\ntable_path: lake/t\nstate_dir: state\n");
    assertUserError(
        3,
        "SQLite database not found: " + etc.resolve("sensors.db"),
        "once",
        "--config",
        config.toString());
    assertTrue(err().contains("check key 'sqlite' in " + config), err());
    SampleDatabase.append(etc.resolve("sensors.db"), 10, Instant.parse("2024-01-01T00:00:00Z"), 1);
    assertEquals(0, run("once", "--config", config.toString(), "--node-id", "n1"), err());
    assertEquals(10, new DeltaTableReader(etc.resolve("lake/t")).rows().size());
    assertTrue(Files.isDirectory(etc.resolve("state")));
  }

  @Test
  void aBadValueOrNoCommandIsOneErrorLineAndExitCode2() {
    assertUserError(2, "'xml' is not text or json", "once", "--log-format", "xml");
    assertFalse(err().contains("Usage:"), "one line, not the usage: " + err());
    assertEquals(2, run());
    assertTrue(err().contains("Usage: uploader"), err());
  }

  @Test
  void dryRunRefusesWhatTheRealRunRefusesWithTheSameMessageAndCode() throws Exception {
    SampleDatabase.append(db.file, 10, Instant.parse("2024-01-01T00:00:00Z"), 1);
    assertEquals(0, run(withPaths("once")), err());
    assertUserError(4, "it is partitioned by []", withPaths("once", "--partition-by", "date"));
    String real = err().lines().filter(l -> l.startsWith("error: ")).findFirst().orElseThrow();
    assertUserError(
        4, "it is partitioned by []", withPaths("once", "--dry-run", "--partition-by", "date"));
    String dry = err().lines().filter(l -> l.startsWith("error: ")).findFirst().orElseThrow();
    assertEquals(real, dry);
  }

  @Test
  void statusShowsTheAgeOfTheOldestPendingRowAndOfTheLastCommit() throws Exception {
    SampleDatabase.append(db.file, 10, Instant.parse("2024-01-01T00:00:00Z"), 1);
    assertEquals(0, run(withPaths("status", "--json")), err());
    JsonNode before = new ObjectMapper().readTree(out());
    assertEquals("2024-01-01T00:00:00Z", before.get("oldest_pending_at").asText());
    assertTrue(before.get("oldest_pending_age_s").asLong() > 365L * 86_400, before.toString());
    assertTrue(before.get("last_commit_at").isNull(), before.toString());
    assertEquals(0, run(withPaths("once")), err());
    assertEquals(0, run(withPaths("status", "--json")), err());
    JsonNode after = new ObjectMapper().readTree(out());
    assertTrue(after.get("oldest_pending_age_s").isNull(), after.toString());
    assertTrue(after.get("last_commit_age_s").asLong() < 60, after.toString());
    assertEquals("configured", after.get("node_id_source").asText());
  }
}
