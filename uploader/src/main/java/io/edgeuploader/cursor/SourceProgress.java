package io.edgeuploader.cursor;

import io.edgeuploader.UserError;
import io.edgeuploader.source.SourceTable;
import io.edgeuploader.source.SqliteSource;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far one source has been uploaded, and the one place its cursor moves. The table's cursor is
 * the truth; this keeps the cursor in memory between passes, the local cache of it (with the memory
 * of recent rows, too large for the Delta log), and finds where new rows start when the application
 * deleted uploaded rows and SQLite reused their rowids ({@link RowidReuse}).
 */
public final class SourceProgress {
  // Logged as the uploader's, where operators and their greps have always found these events.
  private static final Logger log = LoggerFactory.getLogger("io.edgeuploader.Uploader");

  private final SqliteSource source;
  private final SourceTable table;
  private final CursorCache cache;

  /** A signature of the SQLite columns: fingerprints are comparable only while it holds. */
  private final long columnSignature;

  /** Whether the cache may be ahead of the sink, which then lost track (a cleaned landing zone). */
  private final boolean cacheMayLead;

  private Cursor cursor;
  private RecentRows recent = new RecentRows();
  private boolean cacheConsulted;

  /**
   * @param cacheMayLead the sink may forget batches it holds (landing files cleaned up after
   *     ingestion): a cache that knows later ones is then right, not stale
   */
  public SourceProgress(
      SqliteSource source, SourceTable table, CursorCache cache, boolean cacheMayLead) {
    this.source = source;
    this.table = table;
    this.cache = cache;
    this.cacheMayLead = cacheMayLead;
    this.columnSignature = RowFingerprint.ofColumns(table.columns());
  }

  public CursorCache cache() {
    return cache;
  }

  /** Where the last {@link #start} or commit left the cursor. */
  public Cursor current() {
    return cursor;
  }

  /**
   * Where new rows start, given the cursor the table holds for this source (empty before its first
   * commit): the cursor reconciled with memory and cache, then moved down past rowids the
   * application reused. A moved cursor is cached; it needs no commit, since the table's older
   * cursor leads to the same place.
   */
  public Cursor start(Optional<Cursor> inTable) {
    Cursor known = reconcile(inTable.orElse(Cursor.START));
    if (known.rowid() > 0 && known.columnSignature() != columnSignature && !recent.isEmpty()) {
      log.info("event=source_columns_changed table={} action=fingerprints_restart", table.name());
      recent = new RecentRows();
    }
    Cursor start = RowidReuse.findStart(source, table, columnSignature, recent, known);
    if (start != known) {
      recent.forgetAbove(start.rowid());
      cursor = start;
      saveCache();
    }
    return cursor;
  }

  /** Where new rows start, as {@link #start} finds it, without caching anything. */
  public Cursor peekStart(Optional<Cursor> inTable) {
    Cursor known = reconcile(inTable.orElse(Cursor.START));
    return RowidReuse.findStart(source, table, columnSignature, recent, known);
  }

  /**
   * The cursor after a commit of rows up to {@code lastRowid}, if that commit lands.
   *
   * @param lastTimeMicros the last row's time, or Long.MIN_VALUE if it has none
   * @param nowMicros when the commit began
   */
  public Cursor next(
      long lastRowid,
      long lastFingerprint,
      long lastTimeMicros,
      long maxTimestampMicros,
      long rows,
      long nowMicros) {
    return cursor.next(
        lastRowid,
        lastFingerprint,
        lastTimeMicros,
        maxTimestampMicros,
        rows,
        columnSignature,
        nowMicros);
  }

  /** A commit landed with {@code next}; {@code tail} holds the fingerprints of its last rows. */
  public void committed(Cursor next, RecentRows tail) {
    cursor = next;
    recent.addAll(tail);
    saveCache();
  }

  /**
   * The cursor to continue from: the one in memory if the table agrees, else the cache file's if it
   * is at the table's sequence number, else the table's own (losing only the recent-rows memory,
   * which matters only if uploaded rows are deleted meanwhile).
   */
  private Cursor reconcile(Cursor inTable) {
    if (cursor != null && cursor.seq() == inTable.seq()) return cursor;
    if (!cacheConsulted) {
      cacheConsulted = true;
      Optional<CursorCache.Entry> cached = cache.load();
      if (cached.isPresent() && cacheMayLead && cached.get().cursor().seq() > inTable.seq()) {
        log.warn(
            "event=sink_behind_cache table={} sink_seq={} state_seq={} action=use_cache",
            table.name(),
            inTable.seq(),
            cached.get().cursor().seq());
      }
      if (cached.isPresent()
          && (cached.get().cursor().seq() == inTable.seq()
              || (cacheMayLead && cached.get().cursor().seq() > inTable.seq()))) {
        cursor = cached.get().cursor();
        recent = cached.get().recent();
        return cursor;
      }
      cached.ifPresent(
          c ->
              log.warn(
                  "event=state_stale table={} file={} state_seq={} table_seq={}"
                      + " action=use_table_cursor",
                  table.name(),
                  cache.file(),
                  c.cursor().seq(),
                  inTable.seq()));
    } else if (cursor != null) {
      log.warn(
          "event=cursor_moved table={} table_seq={} local_seq={} action=use_table_cursor",
          table.name(),
          inTable.seq(),
          cursor.seq());
    }
    cursor = inTable;
    recent = new RecentRows();
    return cursor;
  }

  private void saveCache() {
    try {
      cache.save(cursor, recent);
    } catch (UserError e) {
      // The table holds the cursor; a missing cache only costs a re-read of it at the next start.
      log.warn("event=state_not_saved table={} error=\"{}\"", table.name(), e.getMessage());
    }
  }
}
