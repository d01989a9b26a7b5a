package io.edgeuploader.sink;

import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.types.FieldMetadata;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Column mapping ({@code delta.columnMapping.mode = name}), which Kernel 4.4 needs to change a
 * table's schema but will not write data for ("Writing into column mapping enabled table is not
 * supported yet"); the uploader writes its own Parquet, so it does that part: data files use each
 * column's physical name, and carry its id as the Parquet field id (Delta PROTOCOL.md, "Column
 * Mapping"). Columns of a table the uploader creates keep their names as physical names, so the
 * files (and partition directories) read as before; columns added later get {@code col-<uuid>}, a
 * name no earlier version of the table can have used.
 */
final class ColumnMapping {
  static final String MODE = "delta.columnMapping.mode";
  static final String ID = "delta.columnMapping.id";
  static final String PHYSICAL_NAME = "delta.columnMapping.physicalName";
  static final String MAX_ID = "delta.columnMapping.maxColumnId";

  private ColumnMapping() {}

  static boolean enabled(Map<String, String> tableProperties) {
    return !tableProperties.getOrDefault(MODE, "none").equals("none");
  }

  /** A new table's schema with ids 1.. and physical names equal to the names. */
  static StructType forNewTable(StructType schema) {
    List<StructField> fields = new ArrayList<>();
    for (int i = 0; i < schema.length(); i++) {
      StructField f = schema.at(i);
      fields.add(withMapping(f, i + 1, f.getName()));
    }
    return new StructType(fields);
  }

  /** {@code columns} added to {@code existing}, with ids after {@code maxId} and fresh names. */
  static StructType withAdded(StructType existing, List<StructField> columns, long maxId) {
    StructType schema = existing;
    long id = maxId;
    for (StructField c : columns) {
      schema = schema.add(withMapping(c, ++id, "col-" + UUID.randomUUID()));
    }
    return schema;
  }

  private static StructField withMapping(StructField f, long id, String physicalName) {
    FieldMetadata metadata =
        FieldMetadata.builder()
            .fromMetadata(f.getMetadata())
            .putLong(ID, id)
            .putString(PHYSICAL_NAME, physicalName)
            .build();
    return new StructField(f.getName(), f.getDataType(), f.isNullable(), metadata);
  }

  /**
   * The logical batch as it is written into a data file: partition columns left out (they live in
   * the path), every column under its physical name with its id.
   */
  static final class PhysicalBatch implements ColumnarBatch {
    private final ColumnarBatch logical;
    private final StructType schema;
    private final int[] columns;

    PhysicalBatch(ColumnarBatch logical, StructType schema, int[] columns) {
      this.logical = logical;
      this.schema = schema;
      this.columns = columns;
    }

    @Override
    public StructType getSchema() {
      return schema;
    }

    @Override
    public ColumnVector getColumnVector(int ordinal) {
      return logical.getColumnVector(columns[ordinal]);
    }

    @Override
    public int getSize() {
      return logical.getSize();
    }
  }

  /** How a table's logical batches become physical ones. */
  record Layout(StructType physical, int[] columns) {
    static Layout of(StructType logical, List<String> partitionColumns) {
      List<StructField> fields = new ArrayList<>();
      List<Integer> kept = new ArrayList<>();
      for (int i = 0; i < logical.length(); i++) {
        StructField f = logical.at(i);
        if (partitionColumns.stream().anyMatch(p -> p.equalsIgnoreCase(f.getName()))) continue;
        FieldMetadata id = FieldMetadata.builder().putLong(ID, f.getMetadata().getLong(ID)).build();
        fields.add(
            new StructField(
                f.getMetadata().getString(PHYSICAL_NAME), f.getDataType(), f.isNullable(), id));
        kept.add(i);
      }
      return new Layout(
          new StructType(fields), kept.stream().mapToInt(Integer::intValue).toArray());
    }

    ColumnarBatch physical(ColumnarBatch batch) {
      return new PhysicalBatch(batch, physical, columns);
    }
  }
}
