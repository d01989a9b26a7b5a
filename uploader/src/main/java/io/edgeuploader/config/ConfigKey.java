package io.edgeuploader.config;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Every setting, with its YAML key, environment variable, command-line flag, default and help text
 * in one place, so that the spellings, the defaults and {@code --help} cannot drift apart.
 * Precedence is flag, then environment, then file, then default.
 */
public enum ConfigKey {
  SQLITE(
      "sqlite",
      "SQLITE_PATH",
      "--sqlite",
      "PATH",
      Use.SOURCE,
      null,
      "required",
      "SQLite database to upload; opened read-only"),
  TABLE(
      "table",
      "SQLITE_TABLE",
      "--table",
      "NAME",
      Use.SOURCE,
      null,
      "detected",
      "SQLite table; detected: the only table, or the only one with a timestamp column"),
  TIMESTAMP_COLUMN(
      "timestamp_column",
      "TIMESTAMP_COLUMN",
      "--timestamp-column",
      "NAME",
      Use.SOURCE,
      null,
      "detected",
      "Column holding each row's time; detected by declared type, name and values"),
  TABLE_PATH(
      "table_path",
      "TABLE_PATH",
      "--table-path",
      "PATH_OR_URI",
      Use.TABLE,
      null,
      "required",
      "Delta table location: a local path, s3://, abfss://; created on first upload"),
  LANDING_PATH(
      "landing_path",
      "LANDING_PATH",
      "--landing-path",
      "PATH_OR_URI",
      Use.TABLE,
      null,
      "off",
      "Instead of a Delta table, land each batch as a Parquet file here, for Databricks Auto"
          + " Loader to load (see the README)"),
  STATE_DIR(
      "state_dir",
      "STATE_DIR",
      "--state-dir",
      "DIR",
      Use.SOURCE,
      "uploader-state",
      null,
      "Directory for the local cursor cache"),
  INTERVAL(
      "interval",
      "UPLOAD_INTERVAL",
      "--interval",
      "SECONDS",
      Use.DAEMON,
      "300",
      null,
      "Seconds between passes of 'run', or 30s/5m/1h"),
  BATCH_ROWS(
      "batch_rows",
      "BATCH_ROWS",
      "--batch-rows",
      "N",
      Use.WRITE,
      "1000000",
      null,
      "Most rows per Delta commit"),
  TARGET_FILE_SIZE(
      "target_file_size",
      "TARGET_FILE_SIZE",
      "--target-file-size",
      "SIZE",
      Use.WRITE,
      "128MB",
      null,
      "Size at which a data file is closed and the next begun (bytes, KB, MB, GB)"),
  NODE_ID(
      "node_id",
      "NODE_ID",
      "--node-id",
      "ID",
      Use.SOURCE,
      null,
      "the host name",
      "This node's name in _node_id and in the table's progress markers"),
  BUSY_TIMEOUT(
      "busy_timeout",
      "SQLITE_BUSY_TIMEOUT",
      "--busy-timeout",
      "SECONDS",
      Use.SOURCE,
      "10",
      null,
      "How long to wait for a writer's lock on SQLite"),
  METRICS_PORT(
      "metrics_port",
      "METRICS_PORT",
      "--metrics-port",
      "PORT",
      Use.DAEMON,
      null,
      "off",
      "'run' serves Prometheus /metrics, /healthz and /readyz on this port"),
  METRICS_HOST(
      "metrics_host",
      "METRICS_HOST",
      "--metrics-host",
      "ADDRESS",
      Use.DAEMON,
      "127.0.0.1",
      null,
      "Address the metrics port listens on (0.0.0.0 for probes from outside a container)"),
  AUDIT_COLUMNS(
      "audit_columns",
      "AUDIT_COLUMNS",
      "--audit-columns",
      "LIST",
      Use.WRITE,
      "node_id",
      null,
      "Columns added to a new table, comma-separated: node_id, ingested_at, source_rowid, none"),
  PARTITION_BY(
      "partition_by",
      "PARTITION_BY",
      "--partition-by",
      "LIST",
      Use.WRITE,
      null,
      "none",
      "Partition a new table by date (column _event_date) and/or node_id, comma-separated"),
  OTLP_ENDPOINT(
      "otlp_endpoint",
      "OTEL_EXPORTER_OTLP_ENDPOINT",
      "--otlp-endpoint",
      "URL",
      Use.WRITE,
      null,
      "off",
      "Send OpenTelemetry spans over OTLP/HTTP to this collector, e.g. http://host:4318"),
  SCHEMA_EVOLUTION(
      "schema_evolution",
      "SCHEMA_EVOLUTION",
      "--schema-evolution",
      "MODE",
      Use.WRITE,
      "add_columns",
      null,
      "A column added in SQLite: add_columns (a new Delta column; tables are created with column"
          + " mapping) or rescue (its values go to _rescued_data)"),
  CHECKPOINT(
      "checkpoint",
      "CHECKPOINT",
      "--checkpoint",
      "POLICY",
      Use.WRITE,
      "auto",
      null,
      "Checkpoints this node writes: auto (while it is the table's only source), always, or"
          + " never (leave them to 'maintain')"),
  NEW_SOURCE(
      "new_source",
      "NEW_SOURCE",
      "--new-source",
      "BOOLEAN",
      Use.WRITE,
      "false",
      null,
      "Upload this database as a new source although the table holds its rows from another"
          + " node id (see the README on node ids)");

