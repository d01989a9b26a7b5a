package io.edgeuploader.sink;

import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.SnapshotImpl;
import io.delta.kernel.internal.TableConfig;
import io.delta.kernel.internal.checksum.CRCInfo;
import io.delta.kernel.internal.checksum.ChecksumWriter;
import io.delta.kernel.internal.util.FileNames;
import io.delta.kernel.utils.CloseableIterator;
import java.io.IOException;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * A checksum file ({@code <version>.crc}) at a checkpoint's version that leaves out the table's
 * domain metadata. Kernel takes a table's protocol and metadata from the newest checksum at or
 * after the checkpoint, reading the commits since then but not the checkpoint, where those two rows
 * sit among one row per file (a node's pass at a million files spent most of its time there).
 * Kernel's own checksum would carry every domain too, that is every node's cursor (277 KB per 1,000
 * nodes), and every node would read it each pass. The domains are optional in a checksum; a reader
 * of one without them replays the domains as if there were none (so do the other checksums Kernel
 * derives from it). Not written for tables with in-commit timestamps, whose checksums must also
 * carry the version's timestamp.
 */
final class SlimChecksum {
  private SlimChecksum() {}

  /**
   * Writes the checksum of {@code snapshot}'s version unless there is one.
   *
   * @return whether it was written here
   */
  static boolean writeIfMissing(Engine engine, Configuration conf, SnapshotImpl snapshot)
      throws IOException {
    if (TableConfig.IN_COMMIT_TIMESTAMPS_ENABLED.fromMetadata(snapshot.getMetadata())) {
      return false;
    }
    Path file =
        new Path(FileNames.checksumFile(snapshot.getLogPath(), snapshot.getVersion()).toString());
    if (file.getFileSystem(conf).exists(file)) return false;
    long files = 0;
    long bytes = 0;
    try (CloseableIterator<FilteredColumnarBatch> batches =
        snapshot.getScanBuilder().build().getScanFiles(engine)) {
      while (batches.hasNext()) {
        try (CloseableIterator<Row> rows = batches.next().getRows()) {
          while (rows.hasNext()) {
            files++;
            bytes += InternalScanFileUtils.getAddFileStatus(rows.next()).getSize();
          }
        }
      }
    }
    new ChecksumWriter(snapshot.getLogPath())
        .writeCheckSum(
            engine,
            new CRCInfo(
                snapshot.getVersion(),
                snapshot.getMetadata(),
                snapshot.getProtocol(),
                bytes,
                files,
                Optional.empty(),
                Optional.empty(),
                Optional.empty()));
    return true;
  }
}
