# Databricks notebook (Python): load the uploader's landing files into one shared Delta table with
# Auto Loader. For fleets beyond what one Delta log takes (see the README's "Landing mode"): each
# edge node runs the uploader with landing_path (LANDING_PATH) instead of table_path, and this job,
# on a schedule or continuously, ingests every node's files exactly once.
#
# Layout the uploader writes (one file per batch, published whole, never rewritten):
#   <landing_path>/<node_id>/<database file>/<table>/<seq>.parquet
#   <landing_path>/_progress/...            (the nodes' progress objects: never load or delete these)

landing = "s3://my-lake/landing/sensor_readings"        # the nodes' landing_path
checkpoint = "s3://my-lake/_checkpoints/sensor_readings"  # Auto Loader's file tracking lives here
target = "edge.sensor_readings"

(
    spark.readStream.format("cloudFiles")
    .option("cloudFiles.format", "parquet")
    # Columns the nodes' applications add later appear as new columns of the table.
    .option("cloudFiles.schemaLocation", checkpoint + "/schema")
    .option("cloudFiles.schemaEvolutionMode", "addNewColumns")
    # Only the data files: the progress objects under _progress/ are not rows.
    .option("pathGlobFilter", "*.parquet")
    # Remove files once ingested (they are in the Delta table then). The nodes keep their place in
    # _progress/, so cleaning up never makes them upload again. Or keep them and expire them with
    # a lifecycle rule that leaves the _progress/ prefix alone.
    .option("cloudFiles.cleanSource", "DELETE")
    .option("cloudFiles.cleanSource.retentionDuration", "7 days")
    .load(landing + "/*/*/*/")
    .writeStream.option("checkpointLocation", checkpoint)
    .option("mergeSchema", "true")
    # A scheduled job: take what has landed, then stop. Use processingTime="1 minute" to run
    # continuously instead.
    .trigger(availableNow=True)
    .toTable(target)
)

# The same with Spark Structured Streaming outside Databricks (what the project's tests run):
#   spark.readStream.format("parquet").schema(schema).load(landing + "/*/*/*/*.parquet")
#     .writeStream.format("delta").option("checkpointLocation", checkpoint).start(path)
