package io.edgeuploader.config;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;

/**
 * Every setting, with its YAML key, environment variable and command-line flag in one place so the
 * three spellings cannot drift apart. Precedence is flag, then environment, then file, then
 * default.
 */
public enum ConfigKey {
  SQLITE("sqlite", "SQLITE_PATH", "--sqlite"),
  TABLE("table", "SQLITE_TABLE", "--table"),
  TIMESTAMP_COLUMN("timestamp_column", "TIMESTAMP_COLUMN", "--timestamp-column"),
  TABLE_PATH("table_path", "TABLE_PATH", "--table-path"),
  STATE_DIR("state_dir", "STATE_DIR", "--state-dir"),
  INTERVAL("interval", "UPLOAD_INTERVAL", "--interval"),
  BATCH_ROWS("batch_rows", "BATCH_ROWS", "--batch-rows"),
  TARGET_FILE_SIZE("target_file_size", "TARGET_FILE_SIZE", "--target-file-size"),
  NODE_ID("node_id", "NODE_ID", "--node-id"),
  BUSY_TIMEOUT("busy_timeout", "SQLITE_BUSY_TIMEOUT", "--busy-timeout"),
  METRICS_PORT("metrics_port", "METRICS_PORT", "--metrics-port"),
  METRICS_HOST("metrics_host", "METRICS_HOST", "--metrics-host"),
  AUDIT_COLUMNS("audit_columns", "AUDIT_COLUMNS", "--audit-columns", true),
  PARTITION_BY("partition_by", "PARTITION_BY", "--partition-by", true),
  OTLP_ENDPOINT("otlp_endpoint", "OTEL_EXPORTER_OTLP_ENDPOINT", "--otlp-endpoint");

  public final String yamlKey;
  public final String envVar;
  public final String flag;

  /**
   * Takes a list: a YAML sequence, or comma-separated in the environment and on the command line.
   */
  public final boolean list;

  ConfigKey(String yamlKey, String envVar, String flag) {
    this(yamlKey, envVar, flag, false);
  }

  ConfigKey(String yamlKey, String envVar, String flag, boolean list) {
    this.yamlKey = yamlKey;
    this.envVar = envVar;
    this.flag = flag;
    this.list = list;
  }

  public static Optional<ConfigKey> forYamlKey(String key) {
    return Arrays.stream(values()).filter(k -> k.yamlKey.equals(key)).findFirst();
  }

  /** The known YAML key closest to a mistyped one, if it is close enough to be a typo. */
  public static Optional<String> closestYamlKey(String key) {
    return java.util.stream.Stream.concat(
            Arrays.stream(values()).map(k -> k.yamlKey),
            java.util.stream.Stream.of("storage_options", "tables"))
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
