package io.edgeuploader.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/** Static checks of the files users deploy with: scripts, unit, job specs, Dockerfile. */
class DeployFilesTest {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  record Result(int code, String output) {}

  static Result exec(List<String> command) throws Exception {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException missing) {
      // Locally a missing tool skips its check; CI installs every tool, so there it must run.
      Assumptions.assumeTrue(
          System.getenv("CI") != null, command.get(0) + " is not installed: check skipped");
      throw missing;
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return new Result(p.exitValue(), out);
  }

  @Test
  void everyShellScriptIsShellcheckClean() throws Exception {
    List<String> scripts;
    try (Stream<Path> files = Files.walk(ROOT)) {
      scripts =
          files
              .filter(f -> f.toString().endsWith(".sh") || f.endsWith(Path.of(".ci", "run")))
              .filter(f -> !f.toString().contains("/target/") && !f.toString().contains("/."))
              .map(Path::toString)
              .collect(Collectors.toList());
    }
    scripts.add(ROOT.resolve(".ci/run").toString());
    assertTrue(scripts.size() >= 3, scripts.toString());
    // -x follows the files a script sources, so variables set in one and used in the other count.
    List<String> command = new ArrayList<>(List.of("shellcheck", "-x"));
    command.addAll(scripts);
    Result r = exec(command);
    assertEquals(0, r.code(), r.output());
    assertEquals("", r.output());
  }

  @Test
  void theSystemdUnitVerifiesSilentlyAndIsHardened() throws Exception {
    Path unit = ROOT.resolve("deploy/systemd/edge-uploader.service");
    // verify exits 0 even for unknown keys and bad values: only silence means clean.
    Result r = exec(List.of("systemd-analyze", "verify", unit.toString()));
    assertEquals("", r.output().strip());
    assertEquals(0, r.code());
    String text = Files.readString(unit);
    for (String line :
        List.of(
            "Restart=on-failure",
            "EnvironmentFile=-/etc/edge-uploader/credentials.env",
            "NoNewPrivileges=yes",
            "ProtectSystem=strict",
            "PrivateTmp=yes",
            "StateDirectory=edge-uploader",
            "ReadOnlyPaths=")) {
      assertTrue(text.contains(line), line);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"uploader-daemon.yaml", "uploader-batch.yaml"})
  @SuppressWarnings("unchecked")
  void bacalhauJobsHaveWhatTheUploaderNeeds(String file) throws Exception {
    Map<String, Object> job =
        new Yaml().load(Files.readString(ROOT.resolve("deploy/bacalhau").resolve(file)));
    assertTrue(List.of("daemon", "ops", "batch", "service").contains(job.get("Type")));
    Map<String, Object> task = ((List<Map<String, Object>>) job.get("Tasks")).get(0);
    Map<String, Object> engine = (Map<String, Object>) task.get("Engine");
    assertEquals("docker", engine.get("Type"));
    Map<String, Object> params = (Map<String, Object>) engine.get("Params");
    assertTrue(String.valueOf(params.get("Image")).contains("edge-uploader"));
    // One reference for every architecture (an image index): a mixed fleet pulls its own.
    assertFalse(
        String.valueOf(params.get("Image")).matches(".*(amd64|arm64|aarch64|x86_64).*"),
        "an architecture-neutral image reference: " + params.get("Image"));
    List<String> parameters = (List<String>) params.get("Parameters");
    assertTrue(List.of("run", "once").contains(parameters.get(0)), "a subcommand: " + parameters);
    List<String> env = (List<String>) params.get("EnvironmentVariables");
    for (String key : List.of("SQLITE_PATH=/data/", "TABLE_PATH=", "STATE_DIR=/state")) {
      assertTrue(env.stream().anyMatch(e -> e.startsWith(key)), key + " in " + env);
    }
    assertFalse(
        env.stream().anyMatch(e -> e.matches("(AWS_SECRET_ACCESS_KEY|AZURE_STORAGE_KEY)=.+")),
        "no secret in a job spec");
    List<Map<String, Object>> inputs = (List<Map<String, Object>>) task.get("InputSources");
    Map<String, Object> data =
        inputs.stream().filter(i -> "/data".equals(i.get("Target"))).findFirst().orElseThrow();
    Map<String, Object> source = (Map<String, Object>) data.get("Source");
    assertEquals("local", source.get("Type"));
    assertTrue(((Map<String, Object>) source.get("Params")).containsKey("SourcePath"));
  }

