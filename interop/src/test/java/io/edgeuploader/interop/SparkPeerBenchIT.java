package io.edgeuploader.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Properties;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's peer, run only by bench/run.sh: the same upload done the way a Spark user would,
 * Spark local mode reading SQLite through JDBC (with the schema fixed so SQLite integers are
 * 64-bit, which Spark's JDBC reader otherwise truncates to 32) and writing a Delta table. Prints
 * its wall time, session start included, as "spark-peer: <rows> rows <seconds> s".
 */
class SparkPeerBenchIT {
  @Test
  void uploadTheBenchmarkDatabaseWithSpark() {
    String db = System.getProperty("bench.sqlite");
    Assumptions.assumeTrue(db != null, "only run by bench/run.sh (-Dbench.sqlite=...)");
    Path table = Path.of(System.getProperty("bench.table"));
    long began = System.nanoTime();
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("spark-peer")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.sql.session.timeZone", "UTC")
            // SQLite's JDBC driver reports TEXT as VARCHAR(0), which Delta would enforce.
            .config("spark.sql.legacy.charVarcharAsString", "true")
            .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
            .config(
                "spark.sql.catalog.spark_catalog",
                "org.apache.spark.sql.delta.catalog.DeltaCatalog")
            .getOrCreate();
    try {
      Properties jdbc = new Properties();
      jdbc.setProperty("driver", "org.sqlite.JDBC");
      jdbc.setProperty(
          "customSchema",
          "id BIGINT, ts STRING, sensor_id STRING, temperature DOUBLE, humidity DOUBLE,"
              + " pressure DOUBLE, status STRING");
      Dataset<Row> rows =
          spark
              .read()
              .jdbc("jdbc:sqlite:" + db, "readings", jdbc)
              .selectExpr(
                  "id",
                  "to_timestamp(ts) AS ts",
                  "sensor_id",
                  "temperature",
                  "humidity",
                  "pressure",
                  "status");
      rows.write().format("delta").mode("overwrite").save(table.toString());
      long count = spark.read().format("delta").load(table.toString()).count();
      double seconds = (System.nanoTime() - began) / 1e9;
      System.out.printf("spark-peer: %d rows %.2f s%n", count, seconds);
      assertEquals(Long.parseLong(System.getProperty("bench.rows")), count);
    } finally {
      spark.stop();
    }
  }
}
