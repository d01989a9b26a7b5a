package io.edgeuploader;

import io.delta.kernel.types.StructType;
import io.edgeuploader.config.ConfigKey;
import io.edgeuploader.config.DaemonConfig;
import io.edgeuploader.config.SchemaEvolution;
import io.edgeuploader.config.TableConfig;
import io.edgeuploader.cursor.Cursor;
import io.edgeuploader.cursor.CursorCache;
import io.edgeuploader.cursor.SourceId;
import io.edgeuploader.cursor.SourceProgress;
import io.edgeuploader.mapping.RowConverter;
import io.edgeuploader.mapping.TableSchema;
import io.edgeuploader.ops.Metrics;
import io.edgeuploader.ops.ProgressLine;
import io.edgeuploader.ops.Tracing;
import io.edgeuploader.sink.Committed;
import io.edgeuploader.sink.Sink;
import io.edgeuploader.sink.TableVersion;
import io.edgeuploader.source.RowChunk;
import io.edgeuploader.source.SourceException;
import io.edgeuploader.source.SourceTable;
import io.edgeuploader.source.SqliteSource;
import io.edgeuploader.source.TableDetector;
import io.opentelemetry.api.common.Attributes;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
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
  private final Sink sink;
  private final String appId;
  private final CursorCache cache;
  private final ColumnChanges columns;

  private final WatchedSource source;
  private final Preflight preflight;

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
  private SqliteSource.Pending lag = new SqliteSource.Pending(0, Optional.empty());
  private PrintStream terminal;

  private Uploader(
      DaemonConfig node,
      TableConfig config,
      SqliteSource source,
      SourceTable table,
      Map<String, String> env,
      Clock clock,
      Metrics metrics,
      Tracing tracing) {
    this.node = node;
    this.config = config;
    this.clock = clock;
    this.metrics = metrics;
    this.tracing = tracing;
    String database = node.sqlite().getFileName().toString();
    this.appId = SourceId.of(node.nodeId(), database, table.name());
    this.sink =
        Sink.open(
            table.name(),
            config,
            env,
            appId,
            List.of(node.nodeId(), database, table.name()),
            () -> TableSchema.forSource(table(), config.auditColumns(), config.partitionBy()));
    this.columns = new ColumnChanges(config.schemaEvolution() == SchemaEvolution.ADD_COLUMNS, sink);
    this.cache = new CursorCache(node.stateDir(), appId, table.name());
    this.source = new WatchedSource(node, source, table, cache, config.landingPath().isPresent());
    this.preflight = new Preflight(node, config, sink, appId);
    this.lineage =
        Attributes.of(
            Tracing.NODE, node.nodeId(),
            Tracing.SOURCE_DATABASE, node.sqlite().toString(),
            Tracing.SOURCE_TABLE, table.name(),
            Tracing.TARGET, sink.location());
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
    SqliteSource source =
        SqliteSource.open(node.sqlite(), node.busyTimeout(), node.origin(ConfigKey.SQLITE));
    try {
      SourceTable table = TableDetector.describe(source, config.table(), config.timestampColumn());
      TableSchema.checkSource(table);
      log.info(
          "event=source sqlite={} table={} table_reason=\"{}\" timestamp_column={}"
              + " timestamp_reason=\"{}\"",
          node.sqlite(),
          table.name(),
          table.reason(),
          table.timestamp().shown(),
          table.timestamp().reason());
      return new Uploader(node, config, source, table, env, clock, metrics, tracing);
    } catch (RuntimeException e) {
      source.close();
      throw e;
    }
  }

  public SourceTable table() {
    return source.table();
  }

  public Sink sink() {
    return sink;
  }

  public String appId() {
    return appId;
  }

  public CursorCache cache() {
    return cache;
  }

  public Metrics metrics() {
    return metrics;
  }

  /**
   * Whether another process committed to the database since the last pass, or another file took its
   * name (cheap: a stat and a pragma).
   */
  public boolean sourceChanged() {
    return source.db().replaced() || source.db().dataVersion() != lastDataVersion;
  }

  /** Draws a backfill's progress on {@code terminal} (the CLI passes stderr when on a terminal). */
  public void showProgressOn(PrintStream terminal) {
    this.terminal = terminal;
  }

  /** One commit that landed, and the table as it left it. */
  private record Batch(
      TableVersion table, long rows, long rescued, long version, long bytes, int attempts) {}

  /**
   * Uploads every row that exists when the pass begins, in commits of at most batch_rows rows. Rows
   * the application adds meanwhile wait for the next pass, so a pass ends even when the application
   * writes faster than one commit takes.
   */
  public PassResult uploadPending(BooleanSupplier stopRequested) {
    return tracing.traced(
        "upload_pass",
        lineage,
        () -> passOnCurrentFile(stopRequested),
        r ->
            Attributes.of(
                Tracing.ROWS, r.rows(),
                Tracing.COMMITS, (long) r.commits(),
                Tracing.VERSION, r.lastVersion()));
  }

  /**
   * A pass; if the database file was replaced under it (a restored backup moved into place makes a
   * WAL reader see corruption), the pass is made again on the new file.
   */
  private PassResult passOnCurrentFile(BooleanSupplier stopRequested) {
    try {
      return pass(stopRequested);
    } catch (UserError | SourceException e) {
      if (!source.db().replaced()) throw e;
      return pass(stopRequested);
    }
  }

  private PassResult pass(BooleanSupplier stopRequested) {
    renewSource();
    lastDataVersion = source.db().dataVersion();
    long end = source.db().maxRowid(table());
    Optional<TableVersion> current = sink.latest();
    if (current.isPresent()) {
      check(current.get());
      current = Optional.of(columns.apply(table(), current.get()));
    }
    source.progress().start(current.flatMap(t -> t.cursor(appId)));
    PassResult result = PassResult.NOTHING;
    ProgressLine line = progressLine(end);
    while (!stopRequested.getAsBoolean()) {
      RowChunk first =
          source
              .db()
              .rowsAfter(
                  table(),
                  source.progress().current().rowid(),
                  end,
                  Math.min(BatchFeed.CHUNK_ROWS, config.batchRows()));
      if (first.size() == 0) break;
      TableVersion base =
          current.isPresent() ? current.get() : columns.apply(table(), createTable());
      Batch batch = commitBatch(base, first, end, line);
      current = Optional.of(batch.table());
      result = result.plus(batch.rows(), batch.rescued(), batch.version());
    }
    if (line != null) line.finish();
    lag = source.db().pending(table(), source.progress().current().rowid());
    metrics.passSucceeded(table().name(), lag.rows(), lag.oldest());
    return result;
  }

  /** Reads rows from {@code first} on, writes them as one commit, and moves the cursor. */
  private Batch commitBatch(TableVersion base, RowChunk first, long end, ProgressLine line) {
    long nowMicros = ChronoUnit.MICROS.between(Instant.EPOCH, clock.instant());
    RowConverter converter =
        new RowConverter(
            base.schema(), table(), node.nodeId(), nowMicros, columns.rescued(table(), base));
    long began = System.nanoTime();
    try (BatchFeed feed =
        new BatchFeed(
            source.db(),
            table(),
            converter,
            reader,
            source.progress().current().rowid(),
            end,
            config.batchRows(),
            first,
            line == null ? n -> {} : line::advance)) {
      Supplier<Cursor> after =
          () ->
              source
                  .progress()
                  .next(
                      feed.lastRowid(),
                      feed.lastFingerprint(),
                      converter.lastTimestampMicros(),
                      converter.maxTimestampMicros(),
                      feed.rows(),
                      nowMicros);
      long seq = source.progress().current().seq() + 1;
      Committed committed = traced(base, seq, after, feed);
      CrashPoint.AFTER_COMMIT.reached();
      source.progress().committed(after.get(), feed.tail());
      Batch batch =
          new Batch(
              committed.table(),
              feed.rows(),
              converter.rescuedValues(),
              committed.version(),
              committed.bytes(),
              committed.attempts());
      report(batch, System.nanoTime() - began);
      return batch;
    }
  }

  /** One commit, in a span of its own. */
  private Committed traced(TableVersion base, long seq, Supplier<Cursor> after, BatchFeed feed) {
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
    metrics.committed(table().name(), b.rows, b.rescued, b.bytes, b.version, nanos, b.attempts);
    Cursor c = source.progress().current();
    log.info(
        "event=commit table={} version={} rows={} rescued={} rowid={} watermark={} duration_ms={}"
            + " attempts={}",
        table().name(),
        b.version,
        b.rows,
        b.rescued,
        c.rowid(),
        c.watermarkText(),
        nanos / 1_000_000,
        b.attempts);
    if (b.rescued > 0) {
      log.warn(
          "event=values_rescued table={} version={} count={} column={}",
          table().name(),
          b.version,
          b.rescued,
          TableSchema.RESCUED_DATA);
    }
  }

  /** A progress line for this pass if it is long enough to want one (over one read chunk). */
  private ProgressLine progressLine(long end) {
    if (terminal == null) return null;
    long total = source.db().countBetween(table(), source.progress().current().rowid(), end);
    return total > BatchFeed.CHUNK_ROWS
        ? new ProgressLine(terminal, total, System::nanoTime)
        : null;
  }

  /**
   * A pass skipped because SQLite has not changed succeeded too: the lag the last pass measured
   * still holds, and is reported again without reading SQLite.
   */
  public void unchanged() {
    metrics.passSucceeded(table().name(), lag.rows(), lag.oldest());
  }

  private TableVersion createTable() {
    StructType schema = TableSchema.forSource(table(), config.auditColumns(), config.partitionBy());
    return sink.create(
        schema, config.partitionBy().stream().map(p -> p.deltaName).toList(), columns.enabled());
  }

  /** What schema evolution would do to the table now (see --dry-run). */
  public ColumnChanges.Plan schemaPlan(TableVersion t) {
    return columns.plan(table(), t);
  }

  /**
   * Refuses, before anything is written, what the uploader cannot append without losing or
   * duplicating rows (see {@link Preflight}).
   */
  public void preflight() {
    sink.latest().ifPresent(this::check);
  }

  private void check(TableVersion t) {
    preflight.check(source.db(), table(), t, columns.enabled());
  }

  /** Renews the source if its file or schema changed; what was checked is then checked again. */
  private void renewSource() {
    if (source.renew()) preflight.again();
  }

  /** Read-only facts for status and --dry-run. */
  public Progress progress() {
    renewSource();
    Optional<TableVersion> t = sink.latest();
    Cursor start = source.progress().peekStart(t.flatMap(v -> v.cursor(appId)));
    SqliteSource.Pending pending = source.db().pending(table(), start.rowid());
    return new Progress(
        t, start, pending.rows(), pending.oldest(), t.map(sink::rowCount).orElse(0L));
  }

  @Override
  public void close() {
    reader.shutdownNow();
    source.close();
  }
}
