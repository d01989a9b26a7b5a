package io.edgeuploader.sink;

import io.delta.storage.HadoopFileSystemLogStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.util.Iterator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes Delta commit files to S3 with a conditional PUT ({@code If-None-Match: *}), so that of two
 * writers racing for the same version exactly one wins, whatever process or machine they run on.
 * Delta's default S3 log store only guards within one JVM: two edge nodes appending to one table
 * both "won" the same version and a commit was lost. The loser gets {@link
 * FileAlreadyExistsException}, which Kernel answers by rebasing and retrying at the next version.
 */
public final class S3ConditionalLogStore extends HadoopFileSystemLogStore {
  /** S3A's option for create-if-absent, answered by the store with HTTP 412 when taken. */
  static final String CONDITIONAL_CREATE = "fs.option.create.conditional.overwrite";

  public S3ConditionalLogStore(Configuration hadoopConf) {
    super(hadoopConf);
  }

  @Override
  public void write(Path path, Iterator<String> actions, Boolean overwrite, Configuration conf)
      throws IOException {
    FileSystem fs = path.getFileSystem(conf);
    FSDataOutputStream out;
    if (overwrite) {
      out = fs.create(path, true);
    } else {
      out =
          (FSDataOutputStream)
              fs.createFile(path).overwrite(false).must(CONDITIONAL_CREATE, true).build();
    }
    try {
      try (out) {
        while (actions.hasNext()) {
          out.write((actions.next() + "\n").getBytes(StandardCharsets.UTF_8));
        }
      }
    } catch (IOException e) {
      // S3A uploads on close(); a lost race surfaces there as a 412 Precondition Failed.
      if (!overwrite && isPreconditionFailed(e)) {
        throw new FileAlreadyExistsException(path.toString());
      }
      throw e;
    }
  }

  private static boolean isPreconditionFailed(IOException e) {
    return StoreFailure.judge(e, Storage.Kind.S3).kind() == StoreFailure.Kind.LOST_RACE;
  }

  /** An S3 object appears whole or not at all. */
  @Override
  public Boolean isPartialWriteVisible(Path path, Configuration conf) {
    return false;
  }
}
