package io.edgeuploader.sink;

import io.delta.kernel.Operation;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.Transaction;
import io.delta.kernel.TransactionCommitResult;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.ConcurrentTransactionException;
import io.delta.kernel.exceptions.ConcurrentWriteException;
import io.delta.kernel.exceptions.TableAlreadyExistsException;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.transaction.DataLayoutSpec;
import io.delta.kernel.transaction.UpdateTableTransactionBuilder;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterable;
import io.delta.kernel.utils.CloseableIterator;
import io.edgeuploader.CommitGate;
import io.edgeuploader.CrashPoint;
import io.edgeuploader.config.TableConfig;
import io.edgeuploader.cursor.Cursor;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Delta table rows are appended to, and the only user of Kernel's table API. Each append is one
 * Delta commit holding the new Parquet files, a {@code txn} action (the source's app id and commit
 * sequence number) and the source's {@link Cursor} as domain metadata; so data and progress land
 * together or not at all, and a sequence number is never committed twice.
 */
public final class DeltaSink implements Sink {
  private static final Logger log = LoggerFactory.getLogger(DeltaSink.class);
  static final String ENGINE_INFO = "edge-uploader";
  private static final String DOMAIN_METADATA_FEATURE = "delta.feature.domainMetadata";
  private static final Pattern NUM_RECORDS = Pattern.compile("\"numRecords\"\\s*:\\s*(\\d+)");

  private final String name;
  private final String tablePath;
  private final Storage.Kind store;
  private final Engine engine;
  private final String credentialSource;
  private final Configuration conf;
  private final DataFileWriter dataFiles;
  private final Checkpoints checkpoints;
  private final CommitAttempts attempts;
  private final SchemaCommits schemaCommits;
  private final SharedTable sharing;

  /**
   * Whether the store has answered since the sink was made or since the last outage. Until it has,
   * the next call asks it once, cheaply, before Kernel's table load, whose own retries (three reads
   * of _last_checkpoint) would make a first pass or every retry during an outage take seconds.
   */
  private boolean answered;

  /**
   * @param name what {@code table=} says in this sink's log lines: the source table it receives
   * @param config the table's location, storage options, file size and checkpoint policy
   * @param env where credentials and endpoints come from (the process environment in use)
   */
  public DeltaSink(String name, TableConfig config, Map<String, String> env) {
    this.name = name;
    this.tablePath = Storage.normalize(config.tablePath());
    this.store = Storage.kind(this.tablePath);
    this.conf = Storage.configurationFor(this.tablePath, env, config.storageOptions());
    this.engine = DefaultEngine.create(conf);
    this.dataFiles = new DataFileWriter(conf, config.targetFileBytes());
    this.credentialSource = Storage.credentialSource(this.tablePath, env);
    this.checkpoints = new Checkpoints(engine, name, this.tablePath, conf, config.checkpoint());
    this.attempts = new CommitAttempts(name);
    this.schemaCommits = new SchemaCommits(name, engine, this::load);
    this.sharing = new SharedTable(engine);
  }

  public String tablePath() {
    return tablePath;
  }

  @Override
  public String location() {
    return tablePath;
  }

  /** The table as it is now, or empty if there is no Delta table at the path yet. */
  @Override
  public Optional<TableVersion> latest() {
    try {
      if (!answered) probe();
      return Optional.of(new DeltaVersion(load(), engine));
    } catch (TableNotFoundException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      throw failure("reading the Delta log", e);
    }
  }

  private void probe() throws IOException {
    Path root = new Path(tablePath);
    try {
      root.getFileSystem(conf).getFileStatus(root);
    } catch (FileNotFoundException e) {
      // reachable, and no table yet
    }
    answered = true;
  }

  private Snapshot load() {
    return NoClustering.known(TableManager.loadSnapshot(tablePath).build(engine));
  }

