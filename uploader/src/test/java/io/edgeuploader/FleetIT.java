package io.edgeuploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.utils.CloseableIterator;
import io.edgeuploader.cli.Main;
import io.edgeuploader.cli.SampleDatabase;
import io.edgeuploader.sink.Storage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table shared by several nodes, with the real jar: who checkpoints it, readers while writers
 * race and a maintainer checkpoints, the maintainer's log cleanup, and the fleet as the table tells
 * it.
 */
class FleetIT {
  @TempDir Path dir;

  private TestDatabase node(int n, int rows) throws Exception {
    TestDatabase db = new TestDatabase(Files.createDirectories(dir.resolve("node" + n)));
    SampleDatabase.append(db.file, rows, Instant.parse("2024-01-01T00:00:00Z"), 100 + n);
    return db;
  }

  private Path table() {
    return dir.resolve("lake");
  }

  private int once(TestDatabase db, int n, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--batch-rows", "100"));
    args.addAll(List.of(extra));
    return UploaderProcess.run(
        db.dir.resolve("uploader.log"),
        Map.of(),
        UploaderProcess.argsOn(
            db, table().toString(), "node-" + n, "once", args.toArray(new String[0])));
  }

  private int maintain(Path log) throws Exception {
    return UploaderProcess.run(log, Map.of(), "maintain", "--table-path", table().toString());
  }

