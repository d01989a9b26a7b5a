package io.edgeuploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeuploader.cli.SampleDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an operator sees from outside a running daemon: metrics, health, JSON logs. */
class OperationsIT {
  @TempDir Path dir;

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The value of one sample in the Prometheus text, e.g. {@code uploader_commits_total{...}}. */
  private static double sample(String metrics, String name) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*\\})? (\\S+)$")
            .matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  /** The value of the sample of {@code name} whose labels include {@code label}. */
  private static double sample(String metrics, String name, String label) {
    Matcher m =
        Pattern.compile(
                "(?m)^"
                    + Pattern.quote(name)
                    + "\\{[^}]*"
                    + Pattern.quote(label)
                    + "[^}]*\\} (\\S+)$")
            .matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  private static void await(String what, Predicate<Void> condition, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!condition.test(null)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not " + what + " in 90 s: " + UploaderProcess.logText(log));
      }
      Thread.sleep(200);
    }
  }

  private static boolean quietly(Check check) {
    try {
      return check.ok();
    } catch (Exception e) {
      return false;
    }
  }

  /** The container image's HEALTHCHECK command, run as the Dockerfile runs it. */
  private static int probe(int port) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                UploaderProcess.JAR.toString(),
                "io.edgeuploader.cli.ReadyProbe")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("METRICS_PORT", String.valueOf(port));
    Process p = pb.start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) throw new AssertionError("probe hung");
    return p.exitValue();
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  @Test
  void metricsCountWhatLandsReadinessFollowsTheStoreAndLogsAreJson() throws Exception {
    try (S3ProxyServer s3 = S3ProxyServer.start(dir.resolve("s3"))) {
      TestDatabase db = new TestDatabase(dir);
      String table = "s3://" + s3.createBucket("ops") + "/lake/readings";
      Path log = dir.resolve("uploader.log");
      int port = freePort();
      SampleDatabase.append(db.file, 1500, Instant.parse("2024-01-01T00:00:00Z"), 5);
      Process daemon =
          UploaderProcess.start(
              log,
              s3.env(),
              UploaderProcess.argsOn(
                  db,
                  table,
                  "n1",
                  "run",
                  "--interval",
                  "1",
                  "--metrics-port",
                  String.valueOf(port),
                  "--log-format",
                  "json"));
      try {
        await(
            "1500 rows in the metrics",
            x ->
                quietly(
                    () ->
                        sample(get(port, "/metrics").body(), "uploader_rows_uploaded_total")
                            == 1500),
            log);
        assertEquals(200, get(port, "/healthz").statusCode());
        assertEquals(200, get(port, "/readyz").statusCode());
        assertEquals(0, probe(port), "the image's health check passes");
        String metrics = get(port, "/metrics").body();
        assertEquals(1, sample(metrics, "uploader_commits_total"), metrics);
        assertEquals(0, sample(metrics, "uploader_rows_pending"), metrics);
        assertTrue(sample(metrics, "uploader_bytes_written_total") > 1000, metrics);
        assertEquals(1, sample(metrics, "uploader_delta_version"), metrics);
        assertEquals(1, sample(metrics, "uploader_commit_duration_seconds_count"), metrics);
        // What the store cost, by request: the commit file and the data file are PUTs.
        assertTrue(
            sample(metrics, "uploader_store_requests_total", "request=\"put\"") >= 2, metrics);
        assertTrue(sample(metrics, "uploader_store_bytes_total", "direction=\"write\"") > 1000);

        s3.stop();
        SampleDatabase.append(db.file, 700, Instant.parse("2024-02-01T00:00:00Z"), 6);
        await(
            "unready while the store is down",
            x -> quietly(() -> get(port, "/readyz").statusCode() == 503),
            log);
        String down = get(port, "/metrics").body();
        assertTrue(sample(down, "uploader_errors_total") >= 1, down);
        assertEquals(200, get(port, "/healthz").statusCode(), "alive all the same");
        assertEquals(1, probe(port), "the image's health check fails");

        s3.resume();
        await(
            "2200 rows and ready again",
            x ->
                quietly(
                    () ->
                        get(port, "/readyz").statusCode() == 200
                            && sample(get(port, "/metrics").body(), "uploader_rows_uploaded_total")
                                == 2200),
            log);
        String after = get(port, "/metrics").body();
        assertEquals(2, sample(after, "uploader_commits_total"), after);
        assertEquals(0, sample(after, "uploader_rows_pending"), after);
        assertTrue(sample(after, "uploader_retries_total") >= 1, after);
      } finally {
        daemon.destroy();
        daemon.waitFor(15, TimeUnit.SECONDS);
      }
      BackendIT.assertExactlyOnce(db, new DeltaTableReader(table, s3.env()).rows());

      ObjectMapper json = new ObjectMapper();
      int commits = 0;
      for (String line : Files.readAllLines(log)) {
        JsonNode entry = json.readTree(line); // every line is one JSON object
        assertTrue(entry.has("time") && entry.has("level"), line);
        assertFalse(line.contains(S3ProxyServer.CREDENTIAL), "no secret in the log: " + line);
        if ("commit".equals(entry.path("event").asText())) {
          commits++;
          assertTrue(entry.get("rows").isNumber(), line);
          assertTrue(entry.get("version").isNumber(), line);
          assertTrue(entry.get("duration_ms").isNumber(), line);
          assertEquals(SampleDatabase.TABLE, entry.get("table").asText(), line);
        }
      }
      assertEquals(2, commits);
    }
  }
}
