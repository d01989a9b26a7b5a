-- Query the uploader's Delta table from Databricks SQL (or any Spark with Delta).
-- The uploader creates and owns the table's data; here it is only registered as an external table.

CREATE SCHEMA IF NOT EXISTS edge;

-- S3 (use the same location as the uploader's table_path; s3:// and s3a:// name the same data)
CREATE TABLE IF NOT EXISTS edge.sensor_readings
USING DELTA
LOCATION 's3://my-lake/bronze/sensor_readings';

-- ADLS Gen2 instead:
-- CREATE TABLE IF NOT EXISTS edge.sensor_readings
-- USING DELTA
-- LOCATION 'abfss://lake@myaccount.dfs.core.windows.net/bronze/sensor_readings';

-- Freshness per node: the newest reading each edge node has shipped.
SELECT _node_id, max(ts) AS newest_reading, count(*) AS readings
FROM edge.sensor_readings
GROUP BY _node_id
ORDER BY newest_reading;

-- Hourly averages per sensor over the last day.
SELECT date_trunc('HOUR', ts) AS hour, sensor_id, avg(temperature) AS avg_temperature
FROM edge.sensor_readings
WHERE ts >= current_timestamp() - INTERVAL 1 DAY
GROUP BY 1, 2
ORDER BY 1, 2;

-- Values SQLite held that did not fit their column (e.g. 'n/a' in a REAL column).
SELECT _node_id, ts, _rescued_data
FROM edge.sensor_readings
WHERE _rescued_data IS NOT NULL
ORDER BY ts DESC
LIMIT 100;

-- One commit per upload batch; the txn column of the log records each node's progress.
DESCRIBE HISTORY edge.sensor_readings;

-- Frequent small commits make small files: compact them (and remove files of failed commits
-- after the retention period).
OPTIMIZE edge.sensor_readings;
VACUUM edge.sensor_readings;

-- Data layout. A table created with partition_by: [date] has an _event_date column: filter on it
-- and only that day's files are read.
-- SELECT count(*) FROM edge.sensor_readings WHERE _event_date = DATE'2024-05-01';
-- Compacting the uploader's small files and sorting them by the columns queries filter on keeps
-- reads fast on any layout (a data-only rewrite; the table's protocol is unchanged):
-- OPTIMIZE edge.sensor_readings ZORDER BY (ts);
-- Either way, rows can be traced back: with audit_columns [node_id, source_rowid] the pair
-- (_node_id, _source_rowid) names each row's origin; keep the newest per pair to deduplicate
-- anything a downstream copy may have repeated.