  /**
   * Creates the table (version 0, no data) unless someone else just did; returns it. With column
   * mapping, columns can be added later (schema_evolution: add_columns).
   */
  @Override
  public TableVersion create(
      StructType schema, List<String> partitionColumns, boolean columnMapping) {
    Map<String, String> properties = new java.util.HashMap<>();
    properties.put(DOMAIN_METADATA_FEATURE, "supported");
    if (columnMapping) {
      properties.put(ColumnMapping.MODE, "name");
      schema = ColumnMapping.forNewTable(schema);
    }
    try {
      TableManager.buildCreateTableTransaction(tablePath, schema, ENGINE_INFO)
          .withTableProperties(properties)
          .withDataLayoutSpec(
              partitionColumns.isEmpty()
                  ? DataLayoutSpec.noDataLayout()
                  : DataLayoutSpec.partitioned(
                      partitionColumns.stream().map(c -> new Column(c)).toList()))
          .build(engine)
          .commit(engine, CloseableIterable.emptyIterable());
      log.info(
          "event=table_created table={} table_path={} columns={} column_mapping={}",
          name,
          tablePath,
          schema.length(),
          columnMapping);
    } catch (TableAlreadyExistsException | ConcurrentWriteException e) {
      // Another node created it first: fine, append to theirs (its schema is checked next).
      log.info(
          "event=table_exists table={} table_path={} created_by=another_writer", name, tablePath);
    } catch (RuntimeException e) {
      throw failure("creating the Delta table", e);
    }
    return latest().orElseThrow(() -> new SinkException("table vanished after creation", null));
  }

  /**
   * Writes {@code data} as Parquet files and commits them on top of {@code base}, with the cursor
   * that {@code cursorAfterData} gives once all data has been read. When other writers take the
   * version first, the commit is made again on the newer table after a random wait ({@link
   * CommitAttempts}; different sources never conflict otherwise); if this source's sequence number
   * is in the table by then, another process uploads this source too and {@link
   * SourceCommittedElsewhereException} is thrown.
   */
  @Override
  public Committed append(
      TableVersion table,
      String appId,
      long seq,
      Supplier<Cursor> cursorAfterData,
      Iterator<ColumnarBatch> data) {
    DeltaVersion base = (DeltaVersion) table;
    try {
      Transaction first = transaction(base.snapshot(), appId, seq);
      PartitionedDataFiles.Written written;
      try (PartitionedDataFiles files =
          new PartitionedDataFiles(
              engine,
              first.getTransactionState(engine),
              dataFiles,
              first.getSchema(engine),
              first.getPartitionColumns(engine),
              ColumnMapping.enabled(base.snapshot().getTableProperties()))) {
        while (data.hasNext()) files.add(data.next());
        written = files.finish();
      }
      String cursor = cursorAfterData.get().toJson();
      CrashPoint.AFTER_PARQUET.reached();
      CommitGate.await();
      CommitAttempts.Landed landed =
          attempts.land(
              base.snapshot(),
              on -> {
                Transaction txn = on == base.snapshot() ? first : rebuilt(base, on, appId, seq);
                txn.addDomainMetadata(DeltaVersion.cursorDomain(appId), cursor);
                List<Row> actions = written.actions(engine, txn.getTransactionState(engine));
                return txn.commit(
                    engine, CloseableIterable.inMemoryIterable(closeable(actions.iterator())));
              },
              this::load);
      TransactionCommitResult result = landed.result();
      boolean shared = sharing.afterCommit(base, landed.base(), appId, result.getVersion());
      boolean checkpointed = checkpoints.afterCommit(result, shared);
      // A checkpoint just written is where the next commit's table should start from: the
      // post-commit table still replays every commit since the checkpoint it was loaded from.
      Snapshot after =
          checkpointed
              ? load()
              : result.getPostCommitSnapshot().map(NoClustering::known).orElseGet(this::load);
      return new Committed(
          new DeltaVersion(after, engine), result.getVersion(), written.bytes(), landed.attempts());
    } catch (ConcurrentTransactionException e) {
      throw new SourceCommittedElsewhereException(
          "another process committed for source "
              + appId
              + " at "
              + tablePath
              + "; is the same database uploaded twice with the same node id?",
          e);
    } catch (IOException | RuntimeException e) {
      throw failure("writing to the Delta table", e);
    }
  }

  private Transaction transaction(Snapshot base, String appId, long seq) {
    UpdateTableTransactionBuilder builder =
        base.buildUpdateTableTransaction(ENGINE_INFO, Operation.WRITE)
            .withTransactionId(appId, seq)
            .withMaxRetries(0);
    if (!supportsDomainMetadata(base)) {
      builder = builder.withTablePropertiesAdded(Map.of(DOMAIN_METADATA_FEATURE, "supported"));
    }
    return builder.build(engine);
  }

