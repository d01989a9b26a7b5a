package io.edgeuploader.cursor;

import io.edgeuploader.source.RowChunk;
import io.edgeuploader.source.SourceRow;
import io.edgeuploader.source.SourceTable;
import io.edgeuploader.source.SqliteSource;
import io.edgeuploader.source.TimestampParser;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applications delete uploaded rows, and SQLite then gives their rowids to new rows: the cursor's
 * rowid alone no longer says where new rows start. This finds it, and tells a row changed in place
 * (an UPDATE, not uploaded again) from a new row that took an uploaded row's rowid.
 *
 * <p>The evidence for "changed in place" is the row's timestamp: an update keeps or rewrites the
 * values of a row that was already uploaded, so its time is not newer than the newest time uploaded
 * (the watermark); a row inserted after a deletion is written later, with a newer time. A table
 * declared AUTOINCREMENT never reuses rowids, so there any change is an update.
 */
final class RowidReuse {
  // Logged as the uploader's, where operators and their greps have always found it.
  private static final Logger log = LoggerFactory.getLogger("io.edgeuploader.Uploader");

  /** Rows read per step of the walk down. */
  private static final int WALK_ROWS = 16_384;

  private RowidReuse() {}

  /**
   * Where new rows start. Normally the cursor itself; but if the row at the cursor is gone, or was
   * replaced by a new row, the application deleted uploaded rows and SQLite may have given their
   * rowids to new rows. New rows then sit above the highest surviving uploaded row, so walk down
   * from the cursor until a row is recognised as uploaded: by its fingerprint in the recent-rows
   * memory, or as changed in place, or, below that memory, by a timestamp not newer than the
   * watermark. Reads only; rows found changed in place are remembered as they are now.
   *
   * <p>After the application added or changed columns, fingerprints taken before are not
   * comparable: the row at the cursor still being there is then taken as enough.
   */
  static Cursor findStart(
      SqliteSource source, SourceTable table, long columnSignature, RecentRows recent, Cursor c) {
    if (c.rowid() == 0) return c;
    Optional<SourceRow> atCursor = source.rowAt(table, c.rowid());
    boolean sameColumns = c.columnSignature() == columnSignature;
    if (atCursor.isPresent()) {
      long fp = RowFingerprint.of(atCursor.get());
      if (!sameColumns || fp == c.anchor()) return c;
      if (table.autoincrement() || sameTime(table, c, atCursor.get())) {
        changedInPlace(table, recent, c.rowid(), fp);
        return c.rebasedTo(c.rowid(), fp);
      }
    } else if (table.autoincrement()) {
      return c; // deleted, and its rowid will never be given again
    }
    long below = c.rowid();
    long reused = 0;
    while (true) {
      RowChunk chunk = source.rowsAtOrBelowDescending(table, below, WALK_ROWS);
      List<SourceRow> rows = chunk.rows();
      for (SourceRow row : rows) {
        long fp = RowFingerprint.of(row);
        boolean uploaded;
        if (sameColumns && row.rowid() >= recent.lowestRowid()) {
          uploaded = recent.holds(row.rowid(), fp);
        } else {
          long micros = micros(table, row);
          uploaded = micros == TimestampParser.INVALID || micros <= c.watermarkMicros();
        }
        if (uploaded) return rebased(table, c, row.rowid(), fp, reused);
        reused++;
      }
      if (rows.isEmpty() || (rows.size() < WALK_ROWS && !chunk.full())) {
        return rebased(table, c, 0, 0, reused);
      }
      below = rows.get(rows.size() - 1).rowid() - 1;
    }
  }

  /** Whether the row at the cursor still has the time it was uploaded with. */
  private static boolean sameTime(SourceTable table, Cursor c, SourceRow row) {
    long micros = micros(table, row);
    return c.hasAnchorTime() && micros != TimestampParser.INVALID && micros == c.anchorTimeMicros();
  }

  /** The row's time, or INVALID (no timestamp column, NULL, not a time). */
  static long micros(SourceTable table, SourceRow row) {
    int ts = table.timestampIndex();
    Object value = ts < 0 ? null : row.values()[ts];
    return value == null
        ? TimestampParser.INVALID
        : TimestampParser.toMicros(value, table.timestamp().unit());
  }

  private static void changedInPlace(SourceTable table, RecentRows recent, long rowid, long fp) {
    recent.changed(rowid, fp);
    log.info(
        "event=uploaded_row_changed table={} rowid={} decision=updated_in_place"
            + " action=not_uploaded_again",
        table.name(),
        rowid);
  }

  private static Cursor rebased(SourceTable table, Cursor c, long rowid, long fp, long reused) {
    log.warn(
        "event=uploaded_rows_deleted table={} cursor_rowid={} uploaded_rows_end_at={}"
            + " new_rows_with_reused_rowids={}",
        table.name(),
        c.rowid(),
        rowid,
        reused);
    return c.rebasedTo(rowid, fp);
  }
}
