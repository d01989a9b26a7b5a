package io.edgeuploader.sink;

import io.delta.kernel.Snapshot;
import io.delta.kernel.internal.SnapshotImpl;
import io.delta.kernel.internal.lang.Lazy;
import io.delta.kernel.internal.tablefeatures.TableFeatures;
import java.lang.reflect.Field;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a snapshot of a table without the clustering feature that it has no clustering columns.
 * Every Kernel commit reports the table's clustering columns, and Kernel finds them by replaying
 * every domain of the table, the checkpoint's domain column included: one value per file, the cost
 * that {@link LogTail} keeps out of a node's pass. Without the feature the answer is known (the
 * clustering domain is the feature's), so it is set before the commit asks. Kernel has no setter
 * for it: if a Kernel version renames the field, this logs once and the commit replays as before.
 */
final class NoClustering {
  private static final Logger log = LoggerFactory.getLogger(NoClustering.class);
  private static final Field FIELD = field();

  private NoClustering() {}

  static Snapshot known(Snapshot snapshot) {
    if (FIELD == null
        || !(snapshot instanceof SnapshotImpl)
        || TableFeatures.isClusteringTableFeatureSupported(
            ((SnapshotImpl) snapshot).getProtocol())) {
      return snapshot;
    }
    try {
      FIELD.set(snapshot, new Lazy<>(Optional::empty));
    } catch (IllegalAccessException | RuntimeException e) {
      log.debug("clustering columns left to Kernel: {}", e.toString());
    }
    return snapshot;
  }

  private static Field field() {
    try {
      Field f = SnapshotImpl.class.getDeclaredField("lazyClusteringColumns");
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.info(
          "event=kernel_shortcut_unavailable field=lazyClusteringColumns error=\"{}\"",
          e.toString());
      return null;
    }
  }
}
