package io.edgeuploader.sink;

import io.delta.kernel.Snapshot;
import io.delta.kernel.internal.SnapshotImpl;
import io.delta.kernel.types.StructType;
import io.edgeuploader.cursor.Cursor;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

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

  /**
   * Every source that has committed to the table, by source id, with its cursor. Reads the domain
   * metadata Kernel has already replayed for this version.
   */
  public Map<String, Cursor> sources() {
    Map<String, Cursor> sources = new TreeMap<>();
    ((SnapshotImpl) snapshot)
        .getActiveDomainMetadataMap()
        .forEach(
            (domain, metadata) -> {
              if (domain.startsWith(CURSOR_DOMAIN_PREFIX) && !metadata.isRemoved()) {
                sources.put(
                    domain.substring(CURSOR_DOMAIN_PREFIX.length()),
                    Cursor.fromJson(metadata.getConfiguration()));
              }
            });
    return sources;
  }

  static String cursorDomain(String appId) {
    return CURSOR_DOMAIN_PREFIX + appId;
  }
}
