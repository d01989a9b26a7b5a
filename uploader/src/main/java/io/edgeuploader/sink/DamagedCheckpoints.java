package io.edgeuploader.sink;

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
 * Kernel writes a checkpoint straight to its final name, so a process killed while writing one
 * leaves a file without a Parquet footer, and no reader can load the table any more. A checkpoint
 * only summarises the JSON commits before it, so a damaged one is removed: readers then replay
 * those commits (or use an older checkpoint), and the next checkpoint is written whole.
 */
final class DamagedCheckpoints {
  private static final Logger log = LoggerFactory.getLogger(DamagedCheckpoints.class);

  private DamagedCheckpoints() {}

  /** Whether {@code e} is a Parquet file that cannot be read (no footer). */
  static boolean isUnreadableParquet(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if (m.contains("is not a Parquet file") || m.contains("Not a Parquet file")) return true;
    }
    return false;
  }

  /** Removes the checkpoint files of {@code tablePath} that cannot be read; returns how many. */
  static int remove(String tablePath, Configuration conf) throws IOException {
    Path logDir = new Path(tablePath, "_delta_log");
    FileSystem fs = logDir.getFileSystem(conf);
    int removed = 0;
    for (FileStatus f : fs.listStatus(logDir, p -> p.getName().contains(".checkpoint"))) {
      if (!f.getPath().getName().endsWith(".parquet") || readable(f, conf)) continue;
      log.warn(
          "event=checkpoint_damaged file={} bytes={} action=removed (the JSON commits it"
              + " summarised stay; a process was probably killed while writing it)",
          f.getPath(),
          f.getLen());
      fs.delete(f.getPath(), false);
      removed++;
    }
    return removed;
  }

  private static boolean readable(FileStatus f, Configuration conf) {
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromStatus(f, conf))) {
      return reader.getFooter() != null;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
