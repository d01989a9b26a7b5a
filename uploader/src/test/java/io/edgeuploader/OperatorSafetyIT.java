package io.edgeuploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.edgeuploader.cli.SampleDatabase;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What operators do and what goes wrong around them, with the real jar: stopping the daemon,
 * replacing or restoring the database under it, a table directory it may not write, and stores that
 * refuse or do not answer. Each ends as the README says: a clean exit, nothing lost or twice, or
 * one error line and a code a script can act on.
 */
class OperatorSafetyIT {
  @TempDir Path dir;

  private Process daemon(TestDatabase db, Path log, Map<String, String> env) throws Exception {
    return UploaderProcess.start(log, env, UploaderProcess.args(db, "run", "--interval", "1"));
  }

  private static void await(String what, Path log, BooleanSupplier done) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + what + " in 60 s: " + UploaderProcess.logText(log));
      }
      Thread.sleep(200);
    }
  }

  private static String log(Path log) {
    try {
      return UploaderProcess.logText(log);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TERM", "INT"})
  void aStopSignalEndsTheDaemonCleanlyWithExitCode0(String signal) throws Exception {
    TestDatabase db = new TestDatabase(dir);
    SampleDatabase.append(db.file, 2000, Instant.parse("2024-01-01T00:00:00Z"), 1);
    Path log = dir.resolve("uploader.log");
    Process p = daemon(db, log, Map.of());
    await("commit", log, () -> log(log).contains("event=commit"));
    new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
    assertTrue(p.waitFor(10, TimeUnit.SECONDS), "stopped within 10 s");
    assertEquals(0, p.exitValue(), log(log));
    assertTrue(log(log).contains("event=stop_requested signal=" + signal), log(log));
  }

  /** A backup of the database moved into place under a running daemon, in both journal modes. */
  @ParameterizedTest
  @ValueSource(strings = {"WAL", "DELETE"})
  void aDatabaseReplacedUnderTheDaemonIsReopenedAndItsNewRowsUploaded(String journal)
      throws Exception {
    TestDatabase db = new TestDatabase(dir);
    SampleDatabase.append(db.file, 1000, Instant.parse("2024-01-01T00:00:00Z"), 1);
    db.sql("PRAGMA journal_mode=" + journal);
    Path log = dir.resolve("uploader.log");
    Process p = daemon(db, log, Map.of());
    try {
      await("first commit", log, () -> log(log).contains("event=commit"));
      Path replacement = dir.resolve("replacement.db");
      db.sql("VACUUM INTO '" + replacement + "'");
      TestDatabase next = new TestDatabase(dir);
      SampleDatabase.append(replacement, 500, Instant.parse("2024-02-01T00:00:00Z"), 2);
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + replacement);
          Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode=" + journal);
      }
      Files.move(replacement, db.file, StandardCopyOption.REPLACE_EXISTING);
      await(
          "the new file's rows",
          log,
          () -> {
            try {
              return next.reader().rows().size() == 1500 || !p.isAlive();
            } catch (RuntimeException e) {
              return false;
            }
          });
      assertTrue(p.isAlive(), "still running: " + log(log));
      assertTrue(log(log).contains("event=database_replaced"), log(log));
    } finally {
      p.destroy();
      p.waitFor(15, TimeUnit.SECONDS);
    }
    CrashIT.assertExactlyOnce(db);
  }

  /**
   * A backup taken before a column was added is restored under the daemon, and the application
   * writes on: rowids below the cursor come back, and no row already uploaded goes in again.
   */
  @Test
  void aRestoredOlderBackupUploadsNothingTwiceAndWhatIsWrittenAfterwardsOnce() throws Exception {
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "PRAGMA journal_mode=WAL",
                "CREATE TABLE readings (id INTEGER PRIMARY KEY, ts TEXT, k TEXT UNIQUE, v REAL)");
    insert(db, 0, 3000, "2024-01-01T00:00:00Z");
    Path backup = dir.resolve("backup.db");
    db.sql("VACUUM INTO '" + backup + "'");
    Path log = dir.resolve("uploader.log");
    Process p = daemon(db, log, Map.of());
    try {
      await("first commit", log, () -> log(log).contains("event=commit"));
      db.sql("ALTER TABLE readings ADD COLUMN pressure REAL");
      insert(db, 3000, 2000, "2024-01-02T00:00:00Z");
      await("5000 rows", log, () -> rows(db).size() == 5000);
      Files.move(backup, db.file, StandardCopyOption.REPLACE_EXISTING);
      Files.deleteIfExists(Path.of(db.file + "-wal"));
      Files.deleteIfExists(Path.of(db.file + "-shm"));
      await("the restore noticed", log, () -> log(log).contains("event=database_replaced"));
      insert(db, 5000, 700, "2024-01-03T00:00:00Z");
      await("5700 rows", log, () -> rows(db).size() >= 5700);
      Thread.sleep(3000); // a few more passes: nothing more may come
      assertTrue(p.isAlive(), log(log));
    } finally {
      p.destroy();
      p.waitFor(15, TimeUnit.SECONDS);
    }
    List<Map<String, Object>> rows = rows(db);
    assertEquals(5700, rows.size(), "every row once by the application's key");
    assertEquals(5700, rows.stream().map(r -> r.get("k")).distinct().count(), "no key twice");
  }

  private static List<Map<String, Object>> rows(TestDatabase db) {
    try {
      return db.reader().rows();
    } catch (RuntimeException e) {
      return List.of();
    }
  }

  private static void insert(TestDatabase db, int from, int n, String day) {
    db.sql(
        "WITH RECURSIVE i(x) AS (SELECT "
            + from
            + " UNION ALL SELECT x + 1 FROM i WHERE x < "
            + (from + n - 1)
            + ") INSERT INTO readings (ts, k, v) SELECT strftime('%Y-%m-%dT%H:%M:%SZ', '"
            + day
            + "', '+' || x || ' seconds'), 'key-' || x, x FROM i");
  }

  /**
   * Tests run as root, which may write anywhere: the uploader runs as nobody here, as a service's
   * own user would, against a table directory it may not write.
   */
  @Test
  void aTableDirectoryTheUserMayNotWriteStopsOnceAndRunAtOnce() throws Exception {
    Path open = Files.createTempDirectory("uploader-nobody");
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    TestDatabase db = new TestDatabase(open);
    SampleDatabase.append(db.file, 10, Instant.parse("2024-01-01T00:00:00Z"), 1);
    Files.setPosixFilePermissions(db.file, PosixFilePermissions.fromString("rw-rw-rw-"));
    Path lake = Files.createDirectories(open.resolve("lake"));
    Files.setPosixFilePermissions(lake, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path log = open.resolve("uploader.log");
    for (String command : List.of("once", "run")) {
      List<String> args = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534"));
      args.addAll(
          List.of(
              "--clear-groups",
              Path.of(System.getProperty("java.home"), "bin", "java").toString()));
      args.addAll(List.of("-Xmx256m", "-jar", UploaderProcess.JAR.toString()));
      args.addAll(List.of(UploaderProcess.argsOn(db, lake.resolve("t").toString(), "n1", command)));
      Files.deleteIfExists(log);
      long began = System.nanoTime();
      Process p =
          new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), command + " ended: " + log(log));
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began);
      String text = log(log);
      assertEquals(4, p.exitValue(), command + ": " + text);
      assertTrue(text.contains("permission denied"), text);
      assertTrue(text.contains(lake + " is not writable"), text);
      assertFalse(text.contains("pass_failed"), "not retried: " + text);
      assertTrue(seconds < 15, command + " took " + seconds + " s");
    }
  }

  /** One error line of under 300 characters, naming the store, the cause and the fix. */
  private static void assertOneShortErrorLine(String text, String... mentions) {
    List<String> errors = text.lines().filter(l -> l.startsWith("error: ")).toList();
    assertEquals(1, errors.size(), text);
    String error = errors.get(0);
    assertTrue(error.length() < 300, error.length() + " characters: " + error);
    for (String m : mentions) assertTrue(error.contains(m), m + " in " + error);
    assertFalse(text.contains("\tat "), "no stack frames: " + text);
    assertTrue(text.lines().count() <= 4, "a few lines, not pages: " + text);
  }

  @Test
  void s3WithoutCredentialsIsOneShortErrorLine() throws Exception {
    try (S3ProxyServer s3 = S3ProxyServer.start(dir.resolve("s3"))) {
      TestDatabase db = new TestDatabase(dir);
      SampleDatabase.append(db.file, 10, Instant.parse("2024-01-01T00:00:00Z"), 1);
      Map<String, String> env = new HashMap<>(noCloudCredentials());
      env.put("AWS_ENDPOINT_URL", s3.env().get("AWS_ENDPOINT_URL"));
      env.put("AWS_REGION", "us-east-1");
      String table = "s3://" + s3.createBucket("bucket-nocreds") + "/t";
      Path log = dir.resolve("uploader.log");
      int code = UploaderProcess.run(log, env, UploaderProcess.argsOn(db, table, "n1", "once"));
      assertEquals(4, code, log(log));
      assertOneShortErrorLine(log(log), "s3a://bucket-nocreds/t", "check the credentials");
    }
  }

  @Test
  void anEndpointRefusingConnectionsFailsOnceWithinTenSeconds() throws Exception {
    TestDatabase db = new TestDatabase(dir);
    SampleDatabase.append(db.file, 10, Instant.parse("2024-01-01T00:00:00Z"), 1);
    Map<String, String> env = new HashMap<>(noCloudCredentials());
    env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:1");
    env.put("AWS_ACCESS_KEY_ID", "id");
    env.put("AWS_SECRET_ACCESS_KEY", "secret");
    Path log = dir.resolve("uploader.log");
    long began = System.nanoTime();
    int code = UploaderProcess.run(log, env, UploaderProcess.argsOn(db, "s3://b/t", "n1", "once"));
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
    assertEquals(4, code, log(log));
    assertTrue(millis <= 10_000, "took " + millis + " ms: " + log(log));
    assertOneShortErrorLine(log(log), "s3a://b/t", "Connection refused", "run again");
  }

  /**
   * ADLS through the machine's managed identity, where there is none: the token endpoint (a
   * stand-in on 127.0.0.1, as everything the tests reach) answers 403. A person must fix that, so
   * neither once nor run retries it.
   */
  @Test
  void adlsWithARefusedManagedIdentityStopsOnceAndRunAtOnce() throws Exception {
    HttpServer identity = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
    identity.createContext(
        "/",
        x -> {
          byte[] body = "{\"error\":\"invalid_request\"}".getBytes();
          x.getResponseHeaders().set("Content-Type", "application/json");
          x.sendResponseHeaders(403, body.length);
          x.getResponseBody().write(body);
          x.close();
        });
    identity.start();
    try {
      int port = identity.getAddress().getPort();
      TestDatabase db = new TestDatabase(dir);
      SampleDatabase.append(db.file, 10, Instant.parse("2024-01-01T00:00:00Z"), 1);
      Path config = dir.resolve("adls.yaml");
      Files.writeString(
          config,
          "sqlite: "
              + db.file
              + "\ntable_path: abfss://lake@account.dfs.core.windows.net/t\nstate_dir: "
              + db.state
              + "\nnode_id: n1\nstorage_options:\n"
              + "  fs.azure.account.oauth2.msi.endpoint: http://127.0.0.1:"
              + port
              + "/token\n  fs.azure.abfs.endpoint: 127.0.0.1:"
              + port
              + "\n  fs.azure.always.use.https: \"false\"\n");
      for (String command : List.of("once", "run")) {
        Path log = dir.resolve(command + ".log");
        long began = System.nanoTime();
        int code =
            UploaderProcess.run(log, noCloudCredentials(), command, "--config", config.toString());
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began);
        assertEquals(4, code, log(log));
        assertOneShortErrorLine(
            log(log), "abfss://lake@account.dfs.core.windows.net/t", "403", "managed identity");
        assertTrue(seconds < 20, command + " took " + seconds + " s");
      }
    } finally {
      identity.stop(0);
    }
  }

  /** No cloud credential from the machine or the user's files, and no instance metadata calls. */
  private static Map<String, String> noCloudCredentials() {
    return Map.of(
        "AWS_EC2_METADATA_DISABLED", "true",
        "AWS_SHARED_CREDENTIALS_FILE", "/nonexistent",
        "AWS_CONFIG_FILE", "/nonexistent");
  }
}
