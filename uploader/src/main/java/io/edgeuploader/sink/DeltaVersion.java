package io.edgeuploader.sink;

import io.delta.kernel.Snapshot;
import io.delta.kernel.internal.SnapshotImpl;
import io.delta.kernel.types.StructType;
import io.edgeuploader.cursor.Cursor;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A version of a Delta table, as Kernel's snapshot of it; the snapshot stays inside the sink. */
final class DeltaVersion implements TableVersion {
  static final String CURSOR_DOMAIN_PREFIX = "edge-uploader.cursor.";

  private final Snapshot snapshot;

  DeltaVersion(Snapshot snapshot) {
    this.snapshot = snapshot;
  }

  Snapshot snapshot() {
    return snapshot;
  }

  @Override
  public long version() {
    return snapshot.getVersion();
  }

  @Override
  public StructType schema() {
    return snapshot.getSchema();
  }

  @Override
  public List<String> partitionColumns() {
    return snapshot.getPartitionColumnNames();
  }

  @Override
  public Optional<Cursor> cursor(String appId) {
    return snapshot.getDomainMetadata(cursorDomain(appId)).map(Cursor::fromJson);
  }

  /** Reads the domain metadata Kernel has already replayed for this version. */
  @Override
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

  /** Whether other sources than {@code appId} have committed to the table. */
  boolean sharedWith(String appId) {
    return sources().keySet().stream().anyMatch(other -> !other.equals(appId));
  }

  static String cursorDomain(String appId) {
    return CURSOR_DOMAIN_PREFIX + appId;
  }
}
