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
 * @param tablePath the Delta table: a local path or a URI understood by Hadoop; null in landing
 *     mode
 * @param landingPath where batches land as files for a distributed ingester, instead of a table
 * @param batchRows the most rows in one commit
 * @param targetFileBytes a commit's data file is closed at the first row group past this size
 * @param auditColumns the columns the uploader adds to a table it creates (besides _rescued_data)
 * @param partitionBy the partition columns of a table the uploader creates, in order
 * @param storageOptions extra Hadoop {@code fs.*} settings for the table's file system
 * @param checkpoint which checkpoints this uploader writes
 * @param schemaEvolution what a column added in SQLite becomes
 */
public record TableConfig(
    Optional<String> table,
    Optional<String> timestampColumn,
    String tablePath,
    Optional<String> landingPath,
    int batchRows,
    long targetFileBytes,
    Set<AuditColumn> auditColumns,
    List<PartitionColumn> partitionBy,
    Map<String, String> storageOptions,
    CheckpointPolicy checkpoint,
    SchemaEvolution schemaEvolution) {

  public TableConfig {
    if (landingPath.isPresent() && tablePath != null) {
      throw new IllegalArgumentException("a table path and a landing path");
    }
    if ((tablePath == null || tablePath.isBlank()) && landingPath.isEmpty()) {
      throw new UserError(
          ExitCode.CONFIG,
          "no Delta table location given: pass --table-path PATH_OR_URI, set TABLE_PATH, or put"
              + " 'table_path:' in the config file (or land files with --landing-path)");
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

  /** Where the rows go: the Delta table, or the landing path. */
  public String location() {
    return landingPath.orElse(tablePath);
  }
}
