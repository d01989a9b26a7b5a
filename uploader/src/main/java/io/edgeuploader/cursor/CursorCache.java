package io.edgeuploader.cursor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgeuploader.CrashPoint;
import io.edgeuploader.ExitCode;
import io.edgeuploader.UserError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local copy of the cursor, plus the {@link RecentRows} that are too large for the Delta log.
 * Only a cache: on start the table's cursor wins whenever the two disagree. Written atomically
 * (temporary file, fsync, rename, fsync of the directory) so a crash leaves the old or the new
 * file, never a torn one; a damaged file is reported and ignored.
 */
public final class CursorCache {
  private static final Logger log = LoggerFactory.getLogger(CursorCache.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the cache holds. */
  public record Entry(Cursor cursor, RecentRows recent) {}

  private final Path dir;
  private final Path file;
  private final String appId;
  private final String table;

  /**
   * @param table what {@code table=} says in the log lines: the source table
   */
  public CursorCache(Path dir, String appId, String table) {
    this.dir = dir;
    this.table = table;
    this.appId = appId;
    this.file = dir.resolve(appId.replaceAll("[^A-Za-z0-9._-]", "_") + ".cursor.json");
  }

  public Path file() {
    return file;
  }

  /** Creates the state directory and proves it writable, so a bad one fails before uploading. */
  public void checkWritable() {
    checkWritableWithoutWriting();
    try {
      Files.createDirectories(dir);
      Path probe = Files.createTempFile(dir, ".probe", ".tmp");
      Files.delete(probe);
    } catch (IOException e) {
      throw new UserError(
          ExitCode.STATE,
          "state directory "
              + dir
              + " is not writable ("
              + describe(e)
              + "); fix --state-dir /"
              + " STATE_DIR or its permissions",
          e);
    }
  }

  /**
   * As {@link #checkWritable}, for a dry run: refuses a state directory the real run could not
   * create or write, without creating anything.
   */
  public void checkWritableWithoutWriting() {
    Path p = dir.toAbsolutePath();
    while (p != null && !Files.exists(p)) p = p.getParent();
    if (p == null || (Files.isDirectory(p) && Files.isWritable(p))) return;
    throw new UserError(
        ExitCode.STATE,
        "state directory "
            + dir
            + " is not writable ("
            + (Files.isDirectory(p) ? "permission denied" : p + " is not a directory")
            + "); fix --state-dir / STATE_DIR or its permissions");
  }

  public Optional<Entry> load() {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      log.warn(
          "event=state_unreadable table={} file={} error=\"{}\" action=use_table_cursor",
          table,
          file,
          e.getMessage());
      return Optional.empty();
    }
    try {
      JsonNode n = JSON.readTree(bytes);
      if (n == null || !appId.equals(n.path("app_id").asText())) {
        throw new IllegalArgumentException("written for another source");
      }
      Cursor cursor = Cursor.fromNode(n.get("cursor"));
      RecentRows recent =
          n.hasNonNull("recent") ? RecentRows.decode(n.get("recent").asText()) : new RecentRows();
      return Optional.of(new Entry(cursor, recent));
    } catch (IOException | RuntimeException e) {
      log.warn(
          "event=state_damaged table={} file={} error=\"{}\" action=use_table_cursor",
          table,
          file,
          e.getMessage());
      return Optional.empty();
    }
  }

  public void save(Cursor cursor, RecentRows recent) {
    ObjectNode n = JSON.createObjectNode();
    n.put("app_id", appId);
    n.set("cursor", cursor.toNode());
    n.put("recent", recent.encode());
    byte[] bytes = n.toString().getBytes(StandardCharsets.UTF_8);
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    try {
      Files.createDirectories(dir);
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        ch.write(buf.slice(0, bytes.length / 2));
        CrashPoint.DURING_STATE_SAVE.reached();
        ch.write(buf.slice(bytes.length / 2, bytes.length - bytes.length / 2));
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      } catch (IOException e) {
        // some file systems cannot fsync a directory; the rename itself is still atomic
      }
    } catch (IOException e) {
      throw new UserError(
          ExitCode.STATE,
          "cannot write state file "
              + file
              + " ("
              + describe(e)
              + "); the upload itself is safe"
              + " in the Delta table, but fix --state-dir / STATE_DIR",
          e);
    }
  }

  private static String describe(IOException e) {
    if (e instanceof AccessDeniedException) return "permission denied";
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
