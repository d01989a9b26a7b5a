package io.edgeuploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeuploader.TestStores.Backend;
import io.edgeuploader.cli.SampleDatabase;
import io.edgeuploader.sink.Storage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The end-to-end suite, run against every storage backend with the real jar and real servers on
 * 127.0.0.1: local disk, S3 (S3Proxy) and ADLS through ABFS (Azurite, Blob endpoint).
 */
class BackendIT {
  @TempDir static Path servers;
  private static TestStores stores;

  @TempDir Path dir;

  @BeforeAll
  static void startServers() throws Exception {
    stores = TestStores.start(servers);
  }

  @AfterAll
  static void stopServers() throws Exception {
    stores.close();
  }

  private String newTable(Backend backend) throws Exception {
    return stores.newLocation(backend, dir, "lake/readings");
  }

  private static Map<String, String> env(Backend backend) throws Exception {
    return stores.env(backend);
  }

  private static List<Map<String, Object>> rows(Backend backend, String table) throws Exception {
    return new DeltaTableReader(table, env(backend)).rows();
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void backfillIncrementAndStatus(Backend backend) throws Exception {
    TestDatabase db = new TestDatabase(dir);
    String table = newTable(backend);
    Path log = dir.resolve("uploader.log");
    SampleDatabase.append(db.file, 3000, Instant.parse("2024-01-01T00:00:00Z"), 1);
    String[] once = UploaderProcess.argsOn(db, table, "n1", "once", "--batch-rows", "1000");
    assertEquals(0, UploaderProcess.run(log, env(backend), once), UploaderProcess.logText(log));
    SampleDatabase.append(db.file, 500, Instant.parse("2024-02-01T00:00:00Z"), 2);
    assertEquals(0, UploaderProcess.run(log, env(backend), once), UploaderProcess.logText(log));

    Path out = dir.resolve("status.json");
    ProcessBuilder status =
        new ProcessBuilder(statusCommand(db, table))
            .redirectOutput(out.toFile())
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    status.environment().putAll(env(backend));
    Process p = status.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    JsonNode json = new ObjectMapper().readTree(Files.readString(out));
    assertEquals(3500, json.get("delta_rows").asLong(), json.toString());
    assertEquals(0, json.get("pending_rows").asLong());
    assertEquals(4, json.get("delta_version").asLong(), "create + 3 + 1 commits");

    assertExactlyOnce(db, rows(backend, table));
  }

  private static List<String> statusCommand(TestDatabase db, String table) {
    List<String> c = new ArrayList<>();
    c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    c.addAll(UploaderProcess.extraJvmFlags());
    c.add("-jar");
    c.add(UploaderProcess.JAR.toString());
    c.addAll(List.of(UploaderProcess.argsOn(db, table, "n1", "status", "--json")));
    return c;
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void crashesAroundTheCommitLoseAndDuplicateNothing(Backend backend) throws Exception {
    TestDatabase db = new TestDatabase(dir);
    String table = newTable(backend);
    Path log = dir.resolve("uploader.log");
    SampleDatabase.append(db.file, 2000, Instant.parse("2024-01-01T00:00:00Z"), 3);
    String[] once = UploaderProcess.argsOn(db, table, "n1", "once", "--batch-rows", "700");
    for (CrashPoint point : CrashPoint.COMMIT_STEPS) {
      SampleDatabase.append(db.file, 300, Instant.parse("2024-03-01T00:00:00Z"), 4);
      Map<String, String> env = new java.util.HashMap<>(env(backend));
      env.put(CrashPoint.ENV, point.name().toLowerCase().replace('_', '-'));
      assertEquals(137, UploaderProcess.run(log, env, once), UploaderProcess.logText(log));
    }
    assertEquals(0, UploaderProcess.run(log, env(backend), once), UploaderProcess.logText(log));
    assertExactlyOnce(db, rows(backend, table));
  }

  /**
   * Edge nodes share one table: four processes with their own databases and node ids append many
   * small commits at once. Every row lands once and the log has no gap.
   */
  @ParameterizedTest
  @EnumSource(Backend.class)
  void fourNodesAppendToOneTableConcurrently(Backend backend) throws Exception {
    String table = newTable(backend);
    List<TestDatabase> dbs = new ArrayList<>();
    List<Process> processes = new ArrayList<>();
    for (int n = 0; n < 4; n++) {
      Path nodeDir = Files.createDirectories(dir.resolve("node" + n));
      TestDatabase db = new TestDatabase(nodeDir);
      SampleDatabase.append(db.file, 1200, Instant.parse("2024-01-01T00:00:00Z"), n);
      dbs.add(db);
    }
    // All four hold their first commit until released together: they surely race for version 1.
    Path gate = dir.resolve("go");
    Map<String, String> env = new java.util.HashMap<>(env(backend));
    env.put(CommitGate.ENV, gate.toString());
    for (int n = 0; n < 4; n++) {
      TestDatabase db = dbs.get(n);
      processes.add(
          UploaderProcess.start(
              db.dir.resolve("uploader.log"),
              env,
              UploaderProcess.argsOn(db, table, "node-" + n, "once", "--batch-rows", "100")));
    }
    for (TestDatabase db : dbs) awaitLog(db.dir.resolve("uploader.log"), "event=commit_held", 1);
    Files.createFile(gate);
    for (int n = 0; n < 4; n++) {
      assertTrue(processes.get(n).waitFor(180, TimeUnit.SECONDS), "node " + n + " finished");
      assertEquals(
          0,
          processes.get(n).exitValue(),
          UploaderProcess.logText(dbs.get(n).dir.resolve("uploader.log")));
    }
    List<Map<String, Object>> rows = rows(backend, table);
    assertEquals(4 * 1200, rows.size(), "the sum of the nodes' rows");
    for (int n = 0; n < 4; n++) {
      String node = "node-" + n;
      List<Map<String, Object>> mine =
          rows.stream().filter(r -> node.equals(r.get("_node_id"))).collect(Collectors.toList());
      assertExactlyOnce(dbs.get(n), mine);
    }
    DeltaTableReader reader = new DeltaTableReader(table, env(backend));
    assertEquals(48, reader.version(), "version 0 (create) + 4 x 12 commits: no version lost");
    String logs = "";
    for (TestDatabase db : dbs) logs += UploaderProcess.logText(db.dir.resolve("uploader.log"));
    assertTrue(
        java.util.regex.Pattern.compile("event=commit .* attempts=[2-9]").matcher(logs).find(),
        "the nodes did race: some commit lost a race and was made again");
  }

  /**
   * The guarantee behind many writers: writers with their own log stores (as separate processes
   * have), released together onto each commit version, exactly one wins. The log store is the one
   * Kernel picks for the location with the uploader's configuration.
   */
  @ParameterizedTest
  @EnumSource(Backend.class)
  void exactlyOneRacingWriterWinsEachCommitVersion(Backend backend) throws Exception {
    String table = Storage.normalize(newTable(backend));
    var conf = Storage.configurationFor(table, env(backend), Map.of());
    String scheme = new org.apache.hadoop.fs.Path(table).toUri().getScheme();
    io.edgeuploader.sink.LogStoreRace.run(
        () ->
            io.delta.kernel.defaults.internal.logstore.LogStoreProvider.getLogStore(
                conf, scheme == null ? "file" : scheme),
        conf,
        table + "/_delta_log",
        4,
        backend == Backend.LOCAL ? 200 : 25);
  }

  @Test
  void anS3OutageIsRiddenOutAndCaughtUp() throws Exception {
    TestDatabase db = new TestDatabase(dir);
    String table = newTable(Backend.S3);
    Path log = dir.resolve("uploader.log");
    SampleDatabase.append(db.file, 1000, Instant.parse("2024-01-01T00:00:00Z"), 5);
    Process daemon =
        UploaderProcess.start(
            log,
            stores.s3().env(),
            UploaderProcess.argsOn(db, table, "n1", "run", "--interval", "1"));
    try {
      awaitLog(log, "event=commit", 1);
      stores.s3().stop();
      SampleDatabase.append(db.file, 700, Instant.parse("2024-02-01T00:00:00Z"), 6);
      awaitLog(log, "event=pass_failed", 1);
      Thread.sleep(4000); // several retries while the store is down
      stores.s3().resume();
      awaitLog(log, "event=recovered", 1);
      awaitLog(log, "event=commit", 2);
    } finally {
      daemon.destroy();
      daemon.waitFor(15, TimeUnit.SECONDS);
    }
    String text = UploaderProcess.logText(log);
    assertEquals(1, count(text, "WARN  UploadLoop event=pass_failed"), "one warning: " + text);
    assertFalse(text.contains(S3ProxyServer.CREDENTIAL), "no secret in the log");
    assertExactlyOnce(db, rows(Backend.S3, table));
  }

  @ParameterizedTest
  @EnumSource(
      value = Backend.class,
      names = {"S3", "AZURE"})
  void aWrongCredentialFailsFastNamingTheStoreAndTheCredentialSource(Backend backend)
      throws Exception {
    TestDatabase db = new TestDatabase(dir);
    String table = newTable(backend);
    Path log = dir.resolve("uploader.log");
    SampleDatabase.append(db.file, 10, Instant.parse("2024-01-01T00:00:00Z"), 7);
    Map<String, String> env = new java.util.HashMap<>(env(backend));
    String wrong = "bm90LXRoZS1zZWNyZXQtYXQtYWxsLW5vdC1ldmVuLWNsb3NlLXRvLWl0IQ==";
    String source;
    if (backend == Backend.S3) {
      env.put("AWS_SECRET_ACCESS_KEY", wrong);
      source = "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY from the environment";
    } else {
      env.put(
          "AZURE_STORAGE_CONNECTION_STRING",
          env.get("AZURE_STORAGE_CONNECTION_STRING").replace(AzuriteServer.KEY, wrong));
      source = "AZURE_STORAGE_CONNECTION_STRING from the environment";
    }
    long began = System.nanoTime();
    int code = UploaderProcess.run(log, env, UploaderProcess.argsOn(db, table, "n1", "once"));
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began);
    String text = UploaderProcess.logText(log);
    assertEquals(4, code, text);
    assertTrue(text.contains("error: "), text);
    assertTrue(text.contains(Storage.normalize(table)), "names the store: " + text);
    assertTrue(text.contains(source), "names the credential source: " + text);
    assertFalse(text.contains(wrong), "never prints the secret");
    assertTrue(seconds < 60, "no retry storm: " + seconds + " s");
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) n++;
    return n;
  }

  private static void awaitLog(Path log, String needle, int times) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (count(UploaderProcess.logText(log), needle) < times) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "no " + needle + " x" + times + " in 90 s: " + UploaderProcess.logText(log));
      }
      Thread.sleep(100);
    }
  }

  static void assertExactlyOnce(TestDatabase db, List<Map<String, Object>> rows) {
    List<Long> ids =
        rows.stream().map(r -> (Long) r.get("id")).sorted().collect(Collectors.toList());
    assertEquals(ids.size(), ids.stream().distinct().count(), "no row twice");
    assertEquals(
        db.count("SELECT count(*) FROM " + SampleDatabase.TABLE), ids.size(), "every row once");
  }
}
