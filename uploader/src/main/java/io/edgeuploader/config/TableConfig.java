package io.edgeuploader.config;

import io.edgeuploader.ExitCode;
import io.edgeuploader.UserError;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What to upload and how to write it, for one SQLite table into one Delta table. Built by {@link
 * ConfigLoader} (which knows where each value came from) or directly; either way a value that could
 * not work is refused here.
 *
 * @param table the SQLite table, or empty to detect it
 * @param timestampColumn the timestamp column, or empty to detect it
 * @param tablePath the Delta table: a local path or a URI understood by Hadoop
 * @param batchRows the most rows in one commit
 * @param targetFileBytes a commit's data file is closed at the first row group past this size
 * @param auditColumns the columns the uploader adds to a table it creates (besides _rescued_data)
 * @param partitionBy the partition columns of a table the uploader creates, in order
 * @param storageOptions extra Hadoop {@code fs.*} settings for the table's file system
 */
public record TableConfig(
    Optional<String> table,
    Optional<String> timestampColumn,
    String tablePath,
    int batchRows,
    long targetFileBytes,
    Set<AuditColumn> auditColumns,
    List<PartitionColumn> partitionBy,
    Map<String, String> storageOptions) {

  public TableConfig {
    if (tablePath == null || tablePath.isBlank()) {
      throw new UserError(
          ExitCode.CONFIG,
          "no Delta table location given: pass --table-path PATH_OR_URI, set TABLE_PATH, or put"
              + " 'table_path:' in the config file");
    }
    if (batchRows <= 0 || targetFileBytes <= 0) {
      throw new IllegalArgumentException("batch rows and file size must be positive");
    }
    if (partitionBy.contains(PartitionColumn.NODE_ID)
        && !auditColumns.contains(AuditColumn.NODE_ID)) {
      throw new UserError(
          ExitCode.CONFIG,
          "partition_by: partitioning by node_id needs the _node_id column; add node_id to"
              + " audit_columns");
    }
    auditColumns = Set.copyOf(auditColumns);
    partitionBy = List.copyOf(partitionBy);
    storageOptions = Map.copyOf(storageOptions);
  }
}
