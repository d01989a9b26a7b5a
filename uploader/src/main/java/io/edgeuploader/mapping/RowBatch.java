package io.edgeuploader.mapping;

import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Converted rows in the Delta table's schema, ready for Kernel's Parquet writer. */
public final class RowBatch implements ColumnarBatch {
  private final StructType schema;
  private final ColumnVector[] columns;
  private final int size;

  RowBatch(StructType schema, ColumnVector[] columns, int size) {
    this.schema = schema;
    this.columns = columns;
    this.size = size;
  }

  @Override
  public StructType getSchema() {
    return schema;
  }

  @Override
  public ColumnVector getColumnVector(int ordinal) {
    return columns[ordinal];
  }

  @Override
  public int getSize() {
    return size;
  }

  /** Kernel drops partition columns from the data it writes through this. */
  @Override
  public ColumnarBatch withDeletedColumnAt(int ordinal) {
    List<StructField> fields = new ArrayList<>(schema.fields());
    fields.remove(ordinal);
    List<ColumnVector> vectors = new ArrayList<>(Arrays.asList(columns));
    vectors.remove(ordinal);
    return new RowBatch(new StructType(fields), vectors.toArray(new ColumnVector[0]), size);
  }
}
