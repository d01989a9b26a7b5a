package io.edgeuploader.cli;

import io.edgeuploader.config.ConfigKey;
import io.edgeuploader.config.ConfigLoader;
import io.edgeuploader.config.UploaderConfig;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The settings every uploading command takes; each also has a YAML key and an env variable. */
final class ConfigOptions {
  @Option(names = "--config", paramLabel = "FILE", description = "YAML config file.")
  Path config;

  @Option(
      names = "--sqlite",
      paramLabel = "PATH",
      description = "SQLite database to upload (env SQLITE_PATH).")
  String sqlite;

  @Option(
      names = "--table",
      paramLabel = "NAME",
      description =
          "SQLite table (env SQLITE_TABLE). Default: the only table, or the only one"
              + " with a timestamp column.")
  String table;

  @Option(
      names = "--timestamp-column",
      paramLabel = "NAME",
      description =
          "Column holding each row's time (env TIMESTAMP_COLUMN). Default: detected by"
              + " declared type, name and values.")
  String timestampColumn;

  @Option(
      names = "--table-path",
      paramLabel = "PATH_OR_URI",
      description = "Delta table location (env TABLE_PATH); created on first upload.")
  String tablePath;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description =
          "Directory for the local cursor cache (env STATE_DIR; default" + " ./uploader-state).")
  String stateDir;

  @Option(
      names = "--interval",
      paramLabel = "SECONDS",
      description =
          "Seconds between passes of 'run', or 30s/5m/1h (env UPLOAD_INTERVAL;" + " default 300).")
  String interval;

  @Option(
      names = "--batch-rows",
      paramLabel = "N",
      description = "Most rows per Delta commit (env BATCH_ROWS; default 1000000).")
  String batchRows;

  @Option(
      names = "--target-file-size",
      paramLabel = "SIZE",
      description =
          "Size at which a data file is closed and the next begun, e.g. 128MB (env"
              + " TARGET_FILE_SIZE; default 128MB).")
  String targetFileSize;

  @Option(
      names = "--node-id",
      paramLabel = "ID",
      description =
          "This node's name in _node_id and in the table's progress markers (env"
              + " NODE_ID; default the host name).")
  String nodeId;

  @Option(
      names = "--busy-timeout",
      paramLabel = "SECONDS",
      description =
          "How long to wait for a writer's lock on SQLite (env SQLITE_BUSY_TIMEOUT;"
              + " default 10).")
  String busyTimeout;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      description =
          "'run' serves Prometheus /metrics, /healthz and /readyz on this port (env"
              + " METRICS_PORT; default off).")
  String metricsPort;

  @Option(
      names = "--metrics-host",
      paramLabel = "ADDRESS",
      description =
          "Address the metrics port listens on (env METRICS_HOST; default 127.0.0.1; 0.0.0.0"
              + " for probes from outside a container).")
  String metricsHost;

  @Option(
      names = "--audit-columns",
      paramLabel = "LIST",
      description =
          "Columns added to a new table, comma-separated: node_id (_node_id), ingested_at"
              + " (_ingested_at), source_rowid (_source_rowid), or none (env AUDIT_COLUMNS;"
              + " default node_id).")
  String auditColumns;

  /** One config per table to upload (a config file may list several under 'tables:'). */
  @Option(
      names = "--partition-by",
      paramLabel = "LIST",
      description =
          "Partition a new table by date (UTC date of the timestamp, column _event_date) and/or"
              + " node_id (env PARTITION_BY; default none).")
  String partitionBy;

  @Option(
      names = "--otlp-endpoint",
      paramLabel = "URL",
      description =
          "Send OpenTelemetry spans (a span per pass and per commit, with lineage) over OTLP/HTTP"
              + " to this collector, e.g. http://127.0.0.1:4318 (env"
              + " OTEL_EXPORTER_OTLP_ENDPOINT; default off).")
  String otlpEndpoint;

  List<UploaderConfig> load() {
    Map<ConfigKey, String> flags = new EnumMap<>(ConfigKey.class);
    put(flags, ConfigKey.SQLITE, sqlite);
    put(flags, ConfigKey.TABLE, table);
    put(flags, ConfigKey.TIMESTAMP_COLUMN, timestampColumn);
    put(flags, ConfigKey.TABLE_PATH, tablePath);
    put(flags, ConfigKey.STATE_DIR, stateDir);
    put(flags, ConfigKey.INTERVAL, interval);
    put(flags, ConfigKey.BATCH_ROWS, batchRows);
    put(flags, ConfigKey.TARGET_FILE_SIZE, targetFileSize);
    put(flags, ConfigKey.NODE_ID, nodeId);
    put(flags, ConfigKey.BUSY_TIMEOUT, busyTimeout);
    put(flags, ConfigKey.METRICS_PORT, metricsPort);
    put(flags, ConfigKey.METRICS_HOST, metricsHost);
    put(flags, ConfigKey.AUDIT_COLUMNS, auditColumns);
    put(flags, ConfigKey.PARTITION_BY, partitionBy);
    put(flags, ConfigKey.OTLP_ENDPOINT, otlpEndpoint);
    return ConfigLoader.loadTables(Optional.ofNullable(config), System.getenv(), flags);
  }

  private static void put(Map<ConfigKey, String> flags, ConfigKey key, String value) {
    if (value != null) flags.put(key, value);
  }
}
