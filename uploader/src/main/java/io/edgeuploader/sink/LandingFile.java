package io.edgeuploader.sink;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.hadoop.util.HadoopStreams;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * One landing file, published under its final name whole and only if the name is free, as commit
 * files are (see the log stores): a reader (Auto Loader, Spark's file source) never sees it half
 * written, and of two writers of the same name exactly one wins. On S3 a conditional PUT writes the
 * final name directly ({@code If-None-Match: *}, at close); on local disk and ADLS the file is
 * written under a hidden temporary name (readers skip names starting with '.'), then published with
 * a hard link or a rename that does not overwrite.
 */
final class LandingFile {
  private final Path target;
  private final Path written;
  private final FileSystem fs;
  private final Storage.Kind store;
  private final Configuration conf;
  private FSDataOutputStream conditional;

  private LandingFile(Path target, Storage.Kind store, Configuration conf) throws IOException {
    this.target = target;
    this.store = store;
    this.conf = conf;
    this.fs = target.getFileSystem(conf);
    this.written =
        store == Storage.Kind.S3
            ? target
            : new Path(
                target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
  }

  static LandingFile at(Path target, Storage.Kind store, Configuration conf) throws IOException {
    return new LandingFile(target, store, conf);
  }

  /** Where the bytes go first: the final name on S3, a temporary one elsewhere. */
  Path writtenPath() {
    return written;
  }

  OutputFile output() throws IOException {
    if (store != Storage.Kind.S3) return HadoopOutputFile.fromPath(written, conf);
    conditional =
        (FSDataOutputStream)
            fs.createFile(target)
                .overwrite(false)
                .must(S3ConditionalLogStore.CONDITIONAL_CREATE, true)
                .build();
    return new OutputFile() {
      @Override
      public PositionOutputStream create(long blockSizeHint) {
        return HadoopStreams.wrap(conditional);
      }

      @Override
      public PositionOutputStream createOrOverwrite(long blockSizeHint) {
        return create(blockSizeHint);
      }

      @Override
      public boolean supportsBlockSize() {
        return false;
      }

      @Override
      public long defaultBlockSize() {
        return 0;
      }

      @Override
      public String getPath() {
        return target.toString();
      }
    };
  }

  /** Makes the written file visible under its final name; FileAlreadyExists if that is taken. */
  void publish() throws IOException {
    switch (store) {
      case S3 -> {} // the conditional PUT at close published it, or failed with 412
      case LOCAL -> {
        java.nio.file.Path tmp = java.nio.file.Path.of(written.toUri().getPath());
        try {
          Files.createLink(java.nio.file.Path.of(target.toUri().getPath()), tmp);
        } finally {
          Files.deleteIfExists(tmp);
        }
      }
      case AZURE -> {
        if (!fs.rename(written, target)) {
          fs.delete(written, false);
          throw new FileAlreadyExistsException(target.toString());
        }
      }
    }
  }

  /** After a failure: nothing half written is published, and nothing is left behind. */
  void abort() {
    try {
      // FSDataOutputStream is Abortable: S3A then discards the upload instead of completing it.
      if (conditional != null) conditional.abort();
      else if (store != Storage.Kind.S3) fs.delete(written, false);
    } catch (IOException | RuntimeException e) {
      // a temporary file left over is hidden from readers and harmless
    }
  }

  /** Whether a failure of the write or publication was a lost race for the name. */
  static boolean lostRace(Throwable e) {
    return e instanceof FileAlreadyExistsException
        || StoreFailure.judge(e, Storage.Kind.S3).kind() == StoreFailure.Kind.LOST_RACE;
  }
}
