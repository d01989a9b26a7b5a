package io.edgeuploader.cursor;

/**
 * The id of a source in the table's progress markers ({@code txn} application id and cursor
 * domain): {@code edge-uploader/<node id>/<database file name>/<table>}. A file name has no '/', so
 * the node id is what lies between the prefix and the last two parts.
 */
public final class SourceId {
  static final String PREFIX = "edge-uploader/";

  private SourceId() {}

  public static String of(String nodeId, String databaseFileName, String table) {
    return PREFIX + nodeId + "/" + databaseFileName + "/" + table;
  }

  /** "file/table" of a source id (tables named with '/' are read as part of the file name). */
  static String databaseAndTable(String sourceId) {
    int table = sourceId.lastIndexOf('/');
    int file = table > 0 ? sourceId.lastIndexOf('/', table - 1) : -1;
    return file < 0 ? sourceId : sourceId.substring(file + 1);
  }

  /** The node id of a source id. */
  public static String nodeOf(String sourceId) {
    return parts(sourceId)[0];
  }

  /** The database file name of a source id. */
  public static String databaseOf(String sourceId) {
    return parts(sourceId)[1];
  }

  /** The table of a source id. */
  public static String tableOf(String sourceId) {
    return parts(sourceId)[2];
  }

  private static String[] parts(String sourceId) {
    String rest = sourceId.startsWith(PREFIX) ? sourceId.substring(PREFIX.length()) : sourceId;
    int table = rest.lastIndexOf('/');
    int file = table > 0 ? rest.lastIndexOf('/', table - 1) : -1;
    if (file < 0) return new String[] {rest, "", ""};
    return new String[] {
      rest.substring(0, file), rest.substring(file + 1, table), rest.substring(table + 1)
    };
  }
}
