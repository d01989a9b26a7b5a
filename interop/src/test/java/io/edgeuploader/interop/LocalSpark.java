package io.edgeuploader.interop;

import org.apache.spark.sql.SparkSession;

/**
 * One local Spark with delta-spark, what Databricks runs, shared by every interop test in the JVM:
 * a session takes seconds to start, and the tests only read through it. Stopped when the JVM ends.
 */
final class LocalSpark {
  private static SparkSession spark;

  private LocalSpark() {}

  static synchronized SparkSession session() {
    if (spark == null || spark.sparkContext().isStopped()) {
      spark =
          SparkSession.builder()
              .master("local[2]")
              .appName("uploader-interop")
              .config("spark.ui.enabled", "false")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.sql.shuffle.partitions", "2")
              .config("spark.sql.session.timeZone", "UTC")
              .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
              .config(
                  "spark.sql.catalog.spark_catalog",
                  "org.apache.spark.sql.delta.catalog.DeltaCatalog")
              .getOrCreate();
      spark.sparkContext().setLogLevel("WARN");
      SparkSession started = spark;
      Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "spark-stop"));
    }
    return spark;
  }
}
