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
import io.delta.kernel.exceptions.CommitStateUnknownException;
import io.delta.kernel.exceptions.ConcurrentTransactionException;
import io.delta.kernel.exceptions.ConcurrentWriteException;
import io.delta.kernel.exceptions.KernelException;
import io.delta.kernel.exceptions.TableAlreadyExistsException;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.hook.PostCommitHook;
import io.delta.kernel.transaction.DataLayoutSpec;
import io.delta.kernel.transaction.UpdateTableTransactionBuilder;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterable;
import io.delta.kernel.utils.CloseableIterator;
import io.edgeuploader.CrashPoint;
import io.edgeuploader.ExitCode;
import io.edgeuploader.UserError;
import io.edgeuploader.cursor.Cursor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Delta table rows are appended to. Each append is one Delta commit holding the new Parquet
 * files, a {@code txn} action (the source's app id and commit sequence number) and the source's
 * {@link Cursor} as domain metadata; so data and progress land together or not at all, and a
 * sequence number is never committed twice.
 */
public final class DeltaSink {
  private static final Logger log = LoggerFactory.getLogger(DeltaSink.class);
  private static final String ENGINE_INFO = "edge-uploader";
  private static final String DOMAIN_PREFIX = "edge-uploader.cursor.";
  private static final String DOMAIN_METADATA_FEATURE = "delta.feature.domainMetadata";
  private static final Pattern NUM_RECORDS = Pattern.compile("\"numRecords\"\\s*:\\s*(\\d+)");

  private final String tablePath;
  private final Engine engine;
  private final Configuration conf;
  private final String credentialSource;
  private final DataFileWriter dataFiles;

  /** A checkpoint was skipped after a race; the next commit without one writes it. */
  private boolean checkpointOwed;

  /**
   * @param env where credentials and endpoints come from (the process environment in use)
   * @param storageOptions extra Hadoop settings from the config file
   * @param targetFileBytes a data file is closed at the first row group past this size
   */
  public DeltaSink(
      String tablePath,
      Map<String, String> env,
      Map<String, String> storageOptions,
      long targetFileBytes) {
    this.tablePath = Storage.normalize(tablePath);
    this.conf = Storage.configurationFor(this.tablePath, env, storageOptions);
    this.engine = DefaultEngine.create(conf);
    this.dataFiles = new DataFileWriter(conf, targetFileBytes);
    this.credentialSource = Storage.credentialSource(this.tablePath, env);
  }

  public String tablePath() {
    return tablePath;
  }

  /** The table as it is now, or empty if there is no Delta table at the path yet. */
  public Optional<Snapshot> latest() {
    try {
      return Optional.of(TableManager.loadSnapshot(tablePath).build(engine));
    } catch (TableNotFoundException e) {
      return Optional.empty();
    } catch (RuntimeException e) {
      throw classify("reading the Delta log", e);
    }
  }

  /** Creates the table (version 0, no data) unless someone else just did; returns it. */
  public Snapshot create(StructType schema, List<String> partitionColumns) {
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
      log.info("event=table_created table_path={} columns={}", tablePath, schema.length());
    } catch (TableAlreadyExistsException | ConcurrentWriteException e) {
      // Another node created it first: fine, append to theirs (its schema is checked next).
      log.info("event=table_exists table_path={} (created concurrently)", tablePath);
    } catch (RuntimeException e) {
      throw classify("creating the Delta table", e);
    }
    return latest().orElseThrow(() -> new SinkException("table vanished after creation", null));
  }

  public static String domain(String appId) {
    return DOMAIN_PREFIX + appId;
  }

  /** The cursor this source last committed, from the domain metadata of {@code snapshot}. */
  public Optional<Cursor> cursor(Snapshot snapshot, String appId) {
    return snapshot.getDomainMetadata(domain(appId)).map(Cursor::fromJson);
  }

  /** A commit that landed: the table as it left it, and the bytes of data files it added. */
  public record Committed(Snapshot snapshot, long bytes) {}

  /**
   * Writes {@code data} as Parquet files and commits them on top of {@code base}, with the cursor
   * that {@code cursorAfterData} gives once all data has been read. Kernel retries on its own when
   * other writers commit first (different sources never conflict); if this source's sequence number
   * is already in the table, another process uploads this source too and {@link
   * ConcurrentTransactionException} is thrown.
   *
   * @return the table as this commit left it (reused for the next commit instead of reloading the
   *     log; reloaded only when Kernel had to resolve a conflict), and the bytes written
   */
  public Committed append(
      Snapshot base,
      String appId,
      long seq,
      Supplier<Cursor> cursorAfterData,
      Iterator<ColumnarBatch> data) {
    try {
      UpdateTableTransactionBuilder builder =
          base.buildUpdateTableTransaction(ENGINE_INFO, Operation.WRITE)
              .withTransactionId(appId, seq);
      if (!supportsDomainMetadata(base)) {
        builder = builder.withTablePropertiesAdded(Map.of(DOMAIN_METADATA_FEATURE, "supported"));
      }
      Transaction txn = builder.build(engine);
      Row state = txn.getTransactionState(engine);
      CommitFiles.Actions actions;
      try (CommitFiles files =
          new CommitFiles(
              engine, state, dataFiles, txn.getSchema(engine), txn.getPartitionColumns(engine))) {
        while (data.hasNext()) files.add(data.next());
        actions = files.finish();
      }
      txn.addDomainMetadata(domain(appId), cursorAfterData.get().toJson());
      CrashPoint.AFTER_PARQUET.reached();
      TransactionCommitResult result =
          txn.commit(
              engine, CloseableIterable.inMemoryIterable(closeable(actions.rows().iterator())));
      // Other writers committed between our base and our version: Kernel rebased the commit.
      boolean raced = result.getVersion() != base.getVersion() + 1;
      runHooks(result, raced);
      Optional<Snapshot> postCommit = raced ? Optional.empty() : result.getPostCommitSnapshot();
      Snapshot after =
          postCommit.orElseGet(
              () ->
                  latest()
                      .orElseThrow(() -> new SinkException("table vanished after a commit", null)));
      if (!raced && checkpointOwed) writeOwedCheckpoint(after);
      return new Committed(after, actions.bytes());
    } catch (ConcurrentTransactionException e) {
      throw e;
    } catch (IOException e) {
      throw classify("writing to the Delta table", e);
    } catch (RuntimeException e) {
      throw classify("writing to the Delta table", e);
    }
  }

  private static boolean supportsDomainMetadata(Snapshot snapshot) {
    var writerFeatures = snapshot.getProtocol().getWriterFeatures();
    return writerFeatures != null && writerFeatures.contains("domainMetadata");
  }

  /** Checkpoints and checksums keep reads fast; a failure there loses nothing, so it only warns. */
  private void runHooks(TransactionCommitResult result, boolean raced) {
    for (PostCommitHook hook : result.getPostCommitHooks()) {
      if (raced && hook.getType() == PostCommitHook.PostCommitHookType.CHECKPOINT) {
        // Measured: with four writers racing on one table, a checkpoint written after a rebased
        // commit sometimes held only the last ten commits' files (BackendIT lost 3,000 of 4,800
        // rows to readers). Skipping it costs readers a longer log replay, never data.
        log.info(
            "event=checkpoint_skipped version={} reason=\"other writers committed meanwhile\"",
            result.getVersion());
        checkpointOwed = true;
        continue;
      }
      if (hook.getType() == PostCommitHook.PostCommitHookType.CHECKPOINT) checkpointOwed = false;
      try {
        hook.threadSafeInvoke(engine);
      } catch (IOException | RuntimeException e) {
        log.warn(
            "event=post_commit_hook_failed hook={} version={} error=\"{}\"",
            hook.getType(),
            result.getVersion(),
            e.getMessage());
      }
    }
  }

  /** The table as our own race-free commit left it: exact, so its checkpoint is too. */
  private void writeOwedCheckpoint(Snapshot snapshot) {
    try {
      snapshot.writeCheckpoint(engine);
      log.info("event=checkpoint_written version={}", snapshot.getVersion());
    } catch (IOException | RuntimeException e) {
      log.warn(
          "event=checkpoint_failed version={} error=\"{}\"", snapshot.getVersion(), e.getMessage());
    }
    checkpointOwed = false;
  }

  /** Rows in the table, from the numRecords statistics of its files. */
  public long rowCount(Snapshot snapshot) {
    long rows = 0;
    try (CloseableIterator<FilteredColumnarBatch> files =
        snapshot.getScanBuilder().build().getScanFiles(engine, true)) {
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
    } catch (IOException e) {
      throw classify("reading the Delta log", e);
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
   * A location a person must fix (refused credentials, no permission, a file where a directory
   * should be) stops the uploader; a race with other writers, an unknown commit outcome or an
   * unreachable store is retried, and the table's cursor makes the retry exact. A checkpoint
   * without a footer (left by a killed writer) is removed here, where every failure to read the log
   * passes, so that the retry can load the table.
   */
  private RuntimeException classify(String doing, Exception e) {
    if (e instanceof UserError u) return u;
    if (DamagedCheckpoints.isUnreadableParquet(e)) {
      try {
        if (DamagedCheckpoints.remove(tablePath, conf) > 0) {
          return new SinkException(
              doing + " at " + tablePath + " met a damaged checkpoint, now removed; retrying", e);
        }
      } catch (IOException | RuntimeException again) {
        e.addSuppressed(again);
      }
    }
    if (e instanceof ConcurrentWriteException || e instanceof CommitStateUnknownException) {
      return new SinkException(
          doing
              + " at "
              + tablePath
              + " must be retried: "
              + firstLine(String.valueOf(e.getMessage())),
          e);
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if (t instanceof java.nio.file.AccessDeniedException || isRefusal(m)) {
        return new UserError(
            ExitCode.SINK,
            doing
                + " at "
                + tablePath
                + " was refused: "
                + firstLine(m)
                + "; check the credentials ("
                + credentialSource
                + ") and --table-path /"
                + " TABLE_PATH",
            e);
      }
      if (m.contains("Read-only file system")
          || m.contains("Not a directory")
          || m.contains("Mkdirs failed")
          || m.contains("exists as a file")) {
        return new UserError(
            ExitCode.SINK,
            doing
                + " at "
                + tablePath
                + " failed: "
                + firstLine(m)
                + "; check --table-path / TABLE_PATH",
            e);
      }
    }
    if (e instanceof KernelException) {
      return new UserError(
          ExitCode.SINK, doing + " at " + tablePath + " failed: " + firstLine(e.getMessage()), e);
    }
    if (e instanceof UncheckedIOException u) e = u.getCause();
    return new SinkException(doing + " at " + tablePath + " failed: " + e.getMessage(), e);
  }

  /** Permission errors of local disks, and 401/403 answers of S3 and Azure. */
  private static boolean isRefusal(String m) {
    return m.contains("Permission denied")
        || m.contains("Status Code: 403")
        || m.contains("Status Code: 401")
        || m.contains("SignatureDoesNotMatch")
        || m.contains("signature we calculated does not match")
        || m.contains("InvalidAccessKeyId")
        || m.contains("NoAuthWithAWSException")
        || m.contains("AuthenticationFailed")
        || m.contains("AuthorizationFailure")
        || m.contains("Server failed to authenticate");
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
