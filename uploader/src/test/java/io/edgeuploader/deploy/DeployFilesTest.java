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
    List<String> command = new ArrayList<>(List.of("shellcheck"));
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
    Assumptions.assumeFalse(
        out.contains("neither a docker engine nor podman"), "no container engine: " + out);
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
}