  private List<String> logFiles(String suffix) throws Exception {
    try (Stream<Path> files = Files.list(table().resolve("_delta_log"))) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(f -> f.endsWith(suffix))
          .sorted()
          .toList();
    }
  }

  @Test
  void aSharedTablesCheckpointsAreTheMaintainersAndItsLogIsCleanedUp() throws Exception {
    TestDatabase first = node(1, 1200);
    assertEquals(0, once(first, 1), UploaderProcess.logText(first.dir.resolve("uploader.log")));
    // Alone, the node keeps its table: a checkpoint at version 10 (and checksum files).
    assertEquals(
        List.of("00000000000000000010.checkpoint.parquet"), logFiles(".checkpoint.parquet"));
    int checksums = logFiles(".crc").size();

    TestDatabase second = node(2, 1500);
    assertEquals(0, once(second, 2), UploaderProcess.logText(second.dir.resolve("uploader.log")));
    assertEquals(27, new DeltaTableReader(table()).version(), "12 + 15 commits");
    assertEquals(
        List.of("00000000000000000010.checkpoint.parquet"),
        logFiles(".checkpoint.parquet"),
        "a shared table's checkpoint at 20 is the maintainer's");
    assertEquals(checksums, logFiles(".crc").size(), "no fleet-sized checksum files from nodes");

    // Log files older than the retention (30 days) before the newest checkpoint go.
    Path log = dir.resolve("maintain.log");
    FileTime old = FileTime.from(Instant.now().minus(40, ChronoUnit.DAYS));
    try (Stream<Path> files = Files.list(table().resolve("_delta_log"))) {
      for (Path f : files.toList()) {
        if (f.getFileName().toString().compareTo("00000000000000000020") < 0) {
          Files.setLastModifiedTime(f, old);
        }
      }
    }
    assertEquals(0, maintain(log), UploaderProcess.logText(log));
    assertTrue(logFiles(".checkpoint.parquet").contains("00000000000000000027.checkpoint.parquet"));
    assertFalse(logFiles(".json").contains("00000000000000000001.json"), "expired and covered");
    String text = UploaderProcess.logText(log);
    assertTrue(text.contains("checkpoint written"), text);
    assertTrue(text.contains("2 sources"), text);
    BackendIT.assertExactlyOnce(first, mine(new DeltaTableReader(table()).rows(), "node-1"));
    BackendIT.assertExactlyOnce(second, mine(new DeltaTableReader(table()).rows(), "node-2"));
  }

  /**
   * A node's pass on a shared table that a maintainer keeps: the protocol and metadata come from
   * the maintainer's checksum, the node's cursor from its own last commit, so the checkpoint (a row
   * per file of the whole fleet) is not read at all. Proved by damaging it: a pass that read it
   * would fail, and remove it as damaged.
   */
  @Test
  void aNodeOfAMaintainedSharedTableDoesNotReadItsCheckpoint() throws Exception {
    TestDatabase a = node(1, 300);
    TestDatabase b = node(2, 300);
    assertEquals(0, once(a, 1));
    assertEquals(0, once(b, 2));
    assertEquals(0, maintain(dir.resolve("maintain.log")));
    long version = new DeltaTableReader(table()).version();
    String prefix = String.format("%020d", version);
    Path checkpoint = table().resolve("_delta_log").resolve(prefix + ".checkpoint.parquet");
    assertTrue(Files.exists(checkpoint));
    JsonNode checksum =
        new ObjectMapper()
            .readTree(table().resolve("_delta_log").resolve(prefix + ".crc").toFile());
    assertFalse(checksum.has("domainMetadata"), "no fleet of cursors in it: " + checksum);
    List<JsonNode> adds = addsUpTo(version);
    assertEquals(adds.size(), checksum.get("numFiles").asLong(), checksum.toString());
    assertEquals(
        adds.stream().mapToLong(add -> add.get("size").asLong()).sum(),
        checksum.get("tableSizeBytes").asLong(),
        checksum.toString());

    Instant later = Instant.parse("2024-02-01T00:00:00Z");
    SampleDatabase.append(a.file, 40, later, 7);
    SampleDatabase.append(b.file, 40, later, 8);
    assertEquals(0, once(a, 1));
    assertEquals(0, once(b, 2));
    byte[] whole = Files.readAllBytes(checkpoint);
    Files.write(checkpoint, "not a checkpoint".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    SampleDatabase.append(a.file, 40, later.plusSeconds(3600), 9);
    assertEquals(0, once(a, 1), UploaderProcess.logText(a.dir.resolve("uploader.log")));
    assertTrue(
        Files.exists(checkpoint) && Files.readString(checkpoint).equals("not a checkpoint"),
        "neither read nor removed: " + UploaderProcess.logText(a.dir.resolve("uploader.log")));

    Files.write(checkpoint, whole);
    List<Map<String, Object>> rows = new DeltaTableReader(table()).rows();
    BackendIT.assertExactlyOnce(a, mine(rows, "node-1"));
    BackendIT.assertExactlyOnce(b, mine(rows, "node-2"));
  }

  private static List<Map<String, Object>> mine(List<Map<String, Object>> rows, String node) {
    return rows.stream().filter(r -> node.equals(r.get("_node_id"))).toList();
  }

  /**
   * Four nodes race (released together onto their first commit) while a maintainer checkpoints the
   * table again and again and a reader loads it: at every version the reader saw, it saw every file
   * the log had added up to that version, checkpoint or not.
   */
  @Test
  void readersSeeEveryFileAtEveryVersionWhileNodesRaceAndAMaintainerCheckpoints() throws Exception {
    List<TestDatabase> dbs = new ArrayList<>();
    for (int n = 0; n < 4; n++) dbs.add(node(n, 1500));
    // The table exists before the race, so that the maintainer has something to checkpoint.
    TestDatabase seed = node(9, 10);
    assertEquals(0, once(seed, 9));
    Path gate = dir.resolve("go");
    List<Process> nodes = new ArrayList<>();
    for (int n = 0; n < 4; n++) {
      TestDatabase db = dbs.get(n);
      nodes.add(
          UploaderProcess.start(
              db.dir.resolve("uploader.log"),
              Map.of(CommitGate.ENV, gate.toString()),
              UploaderProcess.argsOn(
                  db, table().toString(), "node-" + n, "once", "--batch-rows", "60")));
    }
    for (TestDatabase db : dbs) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (!UploaderProcess.logText(db.dir.resolve("uploader.log"))
          .contains("event=commit_held")) {
        assertTrue(System.nanoTime() < deadline, "the node reached its first commit");
        Thread.sleep(100);
      }
    }
    AtomicBoolean racing = new AtomicBoolean(true);
    ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Long> seen = new ConcurrentLinkedQueue<>();
    Thread reader = new Thread(() -> readWhile(racing, seen, wrong), "reader");
    Thread maintainer =
        new Thread(
            () -> {
              int round = 0;
              while (racing.get()) {
                try {
                  // In this JVM: a round every few hundred ms, several while the nodes commit.
                  int exit = Main.execute("maintain", "--table-path", table().toString());
                  if (exit != 0) wrong.add("maintain round " + round + " exited with " + exit);
                  round++;
                } catch (Exception e) {
                  wrong.add("maintain: " + e);
                }
              }
            },
            "maintainer");
    Files.createFile(gate);
    reader.start();
    maintainer.start();
    for (int n = 0; n < 4; n++) {
      assertTrue(nodes.get(n).waitFor(300, TimeUnit.SECONDS), "node " + n + " finished");
      assertEquals(
          0,
          nodes.get(n).exitValue(),
          UploaderProcess.logText(dbs.get(n).dir.resolve("uploader.log")));
    }
    racing.set(false);
    reader.join();
    maintainer.join();
    assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    assertTrue(seen.size() > 5, "the reader read while the nodes wrote: " + seen);
    assertTrue(logFiles(".checkpoint.parquet").size() > 1, "the maintainer checkpointed meanwhile");
    List<Map<String, Object>> rows = new DeltaTableReader(table()).rows();
    for (int n = 0; n < 4; n++) BackendIT.assertExactlyOnce(dbs.get(n), mine(rows, "node-" + n));
  }

  private void readWhile(
      AtomicBoolean racing, ConcurrentLinkedQueue<Long> seen, ConcurrentLinkedQueue<String> wrong) {
    String path = table().toString();
    Engine engine = DefaultEngine.create(Storage.configurationFor(path, Map.of(), Map.of()));
    while (racing.get()) {
      try {
        Snapshot s = TableManager.loadSnapshot(path).build(engine);
        long files = 0;
        try (CloseableIterator<FilteredColumnarBatch> scan =
            s.getScanBuilder().build().getScanFiles(engine)) {
          while (scan.hasNext()) {
            try (var rows = scan.next().getRows()) {
              while (rows.hasNext()) {
                rows.next();
                files++;
              }
            }
          }
        }
        long added = addsUpTo(s.getVersion()).size();
        if (files != added) {
          wrong.add(
              "version " + s.getVersion() + ": read " + files + " files, the log added " + added);
        }
        seen.add(s.getVersion());
      } catch (Exception e) {
        wrong.add("read: " + e);
      }
    }
  }

  /** The add actions in the JSON commits 0..version: what a reader of that version must see. */
  private List<JsonNode> addsUpTo(long version) throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> adds = new ArrayList<>();
    for (long v = 0; v <= version; v++) {
      Path commit = table().resolve("_delta_log").resolve(String.format("%020d.json", v));
      for (String line : Files.readAllLines(commit)) {
        JsonNode action = json.readTree(line);
        if (action.has("add")) adds.add(action.get("add"));
      }
    }
    return adds;
  }

  @Test
  void statusFleetListsEverySourceTheStalestFirst() throws Exception {
    TestDatabase a = node(1, 150);
    TestDatabase b = node(2, 250);
    assertEquals(0, once(a, 1));
    Thread.sleep(1100);
    assertEquals(0, once(b, 2));
    Path out = dir.resolve("fleet.json");
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                UploaderProcess.JAR.toString(),
                "status",
                "--fleet",
                "--json",
                "--table-path",
                table().toString())
            .redirectOutput(out.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    assertEquals(0, pb.start().waitFor());
    JsonNode fleet = new ObjectMapper().readTree(Files.readString(out));
    assertEquals(2, fleet.get("sources").asInt(), fleet.toString());
    JsonNode stalest = fleet.get("nodes").get(0);
    assertEquals("node-1", stalest.get("node_id").asText(), fleet.toString());
    assertEquals("source.db", stalest.get("database").asText());
    assertEquals(SampleDatabase.TABLE, stalest.get("table").asText());
    assertEquals(2, stalest.get("commits").asLong());
    assertEquals(150, stalest.get("rows").asLong());
    assertTrue(stalest.get("last_commit_age_s").asLong() >= 1, stalest.toString());
    assertEquals("node-2", fleet.get("nodes").get(1).get("node_id").asText());
  }
}
