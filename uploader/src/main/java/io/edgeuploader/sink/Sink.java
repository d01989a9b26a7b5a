package io.edgeuploader.sink;

import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.edgeuploader.config.TableConfig;
import io.edgeuploader.cursor.Cursor;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where a source's rows go, each batch with the cursor that covers it, atomically: a Delta table
 * ({@link DeltaSink}, one commit per batch), or a landing zone for a distributed ingester ({@link
 * LandingZone}, one file per batch).
 */
public interface Sink {
  /**
   * The table's sink: its landing zone when landing_path is set, else its Delta table. A zone files
   * the source's batches under the folders {@code sourcePath}, written with {@code schema}.
   */
  static Sink open(
      String table,
      TableConfig config,
      Map<String, String> env,
      String appId,
      List<String> sourcePath,
      Supplier<StructType> schema) {
    return config.landingPath().isPresent()
        ? new LandingZone(table, config, env, appId, sourcePath, schema)
        : new DeltaSink(table, config, env);
  }

  /** The table path or landing path, for messages. */
  String location();

  /** The table as it is now, or empty if nothing is there yet. */
  Optional<TableVersion> latest();

  /**
   * Makes the table (or zone) ready for its first batch; returns it.
   *
   * @param columnMapping whether columns can be added later (a Delta table's column mapping)
   */
  TableVersion create(StructType schema, List<String> partitionColumns, boolean columnMapping);

  /** Whether columns can be added to this table. */
  boolean canAddColumns(TableVersion table);

  /** Adds nullable columns the table lacks; returns the table with them. */
  TableVersion addColumns(TableVersion table, List<StructField> columns);

  /**
   * Writes {@code data} and its cursor, which {@code cursorAfterData} gives once all data has been
   * read, as batch number {@code seq} of source {@code appId}, on top of {@code base}; both land or
   * neither. {@link SourceCommittedElsewhereException} if another process landed that batch.
   */
  Committed append(
      TableVersion base,
      String appId,
      long seq,
      Supplier<Cursor> cursorAfterData,
      Iterator<ColumnarBatch> data);

  /** Rows in the table, or -1 if it cannot tell. */
  long rowCount(TableVersion table);

  /** What the store has cost so far: requests and bytes, where the store counts them. */
  StoreStatistics statistics();
}
