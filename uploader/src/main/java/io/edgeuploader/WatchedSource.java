package io.edgeuploader;

import io.edgeuploader.config.ConfigKey;
import io.edgeuploader.config.DaemonConfig;
import io.edgeuploader.cursor.CursorCache;
import io.edgeuploader.cursor.SourceProgress;
import io.edgeuploader.mapping.TableSchema;
import io.edgeuploader.source.SourceTable;
import io.edgeuploader.source.SqliteSource;
import io.edgeuploader.source.TableDetector;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database, its table and the cursor over it, renewed when another file takes the database's
 * name (a restored backup, a replaced file) or the application changes the table's schema. The
 * chosen table and timestamp column stay across renewals.
 */
final class WatchedSource implements AutoCloseable {
  // Logged as the uploader's, where operators and their greps find its other events.
  private static final Logger log = LoggerFactory.getLogger(Uploader.class);

  private final DaemonConfig node;
  private final CursorCache cache;
  private final boolean landing;
  private SqliteSource db;
  private SourceTable table;
  private SourceProgress progress;
  private long schemaVersion;

  /**
   * @param landing whether the target is a landing zone, whose files may be cleaned up so that the
   *     local cache may know of later batches than the zone does; a Delta table forgets nothing
   */
  WatchedSource(
      DaemonConfig node, SqliteSource db, SourceTable table, CursorCache cache, boolean landing) {
    this.node = node;
    this.cache = cache;
    this.landing = landing;
    this.db = db;
    this.table = table;
    this.progress = new SourceProgress(db, table, cache, landing);
    this.schemaVersion = db.schemaVersion();
  }

  SqliteSource db() {
    return db;
  }

  SourceTable table() {
    return table;
  }

  SourceProgress progress() {
    return progress;
  }

  /**
   * Opens the database again when another file took its name, and reads the table's columns again
   * when the schema changed. The cursor is then found afresh from the table (and the cache): a
   * restored older backup holds fewer rows than were uploaded, and the rowid-reuse walk takes those
   * up to where its rows end as uploaded.
   *
   * @return whether anything was renewed, so that what was checked against the old table is checked
   *     again
   */
  boolean renew() {
    boolean replaced = db.replaced();
    if (!replaced && db.schemaVersion() == schemaVersion) return false;
    if (replaced) {
      SqliteSource reopened =
          SqliteSource.open(node.sqlite(), node.busyTimeout(), node.origin(ConfigKey.SQLITE));
      db.close();
      db = reopened;
    }
    SourceTable now =
        TableDetector.describe(
            db,
            Optional.of(table.name()),
            table.timestamp().present() ? Optional.of(table.timestamp().name()) : Optional.empty());
    TableSchema.checkSource(now);
    log.warn(
        "event={} table={} file={} columns_changed={} max_rowid={} cursor_rowid={}",
        replaced ? "database_replaced" : "source_schema_changed",
        table.name(),
        node.sqlite(),
        !now.columns().equals(table.columns()),
        db.maxRowid(now),
        progress.current() == null ? 0 : progress.current().rowid());
    table = now;
    progress = new SourceProgress(db, table, cache, landing);
    schemaVersion = db.schemaVersion();
    return true;
  }

  @Override
  public void close() {
    db.close();
  }
}
