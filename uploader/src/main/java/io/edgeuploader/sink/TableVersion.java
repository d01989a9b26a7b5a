package io.edgeuploader.sink;

import io.delta.kernel.Snapshot;
import io.delta.kernel.types.StructType;
import io.edgeuploader.cursor.Cursor;
import java.util.List;
import java.util.Optional;

/**
 * The Delta table as of one version: what the uploader needs to know of it. Kernel's snapshot stays
 * inside the sink.
 */
public final class TableVersion {
  static final String CURSOR_DOMAIN_PREFIX = "edge-uploader.cursor.";

  private final Snapshot snapshot;

  TableVersion(Snapshot snapshot) {
    this.snapshot = snapshot;
  }

  Snapshot snapshot() {
    return snapshot;
  }

  public long version() {
    return snapshot.getVersion();
  }

  public StructType schema() {
    return snapshot.getSchema();
  }

  public List<String> partitionColumns() {
    return snapshot.getPartitionColumnNames();
  }

  /** The cursor source {@code appId} last committed, if it has committed here. */
  public Optional<Cursor> cursor(String appId) {
    return snapshot.getDomainMetadata(cursorDomain(appId)).map(Cursor::fromJson);
  }

  static String cursorDomain(String appId) {
    return CURSOR_DOMAIN_PREFIX + appId;
  }
}
