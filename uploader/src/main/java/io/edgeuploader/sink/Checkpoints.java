package io.edgeuploader.sink;

import io.delta.kernel.Snapshot;
import io.delta.kernel.TransactionCommitResult;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.hook.PostCommitHook;
import io.delta.kernel.internal.SnapshotImpl;
import io.delta.kernel.internal.TableConfig;
import io.delta.kernel.internal.snapshot.MetadataCleanup;
import io.edgeuploader.config.CheckpointPolicy;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoints of one table, as far as this process writes them, by its {@link
 * CheckpointPolicy}: Kernel's post-commit hooks propose a checkpoint every 10 commits (and a
 * checksum file after each), which keeps readers fast. On a table shared by other sources those are
 * the maintainer's ({@code maintain}): a checkpoint holds the whole fleet's files and a checksum
 * file every source's cursor (measured: 277 KB per commit with 1,000 nodes). So that a shared table
 * without a maintainer does not go without checkpoints for ever, a node whose commit becomes a
 * version that is a multiple of {@value #BACKSTOP}, with no checkpoint in the {@value #BACKSTOP}
 * versions before it, writes one and says so. Either checkpoint of a shared table comes with a
 * {@link SlimChecksum}, so that nodes need not read it. A checkpoint left unreadable by a killed
 * writer is removed.
 */
public final class Checkpoints {
  private static final Logger log = LoggerFactory.getLogger(Checkpoints.class);
  static final long BACKSTOP = 1_000;

  private final Engine engine;
  private final String name;
  private final String tablePath;
  private final Configuration conf;
  private final CheckpointPolicy policy;

  /**
   * @param name what {@code table=} says in the log lines
   */
  Checkpoints(
      Engine engine, String name, String tablePath, Configuration conf, CheckpointPolicy policy) {
    this.engine = engine;
    this.name = name;
    this.tablePath = tablePath;
    this.conf = conf;
    this.policy = policy;
  }

  /**
   * Runs the hooks of a commit this node may run: all of them if it keeps the table's checkpoints,
   * none otherwise (then the backstop). Every commit here landed on the exact version it read, so
   * the post-commit table a checkpoint is made from is exact. A failure loses nothing, so it only
   * warns.
   *
   * @param shared whether other sources commit to the table
   * @return whether a checkpoint was written (the next commit should build on it)
   */
  boolean afterCommit(TransactionCommitResult result, boolean shared) {
    boolean ours =
        policy == CheckpointPolicy.ALWAYS || (policy == CheckpointPolicy.AUTO && !shared);
    boolean written = false;
    for (PostCommitHook hook : result.getPostCommitHooks()) {
      boolean checkpoint = hook.getType() == PostCommitHook.PostCommitHookType.CHECKPOINT;
      if (!ours) continue;
      try {
        hook.threadSafeInvoke(engine);
        written |= checkpoint;
      } catch (IOException | RuntimeException e) {
        log.warn(
            "event=post_commit_hook_failed table={} hook={} version={} error=\"{}\"",
            name,
            hook.getType(),
            result.getVersion(),
            StoreFailure.cause(e));
      }
    }
    if (!ours && policy == CheckpointPolicy.AUTO && result.getVersion() % BACKSTOP == 0) {
      written = backstop(result);
    }
    return written;
  }

  /** No maintainer has checkpointed for {@value #BACKSTOP} versions: this node does. */
  private boolean backstop(TransactionCommitResult result) {
    Snapshot exact = result.getPostCommitSnapshot().orElse(null);
    if (exact == null) return false;
    long last = ((SnapshotImpl) exact).getLogSegment().getCheckpointVersionOpt().orElse(-1L);
    if (exact.getVersion() - last < BACKSTOP) return false;
    try {
      exact.writeCheckpoint(engine);
      SlimChecksum.writeIfMissing(engine, conf, (SnapshotImpl) exact);
      log.warn(
          "event=checkpoint_overdue table={} version={} last_checkpoint={} action=written_by_node"
              + " hint=run_maintain",
          name,
          exact.getVersion(),
          last);
      return true;
    } catch (IOException | RuntimeException e) {
      log.warn(
          "event=checkpoint_failed table={} version={} error=\"{}\"",
          name,
          exact.getVersion(),
          StoreFailure.cause(e));
      return false;
    }
  }

  /** What a round of maintenance did. */
  public record Maintenance(long version, boolean checkpointWritten, long logFilesRemoved) {}

  /**
   * The maintainer's round on the table as it is now ({@code latest}, loaded fresh, so exact): a
   * checkpoint at its version unless there is one, with its {@link SlimChecksum}, then the removal
   * of log files older than the table's {@code delta.logRetentionDuration} (30 days by default)
   * that a later checkpoint makes unneeded, as Delta does (Kernel's checkpoint does it too; done
   * here also when no checkpoint was due). Racing writers are harmless: a checkpoint summarises the
   * versions up to its own.
   */
  Maintenance maintain(Snapshot latest) throws IOException {
    SnapshotImpl snapshot = (SnapshotImpl) latest;
    long last = snapshot.getLogSegment().getCheckpointVersionOpt().orElse(-1L);
    long before = logFiles();
    boolean written = false;
    if (last < snapshot.getVersion()) {
      try {
        snapshot.writeCheckpoint(engine);
        written = true;
        log.info("event=checkpoint_written table={} version={}", name, snapshot.getVersion());
      } catch (io.delta.kernel.exceptions.CheckpointAlreadyExistsException e) {
        // another maintainer was first: the same checkpoint
      }
    }
    boolean checksum = SlimChecksum.writeIfMissing(engine, conf, snapshot);
    if (TableConfig.EXPIRED_LOG_CLEANUP_ENABLED.fromMetadata(snapshot.getMetadata())) {
      MetadataCleanup.cleanupExpiredLogs(
          engine,
          System::currentTimeMillis,
          snapshot.getDataPath(),
          TableConfig.LOG_RETENTION.fromMetadata(snapshot.getMetadata()));
    }
    // Kernel's checkpoint cleans up too, uncounted: count what is gone instead.
    long removed = Math.max(0, before + (written ? 1 : 0) + (checksum ? 1 : 0) - logFiles());
    return new Maintenance(snapshot.getVersion(), written, removed);
  }

  private long logFiles() throws IOException {
    Path logDir = new Path(tablePath, "_delta_log");
    return logDir.getFileSystem(conf).listStatus(logDir, p -> !p.getName().startsWith(".")).length;
  }

  /**
   * Kernel writes a checkpoint straight to its final name, so a process killed while writing one
   * leaves a file without a Parquet footer, and no reader can load the table any more. A checkpoint
   * only summarises the JSON commits before it, so the damaged one is removed: readers then replay
   * those commits (or use an older checkpoint), and the next checkpoint is written whole.
   *
   * @return how many were removed
   */
  int removeDamaged() throws IOException {
    Path logDir = new Path(tablePath, "_delta_log");
    FileSystem fs = logDir.getFileSystem(conf);
    int removed = 0;
    for (FileStatus f : fs.listStatus(logDir, p -> p.getName().contains(".checkpoint"))) {
      if (!f.getPath().getName().endsWith(".parquet") || readable(f)) continue;
      log.warn("event=checkpoint_damaged file={} bytes={} action=removed", f.getPath(), f.getLen());
      fs.delete(f.getPath(), false);
      removed++;
    }
    return removed;
  }

  private boolean readable(FileStatus f) {
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromStatus(f, conf))) {
      return reader.getFooter() != null;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
