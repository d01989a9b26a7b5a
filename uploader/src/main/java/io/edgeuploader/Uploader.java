package io.edgeuploader;

import io.delta.kernel.Snapshot;
import io.delta.kernel.exceptions.ConcurrentTransactionException;
import io.delta.kernel.types.StructType;
import io.edgeuploader.config.DaemonConfig;
import io.edgeuploader.config.TableConfig;
import io.edgeuploader.cursor.Cursor;
import io.edgeuploader.cursor.CursorCache;
import io.edgeuploader.cursor.RecentRows;
import io.edgeuploader.cursor.RowFingerprint;
import io.edgeuploader.mapping.RowConverter;
import io.edgeuploader.mapping.TableSchema;
import io.edgeuploader.ops.Metrics;
import io.edgeuploader.ops.ProgressLine;
import io.edgeuploader.ops.Tracing;
import io.edgeuploader.sink.DeltaSink;
import io.edgeuploader.sink.SinkException;
import io.edgeuploader.source.RowChunk;
import io.edgeuploader.source.SourceTable;
import io.edgeuploader.source.SqliteSource;
import io.edgeuploader.source.TableDetector;
import io.opentelemetry.api.common.Attributes;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads one SQLite table to one Delta table. The cursor follows rowids: SQLite gives a new row a
 * rowid above every existing one, so "rowid above the cursor" finds new rows in index order, late
 * timestamps, equal timestamps and NULL timestamps included. Rowids are only reused after the
 * newest rows were deleted; the anchor (the fingerprint of the row at the cursor) detects that, and
 * {@link #findStart} then finds where the surviving uploaded rows end.
 */
public final class Uploader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Uploader.class);

  private final DaemonConfig node;
  private final TableConfig config;
  private final SqliteSource source;
  private final SourceTable table;
  private final DeltaSink sink;
  private final CursorCache cache;
  private final String appId;
  private final long columns;

  /** Reads the next chunk of a commit while Kernel writes the current one. */
  private final ExecutorService reader =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "sqlite-reader");
            t.setDaemon(true);
            return t;
          });

  private Cursor cursor;
  private RecentRows recent = new RecentRows();
  private boolean cacheConsulted;
  private long lastDataVersion = Long.MIN_VALUE;
  private boolean schemaChecked;
  private final Clock clock = Clock.systemUTC();
  private final Metrics metrics;
  private final Tracing tracing;

  /** Which node moves which table where: on every span. */
  private final Attributes lineage;

  private SqliteSource.Pending lag = new SqliteSource.Pending(0, Optional.empty());
  private PrintStream terminal;

  Uploader(
      DaemonConfig node,
      TableConfig config,
      SqliteSource source,
      SourceTable table,
      DeltaSink sink,
      Metrics metrics,
      Tracing tracing) {
    this.node = node;
    this.config = config;
    this.metrics = metrics;
    this.tracing = tracing;
    this.lineage =
        Attributes.of(
            Tracing.NODE, node.nodeId(),
            Tracing.SOURCE_DATABASE, node.sqlite().toString(),
            Tracing.SOURCE_TABLE, table.name(),
            Tracing.TARGET, sink.tablePath());
    this.source = source;
    this.table = table;
    this.sink = sink;
    this.appId = appId(node.nodeId(), node.sqlite().getFileName().toString(), table.name());
    this.cache = new CursorCache(node.stateDir(), appId);
    this.columns = RowFingerprint.ofColumns(table.columns());
  }

  /** Opens the database and chooses the table of a single-table config; writes nothing. */
  public static Uploader open(DaemonConfig config) {
    return open(
        config, config.table(), System.getenv(), new Metrics(Clock.systemUTC()), Tracing.off());
  }

  /**
   * Opens the database and chooses the table; writes nothing. Credentials and endpoints come from
   * {@code env}; counts go into {@code metrics}, spans to {@code tracing}.
   */
  public static Uploader open(
      DaemonConfig node,
      TableConfig config,
      Map<String, String> env,
      Metrics metrics,
      Tracing tracing) {
    SqliteSource source = SqliteSource.open(node.sqlite(), node.busyTimeout());
    try {
      SourceTable table = TableDetector.describe(source, config.table(), config.timestampColumn());
      TableSchema.checkSource(table);
      log.info(
          "event=source sqlite={} table={} table_reason=\"{}\" timestamp_column={}"
              + " timestamp_reason=\"{}\"",
          node.sqlite(),
          table.name(),
          table.reason(),
          table.timestamp().name(),
          table.timestamp().reason());
      return new Uploader(
          node,
          config,
          source,
          table,
          new DeltaSink(config.tablePath(), env, config.storageOptions(), config.targetFileBytes()),
          metrics,
          tracing);
    } catch (RuntimeException e) {
      source.close();
      throw e;
    }
  }

  /**
   * Names this source in the table's {@code txn} actions and cursor domain: node, database file
   * name and table. Stable across restarts and mount points; two sources with the same triple would
   * share a cursor, so give nodes distinct ids.
   */
  public static String appId(String nodeId, String databaseFileName, String table) {
    return "edge-uploader/" + nodeId + "/" + databaseFileName + "/" + table;
  }

  public SourceTable table() {
    return table;
  }

  public DeltaSink sink() {
    return sink;
  }

  public String appId() {
    return appId;
  }

  public CursorCache cache() {
    return cache;
  }

  /** Whether another process committed to the database since the last pass (cheap). */
  public boolean sourceChanged() {
    return source.dataVersion() != lastDataVersion;
  }

  /** What one pass did. */
  public record PassResult(long rows, int commits, long rescued, long lastVersion) {
    static final PassResult NOTHING = new PassResult(0, 0, 0, -1);
  }

  /**
   * Uploads every row that exists when the pass begins, in commits of at most batch_rows rows. Rows
   * the application adds meanwhile wait for the next pass, so a pass ends even when the application
   * writes faster than one commit takes.
   */
  public PassResult uploadPending(BooleanSupplier stopRequested) {
    return tracing.traced(
        "upload_pass",
        lineage,
        () -> pass(stopRequested),
        r ->
            Attributes.of(
                Tracing.ROWS, r.rows(),
                Tracing.COMMITS, (long) r.commits(),
                Tracing.VERSION, r.lastVersion()));
  }

  /** One commit of a pass, in a span of its own. */
  private DeltaSink.Committed commit(
      Snapshot base, long seq, Supplier<Cursor> after, BatchFeed feed) {
    return tracing.traced(
        "commit",
        lineage,
        () -> sink.append(base, appId, seq, after, feed),
        c ->
            Attributes.of(
                Tracing.VERSION, c.snapshot().getVersion(),
                Tracing.ROWS, feed.rows(),
                Tracing.BYTES, c.bytes()));
  }

  private PassResult pass(BooleanSupplier stopRequested) {
    lastDataVersion = source.dataVersion();
    long end = source.maxRowid(table);
    Optional<Snapshot> snapshot = sink.latest();
    Cursor known = reconcile(snapshot);
    if (known.rowid() > 0 && known.columns() != columns && !recent.isEmpty()) {
      log.info(
          "event=source_columns_changed table={}; row fingerprints start afresh", table.name());
      recent = new RecentRows();
    }
    Cursor start = RowidReuse.findStart(source, table, columns, recent, known);
    if (start != known) {
      recent.forgetAbove(start.rowid());
      cursor = start;
      saveCache();
    }
    long rows = 0;
    long rescued = 0;
    int commits = 0;
    long version = -1;
    ProgressLine progress = progressLine(end);
    while (!stopRequested.getAsBoolean()) {
      RowChunk first =
          source.rowsAfter(
              table, cursor.rowid(), end, Math.min(BatchFeed.CHUNK_ROWS, config.batchRows()));
      if (first.size() == 0) break;
      Snapshot base = snapshot.isPresent() ? snapshot.get() : createTable();
      checkSchema(base);
      RowConverter converter =
          new RowConverter(
              base.getSchema(),
              table,
              node.nodeId(),
              ChronoUnit.MICROS.between(Instant.EPOCH, clock.instant()));
      Cursor before = cursor;
      long began = System.nanoTime();
      RecentRows tail;
      long committedRows;
      long bytes;
      try (BatchFeed feed =
          new BatchFeed(
              source,
              table,
              converter,
              reader,
              cursor.rowid(),
              end,
              config.batchRows(),
              first,
              progress == null ? n -> {} : progress::advance)) {
        Supplier<Cursor> after =
            () ->
                before.next(
                    feed.lastRowid(),
                    feed.lastFingerprint(),
                    converter.maxTimestampMicros(),
                    feed.rows(),
                    columns);
        try {
          DeltaSink.Committed committed = commit(base, before.seq() + 1, after, feed);
          version = committed.snapshot().getVersion();
          snapshot = Optional.of(committed.snapshot());
          bytes = committed.bytes();
        } catch (ConcurrentTransactionException e) {
          cursor = null; // another process moved this source's cursor: re-read it next pass
          throw new SinkException(
              "another process committed for source "
                  + appId
                  + " ("
                  + e.getMessage()
                  + "); is the same database uploaded twice with the same node id?",
              e);
        }
        CrashPoint.AFTER_COMMIT.reached();
        cursor = after.get();
        committedRows = feed.rows();
        tail = feed.tail();
      }
      long nanos = System.nanoTime() - began;
      long millis = nanos / 1_000_000;
      metrics.committed(
          table.name(), committedRows, converter.rescuedValues(), bytes, version, nanos);
      recent.addAll(tail);
      saveCache();
      rows += committedRows;
      rescued += converter.rescuedValues();
      commits++;
      log.info(
          "event=commit table={} version={} rows={} rescued={} rowid={} watermark={}"
              + " duration_ms={}",
          table.name(),
          version,
          committedRows,
          converter.rescuedValues(),
          cursor.rowid(),
          cursor.watermarkText(),
          millis);
      if (converter.rescuedValues() > 0) {
        log.warn(
            "event=values_rescued table={} version={} count={} column={}",
            table.name(),
            version,
            converter.rescuedValues(),
            TableSchema.RESCUED_DATA);
      }
    }
    if (progress != null) progress.finish();
    lag = source.pending(table, cursor.rowid());
    metrics.passSucceeded(table.name(), lag.rows(), lag.oldest());
    return commits == 0 ? PassResult.NOTHING : new PassResult(rows, commits, rescued, version);
  }

  /** Draws a backfill's progress on {@code terminal} (the CLI passes stderr when on a terminal). */
  public void showProgressOn(PrintStream terminal) {
    this.terminal = terminal;
  }

  /** A progress line for this pass if it is long enough to want one (over one read chunk). */
  private ProgressLine progressLine(long end) {
    if (terminal == null) return null;
    long total = source.countBetween(table, cursor.rowid(), end);
    return total > BatchFeed.CHUNK_ROWS
        ? new ProgressLine(terminal, total, System::nanoTime)
        : null;
  }

  /**
   * A pass skipped because SQLite has not changed succeeded too: the lag the last pass measured
   * still holds, and is reported again without reading SQLite.
   */
  public void unchanged() {
    metrics.passSucceeded(table.name(), lag.rows(), lag.oldest());
  }

  public Metrics metrics() {
    return metrics;
  }

  private Snapshot createTable() {
    StructType schema = TableSchema.forSource(table, config.auditColumns(), config.partitionBy());
    return sink.create(schema, config.partitionBy().stream().map(p -> p.deltaName).toList());
  }

  private void checkSchema(Snapshot snapshot) {
    if (!schemaChecked) {
      TableSchema.checkCompatible(
          sink.tablePath(),
          snapshot.getSchema(),
          snapshot.getPartitionColumnNames(),
          table,
          config.auditColumns(),
          config.partitionBy());
      schemaChecked = true;
    }
  }

  /**
   * The cursor to continue from: the one in memory if the table agrees, else the cache file's if it
   * is at the table's sequence number, else the table's own (losing only the recent-rows memory,
   * which matters only if uploaded rows are deleted meanwhile).
   */
  Cursor reconcile(Optional<Snapshot> snapshot) {
    Cursor inTable = snapshot.flatMap(s -> sink.cursor(s, appId)).orElse(Cursor.START);
    if (cursor != null && cursor.seq() == inTable.seq()) return cursor;
    if (!cacheConsulted) {
      cacheConsulted = true;
      Optional<CursorCache.Entry> cached = cache.load();
      if (cached.isPresent() && cached.get().cursor().seq() == inTable.seq()) {
        cursor = cached.get().cursor();
        recent = cached.get().recent();
        return cursor;
      }
      cached.ifPresent(
          c ->
              log.warn(
                  "event=state_stale file={} state_seq={} table_seq={}; continuing from the"
                      + " Delta table's cursor",
                  cache.file(),
                  c.cursor().seq(),
                  inTable.seq()));
    } else if (cursor != null) {
      log.warn(
          "event=cursor_moved table_seq={} local_seq={}; continuing from the Delta table's"
              + " cursor",
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
      log.warn("event=state_not_saved error=\"{}\"", e.getMessage());
    }
  }

  /** Read-only facts for status and --dry-run. */
  public record Progress(
      Optional<Snapshot> snapshot, Cursor cursor, long pendingRows, long deltaRows) {}

  public Progress progress() {
    Optional<Snapshot> snapshot = sink.latest();
    Cursor c = reconcile(snapshot);
    long pending =
        source.countBetween(
            table, RowidReuse.findStart(source, table, columns, recent, c).rowid(), Long.MAX_VALUE);
    long deltaRows = snapshot.map(sink::rowCount).orElse(0L);
    return new Progress(snapshot, c, pending, deltaRows);
  }

  @Override
  public void close() {
    reader.shutdownNow();
    source.close();
  }
}
