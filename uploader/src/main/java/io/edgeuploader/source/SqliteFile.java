package io.edgeuploader.source;

import io.edgeuploader.ExitCode;
import io.edgeuploader.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.SQLException;
import java.util.Arrays;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The database as a file: whether it is one SQLite can read, its identity on disk, and which of its
 * failures a person must fix.
 */
final class SqliteFile {
  private static final byte[] HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

  private SqliteFile() {}

  /**
   * Refuses a path that is missing, a directory, unreadable or not a SQLite database, naming {@code
   * origin}, where the path came from.
   */
  static void check(Path file, String origin) {
    if (!Files.exists(file)) {
      String wal = Files.exists(Path.of(file + "-wal")) ? " (only its -wal file is there)" : "";
      throw new UserError(
          ExitCode.SOURCE, "SQLite database not found: " + file + wal + "; check " + origin);
    }
    if (Files.isDirectory(file)) {
      throw new UserError(
          ExitCode.SOURCE,
          "SQLite path is a directory: " + file + "; point --sqlite at the database file");
    }
    byte[] header = new byte[HEADER.length];
    int read;
    try (InputStream in = Files.newInputStream(file)) {
      read = in.readNBytes(header, 0, header.length);
    } catch (IOException e) {
      throw new UserError(
          ExitCode.SOURCE,
          "cannot read SQLite database "
              + file
              + ": "
              + e.getMessage()
              + "; check the file's permissions",
          e);
    }
    if (read < header.length || !Arrays.equals(header, HEADER)) {
      throw new UserError(
          ExitCode.SOURCE,
          file
              + " is not a SQLite database ("
              + (read == 0 ? "the file is empty" : "bad header")
              + "); check "
              + origin);
    }
  }

  /** The file's identity (device and inode), or null where the file system has none. */
  static Object key(Path file) {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    } catch (IOException e) {
      return null;
    }
  }

  /** A person must fix a corrupt or unreadable file; a busy or I/O error may pass by itself. */
  static RuntimeException failure(Path file, SQLException e) {
    SQLiteErrorCode code = e instanceof SQLiteException se ? se.getResultCode() : null;
    if (code != null) {
      switch (code) {
        case SQLITE_NOTADB,
            SQLITE_CORRUPT,
            SQLITE_CORRUPT_VTAB,
            SQLITE_CANTOPEN,
            SQLITE_CANTOPEN_ISDIR,
            SQLITE_PERM,
            SQLITE_AUTH,
            SQLITE_READONLY_RECOVERY,
            SQLITE_READONLY_CANTINIT ->
            throw new UserError(
                ExitCode.SOURCE,
                "cannot read SQLite database "
                    + file
                    + ": "
                    + e.getMessage()
                    + "; check that the file is a complete, readable SQLite database",
                e);
        default -> {}
      }
    }
    return new SourceException("reading " + file + " failed: " + e.getMessage(), e);
  }
}
