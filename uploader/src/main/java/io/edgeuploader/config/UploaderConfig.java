package io.edgeuploader.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The validated settings of one uploader. Built only by {@link ConfigLoader}, which applies the
 * defaults and precedence, so every instance is complete and sane.
 *
 * @param table the SQLite table, or empty to detect it
 * @param timestampColumn the timestamp column, or empty to detect it
 * @param tablePath the Delta table: a local path or a URI understood by Hadoop
 * @param metricsPort where {@code run} serves /metrics, /healthz and /readyz, or 0 for nowhere
 * @param auditColumns the columns the uploader adds to a table it creates (besides _rescued_data)
 * @param partitionBy the partition columns of a table the uploader creates, in order
 * @param otlpEndpoint where OpenTelemetry spans go (OTLP/HTTP), if anywhere
 * @param storageOptions extra Hadoop {@code fs.*} settings for the table's file system
 */
public record UploaderConfig(
    Path sqlite,
    Optional<String> table,
    Optional<String> timestampColumn,
    String tablePath,
    Path stateDir,
    Duration interval,
    int batchRows,
    long targetFileBytes,
    String nodeId,
    Duration busyTimeout,
    int metricsPort,
    String metricsHost,
    Set<AuditColumn> auditColumns,
    List<PartitionColumn> partitionBy,
    Optional<URI> otlpEndpoint,
    Map<String, String> storageOptions) {

  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(300);
  public static final int DEFAULT_BATCH_ROWS = 1_000_000;
  public static final long DEFAULT_TARGET_FILE_BYTES = 128L << 20;
  public static final Path DEFAULT_STATE_DIR = Path.of("uploader-state");
  public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(10);
  public static final String DEFAULT_METRICS_HOST = "127.0.0.1";
  public static final Set<AuditColumn> DEFAULT_AUDIT_COLUMNS = Set.of(AuditColumn.NODE_ID);
}
