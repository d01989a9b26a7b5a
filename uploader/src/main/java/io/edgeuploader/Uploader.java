package io.edgeuploader;

import io.delta.kernel.types.StructType;
import io.edgeuploader.config.DaemonConfig;
import io.edgeuploader.config.TableConfig;
import io.edgeuploader.cursor.Cursor;
import io.edgeuploader.cursor.CursorCache;
import io.edgeuploader.cursor.SourceProgress;
import io.edgeuploader.mapping.RowConverter;
import io.edgeuploader.mapping.TableSchema;
import io.edgeuploader.ops.Metrics;
import io.edgeuploader.ops.ProgressLine;
import io.edgeuploader.ops.Tracing;
import io.edgeuploader.sink.DeltaSink;
import io.edgeuploader.sink.TableVersion;
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
 * Uploads one SQLite table to one Delta table. A pass is the protocol: load the table, find where
 * new rows start from the source's cursor in it ({@link SourceProgress}), then commit batches of
 * rows, each with the cursor that covers it, until the rows present at the start are in.
 */
public final class Uploader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Uploader.class);

  private final DaemonConfig node;
  private final TableConfig config;
  private final SqliteSource source;
  private final SourceTable table;
  private final DeltaSink sink;
  private final SourceProgress progress;
  private final String appId;
  private final Clock clock;
  private final Metrics metrics;
  private final Tracing tracing;

  /** Which node moves which table where: on every span. */
  private final Attributes lineage;

  /** Reads the next chunk of a commit while the current one is written. */
  private final ExecutorService reader =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "sqlite-reader");
            t.setDaemon(true);
            return t;
          });

  private long lastDataVersion = Long.MIN_VALUE;
  private boolean schemaChecked;
  private SqliteSource.Pending lag = new SqliteSource.Pending(0, Optional.empty());
  private PrintStream terminal;

  private Uploader(
      DaemonConfig node,
      TableConfig config,
      SqliteSource source,
      SourceTable table,
      DeltaSink sink,
      Clock clock,
      Metrics metrics,
      Tracing tracing) {
    this.node = node;
    this.config = config;
    this.source = source;
    this.table = table;
    this.sink = sink;
    this.clock = clock;
    this.metrics = metrics;
    this.tracing = tracing;
    this.appId = appId(node.nodeId(), node.sqlite().getFileName().toString(), table.name());
    this.progress =
        new SourceProgress(source, table, new CursorCache(node.stateDir(), appId, table.name()));
    this.lineage =
        Attributes.of(
            Tracing.NODE, node.nodeId(),
            Tracing.SOURCE_DATABASE, node.sqlite().toString(),
            Tracing.SOURCE_TABLE, table.name(),
            Tracing.TARGET, sink.tablePath());
  }

  /** Opens the database and chooses the table of a single-table config; writes nothing. */
  public static Uploader open(DaemonConfig config) {
    return open(
        config,
        config.table(),
        System.getenv(),
        Clock.systemUTC(),
        new Metrics(Clock.systemUTC()),
        Tracing.off());
  }

  /**
   * Opens the database and chooses the table; writes nothing. Credentials and endpoints come from
   * {@code env}; counts go into {@code metrics}, spans to {@code tracing}.
   */
  public static Uploader open(
      DaemonConfig node,
      TableConfig config,
      Map<String, String> env,
      Clock clock,
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
      DeltaSink sink =
          new DeltaSink(
              table.name(),
              config.tablePath(),
              env,
              config.storageOptions(),
              config.targetFileBytes());
      return new Uploader(node, config, source, table, sink, clock, metrics, tracing);
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
    return progress.cache();
  }

  public Metrics metrics() {
    return metrics;
  }

  /** Whether another process committed to the database since the last pass (cheap). */
  public boolean sourceChanged() {
    return source.dataVersion() != lastDataVersion;
  }

  /** Draws a backfill's progress on {@code terminal} (the CLI passes stderr when on a terminal). */
  public void showProgressOn(PrintStream terminal) {
    this.terminal = terminal;
  }

  /** What one pass did. */
  public record PassResult(long rows, int commits, long rescued, long lastVersion) {
    static final PassResult NOTHING = new PassResult(0, 0, 0, -1);

    PassResult plus(Batch b) {
      return new PassResult(rows + b.rows, commits + 1, rescued + b.rescued, b.version);
    }
  }

  /** One commit that landed, and the table as it left it. */
  private record Batch(TableVersion table, long rows, long rescued, long version, long bytes) {}

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

  private PassResult pass(BooleanSupplier stopRequested) {
    lastDataVersion = source.dataVersion();
    long end = source.maxRowid(table);
    Optional<TableVersion> current = sink.latest();
    progress.start(current.flatMap(t -> t.cursor(appId)));
    PassResult result = PassResult.NOTHING;
    ProgressLine line = progressLine(end);
    while (!stopRequested.getAsBoolean()) {
      RowChunk first =
          source.rowsAfter(
              table,
              progress.current().rowid(),
              end,
              Math.min(BatchFeed.CHUNK_ROWS, config.batchRows()));
      if (first.size() == 0) break;
      TableVersion base = current.isPresent() ? current.get() : createTable();
      checkSchema(base);
      Batch batch = commitBatch(base, first, end, line);
      current = Optional.of(batch.table());
      result = result.plus(batch);
    }
    if (line != null) line.finish();
    lag = source.pending(table, progress.current().rowid());
    metrics.passSucceeded(table.name(), lag.rows(), lag.oldest());
    return result;
  }

  /** Reads rows from {@code first} on, writes them as one commit, and moves the cursor. */
  private Batch commitBatch(TableVersion base, RowChunk first, long end, ProgressLine line) {
    RowConverter converter =
        new RowConverter(
            base.schema(),
            table,
            node.nodeId(),
            ChronoUnit.MICROS.between(Instant.EPOCH, clock.instant()));
    long began = System.nanoTime();
    try (BatchFeed feed =
        new BatchFeed(
            source,
            table,
            converter,
            reader,
            progress.current().rowid(),
            end,
            config.batchRows(),
            first,
            line == null ? n -> {} : line::advance)) {
      Supplier<Cursor> after =
          () ->
              progress.next(
                  feed.lastRowid(),
                  feed.lastFingerprint(),
                  converter.maxTimestampMicros(),
                  feed.rows());
      long seq = progress.current().seq() + 1;
      DeltaSink.Committed committed = traced(base, seq, after, feed);
      CrashPoint.AFTER_COMMIT.reached();
      progress.committed(after.get(), feed.tail());
      Batch batch =
          new Batch(
              committed.table(),
              feed.rows(),
              converter.rescuedValues(),
              committed.version(),
              committed.bytes());
      report(batch, System.nanoTime() - began);
      return batch;
    }
  }

  /** One commit, in a span of its own. */
  private DeltaSink.Committed traced(
      TableVersion base, long seq, Supplier<Cursor> after, BatchFeed feed) {
    return tracing.traced(
        "commit",
        lineage,
        () -> sink.append(base, appId, seq, after, feed),
        c ->
            Attributes.of(
                Tracing.VERSION, c.version(),
                Tracing.ROWS, feed.rows(),
                Tracing.BYTES, c.bytes()));
  }

  private void report(Batch b, long nanos) {
    metrics.committed(table.name(), b.rows, b.rescued, b.bytes, b.version, nanos);
    Cursor c = progress.current();
    log.info(
        "event=commit table={} version={} rows={} rescued={} rowid={} watermark={} duration_ms={}",
        table.name(),
        b.version,
        b.rows,
        b.rescued,
        c.rowid(),
        c.watermarkText(),
        nanos / 1_000_000);
    if (b.rescued > 0) {
      log.warn(
          "event=values_rescued table={} version={} count={} column={}",
          table.name(),
          b.version,
          b.rescued,
          TableSchema.RESCUED_DATA);
    }
  }

  /** A progress line for this pass if it is long enough to want one (over one read chunk). */
  private ProgressLine progressLine(long end) {
    if (terminal == null) return null;
    long total = source.countBetween(table, progress.current().rowid(), end);
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

  private TableVersion createTable() {
    StructType schema = TableSchema.forSource(table, config.auditColumns(), config.partitionBy());
    return sink.create(schema, config.partitionBy().stream().map(p -> p.deltaName).toList());
  }

  private void checkSchema(TableVersion t) {
    if (schemaChecked) return;
    TableSchema.checkCompatible(
        sink.tablePath(),
        t.schema(),
        t.partitionColumns(),
        table,
        config.auditColumns(),
        config.partitionBy());
    schemaChecked = true;
  }

  /**
   * Read-only facts for status and --dry-run.
   *
   * @param table the Delta table, if it exists
   * @param cursor where the next upload continues
   */
  public record Progress(
      Optional<TableVersion> table, Cursor cursor, long pendingRows, long deltaRows) {}

  public Progress progress() {
    Optional<TableVersion> t = sink.latest();
    Cursor start = progress.peekStart(t.flatMap(v -> v.cursor(appId)));
    long pending = source.countBetween(table, start.rowid(), Long.MAX_VALUE);
    return new Progress(t, start, pending, t.map(sink::rowCount).orElse(0L));
  }

  @Override
  public void close() {
    reader.shutdownNow();
    source.close();
  }
}