  @Test
  void theDockerfileBuildsInOneStageAndRunsNonRootInAnother() throws Exception {
    List<String> lines = Files.readAllLines(ROOT.resolve("Dockerfile"));
    List<String> froms = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
    assertEquals(2, froms.size(), froms.toString());
    assertTrue(froms.get(0).matches("FROM \\$\\{BUILDER_IMAGE} AS builder"), froms.get(0));
    assertTrue(froms.get(1).matches("FROM \\$\\{RUNTIME_IMAGE} AS runtime"), froms.get(1));
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("ARG BUILDER_IMAGE=")));
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("ARG RUNTIME_IMAGE=")));
    String user =
        lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElseThrow();
    assertFalse(user.matches("USER (0|root)(:.*)?"), user);
    assertTrue(lines.stream().anyMatch(l -> l.contains("COPY --from=builder")));
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("ENTRYPOINT") && l.contains("uploader")));
    // The health check names a class that exists (OperationsIT runs it against a daemon).
    String probe = io.edgeuploader.cli.ReadyProbe.class.getName();
    assertTrue(String.join("\n", lines).contains("HEALTHCHECK"), "has a health check");
    assertTrue(lines.stream().anyMatch(l -> l.contains(probe)), "the check runs " + probe);
  }

  @Test
  void startUploaderDryRunShowsTheMountsAndPassesSecretsByNameOnly() throws Exception {
    Path dir = Files.createTempDirectory("start-uploader");
    Path db = Files.createFile(dir.resolve("sensors.db"));
    Path config = dir.resolve("uploader.yaml");
    Files.writeString(
        config,
        "sqlite: "
            + db
            + "\ntable_path: s3://lake/t  # a comment\nstate_dir: "
            + dir.resolve("st")
            + "\n");
    ProcessBuilder pb =
        new ProcessBuilder(
                ROOT.resolve("start-uploader.sh").toString(),
                "--dry-run",
                config.toString(),
                "--interval",
                "60")
            .redirectErrorStream(true);
    pb.environment().put("AWS_SECRET_ACCESS_KEY", "very-secret");
    pb.environment().put("PATH", "/usr/bin:/bin:/usr/sbin:/sbin");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    for (String part :
        List.of(
            config + ":/config/uploader-config.yaml:ro",
            dir + ":/data",
            "SQLITE_PATH=/data/sensors.db",
            dir.resolve("st") + ":/state",
            "--restart unless-stopped",
            "--env AWS_SECRET_ACCESS_KEY ",
            "run --config /config/uploader-config.yaml --interval 60")) {
      assertTrue(out.contains(part), part + " in " + out);
    }
    assertFalse(out.contains("very-secret"), out);
  }

  /**
   * The paths a unit lets its service open: ReadOnlyPaths, and ReadWritePaths plus its state dir.
   */
  private static Map<String, List<Path>> unitPaths(String unit) {
    List<Path> readOnly = new ArrayList<>();
    List<Path> writable = new ArrayList<>();
    for (String line : unit.lines().toList()) {
      String[] kv = line.split("=", 2);
      if (kv.length < 2) continue;
      for (String v : kv[1].trim().split("\\s+")) {
        if (v.isEmpty()) continue;
        switch (kv[0].trim()) {
          case "ReadOnlyPaths" -> readOnly.add(Path.of(v.replaceFirst("^-", "")));
          case "ReadWritePaths" -> writable.add(Path.of(v.replaceFirst("^-", "")));
          case "StateDirectory" -> writable.add(Path.of("/var/lib").resolve(v));
          default -> {}
        }
      }
    }
    return Map.of("read", readOnly, "write", writable);
  }

  private static boolean under(Path p, List<Path> dirs) {
    return dirs.stream().anyMatch(d -> p.normalize().startsWith(d));
  }

  /**
   * The unit's install steps copy the example config: its paths must be ones the hardened unit lets
   * the service read (the database) and write (state, a local table); and the unit's STATE_DIR,
   * which overrides the file, must agree with it.
   */
  @Test
  @SuppressWarnings("unchecked")
  void theExampleConfigsPathsAreOnesTheSystemdUnitLetsTheServiceUse() throws Exception {
    String unit = Files.readString(ROOT.resolve("deploy/systemd/edge-uploader.service"));
    Map<String, List<Path>> paths = unitPaths(unit);
    List<Path> readable = new ArrayList<>(paths.get("read"));
    readable.addAll(paths.get("write"));
    Map<String, Object> config =
        new Yaml().load(Files.readString(ROOT.resolve("config/uploader-config.yaml.example")));
    Path sqlite = Path.of((String) config.get("sqlite"));
    assertTrue(under(sqlite, readable), sqlite + " is readable by the unit: " + paths);
    Path state = Path.of((String) config.get("state_dir"));
    assertTrue(under(state, paths.get("write")), state + " is writable: " + paths);
    String table = (String) config.get("table_path");
    if (!table.contains("://")) {
      assertTrue(under(Path.of(table), paths.get("write")), table + " is writable: " + paths);
    }
    assertTrue(unit.contains("Environment=STATE_DIR=" + state + "\n"), "the unit agrees: " + state);
    assertTrue(unit.contains("Environment=NODE_ID="), "the unit names the node");
    assertTrue(unit.contains("SuccessExitStatus="), "a stop cut off by the grace period is clean");
  }

  @Test
  void startUploaderPrintsItsCommandWithoutAContainerEngineAndForwardsOperations()
      throws Exception {
    Path dir = Files.createTempDirectory("start-uploader");
    // Only the tools the script uses: no docker, no podman.
    Path bin = Files.createDirectories(dir.resolve("bin"));
    for (String tool :
        List.of(
            "bash", "sed", "head", "realpath", "dirname", "basename", "stat", "hostname", "id")) {
      Path real = Path.of("/usr/bin", tool);
      if (!Files.exists(real)) real = Path.of("/bin", tool);
      Files.createSymbolicLink(bin.resolve(tool), real);
    }
    Path db = Files.createFile(dir.resolve("sensors.db"));
    Path bundle = Files.writeString(dir.resolve("corp-ca.pem"), "-----BEGIN CERTIFICATE-----\n");
    Path config =
        Files.writeString(dir.resolve("u.yaml"), "sqlite: sensors.db\ntable_path: s3://l/t\n");
    ProcessBuilder pb =
        new ProcessBuilder(
                "/bin/bash",
                ROOT.resolve("start-uploader.sh").toString(),
                "--dry-run",
                config.toString())
            .redirectErrorStream(true);
    pb.environment().put("PATH", bin.toString());
    pb.environment().put("METRICS_PORT", "9464");
    pb.environment().put("LOG_FORMAT", "json");
    pb.environment().put("AWS_CA_BUNDLE", bundle.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    for (String part :
        List.of(
            "SQLITE_PATH=/data/sensors.db",
            dir + ":/data",
            "--env LOG_FORMAT ",
            "--env METRICS_PORT ",
            "--env METRICS_HOST=0.0.0.0",
            "--publish 127.0.0.1:9464:9464",
            bundle + ":/config/ca-bundle.pem:ro",
            "--env AWS_CA_BUNDLE=/config/ca-bundle.pem",
            "--env NODE_ID=")) {
      assertTrue(out.contains(part), part + " in " + out);
    }
    assertFalse(out.contains("--env AWS_CA_BUNDLE "), "not the host's path: " + out);
  }

  @Test
  void startUploaderHelpIsItsHeader() throws Exception {
    Result r = exec(List.of(ROOT.resolve("start-uploader.sh").toString(), "--help"));
    assertEquals(0, r.code());
    assertTrue(r.output().contains("usage: start-uploader.sh"), r.output());
    assertFalse(r.output().contains("set -euo"), r.output());
  }
}