  /**
   * The commit again, on a newer version of the table. The data files were written for the schema
   * of the first; if another writer changed it meanwhile, they are written again.
   */
  private Transaction rebuilt(DeltaVersion first, Snapshot now, String appId, long seq) {
    if (!SchemaCommits.onlyAdded(first.schema(), now.getSchema())
        || !now.getPartitionColumnNames().equals(first.partitionColumns())
        || ColumnMapping.enabled(now.getTableProperties())
            != ColumnMapping.enabled(first.snapshot().getTableProperties())) {
      throw new SinkException(
          "the schema of " + tablePath + " changed while a commit was written; writing it again",
          null);
    }
    return transaction(now, appId, seq);
  }

  @Override
  public boolean canAddColumns(TableVersion table) {
    return ColumnMapping.enabled(((DeltaVersion) table).snapshot().getTableProperties());
  }

  /**
   * Adds nullable columns, in a commit of their own (before the rows that use them); see {@link
   * SchemaCommits#addColumns}.
   */
  @Override
  public TableVersion addColumns(TableVersion table, List<StructField> columns) {
    try {
      return new DeltaVersion(
          schemaCommits.addColumns(((DeltaVersion) table).snapshot(), columns), engine);
    } catch (RuntimeException e) {
      throw failure("adding columns to the Delta table", e);
    }
  }

  /**
   * Turns column mapping on for a table created without it ({@code upgrade-table}); see {@link
   * SchemaCommits#upgrade}. Empty if there is no table.
   *
   * @return whether the table needed it
   */
  public Optional<Boolean> upgrade() {
    try {
      Optional<TableVersion> latest = latest();
      if (latest.isEmpty()) return Optional.empty();
      return Optional.of(schemaCommits.upgrade(((DeltaVersion) latest.get()).snapshot()));
    } catch (RuntimeException e) {
      throw failure("upgrading the Delta table", e);
    }
  }

  private static boolean supportsDomainMetadata(Snapshot snapshot) {
    var writerFeatures = snapshot.getProtocol().getWriterFeatures();
    return writerFeatures != null && writerFeatures.contains("domainMetadata");
  }

  /**
   * A maintainer's round ({@code maintain}): a checkpoint at the latest version, and expired log
   * files removed. Empty if there is no table.
   */
  public Optional<Checkpoints.Maintenance> maintain() {
    try {
      Optional<TableVersion> latest = latest();
      if (latest.isEmpty()) return Optional.empty();
      return Optional.of(checkpoints.maintain(((DeltaVersion) latest.get()).snapshot()));
    } catch (IOException | RuntimeException e) {
      throw failure("maintaining the Delta table", e);
    }
  }

  /** Rows in the table, from the numRecords statistics of its files; -1 if a file has none. */
  @Override
  public long rowCount(TableVersion table) {
    long rows = 0;
    try (CloseableIterator<FilteredColumnarBatch> files =
        ((DeltaVersion) table).snapshot().getScanBuilder().build().getScanFiles(engine, true)) {
      while (files.hasNext()) {
        FilteredColumnarBatch batch = files.next();
        int add = batch.getData().getSchema().indexOf("add");
        try (CloseableIterator<Row> rowsIt = batch.getRows()) {
          while (rowsIt.hasNext()) {
            Row addRow = rowsIt.next().getStruct(add);
            int stats = addRow.getSchema().indexOf("stats");
            String json = stats < 0 || addRow.isNullAt(stats) ? null : addRow.getString(stats);
            Matcher m = json == null ? null : NUM_RECORDS.matcher(json);
            if (m == null || !m.find()) return -1;
            rows += Long.parseLong(m.group(1));
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      throw failure("reading the Delta log", e);
    }
    return rows;
  }

  static <T> CloseableIterator<T> closeable(Iterator<T> it) {
    return new CloseableIterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public T next() {
        return it.next();
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public StoreStatistics statistics() {
    return StoreStatistics.of(tablePath, conf);
  }

  /**
   * The failure as the uploader's exception (see {@link StoreFailure}). A damaged checkpoint is
   * removed here, where every failure to read the log passes, so that the retry can load the table.
   */
  private RuntimeException failure(String doing, Exception e) {
    StoreFailure.Kind kind = StoreFailure.judge(e, store).kind();
    if (kind == StoreFailure.Kind.OUTAGE) answered = false;
    if (kind == StoreFailure.Kind.DAMAGED_CHECKPOINT) {
      try {
        if (checkpoints.removeDamaged() > 0) {
          return new SinkException(
              doing + " at " + tablePath + " met a damaged checkpoint, now removed; retrying", e);
        }
      } catch (IOException | RuntimeException again) {
        e.addSuppressed(again);
      }
    }
    return StoreFailure.toException(doing, tablePath, store, credentialSource, e);
  }
}
