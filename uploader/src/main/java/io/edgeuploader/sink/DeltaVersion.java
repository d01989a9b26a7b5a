package io.edgeuploader.sink;

import io.delta.kernel.Snapshot;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.internal.SnapshotImpl;
import io.delta.kernel.types.StructType;
import io.edgeuploader.cursor.Cursor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A version of a Delta table, as Kernel's snapshot of it; the snapshot stays inside the sink. */
final class DeltaVersion implements TableVersion {
  static final String CURSOR_DOMAIN_PREFIX = "edge-uploader.cursor.";

  private final Snapshot snapshot;
  private final Engine engine;
  private final Map<String, LogTail.Found> tails = new HashMap<>();

  DeltaVersion(Snapshot snapshot, Engine engine) {
    this.snapshot = snapshot;
    this.engine = engine;
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

  /**
   * The source's cursor, from the commits after the checkpoint when it is there (see {@link
   * LogTail}); only a source that has not committed since the checkpoint replays every source's.
   */
  @Override
  public Optional<Cursor> cursor(String appId) {
    LogTail.Found tail = tail(appId);
    Optional<String> value =
        tail.inTail() ? tail.value() : snapshot.getDomainMetadata(cursorDomain(appId));
    return value.map(Cursor::fromJson);
  }

  private LogTail.Found tail(String appId) {
    return tails.computeIfAbsent(
        appId, a -> LogTail.find(engine, (SnapshotImpl) snapshot, cursorDomain(a)));
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

  /**
   * Whether other sources than {@code appId} have committed to the table: seen on the way to its
   * cursor, or else from every source's.
   */
  boolean sharedWith(String appId) {
    return tail(appId).otherCursors()
        || sources().keySet().stream().anyMatch(other -> !other.equals(appId));
  }

  static String cursorDomain(String appId) {
    return CURSOR_DOMAIN_PREFIX + appId;
  }
}
