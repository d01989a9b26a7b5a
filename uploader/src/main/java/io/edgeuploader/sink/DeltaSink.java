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
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterable;
import io.delta.kernel.utils.CloseableIterator;
import io.edgeuploader.CrashPoint;
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
public final class DeltaSink {
  private static final Logger log = LoggerFactory.getLogger(DeltaSink.class);
  private static final String ENGINE_INFO = "edge-uploader";
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

  /**
   * The last call failed because the store was unreachable: the next one asks the store once,
   * cheaply, before Kernel's table load, whose own retries (three reads of _last_checkpoint a
   * second apart) would make every retry during an outage take seconds.
   */
  private boolean unreachable;

  /**
   * @param name what {@code table=} says in this sink's log lines: the source table it receives
   * @param env where credentials and endpoints come from (the process environment in use)
   * @param storageOptions extra Hadoop settings from the config file
   * @param targetFileBytes a data file is closed at the first row group past this size
   */
  public DeltaSink(
      String name,
      String tablePath,
      Map<String, String> env,
      Map<String, String> storageOptions,
      long targetFileBytes) {
    this.name = name;
    this.tablePath = Storage.normalize(tablePath);
    this.store = Storage.kind(this.tablePath);
    this.conf = Storage.configurationFor(this.tablePath, env, storageOptions);
    this.engine = DefaultEngine.create(conf);
    this.dataFiles = new DataFileWriter(conf, targetFileBytes);
    this.credentialSource = Storage.credentialSource(this.tablePath, env);
    this.checkpoints = new Checkpoints(engine, name, this.tablePath, conf);
  }

  public String tablePath() {
    return tablePath;
  }

  /** The table as it is now, or empty if there is no Delta table at the path yet. */
  public Optional<TableVersion> latest() {
    try {
      if (unreachable) probe();
      return Optional.of(new TableVersion(load()));
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
    unreachable = false;
  }

  private Snapshot load() {
    return TableManager.loadSnapshot(tablePath).build(engine);
  }

  /** Creates the table (version 0, no data) unless someone else just did; returns it. */
  public TableVersion create(StructType schema, List<String> partitionColumns) {
    try {
      TableManager.buildCreateTableTransaction(tablePath, schema, ENGINE_INFO)
          .withTableProperties(Map.of(DOMAIN_METADATA_FEATURE, "supported"))
          .withDataLayoutSpec(
              partitionColumns.isEmpty()
                  ? DataLayoutSpec.noDataLayout()
                  : DataLayoutSpec.partitioned(
                      partitionColumns.stream().map(c -> new Column(c)).toList()))
          .build(engine)
          .commit(engine, CloseableIterable.emptyIterable());
      log.info(
          "event=table_created table={} table_path={} columns={}",
          name,
          tablePath,
          schema.length());
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
   * A commit that landed.
   *
   * @param table the table as this commit left it, to build the next commit on
   * @param version the version this commit became
   * @param bytes the bytes of the data files it added
   */
  public record Committed(TableVersion table, long version, long bytes) {}

  /**
   * Writes {@code data} as Parquet files and commits them on top of {@code base}, with the cursor
   * that {@code cursorAfterData} gives once all data has been read. Kernel retries on its own when
   * other writers commit first (different sources never conflict); if this source's sequence number
   * is already in the table, another process uploads this source too and {@link
   * SourceCommittedElsewhereException} is thrown.
   */
  public Committed append(
      TableVersion base,
      String appId,
      long seq,
      Supplier<Cursor> cursorAfterData,
      Iterator<ColumnarBatch> data) {
    try {
      UpdateTableTransactionBuilder builder =
          base.snapshot()
              .buildUpdateTableTransaction(ENGINE_INFO, Operation.WRITE)
              .withTransactionId(appId, seq);
      if (!supportsDomainMetadata(base.snapshot())) {
        builder = builder.withTablePropertiesAdded(Map.of(DOMAIN_METADATA_FEATURE, "supported"));
      }
      Transaction txn = builder.build(engine);
      Row state = txn.getTransactionState(engine);
      PartitionedDataFiles.Actions actions;
      try (PartitionedDataFiles files =
          new PartitionedDataFiles(
              engine, state, dataFiles, txn.getSchema(engine), txn.getPartitionColumns(engine))) {
        while (data.hasNext()) files.add(data.next());
        actions = files.finish();
      }
      txn.addDomainMetadata(TableVersion.cursorDomain(appId), cursorAfterData.get().toJson());
      CrashPoint.AFTER_PARQUET.reached();
      TransactionCommitResult result =
          txn.commit(
              engine, CloseableIterable.inMemoryIterable(closeable(actions.rows().iterator())));
      // Other writers committed between our base and our version: Kernel rebased the commit.
      boolean raced = result.getVersion() != base.version() + 1;
      checkpoints.afterCommit(result, raced);
      Optional<Snapshot> postCommit = raced ? Optional.empty() : result.getPostCommitSnapshot();
      Snapshot after = postCommit.orElseGet(this::load);
      if (!raced) checkpoints.payOwed(after);
      return new Committed(new TableVersion(after), result.getVersion(), actions.bytes());
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

  private static boolean supportsDomainMetadata(Snapshot snapshot) {
    var writerFeatures = snapshot.getProtocol().getWriterFeatures();
    return writerFeatures != null && writerFeatures.contains("domainMetadata");
  }

  /** Rows in the table, from the numRecords statistics of its files; -1 if a file has none. */
  public long rowCount(TableVersion table) {
    long rows = 0;
    try (CloseableIterator<FilteredColumnarBatch> files =
        table.snapshot().getScanBuilder().build().getScanFiles(engine, true)) {
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

  /**
   * The failure as the uploader's exception (see {@link StoreFailure}). A damaged checkpoint is
   * removed here, where every failure to read the log passes, so that the retry can load the table.
   */
  private RuntimeException failure(String doing, Exception e) {
    StoreFailure.Kind kind = StoreFailure.judge(e, store).kind();
    unreachable = kind == StoreFailure.Kind.OUTAGE;
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
