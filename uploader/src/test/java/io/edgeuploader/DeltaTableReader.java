package io.edgeuploader;

import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a Delta table back with Delta Kernel's own reader (a separate engine from the uploader's),
 * as a list of rows keyed by column name. Timestamps come back as micros, dates as epoch days.
 */
public final class DeltaTableReader {
  private final Engine engine;
  private final String path;

  public DeltaTableReader(Path path) {
    this(path.toAbsolutePath().toString(), Map.of());
  }

  /** A table at a URI, reached with the credentials and endpoint in {@code env}. */
  public DeltaTableReader(String tablePath, Map<String, String> env) {
    this.path = io.edgeuploader.sink.Storage.normalize(tablePath);
    this.engine =
        DefaultEngine.create(io.edgeuploader.sink.Storage.configurationFor(path, env, Map.of()));
  }

  public Snapshot snapshot() {
    return TableManager.loadSnapshot(path).build(engine);
  }

  public long version() {
    return snapshot().getVersion();
  }

  public List<Map<String, Object>> rows() {
    Snapshot snapshot = snapshot();
    Scan scan = snapshot.getScanBuilder().build();
    Row scanState = scan.getScanState(engine);
    StructType physical =
        io.delta.kernel.internal.data.ScanStateRow.getPhysicalDataReadSchema(scanState);
    List<Map<String, Object>> out = new ArrayList<>();
    try (CloseableIterator<FilteredColumnarBatch> files = scan.getScanFiles(engine)) {
      while (files.hasNext()) {
        try (CloseableIterator<Row> fileRows = files.next().getRows()) {
          while (fileRows.hasNext()) {
            Row fileRow = fileRows.next();
            FileStatus status = InternalScanFileUtils.getAddFileStatus(fileRow);
            CloseableIterator<ColumnarBatch> data =
                engine
                    .getParquetHandler()
                    .readParquetFiles(single(status), physical, Optional.empty())
                    .map(r -> r.getData());
            try (CloseableIterator<FilteredColumnarBatch> logical =
                Scan.transformPhysicalData(engine, scanState, fileRow, data)) {
              while (logical.hasNext()) collect(logical.next(), out);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static void collect(FilteredColumnarBatch batch, List<Map<String, Object>> out) {
    ColumnarBatch data = batch.getData();
    StructType schema = data.getSchema();
    for (int r = 0; r < data.getSize(); r++) {
      if (batch.getSelectionVector().isPresent()
          && !batch.getSelectionVector().get().getBoolean(r)) {
        continue;
      }
      Map<String, Object> row = new LinkedHashMap<>();
      for (int c = 0; c < schema.length(); c++) {
        row.put(schema.at(c).getName(), value(data.getColumnVector(c), r));
      }
      out.add(row);
    }
  }

  private static Object value(ColumnVector v, int r) {
    if (v.isNullAt(r)) return null;
    DataType t = v.getDataType();
    if (t instanceof LongType || t instanceof TimestampType) return v.getLong(r);
    if (t instanceof DoubleType) return v.getDouble(r);
    if (t instanceof StringType) return v.getString(r);
    if (t instanceof BinaryType) return v.getBinary(r);
    if (t instanceof BooleanType) return v.getBoolean(r);
    if (t instanceof DateType) return v.getInt(r);
    if (t instanceof DecimalType) return v.getDecimal(r);
    throw new IllegalArgumentException("unexpected type " + t);
  }

  private static <T> CloseableIterator<T> single(T t) {
    return new CloseableIterator<>() {
      boolean done;

      @Override
      public boolean hasNext() {
        return !done;
      }

      @Override
      public T next() {
        done = true;
        return t;
      }

      @Override
      public void close() {}
    };
  }
}
