package io.edgeuploader.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeuploader.UploaderProcess;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference reader: Apache Spark in local mode with delta-spark (what Databricks runs) reads
 * the tables the real uploader.jar wrote, and every value is compared with what SQLite holds,
 * computed from SQLite directly (Spark's JDBC reader would truncate SQLite integers to 32 bits).
 */
class SparkReadsUploaderTablesIT {
  private static final Path JAR = Path.of(System.getProperty("uploader.jar"));
  private static SparkSession spark;

  @TempDir Path dir;

  @BeforeAll
  static void startSpark() {
    spark = LocalSpark.session();
  }

  private static void sql(Path db, String... statements) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      for (String q : statements) s.execute(q);
    }
  }

  private static Process upload(Path db, Path table, Path state, String node, String... extra)
      throws Exception {
    return upload(Map.of(), db, table.toString(), state, node, extra);
  }

  private static Process upload(
      Map<String, String> env, Path db, String table, Path state, String node, String... extra)
      throws Exception {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toString(),
                "once",
                "--sqlite",
                db.toString(),
                "--table-path",
                table,
                "--state-dir",
                state.toString(),
                "--node-id",
                node));
    command.addAll(List.of(extra));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(state.resolveSibling(node + ".log").toFile());
    pb.environment().putAll(env);
    return pb.start();
  }

  private static void awaitSuccess(Process p, Path log) throws Exception {
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), "uploader finished");
    assertEquals(0, p.exitValue(), Files.readString(log));
  }

  @Test
  void everyTypeReadsBackInSparkWithOneCommitPerBatchAndTheTxnProgress() throws Exception {
    Path db = dir.resolve("source.db");
    Path table = dir.resolve("delta");
    sql(
        db,
        "CREATE TABLE readings (id INTEGER PRIMARY KEY, ts TEXT, temperature REAL, label TEXT,"
            + " raw BLOB, ok BOOLEAN, day DATE, price DECIMAL(10,2), big INTEGER)",
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2400)"
            + " INSERT INTO readings SELECT i,"
            + " strftime('%Y-%m-%dT%H:%M:%fZ', 1700000000 + i * 1.5, 'unixepoch'),"
            + " CASE WHEN i % 100 = 0 THEN 'n/a' WHEN i % 37 = 0 THEN NULL ELSE i / 10.0 END,"
            + " 'L' || (i % 5), CAST(printf('%08x', i) AS BLOB), i % 2,"
            + " date(1700000000 + i * 86400, 'unixepoch'), round(i * 1.25, 2),"
            + " 9007199254740993 + i FROM n");
    Path state = dir.resolve("state");
    awaitSuccess(
        upload(db, table, state, "spark-node", "--batch-rows", "200"),
        dir.resolve("spark-node.log"));

    Map<Long, Row> read = new HashMap<>();
    for (Row r :
        spark
            .read()
            .format("delta")
            .load(table.toString())
            .selectExpr(
                "id",
                "unix_micros(ts) AS ts_us",
                "temperature",
                "label",
                "raw",
                "ok",
                "day",
                "price",
                "big",
                "_node_id",
                "_rescued_data")
            .collectAsList()) {
      read.put(r.getLong(0), r);
    }
    assertEquals(2400, read.size(), "every row, once");

    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT id, ts, typeof(temperature), temperature, label, raw, ok, day, price,"
                    + " big FROM readings")) {
      while (rs.next()) {
        long id = rs.getLong(1);
        Row r = read.get(id);
        Instant ts = Instant.parse(rs.getString(2));
        assertEquals(ts.getEpochSecond() * 1_000_000L + ts.getNano() / 1000, r.getLong(1));
        switch (rs.getString(3)) {
          case "real" -> assertEquals(rs.getDouble(4), r.getDouble(2), 0.0);
          case "null" -> assertTrue(r.isNullAt(2));
          default -> {
            assertTrue(r.isNullAt(2));
            assertEquals("{\"temperature\":\"" + rs.getString(4) + "\"}", r.getString(10));
          }
        }
        assertEquals(rs.getString(5), r.getString(3));
        assertArrayEquals(rs.getBytes(6), (byte[]) r.get(4));
        assertEquals(rs.getLong(7) == 1, r.getBoolean(5));
        assertEquals(LocalDate.parse(rs.getString(8)), r.getDate(6).toLocalDate());
        assertEquals(0, new BigDecimal(rs.getString(9)).compareTo(r.getDecimal(7)), "price " + id);
        assertEquals(rs.getLong(10), r.getLong(8), "64-bit integers survive");
        assertEquals("spark-node", r.getString(9));
        if (!"text".equals(rs.getString(3))) assertNull(r.get(10));
      }
    }

    // One WRITE per batch of 200, after the table's creation.
    List<Row> history =
        spark.sql("DESCRIBE HISTORY delta.`" + table + "`").selectExpr("operation").collectAsList();
    assertEquals(12, history.stream().filter(h -> "WRITE".equals(h.getString(0))).count());
    assertTrue(Files.exists(table.resolve("_delta_log/00000000000000000010.checkpoint.parquet")));
    // The txn action of each commit carries this source's progress: versions 1..12.
    Row txn =
        spark
            .read()
            .json(table.resolve("_delta_log").toString() + "/*.json")
            .where("txn IS NOT NULL")
            .selectExpr("max(txn.version)", "count(*)", "first(txn.appId)")
            .first();
    assertEquals(12L, txn.getLong(0));
    assertEquals(12L, txn.getLong(1));
    assertEquals("edge-uploader/spark-node/source.db/readings", txn.getString(2));
  }

  /** Written to S3 (S3Proxy on 127.0.0.1), read by Spark from the store's local copy. */
  @Test
  void aTableWrittenToS3WithoutACheckpointReadsBack() throws Exception {
    try (io.edgeuploader.S3ProxyServer s3 =
        io.edgeuploader.S3ProxyServer.start(dir.resolve("s3"))) {
      String bucket = s3.createBucket("lake");
      Path db = dir.resolve("s3source.db");
      sql(
          db,
          "CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT, v REAL)",
          "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 600)"
              + " INSERT INTO t SELECT i, strftime('%Y-%m-%dT%H:%M:%SZ', 1700000000 + i,"
              + " 'unixepoch'), i / 4.0 FROM k");
      awaitSuccess(
          upload(
              s3.env(),
              db,
              "s3://" + bucket + "/bronze/t",
              dir.resolve("s3state"),
              "s3-node",
              "--batch-rows",
              "200"),
          dir.resolve("s3-node.log"));
      Path local = s3.objectPath(bucket, "bronze/t");
      assertTrue(
          Files.list(local.resolve("_delta_log"))
              .noneMatch(f -> f.toString().contains("checkpoint")),
          "3 commits: no checkpoint yet");
      Row r =
          spark
              .read()
              .format("delta")
              .load(local.toString())
              .selectExpr("count(*)", "sum(id)", "sum(v)", "min(unix_micros(ts))", "max(_node_id)")
              .first();
      assertEquals(600L, r.getLong(0));
      assertEquals(600L * 601 / 2, r.getLong(1));
      assertEquals(600.0 * 601 / 2 / 4, r.getDouble(2), 1e-9);
      assertEquals(1_700_000_001_000_000L, r.getLong(3));
      assertEquals("s3-node", r.getString(4));
    }
  }

  /**
   * Three nodes race onto one table, a maintainer checkpoints it (with its checksum, which leaves
   * out the nodes' cursors), and the nodes go on: Spark reads every row once at the checkpoint's
   * version, whose checksum it checks against the files it finds, and after.
   */
  @Test
  void concurrentNodesShareOneTableThatAMaintainerCheckpoints() throws Exception {
    Path table = dir.resolve("shared");
    Process[] nodes = new Process[3];
    for (int n = 0; n < nodes.length; n++) {
      Path db = dir.resolve("node" + n + ".db");
      sql(
          db,
          "CREATE TABLE t (id INTEGER PRIMARY KEY, ts INTEGER, v REAL)",
          "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 900)"
              + " INSERT INTO t SELECT i, 1700000000 + i, i FROM k");
      nodes[n] = upload(db, table, dir.resolve("state" + n), "node-" + n, "--batch-rows", "100");
    }
    for (int n = 0; n < nodes.length; n++) {
      awaitSuccess(nodes[n], dir.resolve("node-" + n + ".log"));
    }
    Path maintainLog = dir.resolve("maintain.log");
    assertEquals(
        0,
        UploaderProcess.run(maintainLog, Map.of(), "maintain", "--table-path", table.toString()),
        UploaderProcess.logText(maintainLog));
    try (var files = Files.list(table.resolve("_delta_log"))) {
      assertTrue(
          files.anyMatch(f -> f.getFileName().toString().endsWith(".crc")), "a checksum beside it");
    }
    assertEveryRowOnce(table, 2700L, 3L);

    for (int n = 0; n < nodes.length; n++) {
      Path db = dir.resolve("node" + n + ".db");
      sql(
          db,
          "WITH RECURSIVE k(i) AS (SELECT 901 UNION ALL SELECT i + 1 FROM k WHERE i < 1000)"
              + " INSERT INTO t SELECT i, 1700000000 + i, i FROM k");
      nodes[n] = upload(db, table, dir.resolve("state" + n), "node-" + n, "--batch-rows", "100");
      awaitSuccess(nodes[n], dir.resolve("node-" + n + ".log"));
    }
    assertEveryRowOnce(table, 3000L, 3L);
  }

  private static void assertEveryRowOnce(Path table, long rows, long nodes) {
    Row counts =
        spark
            .read()
            .format("delta")
            .load(table.toString())
            .selectExpr("count(*)", "count(DISTINCT _node_id, id)", "count(DISTINCT _node_id)")
            .first();
    assertEquals(rows, counts.getLong(0));
    assertEquals(rows, counts.getLong(1), "no row twice");
    assertEquals(nodes, counts.getLong(2));
  }

  @Test
  void aTablePartitionedByDateAndNodeReadsBackWithItsPartitionValues() throws Exception {
    Path table = dir.resolve("partitioned");
    Process[] nodes = new Process[2];
    for (int n = 0; n < nodes.length; n++) {
      Path db = dir.resolve("p" + n + ".db");
      // every 5 minutes from 2024-01-01T00:00Z: 288 rows a day, about a week
      sql(
          db,
          "CREATE TABLE t (id INTEGER PRIMARY KEY, ts INTEGER, v REAL)",
          "WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < 1999)"
              + " INSERT INTO t SELECT i + 1, 1704067200 + i * 300, i FROM k");
      nodes[n] =
          upload(
              db,
              table,
              dir.resolve("pstate" + n),
              "p-node-" + n,
              "--partition-by",
              "date,node_id",
              "--batch-rows",
              "700");
    }
    for (int n = 0; n < nodes.length; n++) {
      awaitSuccess(nodes[n], dir.resolve("p-node-" + n + ".log"));
    }
    var df = spark.read().format("delta").load(table.toString());
    assertEquals(4000L, df.count());
    assertEquals(0L, df.where("_event_date <> to_date(ts)").count(), "date of the timestamp");
    assertEquals(
        288L, df.where("_event_date = DATE'2024-01-02' AND _node_id = 'p-node-1'").count());
    List<Row> detail =
        spark
            .sql("DESCRIBE DETAIL delta.`" + table + "`")
            .select("partitionColumns")
            .collectAsList();
    assertEquals(List.of("_event_date", "_node_id"), detail.get(0).getList(0));
  }
}
