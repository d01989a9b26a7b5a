package io.edgeuploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeuploader.cli.SampleDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image, built offline exactly as the README says (local base, then Jib), loaded into
 * podman and run against a mounted SQLite file and a mounted Delta directory; then the same through
 * start-uploader.sh. The table is checked from the host.
 */
class ImageIT {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final String IMAGE = "localhost/edge-uploader:0.1.0-SNAPSHOT";
  static final Map<String, String> PODMAN =
      Map.of(
          "CONTAINERS_CONF", ROOT.resolve("deploy/podman/containers.conf").toString(),
          "CONTAINERS_STORAGE_CONF", ROOT.resolve("deploy/podman/storage.conf").toString());

  @TempDir Path dir;

  record Result(int code, String output) {}

  static Result exec(Path cwd, Map<String, String> env, String... command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
    pb.redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.MINUTES)) throw new AssertionError("timed out: " + command[0]);
    return new Result(p.exitValue(), out);
  }

  @BeforeAll
  static void buildAndLoadTheImage() throws Exception {
    try {
      exec(ROOT, PODMAN, "podman", "--version");
    } catch (IOException noPodman) {
      Assumptions.assumeTrue(
          System.getenv("CI") != null, "podman is not installed: image tests skipped");
      throw noPodman;
    }
    Result base = exec(ROOT, Map.of(), "deploy/make-local-base.sh");
    assertEquals(0, base.code(), base.output());
    // The README's second step, minus the package it already did: Jib alone, on the local base.
    Result jib =
        exec(ROOT, Map.of(), "mvn", "-B", "-q", "-pl", "uploader", "-Pimage-local", "jib:buildTar");
    assertEquals(0, jib.code(), jib.output());
    Result load = exec(ROOT, PODMAN, "podman", "load", "-q", "-i", "uploader/target/jib-image.tar");
    assertEquals(0, load.code(), load.output());
  }

  @Test
  void onceInsideTheContainerUploadsTheMountedDatabase() throws Exception {
    TestDatabase db = new TestDatabase(Files.createDirectories(dir.resolve("data")));
    SampleDatabase.append(db.file, 1500, Instant.parse("2024-01-01T00:00:00Z"), 1);
    Path lake = Files.createDirectories(dir.resolve("lake"));
    Path state = Files.createDirectories(dir.resolve("state"));
    Result r =
        exec(
            dir,
            PODMAN,
            "podman",
            "run",
            "--rm",
            "--pull=never",
            "--user",
            "0:0",
            "-v",
            db.dir + ":/data",
            "-v",
            lake + ":/lake",
            "-v",
            state + ":/state",
            IMAGE,
            "once",
            "--sqlite",
            "/data/source.db",
            "--table-path",
            "/lake/readings",
            "--node-id",
            "container-node");
    assertEquals(0, r.code(), r.output());
    assertTrue(r.output().contains("uploaded 1500 rows"), r.output());
    List<Map<String, Object>> rows = new DeltaTableReader(lake.resolve("readings")).rows();
    BackendIT.assertExactlyOnce(db, rows);
    assertEquals("container-node", rows.get(0).get("_node_id"));
  }

  @Test
  void startUploaderRunsTheDaemonContainer() throws Exception {
    TestDatabase db = new TestDatabase(Files.createDirectories(dir.resolve("data")));
    SampleDatabase.append(db.file, 800, Instant.parse("2024-01-01T00:00:00Z"), 2);
    Path lake = dir.resolve("lake");
    Path config = dir.resolve("uploader-config.yaml");
    Files.writeString(
        config,
        "sqlite: "
            + db.file
            + "\ntable_path: "
            + lake
            + "\nstate_dir: "
            + dir.resolve("state")
            + "\n");
    String name = "edge-uploader-it-" + ProcessHandle.current().pid();
    List<String> start =
        new ArrayList<>(
            List.of(
                ROOT.resolve("start-uploader.sh").toString(),
                "--image",
                IMAGE,
                "--name",
                name,
                config.toString(),
                "--interval",
                "1"));
    Result started = exec(dir, PODMAN, start.toArray(new String[0]));
    try {
      assertEquals(0, started.code(), started.output());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (!Files.exists(lake.resolve("_delta_log/00000000000000000001.json"))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "no commit in 90 s: " + exec(dir, PODMAN, "podman", "logs", name).output());
        }
        Thread.sleep(250);
      }
      SampleDatabase.append(db.file, 200, Instant.parse("2024-02-01T00:00:00Z"), 3);
      while (new DeltaTableReader(lake).rows().size() < 1000) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "new rows not uploaded: " + exec(dir, PODMAN, "podman", "logs", name).output());
        }
        Thread.sleep(500);
      }
    } finally {
      exec(dir, PODMAN, "podman", "rm", "--force", "--time", "10", name);
    }
    BackendIT.assertExactlyOnce(db, new DeltaTableReader(lake).rows());
  }
}
