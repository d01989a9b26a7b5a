package io.edgeuploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeuploader.TestStores.Backend;
import io.edgeuploader.cli.SampleDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The landing mode with the real jar on every backend: each batch one file, never two for the same
 * rows, through crashes at each step, after the ingester cleaned files up, and with two processes
 * uploading the same source.
 */
class LandingIT {
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

  private String newZone(Backend backend) throws Exception {
    return stores.newLocation(backend, dir, "landing/readings");
  }

  private static Map<String, String> env(Backend backend) throws Exception {
    return stores.env(backend);
  }

  private static String[] once(TestDatabase db, String zone, String node, String... extra) {
    List<String> args = new ArrayList<>(List.of("--landing-path", zone));
    args.addAll(extra.length > 0 ? List.of(extra) : List.of("--batch-rows", "700"));
    String[] a = UploaderProcess.argsOn(db, "unused", node, "once", args.toArray(new String[0]));
    // argsOn always names a table path: this source lands files instead.
    List<String> list = new ArrayList<>(List.of(a));
    int i = list.indexOf("--table-path");
    list.remove(i);
    list.remove(i);
    return list.toArray(new String[0]);
  }

  /** Every source row landed once: by id, against SQLite. */
  private static void assertLandedOnce(TestDatabase db, List<Map<String, Object>> rows) {
    List<Long> ids =
        rows.stream().map(r -> (Long) r.get("id")).sorted().collect(Collectors.toList());
    assertEquals(ids.size(), ids.stream().distinct().count(), "no row twice");
    assertEquals(db.count("SELECT count(*) FROM " + SampleDatabase.TABLE), ids.size(), "every row");
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aCrashAtEachStepLandsEveryRowOnce(Backend backend) throws Exception {
    TestDatabase db = new TestDatabase(dir);
    String zone = newZone(backend);
    Path log = dir.resolve("uploader.log");
    SampleDatabase.append(db.file, 2000, Instant.parse("2024-01-01T00:00:00Z"), 1);
    assertEquals(
        0,
        UploaderProcess.run(log, env(backend), once(db, zone, "n1")),
        UploaderProcess.logText(log));
    assertEquals(3, new LandedFiles(zone, env(backend)).files().size(), "one file a batch");
    for (CrashPoint point : CrashPoint.COMMIT_STEPS) {
      SampleDatabase.append(db.file, 300, Instant.parse("2024-03-01T00:00:00Z"), 4);
      Map<String, String> env = new HashMap<>(env(backend));
      env.put(CrashPoint.ENV, point.name().toLowerCase().replace('_', '-'));
      assertEquals(
          137, UploaderProcess.run(log, env, once(db, zone, "n1")), UploaderProcess.logText(log));
    }
    assertEquals(
        0,
        UploaderProcess.run(log, env(backend), once(db, zone, "n1")),
        UploaderProcess.logText(log));
    List<Map<String, Object>> rows = new LandedFiles(zone, env(backend)).rows();
    assertLandedOnce(db, rows);
    assertEquals("n1", rows.get(0).get("_node_id"));
  }

  /** The ingester removed what it loaded (cleanSource); the progress object says where we are. */
  @Test
  void filesCleanedUpAfterIngestionAreNotLandedAgain() throws Exception {
    TestDatabase db = new TestDatabase(dir);
    String zone = newZone(Backend.LOCAL);
    Path log = dir.resolve("uploader.log");
    SampleDatabase.append(db.file, 1500, Instant.parse("2024-01-01T00:00:00Z"), 1);
    assertEquals(0, UploaderProcess.run(log, Map.of(), once(db, zone, "n1")));
    for (org.apache.hadoop.fs.Path f : new LandedFiles(zone, Map.of()).files()) {
      Files.delete(Path.of(f.toUri()));
    }
    SampleDatabase.append(db.file, 100, Instant.parse("2024-02-01T00:00:00Z"), 2);
    assertEquals(
        0, UploaderProcess.run(log, Map.of(), once(db, zone, "n1")), UploaderProcess.logText(log));
    List<org.apache.hadoop.fs.Path> files = new LandedFiles(zone, Map.of()).files();
    assertEquals(1, files.size(), files.toString());
    assertTrue(files.get(0).getName().equals("00000000000000000004.parquet"), "numbering goes on");
    assertEquals(100, new LandedFiles(zone, Map.of()).rows().size(), "only the new rows");
  }

  /** Files and progress objects gone alike: the state directory still knows the last batch. */
  @Test
  void aZoneCleanedOfEverythingIsContinuedFromTheStateCache() throws Exception {
    TestDatabase db = new TestDatabase(dir);
    String zone = newZone(Backend.LOCAL);
    Path log = dir.resolve("uploader.log");
    SampleDatabase.append(db.file, 800, Instant.parse("2024-01-01T00:00:00Z"), 1);
    assertEquals(0, UploaderProcess.run(log, Map.of(), once(db, zone, "n1")));
    try (Stream<Path> all = Files.walk(Path.of(zone))) {
      for (Path p : all.sorted((a, b) -> b.compareTo(a)).toList()) Files.delete(p);
    }
    SampleDatabase.append(db.file, 50, Instant.parse("2024-02-01T00:00:00Z"), 2);
    assertEquals(
        0, UploaderProcess.run(log, Map.of(), once(db, zone, "n1")), UploaderProcess.logText(log));
    assertTrue(
        UploaderProcess.logText(log).contains("event=sink_behind_cache"),
        UploaderProcess.logText(log));
    assertEquals(50, new LandedFiles(zone, Map.of()).rows().size(), "only the new rows");
  }

  /** Two processes upload the same source at once: a batch's name is taken only once. */
  @ParameterizedTest
  @EnumSource(
      value = Backend.class,
      names = {"LOCAL", "S3"})
  void twoProcessesOfOneSourceNeverLandABatchTwice(Backend backend) throws Exception {
    TestDatabase db = new TestDatabase(dir);
    String zone = newZone(backend);
    SampleDatabase.append(db.file, 6000, Instant.parse("2024-01-01T00:00:00Z"), 3);
    List<Process> both = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      both.add(
          UploaderProcess.start(
              dir.resolve("p" + i + ".log"),
              env(backend),
              once(db, zone, "n1", "--batch-rows", "400")));
    }
    // A misconfiguration, not a use: a process that keeps losing gives up (exit 4) saying why.
    for (int i = 0; i < 2; i++) {
      assertTrue(both.get(i).waitFor(180, TimeUnit.SECONDS));
      String text = UploaderProcess.logText(dir.resolve("p" + i + ".log"));
      int code = both.get(i).exitValue();
      assertTrue(code == 0 || (code == 4 && text.contains("another process landed batch")), text);
    }
    Path log = dir.resolve("uploader.log");
    assertEquals(
        0,
        UploaderProcess.run(log, env(backend), once(db, zone, "n1")),
        UploaderProcess.logText(log));
    assertLandedOnce(db, new LandedFiles(zone, env(backend)).rows());
  }
}
