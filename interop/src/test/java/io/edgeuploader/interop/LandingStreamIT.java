package io.edgeuploader.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeuploader.UploaderProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The landing mode end to end with the open-source counterpart of Databricks Auto Loader: Spark
 * Structured Streaming's file source, which records every file it has read in its checkpoint,
 * streams the landing files into a Delta table. The uploader is SIGKILLed and restarted while the
 * application writes, and the stream is stopped and started again; every source row arrives once.
 */
class LandingStreamIT {
  private static SparkSession spark;

  @TempDir Path dir;

  @BeforeAll
  static void startSpark() {
    spark = LocalSpark.session();
  }

  private Process uploader(Path db, Path landing, Path log) throws Exception {
    return UploaderProcess.start(
        log,
        Map.of(),
        "run",
        "--interval",
        "1",
        "--batch-rows",
        "700",
        "--sqlite",
        db.toString(),
        "--landing-path",
        landing.toString(),
        "--state-dir",
        dir.resolve("state").toString(),
        "--node-id",
        "edge-1");
  }

  private StreamingQuery stream(StructType schema, Path landing, Path table) throws Exception {
    Dataset<Row> files =
        spark
            .readStream()
            .format("parquet")
            .schema(schema)
            .option("maxFilesPerTrigger", "4")
            .load(landing + "/*/*/*/*.parquet");
    return files
        .writeStream()
        .format("delta")
        .option("checkpointLocation", dir.resolve("stream-checkpoint").toString())
        .trigger(Trigger.ProcessingTime(500))
        .start(table.toString());
  }

  private static long count(Path db, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  @Test
  void everyRowOnceThroughUploaderKillsAndStreamRestarts() throws Exception {
    Path db = dir.resolve("sensors.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("CREATE TABLE readings (id INTEGER PRIMARY KEY, ts TEXT, k TEXT, v REAL)");
    }
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicLong written = new AtomicLong();
    Thread app = new Thread(() -> write(db, writing, written), "app");
    app.start();
    Path landing = dir.resolve("landing");
    Path table = dir.resolve("bronze");
    Path log = dir.resolve("uploader.log");
    Random random = new Random(11);
    Process up = uploader(db, landing, log);
    StreamingQuery query = null;
    try {
      Path first = awaitFirstFile(landing, log);
      StructType schema = spark.read().parquet(first.toString()).schema();
      query = stream(schema, landing, table);
      for (int round = 0; round < 4; round++) {
        Thread.sleep(2500 + random.nextInt(2500));
        up.destroyForcibly(); // SIGKILL, mid-batch or not
        up.waitFor(10, TimeUnit.SECONDS);
        if (round == 1) {
          query.stop(); // the ingester stops too, and starts again from its checkpoint
          query = stream(schema, landing, table);
        }
        up = uploader(db, landing, log);
      }
      writing.set(false);
      app.join();
      long rows = count(db, "SELECT count(*) FROM readings");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (landedRows(landing) < rows) {
        assertTrue(
            System.nanoTime() < deadline, "the uploader caught up: " + Files.readString(log));
        Thread.sleep(500);
      }
      query.processAllAvailable();
    } finally {
      if (query != null) query.stop();
      up.destroy();
      up.waitFor(15, TimeUnit.SECONDS);
      writing.set(false);
    }
    Dataset<Row> bronze = spark.read().format("delta").load(table.toString());
    long rows = count(db, "SELECT count(*) FROM readings");
    assertTrue(written.get() > 1000, "the application wrote while the uploader was killed");
    assertEquals(rows, bronze.count(), "every row");
    assertEquals(rows, bronze.select("k").distinct().count(), "no row twice, by the app's key");
    assertEquals("edge-1", bronze.select("_node_id").distinct().first().getString(0));
  }

  private static Path awaitFirstFile(Path landing, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      List<Path> files = landed(landing);
      if (!files.isEmpty()) return files.get(0);
      assertTrue(System.nanoTime() < deadline, "a first landing file: " + Files.readString(log));
      Thread.sleep(200);
    }
  }

  private static List<Path> landed(Path landing) throws Exception {
    if (!Files.exists(landing)) return List.of();
    try (Stream<Path> all = Files.walk(landing)) {
      return all.filter(p -> p.getFileName().toString().matches("\\d{20}\\.parquet"))
          .sorted()
          .toList();
    }
  }

  private static long landedRows(Path landing) throws Exception {
    List<Path> files = landed(landing);
    if (files.isEmpty()) return 0;
    return spark.read().parquet(files.stream().map(Path::toString).toArray(String[]::new)).count();
  }

  /** The application: a few rows at a time, each with a key of its own. */
  private static void write(Path db, AtomicBoolean writing, AtomicLong written) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA busy_timeout = 10000");
      }
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO readings (ts, k, v) VALUES (?, ?, ?)")) {
        while (writing.get()) {
          for (int i = 0; i < 20; i++) {
            long n = written.incrementAndGet();
            ps.setString(1, Instant.now().toString());
            ps.setString(2, "key-" + n);
            ps.setDouble(3, n);
            ps.executeUpdate();
          }
          Thread.sleep(10);
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
