package io.edgeuploader;

import io.delta.kernel.data.ColumnarBatch;
import io.edgeuploader.cursor.RecentRows;
import io.edgeuploader.cursor.RowFingerprint;
import io.edgeuploader.mapping.RowConverter;
import io.edgeuploader.source.SourceRow;
import io.edgeuploader.source.SourceTable;
import io.edgeuploader.source.SqliteSource;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The rows of one commit, read from SQLite in chunks while Kernel writes them, so memory holds one
 * chunk whatever the commit size, and each read is a short statement that does not hold back the
 * application's writes. Remembers the last row read, which becomes the cursor if the commit lands.
 */
final class BatchFeed implements Iterator<ColumnarBatch> {
  static final int CHUNK_ROWS = 65_536;

  private final SqliteSource source;
  private final SourceTable table;
  private final RowConverter converter;
  private final RecentRows recent;
  private final long end;
  private long afterRowid;
  private int remaining;
  private List<SourceRow> next;
  private boolean exhausted;

  private long rows;
  private long lastRowid;
  private long lastFingerprint;

  BatchFeed(
      SqliteSource source,
      SourceTable table,
      RowConverter converter,
      long afterRowid,
      long end,
      int maxRows,
      List<SourceRow> firstChunk,
      RecentRows recent) {
    this.source = source;
    this.table = table;
    this.converter = converter;
    this.afterRowid = afterRowid;
    this.end = end;
    this.remaining = maxRows;
    this.next = firstChunk;
    this.recent = recent;
    this.lastRowid = afterRowid;
  }

  @Override
  public boolean hasNext() {
    if (next == null && !exhausted && remaining > 0) {
      next = source.rowsAfter(table, afterRowid, end, Math.min(CHUNK_ROWS, remaining));
    }
    return next != null && !next.isEmpty();
  }

  @Override
  public ColumnarBatch next() {
    if (!hasNext()) throw new NoSuchElementException();
    List<SourceRow> chunk = next;
    next = null;
    if (chunk.size() < Math.min(CHUNK_ROWS, remaining)) exhausted = true;
    remaining -= chunk.size();
    for (SourceRow row : chunk) {
      long fp = RowFingerprint.of(row);
      recent.add(row.rowid(), fp);
      lastRowid = row.rowid();
      lastFingerprint = fp;
    }
    afterRowid = lastRowid;
    rows += chunk.size();
    return converter.convert(chunk);
  }

  long rows() {
    return rows;
  }

  long lastRowid() {
    return lastRowid;
  }

  long lastFingerprint() {
    return lastFingerprint;
  }
}
