package io.edgeuploader.config;

import java.util.Arrays;
import java.util.Optional;

/** What a table the uploader creates can be partitioned by (partition_by). */
public enum PartitionColumn {
  /** The UTC date of the row's timestamp, in a column of its own (NULL without a timestamp). */
  DATE("date", "_event_date"),
  /** The node the row came from: the _node_id audit column. */
  NODE_ID("node_id", AuditColumn.NODE_ID.deltaName);

  public final String configName;
  public final String deltaName;

  PartitionColumn(String configName, String deltaName) {
    this.configName = configName;
    this.deltaName = deltaName;
  }

  public static Optional<PartitionColumn> named(String configName) {
    return Arrays.stream(values()).filter(c -> c.configName.equals(configName)).findFirst();
  }
}