  /** Which commands a setting matters to; the others accept it but leave it out of --help. */
  public enum Use {
    /** Finding the Delta table: every command. */
    TABLE,
    /** Finding the database, its table and the cursor: every command but maintain. */
    SOURCE,
    /** Writing to the table: once and run. */
    WRITE,
    /** The daemon's schedule and ports: run. */
    DAEMON
  }

  public final String yamlKey;
  public final String envVar;
  public final String flag;
  public final String paramLabel;
  public final Use use;

  /** The value used when none is given, parsed like one that is; null if there is none. */
  public final String defaultValue;

  /** What --help says the default is, when it is not a value (detected, off, required). */
  private final String defaultText;

  private final String help;

  /**
   * Takes a list: a YAML sequence, or comma-separated in the environment and on the command line.
   */
  public final boolean list;

  ConfigKey(
      String yamlKey,
      String envVar,
      String flag,
      String paramLabel,
      Use use,
      String defaultValue,
      String defaultText,
      String help) {
    this.yamlKey = yamlKey;
    this.envVar = envVar;
    this.flag = flag;
    this.paramLabel = paramLabel;
    this.use = use;
    this.defaultValue = defaultValue;
    this.defaultText = defaultText;
    this.help = help;
    this.list = paramLabel.equals("LIST");
  }

  /** A yes/no setting: the flag alone means true. */
  public boolean isSwitch() {
    return paramLabel.equals("BOOLEAN");
  }

  /** A path: relative in the config file, it is relative to the file's directory. */
  boolean isPath() {
    return this == SQLITE || this == STATE_DIR || this == TABLE_PATH || this == LANDING_PATH;
  }

  /** The --help line: what it does, its environment variable and its default. */
  public String description() {
    String shown = defaultValue != null ? defaultValue : defaultText;
    return help
        + " (env "
        + envVar
        + "; "
        + (shown.equals("required") ? "" : "default ")
        + shown
        + ").";
  }

  public static Optional<ConfigKey> forYamlKey(String key) {
    return Arrays.stream(values()).filter(k -> k.yamlKey.equals(key)).findFirst();
  }

  /** The known YAML key closest to a mistyped one, if it is close enough to be a typo. */
  public static Optional<String> closestYamlKey(String key) {
    return Stream.concat(
            Arrays.stream(values()).map(k -> k.yamlKey),
            Stream.of(ConfigFile.STORAGE_OPTIONS, ConfigFile.TABLES))
        .min(Comparator.comparingInt(k -> editDistance(k, key)))
        .filter(k -> editDistance(k, key) <= Math.max(2, key.length() / 3));
  }

  static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(substitution, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
