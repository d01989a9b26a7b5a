package io.edgeuploader.sink;

import io.delta.kernel.Operation;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TransactionCommitResult;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.MaxCommitRetryLimitReachedException;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterable;
import io.edgeuploader.CrashPoint;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commits that change a Delta table's schema and not its rows: columns added (schema
 * evolution), and column mapping turned on ({@code upgrade-table}). Each is a commit of its own, so
 * rows never land in a commit that also changes what they mean.
 */
final class SchemaCommits {
  private static final Logger log = LoggerFactory.getLogger(DeltaSink.class);

  private final String name;
  private final Engine engine;
  private final Supplier<Snapshot> load;

  SchemaCommits(String name, Engine engine, Supplier<Snapshot> load) {
    this.name = name;
    this.engine = engine;
    this.load = load;
  }

  /**
   * Whether {@code now} is {@code before} with columns added (another node's schema evolution):
   * files written for {@code before} then still fit, their new columns read as NULL.
   */
  static boolean onlyAdded(StructType before, StructType now) {
    if (now.length() < before.length()) return false;
    for (int i = 0; i < before.length(); i++) {
      if (!before.at(i).equals(now.at(i))) return false;
    }
    return true;
  }

  /**
   * Adds the nullable columns the table lacks. Another node adding the same columns at the same
   * moment is fine: the commit that loses the race reads the table again and finds them there.
   */
  Snapshot addColumns(Snapshot base, List<StructField> columns) {
    for (int attempt = 1; ; attempt++) {
      List<StructField> missing = missing(base.getSchema(), columns);
      if (missing.isEmpty()) return base;
      long maxId =
          Long.parseLong(base.getTableProperties().getOrDefault(ColumnMapping.MAX_ID, "0"));
      StructType schema = ColumnMapping.withAdded(base.getSchema(), missing, maxId);
      try {
        TransactionCommitResult result =
            base.buildUpdateTableTransaction(DeltaSink.ENGINE_INFO, Operation.MANUAL_UPDATE)
                .withUpdatedSchema(schema)
                .withMaxRetries(0)
                .build(engine)
                .commit(engine, CloseableIterable.emptyIterable());
        log.info(
            "event=columns_added table={} version={} columns={}",
            name,
            result.getVersion(),
            String.join(",", missing.stream().map(StructField::getName).toList()));
        CrashPoint.AFTER_COLUMNS_ADDED.reached();
        return result.getPostCommitSnapshot().orElseGet(load);
      } catch (MaxCommitRetryLimitReachedException e) {
        if (attempt >= CommitAttempts.MAX_ATTEMPTS) throw e;
        base = load.get();
      }
    }
  }

  private static List<StructField> missing(StructType schema, List<StructField> columns) {
    return columns.stream()
        .filter(
            c -> schema.fields().stream().noneMatch(f -> f.getName().equalsIgnoreCase(c.getName())))
        .toList();
  }

  /**
   * Turns column mapping on: the columns keep their names as physical names, so the files read as
   * before; the protocol becomes reader 2 / writer 7 with columnMapping.
   *
   * @return whether the table needed it
   */
  boolean upgrade(Snapshot s) {
    if (ColumnMapping.enabled(s.getTableProperties())) return false;
    CrashPoint.BEFORE_UPGRADE_COMMIT.reached();
    TransactionCommitResult result =
        s.buildUpdateTableTransaction(DeltaSink.ENGINE_INFO, Operation.MANUAL_UPDATE)
            .withTablePropertiesAdded(Map.of(ColumnMapping.MODE, "name"))
            .build(engine)
            .commit(engine, CloseableIterable.emptyIterable());
    log.info(
        "event=table_upgraded table={} version={} column_mapping=name", name, result.getVersion());
    return true;
  }
}
