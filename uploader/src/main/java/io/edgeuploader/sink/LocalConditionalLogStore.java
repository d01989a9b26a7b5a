package io.edgeuploader.sink;

import io.delta.storage.HadoopFileSystemLogStore;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Writes Delta commit files on a local (or mounted) file system so that of several processes racing
 * for one version exactly one wins. Delta's local log store checks that the file is absent and then
 * renames onto it, and Hadoop's local rename replaces an existing file: two processes can both pass
 * the check and the second silently overwrites the first commit. Here the complete file is
 * published with a hard link, which the operating system refuses atomically when the name is taken.
 */
public final class LocalConditionalLogStore extends HadoopFileSystemLogStore {
  public LocalConditionalLogStore(Configuration hadoopConf) {
    super(hadoopConf);
  }

  @Override
  public void write(Path path, Iterator<String> actions, Boolean overwrite, Configuration conf)
      throws IOException {
    java.nio.file.Path target = new File(path.toUri().getPath()).toPath();
    java.nio.file.Path dir = target.getParent();
    if (!Files.isDirectory(dir)) throw new NoSuchFileException(dir.toString());
    java.nio.file.Path tmp =
        dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        while (actions.hasNext()) {
          ch.write(ByteBuffer.wrap((actions.next() + "\n").getBytes(StandardCharsets.UTF_8)));
        }
        ch.force(true);
      }
      if (overwrite) {
        Files.move(
            tmp,
            target,
            java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } else {
        Files.createLink(target, tmp); // throws FileAlreadyExistsException if taken
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Yes, for files not written by {@link #write}: Kernel asks this before writing a checkpoint, and
   * writes to a temporary name and renames only when the answer is yes. Answering no (as this store
   * once did, its own commits being published whole) made checkpoints appear under their final name
   * while being written: a process killed then left a file no reader could open.
   */
  @Override
  public Boolean isPartialWriteVisible(Path path, Configuration conf) {
    return true;
  }
}
