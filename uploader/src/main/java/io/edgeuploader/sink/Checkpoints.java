package io.edgeuploader.sink;

import io.delta.kernel.Snapshot;
import io.delta.kernel.TransactionCommitResult;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.hook.PostCommitHook;
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
 * The checkpoints of one table, as far as this process writes them: Kernel's post-commit hooks run
 * after each commit (a checkpoint every 10 commits keeps readers fast), except where a checkpoint
 * could be wrong, and a checkpoint left unreadable by a killed writer is removed.
 */
final class Checkpoints {
  private static final Logger log = LoggerFactory.getLogger(Checkpoints.class);

  private final Engine engine;
  private final String name;
  private final String tablePath;
  private final Configuration conf;

  /** A checkpoint was skipped after a race; the next commit without one writes it. */
  private boolean owed;

  /**
   * @param name what {@code table=} says in the log lines
   */
  Checkpoints(Engine engine, String name, String tablePath, Configuration conf) {
    this.engine = engine;
    this.name = name;
    this.tablePath = tablePath;
    this.conf = conf;
  }

  /**
   * Runs the hooks of a commit. After a rebased commit ({@code raced}: other writers committed
   * between its base and its version) the checkpoint is owed rather than written: measured with
   * four writers racing on one table, a checkpoint written then sometimes held only the last ten
   * commits' files (BackendIT lost 3,000 of 4,800 rows to readers). A failure here loses nothing,
   * so it only warns.
   */
  void afterCommit(TransactionCommitResult result, boolean raced) {
    for (PostCommitHook hook : result.getPostCommitHooks()) {
      boolean checkpoint = hook.getType() == PostCommitHook.PostCommitHookType.CHECKPOINT;
      if (raced && checkpoint) {
        log.info(
            "event=checkpoint_skipped table={} version={} reason=other_writers_committed_meanwhile",
            name,
            result.getVersion());
        owed = true;
        continue;
      }
      if (checkpoint) owed = false;
      try {
        hook.threadSafeInvoke(engine);
      } catch (IOException | RuntimeException e) {
        log.warn(
            "event=post_commit_hook_failed table={} hook={} version={} error=\"{}\"",
            name,
            hook.getType(),
            result.getVersion(),
            StoreFailure.cause(e));
      }
    }
  }

  /** Writes an owed checkpoint from the table as a race-free commit of ours left it (exact). */
  void payOwed(Snapshot exact) {
    if (!owed) return;
    owed = false;
    try {
      exact.writeCheckpoint(engine);
      log.info("event=checkpoint_written table={} version={}", name, exact.getVersion());
    } catch (IOException | RuntimeException e) {
      log.warn(
          "event=checkpoint_failed table={} version={} error=\"{}\"",
          name,
          exact.getVersion(),
          StoreFailure.cause(e));
    }
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
