package io.edgeuploader.sink;

import io.edgeuploader.sink.StoreFailure.Kind;
import io.edgeuploader.sink.StoreFailure.Verdict;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;

/** Hadoop settings for a table on local disk (or a mounted file system), and its failures. */
final class LocalSettings {
  private static final Pattern NOT_CREATED =
      Pattern.compile("(?:Failed to create directory|Mkdirs failed to create):? (\\S+)");

  private LocalSettings() {}

  static void apply(Configuration conf) {
    // The checksummed local file system writes a .crc file beside every data and log file;
    // Parquet and Delta carry their own integrity checks, so those are only clutter.
    conf.set("fs.file.impl", "org.apache.hadoop.fs.RawLocalFileSystem");
    conf.setBoolean("fs.file.impl.disable.cache", true);
    conf.set("io.delta.kernel.logStore.file.impl", LocalConditionalLogStore.class.getName());
  }

  /** Permissions and paths that cannot work are a person's to fix. */
  static Optional<Verdict> judge(Throwable t, String m) {
    if (t instanceof AccessDeniedException || m.contains("Permission denied")) {
      return Verdict.of(Kind.REFUSED, "permission denied; " + whoCanWrite());
    }
    Matcher notCreated = NOT_CREATED.matcher(m);
    if (notCreated.find()) return whyNotCreated(localPath(notCreated.group(1)));
    String lower = m.toLowerCase(java.util.Locale.ROOT);
    if (lower.contains("read-only file system")
        || lower.contains("not a directory")
        || lower.contains("exists as a file")) {
      return Verdict.of(Kind.MISCONFIGURED, "check --table-path / TABLE_PATH");
    }
    return Optional.empty();
  }

  /**
   * Hadoop's local mkdirs says only false: the nearest existing ancestor tells why (a file in the
   * way, or a directory this user may not write).
   */
  private static Optional<Verdict> whyNotCreated(Path dir) {
    Path p = dir.toAbsolutePath();
    while (p != null && !Files.exists(p)) p = p.getParent();
    if (p != null && !Files.isDirectory(p)) {
      return Verdict.of(Kind.MISCONFIGURED, p + " is a file; check --table-path / TABLE_PATH");
    }
    if (p != null && !Files.isWritable(p)) {
      return Verdict.of(
          Kind.REFUSED, "permission denied: " + p + " is not writable; " + whoCanWrite());
    }
    return Verdict.of(Kind.MISCONFIGURED, "check --table-path / TABLE_PATH and the disk");
  }

  private static Path localPath(String text) {
    return text.startsWith("file:") ? Path.of(java.net.URI.create(text)) : Path.of(text);
  }

  private static String whoCanWrite() {
    return "let user "
        + System.getProperty("user.name")
        + " write the table directory, or fix"
        + " --table-path / TABLE_PATH";
  }
}
