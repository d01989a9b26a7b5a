package io.edgeuploader.config;

import java.util.Arrays;
import java.util.Optional;

/**
 * The columns the uploader can add to every row so that downstream jobs can trace or deduplicate
 * it: which node sent it, when it was committed, and its rowid in the node's SQLite table.
 */
public enum AuditColumn {
  NODE_ID("node_id", "_node_id"),
  INGESTED_AT("ingested_at", "_ingested_at"),
  SOURCE_ROWID("source_rowid", "_source_rowid");

  /** As written in audit_columns. */
  public final String configName;

  /** The Delta column. */
  public final String deltaName;

  AuditColumn(String configName, String deltaName) {
    this.configName = configName;
    this.deltaName = deltaName;
  }

  public static Optional<AuditColumn> named(String configName) {
    return Arrays.stream(values()).filter(c -> c.configName.equals(configName)).findFirst();
  }
}
