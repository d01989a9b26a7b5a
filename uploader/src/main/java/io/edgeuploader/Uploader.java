package io.edgeuploader;

import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.edgeuploader.config.ConfigKey;
import io.edgeuploader.config.DaemonConfig;
import io.edgeuploader.config.SchemaEvolution;
import io.edgeuploader.config.TableConfig;
import io.edgeuploader.cursor.Cursor;
import io.edgeuploader.cursor.CursorCache;
import io.edgeuploader.cursor.RenamedNode;
import io.edgeuploader.cursor.SourceId;
import io.edgeuploader.cursor.SourceProgress;
import io.edgeuploader.mapping.RowConverter;
import io.edgeuploader.mapping.TableSchema;
import io.edgeuploader.ops.Metrics;
import io.edgeuploader.ops.ProgressLine;
import io.edgeuploader.ops.Tracing;
import io.edgeuploader.sink.Committed;
import io.edgeuploader.sink.DeltaSink;
import io.edgeuploader.sink.LandingZone;
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
import java.util.Set;
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

  /** The database, its table and the cursor over it: renewed when the file or its schema change. */
  private SqliteSource source;

  private SourceTable table;
  private SourceProgress progress;
  private long schemaVersion;

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

  /** Warnings said once for the life of this uploader (a column not added, a type conflict). */
  private final Set<String> warned = new java.util.HashSet<>();

  private long lastDataVersion = Long.MIN_VALUE;
  private boolean checked;
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
    this.source = source;
    this.table = table;
    this.clock = clock;
    this.metrics = metrics;
    this.tracing = tracing;
    String database = node.sqlite().getFileName().toString();
    this.appId = SourceId.of(node.nodeId(), database, table.name());
    this.sink =
        config.landingPath().isPresent()
            ? new LandingZone(
                table.name(),
                config,
                env,
                appId,
                List.of(node.nodeId(), database, table.name()),
                () ->
                    TableSchema.forSource(this.table, config.auditColumns(), config.partitionBy()))
            : new DeltaSink(table.name(), config, env);
    this.cache = new CursorCache(node.stateDir(), appId, table.name());
    this.progress = new SourceProgress(source, table, cache, landing());
    this.schemaVersion = source.schemaVersion();
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
    return table;
  }

  public Sink sink() {
    return sink;
  }

  /**
   * Landing files may be cleaned up (progress objects too, against advice), so there the local
   * cache may know of later batches than the zone does; a Delta table forgets nothing.
   */
  private boolean landing() {
    return config.landingPath().isPresent();
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
    return source.replaced() || source.dataVersion() != lastDataVersion;
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
      if (!source.replaced()) throw e;
      return pass(stopRequested);
    }
  }

  private PassResult pass(BooleanSupplier stopRequested) {
    renewSource();
    lastDataVersion = source.dataVersion();
    long end = source.maxRowid(table);
    Optional<TableVersion> current = sink.latest();
    if (current.isPresent()) {
      check(current.get());
      current = Optional.of(evolve(current.get()));
    }
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
      TableVersion base = current.isPresent() ? current.get() : evolve(createTable());
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
    long nowMicros = ChronoUnit.MICROS.between(Instant.EPOCH, clock.instant());
    RowConverter converter =
        new RowConverter(base.schema(), table, node.nodeId(), nowMicros, typeConflicts(base));
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
                  converter.lastTimestampMicros(),
                  converter.maxTimestampMicros(),
                  feed.rows(),
                  nowMicros);
      long seq = progress.current().seq() + 1;
      Committed committed = traced(base, seq, after, feed);
      CrashPoint.AFTER_COMMIT.reached();
      progress.committed(after.get(), feed.tail());
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
    metrics.committed(table.name(), b.rows, b.rescued, b.bytes, b.version, nanos, b.attempts);
    Cursor c = progress.current();
    log.info(
        "event=commit table={} version={} rows={} rescued={} rowid={} watermark={} duration_ms={}"
            + " attempts={}",
        table.name(),
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
    return sink.create(
        schema, config.partitionBy().stream().map(p -> p.deltaName).toList(), addsColumns());
  }

  private boolean addsColumns() {
    return config.schemaEvolution() == SchemaEvolution.ADD_COLUMNS;
  }

  /**
   * What schema evolution would do to the table now: the SQLite columns it lacks, whether it can
   * add them (a table without column mapping keeps rescuing their values until upgraded), and the
   * columns whose types differ from the table's.
   */
  public record SchemaPlan(List<StructField> added, boolean canAdd, Set<String> conflicts) {}

  public SchemaPlan schemaPlan(TableVersion t) {
    if (!addsColumns()) return new SchemaPlan(List.of(), false, Set.of());
    return new SchemaPlan(
        TableSchema.newColumns(table, t.schema()),
        sink.canAddColumns(t),
        TableSchema.typeConflicts(table, t.schema()));
  }

  /** Adds the SQLite columns the table lacks, in a commit before the rows that use them. */
  private TableVersion evolve(TableVersion t) {
    SchemaPlan plan = schemaPlan(t);
    if (plan.added().isEmpty()) return t;
    if (plan.canAdd()) return sink.addColumns(t, plan.added());
    String columns = String.join(",", plan.added().stream().map(StructField::getName).toList());
    if (warned.add("columns:" + columns)) {
      log.warn(
          "event=columns_not_added table={} columns={} reason=no_column_mapping"
              + " action=values_rescued hint=upgrade-table",
          table.name(),
          columns);
    }
    return t;
  }

  /** The columns whose values are rescued because the table has them with another type. */
  private Set<String> typeConflicts(TableVersion t) {
    if (!addsColumns()) return Set.of();
    Set<String> conflicts = TableSchema.typeConflicts(table, t.schema());
    for (String c : conflicts) {
      if (warned.add("type:" + c)) {
        int f = t.schema().indexOf(TableSchema.deltaName(c));
        log.warn(
            "event=column_type_conflict table={} column={} table_type={} sqlite_type=\"{}\""
                + " action=values_rescued",
            table.name(),
            c,
            f >= 0 ? t.schema().at(f).getDataType() : "?",
            table.columns().get(table.indexOf(c)).declaredType());
      }
    }
    return conflicts;
  }

  /**
   * Refuses, before anything is written, what the uploader cannot append without losing or
   * duplicating rows: a table whose schema the rows do not fit, and a database this table already
   * holds under another node id. {@code --dry-run} runs the same checks.
   */
  public void preflight() {
    sink.latest().ifPresent(this::check);
  }

  private void check(TableVersion t) {
    if (checked) return;
    TableSchema.checkCompatible(
        sink.location(),
        t.schema(),
        t.partitionColumns(),
        table,
        config.auditColumns(),
        config.partitionBy(),
        addsColumns());
    if (t.cursor(appId).isEmpty() && !node.newSource()) {
      Optional<String> other = RenamedNode.find(source, table, appId, t.sources());
      if (other.isPresent()) throw alreadyUploaded(SourceId.nodeOf(other.get()));
    }
    checked = true;
  }

  private UserError alreadyUploaded(String otherNode) {
    return new UserError(
        ExitCode.CONFIG,
        sink.location()
            + " already holds the rows of "
            + node.sqlite().getFileName()
            + " table "
            + table.name()
            + " from node id '"
            + otherNode
            + "', and node id '"
            + node.nodeId()
            + "' ("
            + node.origin(ConfigKey.NODE_ID)
            + ") is new to it: continue as that node with --node-id "
            + otherNode
            + " (NODE_ID), or upload them again on purpose with --new-source");
  }

  /**
   * Opens the database again when another file took its name, and reads the table's columns again
   * when the schema changed; the chosen table and timestamp column stay. The cursor is then found
   * afresh from the table (and the cache): a restored older backup holds fewer rows than were
   * uploaded, and the rowid-reuse walk takes those up to where its rows end as uploaded.
   */
  private void renewSource() {
    boolean replaced = source.replaced();
    if (!replaced && source.schemaVersion() == schemaVersion) return;
    if (replaced) {
      SqliteSource reopened =
          SqliteSource.open(node.sqlite(), node.busyTimeout(), node.origin(ConfigKey.SQLITE));
      source.close();
      source = reopened;
    }
    SourceTable now =
        TableDetector.describe(
            source,
            Optional.of(table.name()),
            table.timestamp().present() ? Optional.of(table.timestamp().name()) : Optional.empty());
    TableSchema.checkSource(now);
    log.warn(
        "event={} table={} file={} columns_changed={} max_rowid={} cursor_rowid={}",
        replaced ? "database_replaced" : "source_schema_changed",
        table.name(),
        node.sqlite(),
        !now.columns().equals(table.columns()),
        source.maxRowid(now),
        progress.current() == null ? 0 : progress.current().rowid());
    table = now;
    progress = new SourceProgress(source, table, cache, landing());
    schemaVersion = source.schemaVersion();
    checked = false;
  }

  /**
   * Read-only facts for status and --dry-run.
   *
   * @param table the Delta table, if it exists
   * @param cursor where the next upload continues
   * @param oldestPending the time of the oldest row not yet uploaded, if it has one
   */
  public record Progress(
      Optional<TableVersion> table,
      Cursor cursor,
      long pendingRows,
      Optional<Instant> oldestPending,
      long deltaRows) {}

  public Progress progress() {
    renewSource();
    Optional<TableVersion> t = sink.latest();
    Cursor start = progress.peekStart(t.flatMap(v -> v.cursor(appId)));
    SqliteSource.Pending pending = source.pending(table, start.rowid());
    return new Progress(
        t, start, pending.rows(), pending.oldest(), t.map(sink::rowCount).orElse(0L));
  }

  @Override
  public void close() {
    reader.shutdownNow();
    source.close();
  }
}
