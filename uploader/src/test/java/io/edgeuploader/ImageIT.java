package io.edgeuploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeuploader.cli.SampleDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image, built offline exactly as the README says (local bases, then the image-local
 * profile: one image per architecture merged into an OCI index), loaded into podman from the index
 * and run against a mounted SQLite file and a mounted Delta directory: natively on amd64, and on
 * arm64 under qemu-user emulation; then the daemon through start-uploader.sh. The tables are
 * checked from the host, and each architecture's image against the size budget.
 */
class ImageIT {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final Path INDEX = ROOT.resolve("uploader/target/image-index.tar");

  /** The host's platform (amd64), as `podman load` of the index stores it. */
  static final String IMAGE = "localhost/edge-uploader:0.1.0-SNAPSHOT";

  static final String IMAGE_ARM64 = IMAGE + "-arm64";

  /** Compressed bytes per architecture (layers and config, what a pull downloads): 100 MB. */
  static final long SIZE_BUDGET = 100_000_000L;

  /** This checkout's own podman storage (deploy/podman/checkout-env.sh). */
  static Map<String, String> podman;

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
      exec(ROOT, Map.of(), "podman", "--version");
    } catch (IOException noPodman) {
      Assumptions.assumeTrue(
          System.getenv("CI") != null, "podman is not installed: image tests skipped");
      throw noPodman;
    }
    // The arm64 image's class-data archive is recorded by running it: that needs qemu-user.
    Path binfmt = Path.of("/proc/sys/fs/binfmt_misc/qemu-aarch64");
    boolean emulation = Files.exists(binfmt) && Files.readString(binfmt).startsWith("enabled");
    Assumptions.assumeTrue(
        emulation || System.getenv("CI") != null,
        "no qemu-aarch64 binfmt entry (see README, Running on ARM): image tests skipped");
    assertTrue(emulation, "CI must register qemu-aarch64 with binfmt_misc (.ci/run)");

    podman = new HashMap<>();
    Result settings = exec(ROOT, Map.of(), "deploy/podman/checkout-env.sh");
    assertEquals(0, settings.code(), settings.output());
    for (String line : settings.output().strip().split("\n")) {
      podman.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
    }
    Result base = exec(ROOT, Map.of(), "deploy/make-local-base.sh");
    assertEquals(0, base.code(), base.output());
    // The README's second command, on this module (the reactor's other module is test-only).
    Result image =
        exec(
            ROOT,
            Map.of(),
            "mvn",
            "-B",
            "-q",
            "-pl",
            "uploader",
            "-DskipTests",
            "-Pimage-local",
            "package");
    assertEquals(0, image.code(), image.output());
    // The index holds both platforms: arm64 is pulled by platform and tagged, then the host's
    // platform is loaded under the image's own name.
    Result arm64 =
        exec(
            ROOT,
            podman,
            "podman",
            "pull",
            "-q",
            "--platform",
            "linux/arm64",
            "oci-archive:" + INDEX);
    assertEquals(0, arm64.code(), arm64.output());
    String arm64Id = arm64.output().strip().lines().reduce((a, b) -> b).orElseThrow();
    Result tag = exec(ROOT, podman, "podman", "tag", arm64Id, IMAGE_ARM64);
    assertEquals(0, tag.code(), tag.output());
    Result load = exec(ROOT, podman, "podman", "load", "-q", "-i", INDEX.toString());
    assertEquals(0, load.code(), load.output());
    // The previous run's images, untagged by these loads: 220 MB each in vfs storage.
    exec(ROOT, podman, "podman", "image", "prune", "--force");
  }

  @Test
  void onceInsideTheContainerUploadsTheMountedDatabase() throws Exception {
    assertEquals("amd64", architecture(IMAGE));
    uploadOnceIn(IMAGE, "linux/amd64", 1500, "container-node");
  }

  /** The arm64 image, under qemu-user emulation (~20-40x slower): a few thousand rows. */
  @Test
  void onceInTheArm64ImageUploadsTheMountedDatabaseUnderEmulation() throws Exception {
    assertEquals("arm64", architecture(IMAGE_ARM64));
    uploadOnceIn(IMAGE_ARM64, "linux/arm64", 2000, "arm64-node");
  }

  private void uploadOnceIn(String image, String platform, int rows, String node) throws Exception {
    TestDatabase db = new TestDatabase(Files.createDirectories(dir.resolve("data")));
    SampleDatabase.append(db.file, rows, Instant.parse("2024-01-01T00:00:00Z"), 1);
    Path lake = Files.createDirectories(dir.resolve("lake"));
    Path state = Files.createDirectories(dir.resolve("state"));
    Result r =
        exec(
            dir,
            podman,
            "podman",
            "run",
            "--rm",
            "--pull=never",
            "--platform",
            platform,
            "--user",
            "0:0",
            // -Xshare:on stops the JVM unless it maps the image's own class-data archive.
            "-e",
            "JAVA_TOOL_OPTIONS=-Xshare:on",
            "-v",
            db.dir + ":/data",
            "-v",
            lake + ":/lake",
            "-v",
            state + ":/state",
            image,
            "once",
            "--sqlite",
            "/data/source.db",
            "--table-path",
            "/lake/readings",
            "--node-id",
            node);
    assertEquals(0, r.code(), r.output());
    assertTrue(r.output().contains("uploaded " + rows + " rows"), r.output());
    List<Map<String, Object>> table = new DeltaTableReader(lake.resolve("readings")).rows();
    BackendIT.assertExactlyOnce(db, table);
    assertEquals(node, table.get(0).get("_node_id"));
  }

  private static String architecture(String image) throws Exception {
    Result r =
        exec(ROOT, podman, "podman", "image", "inspect", "--format", "{{.Architecture}}", image);
    assertEquals(0, r.code(), r.output());
    return r.output().strip();
  }

  /** What a pull of each platform downloads, read from the index as a registry would serve it. */
  @Test
  void eachArchitectureFitsTheSizeBudget() throws Exception {
    Path unpacked = Files.createDirectories(dir.resolve("index"));
    Result untar = exec(dir, Map.of(), "tar", "-xf", INDEX.toString(), "-C", unpacked.toString());
    assertEquals(0, untar.code(), untar.output());
    ObjectMapper json = new ObjectMapper();
    JsonNode top = json.readTree(unpacked.resolve("index.json").toFile());
    JsonNode index = json.readTree(blob(unpacked, top.get("manifests").get(0)).toFile());
    Map<String, Long> sizes = new TreeMap<>();
    for (JsonNode entry : index.get("manifests")) {
      JsonNode manifest = json.readTree(blob(unpacked, entry).toFile());
      long bytes = manifest.get("config").get("size").asLong();
      for (JsonNode layer : manifest.get("layers")) bytes += layer.get("size").asLong();
      sizes.put(entry.get("platform").get("architecture").asText(), bytes);
    }
    assertEquals(List.of("amd64", "arm64"), new ArrayList<>(sizes.keySet()), sizes.toString());
    sizes.forEach(
        (arch, bytes) ->
            assertTrue(
                bytes <= SIZE_BUDGET,
                arch + " image is " + bytes + " bytes compressed, over the 100 MB budget"));
  }

  private static Path blob(Path layout, JsonNode descriptor) {
    return layout.resolve("blobs/sha256").resolve(descriptor.get("digest").asText().substring(7));
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
    Result started = exec(dir, podman, start.toArray(new String[0]));
    try {
      assertEquals(0, started.code(), started.output());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (!Files.exists(lake.resolve("_delta_log/00000000000000000001.json"))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "no commit in 90 s: " + exec(dir, podman, "podman", "logs", name).output());
        }
        Thread.sleep(250);
      }
      SampleDatabase.append(db.file, 200, Instant.parse("2024-02-01T00:00:00Z"), 3);
      while (new DeltaTableReader(lake).rows().size() < 1000) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "new rows not uploaded: " + exec(dir, podman, "podman", "logs", name).output());
        }
        Thread.sleep(500);
      }
    } finally {
      exec(dir, podman, "podman", "rm", "--force", "--time", "10", name);
    }
    BackendIT.assertExactlyOnce(db, new DeltaTableReader(lake).rows());
  }
}
