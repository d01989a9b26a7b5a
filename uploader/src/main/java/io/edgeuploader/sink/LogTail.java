package io.edgeuploader.sink;

import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.internal.SnapshotImpl;
import io.delta.kernel.internal.actions.DomainMetadata;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * The JSON commits after a table's checkpoint, read newest first for one source's cursor. Kernel
 * looks a domain up by replaying every domain of the table, which past these commits means the
 * checkpoint's domain column: one value per file action in it, most of a node's pass at a million
 * files (measured: bench/fleet-profile.sh). A node that committed since the checkpoint finds its
 * cursor in its own last commit here, having read only the commits since, which are the same small
 * files Kernel has just read for the table's protocol and metadata.
 */
final class LogTail {
  private static final StructType DOMAINS =
      new StructType().add("domainMetadata", DomainMetadata.FULL_SCHEMA);

  /**
   * What the walk found.
   *
   * @param inTail whether a commit after the checkpoint sets the domain; if not, only a full replay
   *     knows its value
   * @param value the domain's configuration as the newest such commit left it (empty if removed)
   * @param otherCursors whether commits on the way set other sources' cursors
   */
  record Found(boolean inTail, Optional<String> value, boolean otherCursors) {}

  private LogTail() {}

  static Found find(Engine engine, SnapshotImpl snapshot, String domain) {
    List<FileStatus> commits = snapshot.getLogSegment().getDeltas();
    boolean others = false;
    for (int i = commits.size() - 1; i >= 0; i--) {
      try (CloseableIterator<ColumnarBatch> batches =
          engine
              .getJsonHandler()
              .readJsonFiles(
                  Utils.singletonCloseableIterator(commits.get(i)), DOMAINS, Optional.empty())) {
        while (batches.hasNext()) {
          ColumnVector actions = batches.next().getColumnVector(0);
          for (int row = 0; row < actions.getSize(); row++) {
            if (actions.isNullAt(row)) continue;
            DomainMetadata d = DomainMetadata.fromColumnVector(actions, row);
            if (d.getDomain().equals(domain)) {
              return new Found(
                  true,
                  d.isRemoved() ? Optional.empty() : Optional.of(d.getConfiguration()),
                  others);
            }
            others |= d.getDomain().startsWith(DeltaVersion.CURSOR_DOMAIN_PREFIX);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new Found(false, Optional.empty(), others);
  }
}
