package io.edgeuploader.cursor;

import io.edgeuploader.source.SourceRow;
import io.edgeuploader.source.SourceTable;
import io.edgeuploader.source.SqliteSource;
import java.util.Map;
import java.util.Optional;

/**
 * The safety net for a node whose id changed (a container recreated with a new host name, a job
 * without NODE_ID): its source id is then new to the table, and it would upload its whole database
 * again. The table says otherwise when it holds a cursor of another node id for the same database
 * file name and table whose last uploaded row is here, unchanged. Nodes whose databases merely
 * share a file name hold other rows, and are never taken for this one.
 */
public final class RenamedNode {
  private RenamedNode() {}

  /**
   * The source id (another node's) that already uploaded this database, if the table holds one.
   *
   * @param appId this source's id, new to the table
   * @param sources the table's sources and their cursors
   */
  public static Optional<String> find(
      SqliteSource source, SourceTable table, String appId, Map<String, Cursor> sources) {
    String sameDatabase = SourceId.databaseAndTable(appId);
    long columnSignature = RowFingerprint.ofColumns(table.columns());
    String best = null;
    long bestRows = -1;
    for (Map.Entry<String, Cursor> e : sources.entrySet()) {
      Cursor c = e.getValue();
      if (e.getKey().equals(appId)
          || !SourceId.databaseAndTable(e.getKey()).equals(sameDatabase)
          || c.rowid() == 0
          || c.columnSignature() != columnSignature
          || c.rows() <= bestRows) {
        continue;
      }
      Optional<SourceRow> anchor = source.rowAt(table, c.rowid());
      if (anchor.isPresent() && RowFingerprint.of(anchor.get()) == c.anchor()) {
        best = e.getKey();
        bestRows = c.rows();
      }
    }
    return Optional.ofNullable(best);
  }
}
